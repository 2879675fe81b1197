"""The per-frame chain shared by video analysis and the live page: pose → metrics → rules → session."""

from __future__ import annotations

from dataclasses import dataclass
from time import perf_counter

import numpy as np

from .errors import InputError
from .metrics import BackContour, measure
from .model_files import DEFAULT_MODEL
from .pose import PoseEstimator, PoseFrame
from .rules import STRETCHES, RuleEngine, Stretch, Verdict
from .session import Session


def get_stretch(name: str) -> Stretch:
    try:
        return STRETCHES[name]
    except KeyError:
        raise InputError(f"unknown stretch {name!r}; choose one of {', '.join(STRETCHES)}") from None


@dataclass(frozen=True)
class FrameResult:
    pose: PoseFrame
    metrics: dict[str, float]
    verdict: Verdict
    cue: str | None
    contour: BackContour | None = None


class Pipeline:
    """Feed RGB frames in time order; one instance per video or live session."""

    def __init__(self, stretch: str, model: str = DEFAULT_MODEL, side: str = "both") -> None:
        self.stretch = get_stretch(stretch)
        self.model = model
        self.estimator = PoseEstimator(model, masks=self.stretch.needs_mask)
        self.engine = RuleEngine(self.stretch)
        self.session = Session(self.stretch, side=side)
        # Seconds each stage took on the latest frame (read by `formcheck bench`; a few clock reads per frame).
        self.last_timing: dict[str, float] = {}

    def __call__(self, rgb: np.ndarray, t: float) -> FrameResult:
        start = perf_counter()
        pose = self.estimator(rgb, t)
        after_pose = perf_counter()
        metrics, contour = measure(pose)
        after_metrics = perf_counter()
        verdict = self.engine.update(t, metrics, pose.n_people)
        after_rules = perf_counter()
        cue = self.session.update(verdict, rgb)
        self.last_timing = {"pose": after_pose - start, "metrics": after_metrics - after_pose,
                            "rules": after_rules - after_metrics, "session": perf_counter() - after_rules}
        return FrameResult(pose, metrics, verdict, cue, contour)

    def close(self) -> None:
        self.estimator.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
