"""The per-frame chain shared by video analysis and the live page: pose → metrics → rules → session."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import InputError
from .metrics import frame_metrics
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


class Pipeline:
    """Feed RGB frames in time order; one instance per video or live session."""

    def __init__(self, stretch: str, model: str = DEFAULT_MODEL, side: str = "both") -> None:
        self.stretch = get_stretch(stretch)
        self.model = model
        self.estimator = PoseEstimator(model, masks=self.stretch.needs_mask)
        self.engine = RuleEngine(self.stretch)
        self.session = Session(self.stretch, side=side)

    def __call__(self, rgb: np.ndarray, t: float) -> FrameResult:
        pose = self.estimator(rgb, t)
        metrics = frame_metrics(pose)
        verdict = self.engine.update(t, metrics, pose.n_people)
        cue = self.session.update(verdict, rgb)
        return FrameResult(pose, metrics, verdict, cue)

    def close(self) -> None:
        self.estimator.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
