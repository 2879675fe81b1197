"""An absolute lumbar angle, degrees: + flexion (rounding) / − extension (arching) from a neutral spine.

MediaPipe has no spine points, so the angle is read from what the camera shows: the shape of the back outline
between hip and shoulder (``metrics.back_contour``) together with the posture the landmarks give (trunk tilt, hip
fold, knee bend). The mapping is a small linear model per position, fitted on rendered bodies whose rig gives the
true lumbar angle (``tools/fit_lumbar.py``); each model names the hip-fold metric it was fitted on (the seated
figure-4 reads the fold to the supporting knee, as its position does: MediaPipe often misplaces the crossed one).
A position may also have a model that reads the outline against the person's own tall posture
(``formcheck.tall``), used once that reference is known.
It ships as ``models/lumbar_angle.json``, checked against ``models/SHA256SUMS`` like the pose models.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from .errors import ModelError
from .metrics import CONTOUR_S, LOWER_BACK, LUMBAR_WINDOW, UPPER_BACK, anchor_line_deviation, edge_direction_deg
from .model_files import model_file

MODEL_FILE = "lumbar_angle.json"
SCHEMA = "formcheck.lumbar-model/3"
# Up to this share of the 17 outline samples may be missing (filled in along the back); more and there is no reading.
MAX_MISSING = 0.25

_LUMBAR = (CONTOUR_S >= LUMBAR_WINDOW[0]) & (CONTOUR_S <= LUMBAR_WINDOW[1])
_UPPER = CONTOUR_S > LUMBAR_WINDOW[1]

FEATURES = (
    "lumbar_deviation",      # mean bow of the lumbar outline off the anchor line, torso lengths (+ out)
    "lumbar_extreme",        # its largest excursion, with sign
    "upper_deviation",       # mean bow of the upper back
    "bend_deg",              # angle between lower and upper back-edge directions
    "lower_slope_deg",       # direction of the lower back edge against the chord
    "depth_low",             # body depth at the sacrum anchor, torso lengths (thick bodies, loose clothes)
    "depth_high",            # and at the mid-back anchor
    "trunk_tilt",            # posture, in quarter turns
    "hip_fold",              # the fold the model names (``LumbarModel.fold_metric``)
    "knee_flexion",
    "bend_x_fold",           # the outline reads differently when folded forward than upright
    "lumbar_x_fold",
    "lumbar_x_tilt",
)
SHAPE = slice(0, 7)  # the outline's shape, before the posture: what a tall-posture reference is taken of
# The tall-reference model's inputs: the above, and the outline's shape against the person's tall posture.
TALL_FEATURES = FEATURES + tuple(f"{name}_vs_tall" for name in FEATURES[SHAPE])


def filled(offsets: np.ndarray) -> np.ndarray:
    """(N, 17) outline offsets with gaps filled along the back; rows with too many gaps (or a missing anchor)
    become all-NaN."""
    offsets = np.atleast_2d(np.asarray(offsets, float))
    out = np.full_like(offsets, np.nan)
    for row, values in enumerate(offsets):
        ok = np.isfinite(values)
        if ok.mean() < 1 - MAX_MISSING or not (ok[0] and ok[-1]):
            continue
        out[row] = np.interp(CONTOUR_S, CONTOUR_S[ok], values[ok])
    return out


def outline_shape(offsets: np.ndarray) -> np.ndarray:
    """(N, 7) the outline-shape features (``FEATURES[SHAPE]``) of N frames' outline offsets."""
    offsets = filled(offsets)
    deviation = anchor_line_deviation(offsets)  # the same outline shape metrics.back_bulge / back_bend read
    lumbar = deviation[:, _LUMBAR]
    extreme = np.take_along_axis(lumbar, np.nanargmax(np.abs(np.nan_to_num(lumbar)), axis=1)[:, None], 1)[:, 0]
    lower, upper = edge_direction_deg(offsets, LOWER_BACK), edge_direction_deg(offsets, UPPER_BACK)
    return np.column_stack([lumbar.mean(axis=1), extreme, deviation[:, _UPPER].mean(axis=1), lower - upper, lower,
                            offsets[:, 0], offsets[:, -1]])


def features(offsets: np.ndarray, trunk_tilt, hip_fold, knee_flexion, tall: np.ndarray | None = None) -> np.ndarray:
    """(N, len(FEATURES)) model inputs from N frames' outline offsets and posture angles (degrees); with ``tall``
    (the person's tall-posture outline shape), (N, len(TALL_FEATURES))."""
    shape = outline_shape(offsets)
    tilt, fold, knee = (np.asarray(v, float).reshape(-1) / 90.0 for v in (trunk_tilt, hip_fold, knee_flexion))
    lumbar_mean, bend = shape[:, 0], shape[:, 3]
    x = np.column_stack([shape, tilt, fold, knee, bend * fold, lumbar_mean * fold, lumbar_mean * tilt])
    return x if tall is None else against_tall(x, tall)


def against_tall(x: np.ndarray, tall: np.ndarray) -> np.ndarray:
    """``FEATURES`` rows → ``TALL_FEATURES`` rows: the outline's shape also taken against the tall posture's."""
    return np.column_stack([x, x[:, SHAPE] - tall])


@dataclass(frozen=True)
class LumbarModel:
    """Standardised linear model: angle = intercept + Σ coef · (x − mean) / scale."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    valid: dict  # posture range it was fitted on: outside it there is no reading
    fold_metric: str = "hip_fold"  # the metric fed in as the "hip_fold" feature

    def predict(self, x: np.ndarray) -> np.ndarray:
        x = np.atleast_2d(x)
        angle = self.intercept + ((x - self.mean) / self.scale) @ self.coef
        fold = x[:, FEATURES.index("hip_fold")] * 90.0
        inside = (fold >= self.valid["hip_fold"][0]) & (fold <= self.valid["hip_fold"][1])
        return np.where(inside & np.isfinite(angle), angle, np.nan)

    @classmethod
    def from_json(cls, data: dict) -> LumbarModel:
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["coef"]),
                   float(data["intercept"]), data["valid"], data["fold_metric"])


@cache
def load_models() -> dict[str, LumbarModel]:
    """One model per position (the outline reads differently standing, kneeling and seated)."""
    return {stretch: LumbarModel.from_json(model) for stretch, model in _model_data()["models"].items()}


@cache
def load_tall_models() -> dict[str, LumbarModel]:
    """The positions' models that read the outline against the person's tall posture (where one was shipped)."""
    return {stretch: LumbarModel.from_json({**model, **model["with_tall"]})
            for stretch, model in _model_data()["models"].items() if "with_tall" in model}


@cache
def _model_data() -> dict:
    data = json.loads(model_file(MODEL_FILE).read_text())
    if (data.get("schema") != SCHEMA or tuple(data.get("features", ())) != FEATURES
            or tuple(data.get("tall_features", ())) != TALL_FEATURES):
        raise ModelError(f"{MODEL_FILE}: made for another version of formcheck; rebuild it with "
                         "tools/fit_lumbar.py")
    return data


def lumbar_angle(offsets: np.ndarray | None, metrics: dict[str, float], stretch: str,
                 tall: np.ndarray | None = None) -> float:
    """One frame's absolute lumbar angle in degrees, NaN when the outline or posture gives no reading (or the
    position has no model). With ``tall`` (the person's tall-posture outline shape, ``formcheck.tall``), for a
    position that has a tall-reference model: the mean of both models' readings. The tall-reference model alone
    errs least, but on random bodies, each left out of the fit, the mean kept the arch rule's flags off correct
    holds better than either model alone and found more arches than the plain one (docs/decisions.md)."""
    model = load_models().get(stretch)
    if offsets is None or not metrics or model is None:
        return math.nan
    posture = (metrics.get("trunk_tilt", math.nan), metrics.get(model.fold_metric, math.nan),
               metrics.get("knee_flexion", math.nan))
    x = features(offsets, *posture)
    angle = float(model.predict(x)[0])
    tall_model = load_tall_models().get(stretch)
    if tall is None or tall_model is None:
        return angle
    return (angle + float(tall_model.predict(against_tall(x, tall))[0])) / 2
