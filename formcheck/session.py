"""Per-hold bookkeeping on top of the rule engine's verdicts: hold timer, cues, mistake events, flagged frames."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .rules import State, Stretch, Verdict

CUE_QUIET_START_S = 3.0  # no cues in the first seconds of a hold: people are still settling
CUE_REPEAT_S = 7.0  # the same cue at most this often
THUMB_WIDTH = 320
MAX_FLAGGED_FRAMES = 60  # thumbnails kept per session; later events are still counted (memory stays flat)


@dataclass
class Event:
    """One flagged interval of one mistake; ``end_s`` is None while it is still flagged."""

    mistake: str
    start_s: float
    end_s: float | None = None
    peak_value: float = float("nan")

    def as_dict(self) -> dict:
        return {"mistake": self.mistake, "start_s": round(self.start_s, 3),
                "end_s": None if self.end_s is None else round(self.end_s, 3),
                "peak_value": None if not np.isfinite(self.peak_value) else round(self.peak_value, 4)}


@dataclass
class FlaggedFrame:
    """A small picture of the moment a mistake was flagged, for the review page."""

    t: float
    mistake: str
    value: float
    cue: str
    thumbnail: np.ndarray  # RGB, THUMB_WIDTH wide: the bare frame, until formcheck.pictures draws on it
    # Drawn later by the caller, which has the pose (formcheck.pictures): the moment with the skeleton and the back
    # outline, and a good-form frame of the same hold before it.
    picture: np.ndarray | None = None
    good_picture: np.ndarray | None = None


class HoldTimer:
    """Counts only seconds in position with no flagged mistake, per side."""

    def __init__(self, hold_s: float) -> None:
        self.hold_s = hold_s
        self.good_s: dict[str, float] = {}
        self._last_t: float | None = None

    def update(self, t: float, verdict: Verdict, side: str) -> float:
        dt = 0.0 if self._last_t is None else max(0.0, min(t - self._last_t, 0.5))  # a stall is not a hold
        self._last_t = t
        # A possible mistake is not a sure one: the hold goes on (the page says what is unsure).
        if verdict.status in ("good", "calibrating", "possible"):
            self.good_s[side] = self.good_s.get(side, 0.0) + dt
        return self.good_s.get(side, 0.0)

    def done(self, side: str) -> bool:
        return self.good_s.get(side, 0.0) >= self.hold_s


class CueScheduler:
    """Decides which verdict messages are worth saying aloud, without nagging."""

    def __init__(self) -> None:
        self._hold_start: float | None = None
        self._last_said: dict[str, float] = {}

    def update(self, t: float, verdict: Verdict) -> str | None:
        if not verdict.in_position:
            self._hold_start = None
            return None
        if self._hold_start is None:
            self._hold_start = t
        if verdict.status != "mistake" or t - self._hold_start < CUE_QUIET_START_S:
            return None
        last = self._last_said.get(verdict.message)
        if last is not None and t - last < CUE_REPEAT_S:
            return None
        self._last_said[verdict.message] = t
        return verdict.message


@dataclass
class Session:
    """Everything that happened during one stretch: feed it verdicts (and frames), read events and flagged frames."""

    stretch: Stretch
    side: str = "both"
    events: list[Event] = field(default_factory=list)
    flagged_frames: list[FlaggedFrame] = field(default_factory=list)
    # Intervals where a mistake was possible but not sure (``State.POSSIBLE``): kept apart from the flags.
    possible: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.timer = HoldTimer(self.stretch.hold_s)
        self.cues = CueScheduler()
        self._open: dict[str, Event] = {}
        self._open_possible: dict[str, Event] = {}
        self._unpictured: set[str] = set()  # open events with no picture yet
        self._cue_of = {m.name: m.cue for m in self.stretch.mistakes}

    def update(self, verdict: Verdict, rgb: np.ndarray | None = None) -> str | None:
        """Record one verdict; returns a cue to speak now, if any."""
        t = verdict.t
        self.timer.update(t, verdict, self.side)
        for name, state in verdict.states.items():
            self._track_possible(name, state is State.POSSIBLE, t, verdict.values.get(name, float("nan")))
            event = self._open.get(name)
            value = verdict.values.get(name, float("nan"))
            if state is State.FLAGGED and event is None:
                event = self._open[name] = Event(name, t, peak_value=value)
                self.events.append(event)
                self._unpictured.add(name)
            elif state is State.FLAGGED:
                if np.isfinite(value) and not abs(value) <= abs(event.peak_value):
                    event.peak_value = value
            elif event is not None:
                event.end_s = t
                del self._open[name]
                self._unpictured.discard(name)
            # A flag raised while catching up on past frames (no picture kept) is pictured at its first live frame.
            if state is State.FLAGGED and name in self._unpictured and rgb is not None:
                self._unpictured.discard(name)
                if len(self.flagged_frames) < MAX_FLAGGED_FRAMES:
                    self.flagged_frames.append(FlaggedFrame(t, name, value, self._cue_of[name], thumbnail(rgb)))
        return self.cues.update(t, verdict)

    def withdraw(self, start_s: float, end_s: float, cleared_by: float | None = None) -> None:
        """Forget the flags raised within ``start_s``–``end_s`` and cleared by ``cleared_by`` (default ``end_s``), and
        their pictures: the person's own range step, whose tuck is a deliberate rounding, not a mistake. A flag raised
        there and still up is a mistake held past the step: it counts from ``end_s``, pictured afresh (its picture
        showed the tuck)."""
        cleared_by = end_s if cleared_by is None else cleared_by

        def within(event: Event) -> bool:
            return start_s <= event.start_s <= end_s and event.end_s is not None and event.end_s <= cleared_by

        gone = [event for event in self.events if within(event)]
        held = [event for event in self._open.values() if start_s <= event.start_s < end_s]
        self.events[:] = [event for event in self.events if not within(event)]  # in place: callers hold the list
        self.flagged_frames[:] = [shot for shot in self.flagged_frames
                                  if not any(shot.mistake == e.mistake and e.start_s <= shot.t <= (e.end_s or end_s)
                                             for e in gone + held)]
        for event in held:
            event.start_s, event.peak_value = end_s, float("nan")
            self._unpictured.add(event.mistake)

    def _track_possible(self, name: str, possible: bool, t: float, value: float) -> None:
        event = self._open_possible.get(name)
        if possible and event is None:
            self._open_possible[name] = Event(name, t, peak_value=value)
            self.possible.append(self._open_possible[name])
        elif not possible and event is not None:
            event.end_s = t
            del self._open_possible[name]

    def finish(self, t: float) -> None:
        """Close events still open at the end of the video or session."""
        for event in (*self._open.values(), *self._open_possible.values()):
            event.end_s = t
        self._open.clear()
        self._open_possible.clear()
        self._unpictured.clear()


def thumbnail(rgb: np.ndarray) -> np.ndarray:
    """``rgb`` scaled to THUMB_WIDTH wide."""
    import cv2

    height, width = rgb.shape[:2]
    scale = THUMB_WIDTH / width
    return cv2.resize(rgb, (THUMB_WIDTH, max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
