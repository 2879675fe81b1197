"""``--stretch auto``: the stretch of each hold is picked from the recognised position, then judged by its rules.

A hold starts when a stretch's position has been held steadily for ``SWITCH_S``; a steady different stretch
position ends it and starts the next one (with its own rules, baseline and hold timer). Until the first hold,
nothing is judged (``not_in_position``). The new hold's rules first catch up on the last seconds of observations,
from before the position was recognised: otherwise a mistake made together with the position would be learned
as the person's baseline while the choice of stretch was still being made. No I/O.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .filters import default_smoother
from .pipeline import FrameResult, Judge, Observation
from .positions import POSITION_STRETCH, WINDOW_S, PositionTracker, not_judged_yet_text
from .rule_words import STATUS_TEXT
from .rules import PROFILE_VIEW, STRETCHES, VIEW_METRIC, Stretch, Verdict, presence_status
from .session import Event, FlaggedFrame
from .wording import WAITING

AUTO = "auto"
# Observations for auto must carry the segmentation mask that most stretches' rules read (bed and towel ignore it).
OBSERVE_AS = "hamstring"
SWITCH_S = 2.0  # a stretch's position held steadily this long starts (or switches to) its hold
CATCH_UP_S = SWITCH_S + WINDOW_S  # observations kept for the next hold to catch up on (the tracker's window too)


@dataclass
class Hold:
    stretch: str
    start_s: float
    end_s: float | None = None

    def as_dict(self) -> dict:
        return {"stretch": self.stretch, "start_s": round(self.start_s, 3),
                "end_s": None if self.end_s is None else round(self.end_s, 3)}


@dataclass
class HoldSessions:
    """The sessions of every hold so far, read like one ``Session`` (what ``analyze`` needs of it)."""

    judges: list[Judge] = field(default_factory=list)

    @property
    def events(self) -> list[Event]:
        return [event for judge in self.judges for event in judge.session.events]

    @property
    def possible(self) -> list[Event]:
        return [event for judge in self.judges for event in judge.session.possible]

    @property
    def flagged_frames(self) -> list[FlaggedFrame]:
        return [shot for judge in self.judges for shot in judge.session.flagged_frames]

    def finish(self, t: float) -> None:
        if self.judges:
            self.judges[-1].session.finish(t)


class AutoJudge:
    """Like ``pipeline.Judge``, for a stretch that is recognised hold by hold."""

    def __init__(self) -> None:
        self.positions = PositionTracker()
        self.holds: list[Hold] = []
        self.session = HoldSessions()
        self._candidate: tuple[str, float] | None = None  # stretch and since when its position is steady
        self._recent: deque[Observation] = deque()  # the last CATCH_UP_S of observations, this frame's excluded
        self._view = default_smoother()
        # On the frame a hold is recognised (else empty): its verdicts on the frames since it started, which were
        # first reported as waiting (or as the previous hold's) but belong to it; its events may start in them.
        self.caught_up: list[FrameResult] = []

    @property
    def stretch(self) -> Stretch | None:
        """The stretch of the current hold (None before the first)."""
        return STRETCHES[self.holds[-1].stretch] if self.holds else None

    def __call__(self, seen: Observation, rgb: np.ndarray | None) -> FrameResult:
        t = seen.pose.t
        self.caught_up = []
        if self._follow(t, POSITION_STRETCH.get(self.positions.update(t, seen.metrics))):
            judge, start = self.session.judges[-1], self.holds[-1].start_s
            # No picture kept: a flag raised here is pictured on this frame.
            results = [judge(past, None) for past in self._recent if past.pose.t >= start - WINDOW_S]
            self.caught_up = [result for result in results if result.verdict.t >= start]
        self._recent.append(seen)
        while self._recent and self._recent[0].pose.t < t - CATCH_UP_S:
            self._recent.popleft()
        if not self.holds:
            status = self._waiting_status(seen)
            variant = not_judged_yet_text(self.positions.current) if status == "not_in_position" else None
            message = variant or STATUS_TEXT.get(status, WAITING)
            verdict = Verdict(t, status, message, {}, {}, False)
            return FrameResult(seen.pose, seen.metrics, verdict, None, seen.contour, self.positions.current)
        return self.session.judges[-1](seen, rgb)

    def _waiting_status(self, seen: Observation) -> str:
        """Why nothing is judged before the first hold: what the person can change first. The camera angle is
        checked against the view limit of the stretch whose position is steadily seen, else against the side-on
        limit that all but the seated figure-4 need (a front view is also where positions are hardest to tell)."""
        view = self._view(seen.pose.t, seen.metrics.get(VIEW_METRIC, float("nan")) if seen.metrics else float("nan"))
        if (status := presence_status(seen.pose.n_people, seen.metrics)) is not None:
            return status
        seen_stretch = POSITION_STRETCH.get(self.positions.current)
        limit = STRETCHES[seen_stretch].max_shoulder_ratio if seen_stretch else PROFILE_VIEW
        return "wrong_view" if view > limit else "not_in_position"

    def _follow(self, t: float, stretch: str | None) -> bool:
        """Follow the recognised stretch; True when a new hold starts on this frame."""
        current = self.holds[-1].stretch if self.holds else None
        if stretch is None or stretch == current:
            self._candidate = None
            return False
        if self._candidate is None or self._candidate[0] != stretch:
            self._candidate = (stretch, t)
        if t - self._candidate[1] < SWITCH_S:
            return False
        # The hold starts when its position was first steadily seen; the previous one ends there (its rules, which
        # judged up to now, close what they flagged now: an event must not end before it began).
        start = self._candidate[1]
        if self.holds:
            self.holds[-1].end_s = start
            self.session.finish(t)
        self.holds.append(Hold(stretch, start))
        self.session.judges.append(Judge(STRETCHES[stretch]))
        self._candidate = None
        return True

    def finish(self, t: float) -> None:
        if self.holds:
            self.holds[-1].end_s = t
        self.session.finish(t)
