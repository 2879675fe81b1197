"""Small, pluggable per-signal filters (each a callable ``(t, x) -> x``) for noisy landmark metrics."""

from __future__ import annotations

import math
from collections import deque


class RollingMedian:
    """Median of the last ``size`` finite samples: removes single-frame landmark jumps."""

    def __init__(self, size: int = 5) -> None:
        self._window: deque[float] = deque(maxlen=size)

    def __call__(self, t: float, x: float) -> float:
        if not math.isfinite(x):
            return math.nan
        self._window.append(x)
        ordered = sorted(self._window)
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


class OneEuro:
    """One Euro filter: strong smoothing when the signal is still, little lag when it moves."""

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
        dx = (x - self._x) / dt
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

    def __init__(self, window_s: float = 2.0) -> None:
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


def default_smoother() -> Chain:
    return Chain(RollingMedian(5), OneEuro(min_cutoff=0.5, beta=0.02))
