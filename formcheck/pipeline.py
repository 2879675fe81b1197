"""The per-frame chain shared by video analysis and the live page: pose → metrics → rules → session.

It is split where the work can be: an ``Observer`` (pose + metrics, the costly part, one per process and video
stretch) and a ``Judge`` (rules + session, cheap, needs every frame in time order). ``Pipeline`` runs both in one
process; ``formcheck.parallel`` runs observers on several processes and one judge in the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from time import perf_counter

import numpy as np

from .errors import InputError
from .filters import FacingHold, default_smoother
from .lumbar import load_tall_models, lumbar_angle, outline_shape
from .metrics import BackContour, facing_evidence, measure
from .model_files import DEFAULT_MODEL
from .pose import PoseEstimator, PoseFrame
from .positions import (POSITION_STRETCH, STRETCH_POSITION, WRONG_POSITION, Position, PositionTracker, mismatch_text,
                        not_judged_yet_text)
from .rules import RANGE_METRIC, STRETCHES, RuleEngine, Stretch, Verdict, hands_at_back
from .session import Session
from .tall import TallReference
from .tilt_range import RangeFinder


def get_stretch(name: str) -> Stretch:
    try:
        return STRETCHES[name]
    except KeyError:
        raise InputError(f"unknown stretch {name!r}; choose one of {', '.join(STRETCHES)}") from None


@dataclass(frozen=True)
class Observation:
    """What one frame shows, before any judgement (small: the segmentation mask is dropped once measured)."""

    pose: PoseFrame
    metrics: dict[str, float]
    contour: BackContour | None = None


@dataclass(frozen=True)
class FrameResult:
    pose: PoseFrame
    metrics: dict[str, float]
    verdict: Verdict
    cue: str | None
    contour: BackContour | None = None
    position: Position | None = None  # the steadied position of this frame (None: unsure or nobody)
    # The low back read against the person's tall posture: ``TallReference.state``; None when the position reads
    # none.
    tall_reference: str | None = None
    # The low back read against the middle of the person's own range: ``RangeFinder.state``; None when the position
    # has no range step.
    tilt_range: str | None = None


class Observer:
    """Pose + metrics for frames of one stream in time order (the pose tracker carries over between frames).

    What it measures does not depend on the stretch (only whether the segmentation mask is needed), so one
    observation can be judged as any stretch: ``--stretch auto`` decides which only later."""

    def __init__(self, stretch: Stretch, model: str = DEFAULT_MODEL) -> None:
        self.estimator = PoseEstimator(model, masks=stretch.needs_mask)
        self._facing_hold = FacingHold()
        self.last_timing: dict[str, float] = {}

    def __call__(self, rgb: np.ndarray, t: float) -> Observation:
        start = perf_counter()
        pose = self.estimator(rgb, t)
        after_pose = perf_counter()
        metrics, contour = measure(pose, self._facing(pose))
        self.last_timing = {"pose": after_pose - start, "metrics": perf_counter() - after_pose}
        return Observation(replace(pose, mask=None), metrics, contour)

    def follow(self, rgb: np.ndarray, t: float) -> None:
        """Keep the pose tracker and the facing on the person through a frame that is not measured (a parallel
        worker between its chunks), so both are where one process would have them when measuring resumes."""
        self._facing(self.estimator(rgb, t))

    def _facing(self, pose: PoseFrame) -> float | None:
        """Which way the person faces, from this frame and those before (it decides which side is the back)."""
        return self._facing_hold(pose.t, facing_evidence(pose.image[:, :2])) if pose.detected else None

    def close(self) -> None:
        self.estimator.close()


PROMPT_KEEP_S = 1.0  # a prompted range step may start from a still moment this long before the prompt


class Judge:
    """Rules + session over observations in time order; no model, no I/O.

    Only frames in which the stretch's own position is recognised (``formcheck.positions``) are judged. In another
    stretch's position the status is ``wrong_position`` and the message names the stretch they seem to be doing;
    in no stretch's position (standing upright, unsure, other) it is ``not_in_position``.
    """

    def __init__(self, stretch: Stretch, side: str = "both") -> None:
        self.stretch = stretch
        self.engine = RuleEngine(stretch)
        self.session = Session(stretch, side=side)
        self.positions = PositionTracker()
        # The person's tall posture, for a position whose lumbar reading can be taken against it.
        self.tall = (TallReference(stretch.tall) if stretch.tall is not None and stretch.name in load_tall_models()
                     else None)
        # The person's own range in the position (the guided tuck and tip), found in the smoothed reading.
        self.tilt_range = RangeFinder(stretch.tilt_range) if stretch.tilt_range is not None else None
        self._range_smoother = default_smoother()
        self.last_timing: dict[str, float] = {}

    def use_kept_range(self, ends: tuple[float, float]) -> None:
        """Read the hold against a range kept from an earlier session, once a still moment shows it fits today."""
        if self.stretch.tilt_range is not None:
            self.tilt_range = RangeFinder(self.stretch.tilt_range, kept=ends)

    def start_range(self) -> None:
        """Look for the range step afresh from now (the live page has just prompted it), from a still moment
        just before."""
        if self.tilt_range is not None:
            self.tilt_range = self.tilt_range.restarted(keep_s=PROMPT_KEEP_S)

    def __call__(self, seen: Observation, rgb: np.ndarray) -> FrameResult:
        start = perf_counter()
        seen = self._with_lumbar_angle(seen)
        other = self._other_stretch(seen)
        verdict = self.engine.update(seen.pose.t, seen.metrics, seen.pose.n_people,
                                     abstain=WRONG_POSITION if other else self._unrecognised())
        if verdict.status == WRONG_POSITION:
            verdict = replace(verdict, message=mismatch_text(self.positions.current, self.stretch.title,
                                                             STRETCHES[other].title))
        elif verdict.status == "not_in_position" and (variant := not_judged_yet_text(self.positions.current)):
            verdict = replace(verdict, message=variant)
        after_rules = perf_counter()
        cue = self.session.update(verdict, rgb)
        self.last_timing = {"rules": after_rules - start, "session": perf_counter() - after_rules}
        return FrameResult(seen.pose, seen.metrics, verdict, cue, seen.contour, self.positions.current,
                           None if self.tall is None else self.tall.state,
                           None if self.tilt_range is None else self.tilt_range.state)

    def _with_lumbar_angle(self, seen: Observation) -> Observation:
        """The observation with the absolute lumbar angle read by this stretch's model (each position has its own:
        the same outline means a different angle hinged, kneeling or seated)."""
        if seen.contour is None or not seen.metrics:
            return seen
        offsets = seen.contour.offsets
        if self.tall is not None and self.tall.looking:
            shape = outline_shape(offsets)[0]
            self.tall.update(seen.pose.t, seen.metrics, shape, self.stretch.shows_tall_posture(seen.metrics))
        # A hand on the hip enters the outline: the outline is then not compared with the tall posture.
        tall = self.tall.value if self.tall is not None and not hands_at_back(seen.metrics) else None
        angle = lumbar_angle(offsets, seen.metrics, self.stretch.lumbar_model or self.stretch.name, tall)
        metrics = {**seen.metrics, "lumbar_angle": angle}
        if self.tilt_range is not None:
            t = seen.pose.t
            looking = self.tilt_range.middle is None
            self.tilt_range.update(t, self._range_smoother(t, angle), self.stretch.in_position(seen.metrics))
            if self.tilt_range.middle is not None:
                metrics[RANGE_METRIC] = angle - self.tilt_range.middle
                if looking and self.tilt_range.window is not None:  # just found: its tuck was the step, not a mistake
                    self.session.withdraw(*self.tilt_range.window)
        return replace(seen, metrics=metrics)

    def _other_stretch(self, seen: Observation) -> str | None:
        """The stretch whose position the person is steadily in, when it is not this one."""
        position = self.positions.update(seen.pose.t, seen.metrics)
        other = POSITION_STRETCH.get(position)
        return other if other is not None and other != self.stretch.name else None

    def _unrecognised(self) -> str | None:
        return None if self.positions.current == STRETCH_POSITION[self.stretch.name] else "not_in_position"


class Pipeline:
    """Feed RGB frames in time order; one instance per video or live session."""

    def __init__(self, stretch: str, model: str = DEFAULT_MODEL, side: str = "both") -> None:
        self.stretch = get_stretch(stretch)
        self.model = model
        self.observer = Observer(self.stretch, model)
        self.judge = Judge(self.stretch, side)
        self.session = self.judge.session
        # Seconds each stage took on the latest frame (read by `formcheck bench`; a few clock reads per frame).
        self.last_timing: dict[str, float] = {}

    def __call__(self, rgb: np.ndarray, t: float) -> FrameResult:
        result = self.judge(self.observer(rgb, t), rgb)
        self.last_timing = {**self.observer.last_timing, **self.judge.last_timing}
        return result

    def close(self) -> None:
        self.observer.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
