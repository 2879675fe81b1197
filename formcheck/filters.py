"""Small, pluggable per-signal filters (each a callable ``(t, x) -> x``) for noisy landmark metrics."""

from __future__ import annotations

import math
from collections import deque


# Just over 4 frame intervals at 30 fps (0.133 s) and clear of the 5th (0.167 s): 5 samples at 30 fps, 3 at 15, and
# no common frame rate (12.5–60 fps) puts a sample on the edge, where rounding would decide.
MEDIAN_WINDOW_S = 0.155


class RollingMedian:
    """Median of the samples from the last ``window_s`` seconds: removes single-frame landmark jumps.

    Counted in seconds, not samples, so judging every other frame does not double its span (and its lag). Only
    readable time counts: a dropout (NaN samples) does not empty the window, the samples just before it still vote,
    so at a steady frame rate this is exactly a median of the last n readable samples (n = 5 at 30 fps).
    """

    def __init__(self, window_s: float = MEDIAN_WINDOW_S) -> None:
        self.window_s = window_s
        self._last_t: float | None = None  # the last call's time, readable or not
        self._readable_s = 0.0  # seconds of readable signal so far: the window's clock
        self._window: deque[tuple[float, float]] = deque()  # (readable clock, value)

    def __call__(self, t: float, x: float) -> float:
        step = 0.0 if self._last_t is None else t - self._last_t
        self._last_t = t
        if not math.isfinite(x):
            return math.nan
        if step < 0:
            self._window.clear()  # time went back: another stream
        # A sample counts the time since the call before it; the unreadable calls of a dropout add nothing.
        self._readable_s += max(step, 0.0)
        self._window.append((self._readable_s, x))
        while self._window[0][0] <= self._readable_s - self.window_s:
            self._window.popleft()
        ordered = sorted(value for _, value in self._window)
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


# The frame interval the smoothers' constants were tuned at (30 fps clips).
TUNED_FRAME_S = 1 / 30


class OneEuro:
    """One Euro filter: strong smoothing when the signal is still, little lag when it moves.

    How fast the signal moves (what opens the filter) is read from the gap between a new sample and the smoothed
    value. That gap is about speed × (lag + frame interval), nearly the same at 15 and 30 frames a second, so it is
    taken per ``TUNED_FRAME_S`` rather than per actual interval: the textbook ``gap / dt`` would see half the speed
    when every other frame is judged, and smooth (and lag) more. At 30 fps the two agree (exactly when frames are
    1/30 s apart; to rounding for real timestamps).
    """

    def __init__(self, min_cutoff: float = 0.5, beta: float = 0.02, d_cutoff: float = 1.0) -> None:
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self._t: float | None = None
        self._x = 0.0
        self._dx = 0.0

    @staticmethod
    def _alpha(cutoff: float, dt: float) -> float:
        tau = 1.0 / (2 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, t: float, x: float) -> float:
        if not math.isfinite(x):
            return math.nan  # unknown stays unknown; the state is kept for when the signal returns
        if self._t is None or t <= self._t:
            self._t, self._x, self._dx = t, x, 0.0
            return x
        dt = t - self._t
        dx = (x - self._x) / TUNED_FRAME_S
        self._dx += self._alpha(self.d_cutoff, dt) * (dx - self._dx)
        cutoff = self.min_cutoff + self.beta * abs(self._dx)
        self._x += self._alpha(cutoff, dt) * (x - self._x)
        self._t = t
        return self._x


class Chain:
    """Applies filters in order."""

    def __init__(self, *filters) -> None:
        self._filters = filters

    def __call__(self, t: float, x: float) -> float:
        for step in self._filters:
            x = step(t, x)
        return x


class PeakSpeed:
    """Largest |dx/dt| (units per second) over the last ``window_s`` seconds: how jerky a movement is."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._last: tuple[float, float] | None = None
        self._speeds: deque[tuple[float, float]] = deque()

    def __call__(self, t: float, x: float) -> float:
        if not math.isfinite(x):
            return math.nan
        if self._last is not None and t > self._last[0]:
            t0, x0 = self._last
            self._speeds.append((t, abs(x - x0) / (t - t0)))
        self._last = (t, x)
        while self._speeds and self._speeds[0][0] < t - self.window_s:
            self._speeds.popleft()
        return max((speed for _, speed in self._speeds), default=0.0)


class WindowRange:
    """Spread (max − min) of the signal over the last ``window_s`` seconds: how much it is still moving.

    Unlike a frame-to-frame speed, landmark jitter does not inflate it.
    """

    def __init__(self, window_s: float = 0.5) -> None:
        self.window_s = window_s
        self._samples: deque[tuple[float, float]] = deque()

    def __call__(self, t: float, x: float) -> float:
        if not math.isfinite(x):
            return math.nan
        self._samples.append((t, x))
        while self._samples[0][0] < t - self.window_s:
            self._samples.popleft()
        values = [value for _, value in self._samples]
        return max(values) - min(values)


class FacingHold:
    """Which way the person faces (+1 image-right, -1 image-left), steadied over time: each frame's evidence
    (``metrics.facing_evidence``) votes, and the answer changes only once the other way has outvoted it by
    ``switch_s`` seconds (time spent saying "the other way" minus time saying "this way").

    A person does not turn round in a fifteenth of a second, but single frames often point the wrong way: leaning
    back in a lunge with the head tilted back puts the nose behind the ears while the kneeling foot's toes point
    back (a random body on the variety clips flipped on 29 % of its hold frames, a dev lunge with hands on the hips
    on 10 %), and every side-view metric and the back outline are then read mirrored. Turning round to change sides
    still shows within about a second."""

    def __init__(self, switch_s: float = 0.5) -> None:
        self.switch_s = switch_s
        self._facing: float | None = None
        self._against_s = 0.0
        self._last_t: float | None = None

    def __call__(self, t: float, evidence: float) -> float | None:
        dt = 0.0 if self._last_t is None else max(t - self._last_t, 0.0)
        self._last_t = t
        if not math.isfinite(evidence) or evidence == 0:
            return self._facing
        says = 1.0 if evidence > 0 else -1.0
        if self._facing is None:
            self._facing = says
        elif says == self._facing:
            self._against_s = max(self._against_s - dt, 0.0)
        else:
            self._against_s += dt
            if self._against_s >= self.switch_s:
                self._facing, self._against_s = says, 0.0
        return self._facing


# The One Euro filter's cutoff while the signal is still. The flags count evidence over 1.5 s (rules._Hysteresis),
# which itself averages the jitter, so a lower cutoff such as 0.5 Hz only adds lag (a 0.3-s time constant) to the
# clear after the person corrected — most for the outline readings in torso lengths, whose speeds are too small for
# beta to open the filter. Dev clips: 0.75, 1.0 and 1.5 Hz give the same events (0.5 Hz: one more false arch,
# where a correct hold hovers at the limit), time to clear p90 1.6 → 1.3 s at 1.0 Hz; the real footage gives the
# same answers.
STILL_CUTOFF_HZ = 1.0


def default_smoother() -> Chain:
    return Chain(RollingMedian(), OneEuro(min_cutoff=STILL_CUTOFF_HZ, beta=0.02))
