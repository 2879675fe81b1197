"""The person's own low-back range in the position: a gentle pelvic tuck and tip before the hold, and its middle.

One side camera cannot tell a person's body shape (belly, buttocks, clothes) from a mild mistake: the absolute
lumbar reading (``formcheck.lumbar``) carries a per-body offset of several degrees. A physiotherapist finds a
patient's neutral instead by having them tilt the pelvis gently one way and the other and settle in the middle.
The offset is the same at both ends of that range and in the hold that follows, so the hold read against the
middle of the range (``RangeFinder.middle``) cancels it.

The finder watches the smoothed lumbar reading in time order from a still moment in the position (the ready
reading): a rise above it (the tuck), then a fall below it (the tip), then a move back from the tip and a still
moment (settling, in the middle or not). The ends are read as medians around the extremes. Only that order counts,
made briskly (``TiltRange.ends_s``, ``step_s``) and soon after arriving (``within_s``), with ends neither too close
nor too far apart for a gentle tilt, so a rounded hold's jitter, or a rounding that comes and goes, is not taken for
a range. No I/O here.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np


RECENT_S = 2.0  # updates kept for a restart, whatever the finder's state


@dataclass(frozen=True)
class TiltRange:
    """How a position's range step is recognised (declared, with its limits, in the rule table: ``Stretch.tilt_range``).
    Degrees are the lumbar reading's, which sees a pelvic tilt at a fraction of its size."""

    min_move: float  # the tuck must rise this far above the ready reading …
    min_tip: float  # … the tip fall this far below it …
    min_span: float  # … and the two ends lie this far apart (smaller: "too small a range") …
    max_span: float  # … but no further (a rounding held and then corrected spans far more than a gentle tilt)
    within_s: float  # the whole step must be over this soon after arriving in the position …
    step_s: float = 12.0  # … and take at most this long, from the still moment before it to settling
    ends_s: float = 6.0  # the tip follows the tuck within this (a guided step; a hold's drift is slower)
    still_deg: float = 2.0  # still: the reading stays within this range …
    still_s: float = 0.6  # … for this long (the ready moment, and settling after the tip)
    end_s: float = 0.3  # each end is read as the median of the readings this close to its extreme
    # Settled back from the tip by at least this share of the range (a person's neutral may sit near one end of it).
    back_share: float = 0.2
    leave_s: float = 1.0  # out of the position longer than this starts the step over
    # A range kept from an earlier session fits today when the first still reading in the position lies within its
    # ends widened by this much; else the camera, the clothes or the body have changed and it is not used.
    kept_margin: float = 2.0


class RangeFinder:
    """Feeds on (t, smoothed lumbar reading, in position) in time order; ``middle`` and ``span`` once found."""

    def __init__(self, spec: TiltRange, kept: tuple[float, float] | None = None) -> None:
        self.spec = spec
        self.kept = kept  # (tucked, tipped) from an earlier session: used once a still moment shows it fits
        self.kept_fits: bool | None = None  # None until that still moment
        self.middle: float | None = None
        self.span: float | None = None
        self.ends: tuple[float, float] | None = None  # tucked, tipped (degrees of the reading)
        self.window: tuple[float, float] | None = None  # seconds of the stream: ready to settled
        self.given_up = False
        self._since: float | None = None  # arrived in the position
        self._out_since: float | None = None
        self._times: list[float] = []  # readings in the position …
        self._values: list[float] = []
        self._still_runs: list[tuple[int, float]] = []  # … and where still moments began: (index, median)
        self._still: deque[tuple[float, float]] = deque()
        self._was_still = False
        self.left_position = 0  # times the step started over because the person left the position
        self._recent: deque[tuple[float, float, bool]] = deque()  # the last RECENT_S of updates, for ``restarted``

    def restarted(self, keep_s: float) -> RangeFinder:
        """A finder looking afresh from the readings of the last ``keep_s`` seconds (found or given up, this one
        keeps them): a step prompted now is found from a still moment just before the prompt (people start the tuck
        as soon as they are told)."""
        fresh = RangeFinder(self.spec)
        for t, value, in_position in self._recent:
            if t >= self._recent[-1][0] - keep_s:
                fresh.update(t, value, in_position)
        return fresh

    @property
    def progress(self) -> tuple[float, float] | None:
        """How far the reading has risen above (the tuck) and fallen below (the tip) the first still moment in the
        position, in degrees of the reading (both ≥ 0); None before any still moment."""
        if not self._still_runs:
            return None
        start, ready = self._still_runs[0]
        after = self._values[start:]
        return max(0.0, max(after) - ready), max(0.0, ready - min(after))

    def shortfall(self) -> str | None:
        """Why no range was found yet, for the person to act on: "still" (never still in the position), "tuck" or
        "tip" (that end not reached), "small" / "large" (the two ends too close / too far apart), "settle" (both ends
        made but not settled back after the tip); None once found."""
        if self.middle is not None:
            return None
        seen = self.progress
        if seen is None:
            return "still"
        rise, fall = seen
        if rise < self.spec.min_move:
            return "tuck"
        if fall < self.spec.min_tip:
            return "tip"
        if rise + fall < self.spec.min_span:
            return "small"
        return "large" if rise + fall > self.spec.max_span else "settle"

    @property
    def state(self) -> str:
        """"found", "looking" or "missed" (no range step within ``within_s`` of arriving)."""
        return "found" if self.middle is not None else "missed" if self.given_up else "looking"

    def update(self, t: float, reading: float, in_position: bool) -> None:
        self._recent.append((t, reading, in_position))
        while self._recent[0][0] < t - RECENT_S:
            self._recent.popleft()
        if self.middle is not None or self.given_up:
            return
        if not self._track_position(t, in_position):
            return
        if t - self._since > self.spec.within_s:
            self.given_up = True
            return
        if not math.isfinite(reading):
            return
        self._times.append(t)
        self._values.append(reading)
        still = _window_median_if_still(self._still, t, reading, self.spec.still_s, self.spec.still_deg)
        if still is not None and self.kept is not None:
            self._check_kept(still)
        elif still is not None:
            if not self._was_still:
                self._still_runs.append((len(self._values) - 1, still))
            self._look(t, still)
        self._was_still = still is not None

    def _track_position(self, t: float, in_position: bool) -> bool:
        """Whether to read this frame; out of the position for over ``leave_s`` starts the step over (its ends must be
        read in the position), a shorter flicker of the position's limits does not."""
        if in_position:
            self._out_since = None
            if self._since is None:
                self._since = t
            return True
        if self._out_since is None:
            self._out_since = t
        if self._since is not None and t - self._out_since > self.spec.leave_s:
            self._since, self._was_still = None, False
            self.left_position += 1
            for part in (self._times, self._values, self._still_runs, self._still):
                part.clear()
        return False

    def _look(self, t: float, settled: float) -> None:
        """The person is at rest: is this the settling after a tuck and a tip, both made from an earlier still
        moment (the latest one that explains them)?"""
        spec = self.spec
        times, values = np.array(self._times), np.array(self._values)
        before = np.flatnonzero(times < t - spec.still_s)  # the tip lies before the moment now at rest
        if not before.size:
            return
        for start, ready in reversed(self._still_runs):
            if start >= before[-1]:
                continue
            if times[start] < t - spec.step_s:
                return
            tip_at = start + int(np.argmin(values[start: before[-1] + 1]))
            tuck_at = start + int(np.argmax(values[start: tip_at + 1]))
            if times[tip_at] - times[tuck_at] > spec.ends_s:
                continue
            tucked, tipped = (self._end(times, values, at) for at in (tuck_at, tip_at))
            # A rounding that comes and is corrected rises from a still moment and falls back to it, not below.
            if (tucked >= ready + spec.min_move and tipped <= ready - spec.min_tip
                    and spec.min_span <= tucked - tipped <= spec.max_span
                    and settled - tipped >= spec.back_share * (tucked - tipped)):
                self.ends, self.middle, self.span = (tucked, tipped), (tucked + tipped) / 2, tucked - tipped
                self.window = (float(times[start]), t)
                return

    def _check_kept(self, still: float) -> None:
        tucked, tipped = self.kept
        self.kept_fits = tipped - self.spec.kept_margin <= still <= tucked + self.spec.kept_margin
        if self.kept_fits:
            self.ends, self.middle, self.span = self.kept, (tucked + tipped) / 2, tucked - tipped
        else:
            self.given_up = True

    def _end(self, times: np.ndarray, values: np.ndarray, at: int) -> float:
        near = np.abs(times - times[at]) <= self.spec.end_s
        return float(np.median(values[near]))


def _window_median_if_still(window: deque[tuple[float, float]], t: float, value: float, span_s: float,
                            still_deg: float) -> float | None:
    """Add a reading to a window reaching back ``span_s`` seconds; its median when the window is full and its
    readings stay within ``still_deg``, else None."""
    window.append((t, value))
    # Keep the newest reading at or before the window's start, so a full window spans ``span_s`` at any frame rate
    # (at 15 frames/s a window of readings strictly inside 0.6 s spans only 0.53 s).
    while len(window) > 1 and window[1][0] <= t - span_s:
        window.popleft()
    values = [v for _, v in window]
    if t - window[0][0] < span_s - 1e-6 or max(values) - min(values) > still_deg:
        return None
    return float(np.median(values))
