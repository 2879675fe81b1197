"""What the lying mistakes do to every reading: per clip, each metric's change against the person's settled hold (as
the rule engine takes it) and against the seconds of lying still before the position, over the mistake and over the
correct hold. Reads the cached observations only (fill them first with ``tools/observations.py FOLDER``).

    .venv/bin/python tools/lying_study.py .cache/lying_train sample_videos_lying [--stretch lying-glute]

Besides the metrics of ``formcheck.metrics`` it reads a few quantities derived here from the landmarks and the back
outline the cache holds (``derived``), to see whether one of them carries a mistake across bodies and cameras.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

from formcheck.evaluate import find_clips, load_truth
from formcheck.filters import default_smoother
from formcheck.metrics import CONTOUR_S
from formcheck.pose import Landmark as L

sys.path.insert(0, str(Path(__file__).resolve().parent))
from observations import observations  # noqa: E402

METRICS = ("trunk_abs_tilt", "pelvis_lift", "back_bend", "back_bulge", "back_knee_drop", "deeper_hip_fold",
           "hip_fold", "knee_flexion", "front_thigh_tilt", "back_thigh_tilt", "shoulder_width_ratio")
SETTLED = (0.5, 2.0)  # seconds after the hold starts: about where the engine learns its baseline


DERIVED = ("hip_dy", "shoulder_dy", "hip_vs_shoulder_dy", "world_twist", "knee_lr_dy", "hip_dz", "outline_low",
           "outline_mid", "outline_up", "far_hip_vis", "knee_gap", "knee_abs_drop", "ankle_lr_dy",
           "knee_reach", "knee_reach_l", "knee_reach_r", "ankle_reach")


def derived(seen) -> dict[str, float]:
    """Quantities the landmarks and outline of one frame give beyond ``formcheck.metrics``: the two hips' and
    shoulders' heights against each other (a pelvis rolling about the long axis tips its hip line), the pelvis'
    turn against the chest in the world landmarks, the knees' heights by label, the hips' depth difference, and the
    back outline's mean distance from the trunk chord over its lower, middle and upper parts."""
    pose, out = seen.pose, dict.fromkeys(DERIVED, math.nan)
    if not pose.detected:
        return out
    xy, z, world = pose.image[:, :2], pose.image[:, 2], pose.world
    hip, shoulder = (xy[L.LEFT_HIP] + xy[L.RIGHT_HIP]) / 2, (xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER]) / 2
    torso = float(np.linalg.norm(shoulder - hip))
    if torso <= 0:
        return out
    out["hip_dy"] = (xy[L.LEFT_HIP, 1] - xy[L.RIGHT_HIP, 1]) / torso
    out["shoulder_dy"] = (xy[L.LEFT_SHOULDER, 1] - xy[L.RIGHT_SHOULDER, 1]) / torso
    out["hip_vs_shoulder_dy"] = out["hip_dy"] - out["shoulder_dy"]
    out["knee_lr_dy"] = (xy[L.LEFT_KNEE, 1] - xy[L.RIGHT_KNEE, 1]) / torso
    out["knee_gap"] = float(np.linalg.norm(xy[L.LEFT_KNEE] - xy[L.RIGHT_KNEE])) / torso
    knee_mid = (xy[L.LEFT_KNEE] + xy[L.RIGHT_KNEE]) / 2
    out["knee_reach"] = float(np.linalg.norm(knee_mid - hip)) / torso
    out["knee_reach_l"] = float(np.linalg.norm(xy[L.LEFT_KNEE] - hip)) / torso
    out["knee_reach_r"] = float(np.linalg.norm(xy[L.RIGHT_KNEE] - hip)) / torso
    out["ankle_reach"] = float(np.linalg.norm((xy[L.LEFT_ANKLE] + xy[L.RIGHT_ANKLE]) / 2 - hip)) / torso
    out["knee_abs_drop"] = abs(seen.metrics.get("back_knee_drop", math.nan))
    out["ankle_lr_dy"] = (xy[L.LEFT_ANKLE, 1] - xy[L.RIGHT_ANKLE, 1]) / torso
    out["hip_dz"] = (z[L.LEFT_HIP] - z[L.RIGHT_HIP]) / torso
    axis = (world[L.LEFT_SHOULDER] + world[L.RIGHT_SHOULDER] - world[L.LEFT_HIP] - world[L.RIGHT_HIP]) / 2
    axis = axis / max(np.linalg.norm(axis), 1e-9)

    def across(v):
        v = v - axis * (v @ axis)
        return v / max(np.linalg.norm(v), 1e-9)

    hips = across(world[L.LEFT_HIP] - world[L.RIGHT_HIP])
    shoulders = across(world[L.LEFT_SHOULDER] - world[L.RIGHT_SHOULDER])
    out["world_twist"] = math.degrees(math.atan2(np.cross(shoulders, hips) @ axis, shoulders @ hips))
    out["far_hip_vis"] = float(min(pose.visibility[L.LEFT_HIP], pose.visibility[L.RIGHT_HIP]))
    if seen.contour is not None:
        offsets = seen.contour.offsets
        for name, (a, b) in (("outline_low", (0.05, 0.25)), ("outline_mid", (0.3, 0.55)), ("outline_up", (0.6, 0.85))):
            part = offsets[(CONTOUR_S >= a) & (CONTOUR_S <= b)]
            out[name] = float(np.nanmean(part)) if np.isfinite(part).sum() >= 2 else math.nan
    return out


def smoothed_series(clip: Path, stretch: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Times and the smoothed value of every reading, frame by frame (the engine's smoother)."""
    seen = observations(clip, stretch)
    times = np.array([one.pose.t for one in seen])
    values = {}
    rows = [{**one.metrics, **derived(one)} for one in seen]
    for name in (*METRICS, *DERIVED):
        smooth = default_smoother()
        values[name] = np.array([smooth(t, row.get(name, math.nan)) for t, row in zip(times, rows)])
    return times, values


def median_in(times: np.ndarray, values: np.ndarray, start: float, end: float) -> float:
    inside = (times >= start) & (times <= end) & np.isfinite(values)
    return float(np.median(values[inside])) if inside.any() else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--stretch", default="")
    parser.add_argument("--names", default="", help="comma-separated readings to print (default: all)")
    args = parser.parse_args()
    names = args.names.split(",") if args.names else [*METRICS, *DERIVED]
    print(f"{'clip':44s} {'what':10s} " + " ".join(f"{n[:13]:>13s}" for n in names))
    for folder in args.folders:
        for clip, truth_path in find_clips(folder):
            truth = load_truth(truth_path)
            if args.stretch and truth["stretch"] != args.stretch:
                continue
            times, values = smoothed_series(clip, truth["stretch"])
            hold_start, hold_end = truth["hold"][0]
            pre = (0.3, max(truth["frames"]["t"][0] + 1.0, hold_start - 4.0))
            base_window = (hold_start + SETTLED[0], hold_start + SETTLED[1])
            spans = [(m, a, b) for m, ivs in truth["mistakes"].items() for a, b in ivs]
            rows = []
            base = {n: median_in(times, values[n], *base_window) for n in names}
            before = {n: median_in(times, values[n], *pre) for n in names}
            rows.append(("hold-pre", {n: base[n] - before[n] for n in names}))
            if spans:
                for mistake, a, b in spans:
                    during = {n: median_in(times, values[n], a + 0.3, b) for n in names}
                    rows.append((f"{mistake[:6]}-base", {n: during[n] - base[n] for n in names}))
                    rows.append((f"{mistake[:6]}-pre", {n: during[n] - before[n] for n in names}))
            else:
                late = {n: median_in(times, values[n], base_window[1], hold_end) for n in names}
                rows.append(("hold-base", {n: late[n] - base[n] for n in names}))
                for n in names:  # the largest excursion of a correct hold from its settled value
                    inside = (times >= base_window[1]) & (times <= hold_end) & np.isfinite(values[n])
                    dev = values[n][inside] - base[n]
                    late[n] = float(dev[np.argmax(np.abs(dev))]) if inside.any() else math.nan
                rows.append(("hold-max", late))
            for what, row in rows:
                print(f"{clip.stem[:44]:44s} {what:10s} " + " ".join(f"{row[n]:13.3f}" for n in names))


if __name__ == "__main__":
    main()
