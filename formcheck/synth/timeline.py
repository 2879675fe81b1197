"""Time envelopes: getting into position, scripted mistakes, breathing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: clinically plausible amplitudes per mistake and severity (see sample_videos/README.md)
AMPLITUDES = {
    "rounding": {
        "mild": 20.0,
        "moderate": 30.0,
        "gross": 45.0,
    },  # extra lumbar flexion, deg
    "arching": {
        "mild": 12.0,
        "moderate": 20.0,
        "gross": 30.0,
    },  # lumbar extension (+ lean back), deg
    "twist": {
        "mild": 15.0,
        "moderate": 25.0,
        "gross": 35.0,
    },  # thorax vs pelvis axial rotation, deg
    "forward_bend": {
        "mild": 20.0,
        "moderate": 30.0,
        "gross": 40.0,
    },  # extra lumbar flexion, deg
    "jerky_pumping": {
        "mild": 2.0,
        "moderate": 3.0,
        "gross": 4.0,
    },  # pumping amplitude multiplier
    "over_extension": {"mild": 0.05, "moderate": 0.08, "gross": 0.12},  # pelvis lift, m
}

MISTAKES_OF = {
    "hamstring": ("rounding",),
    "hip-flexor": ("arching",),
    "glute": ("twist", "forward_bend"),
    "bed-decompression": ("jerky_pumping",),
    "towel-decompression": ("over_extension",),
}


def smoothstep(x):
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


@dataclass(frozen=True)
class Mistake:
    name: str
    onset: float  # start of the ramp in (s)
    offset: float  # end of the ramp out (s)
    severity: str = "moderate"
    ramp: float = 1.2  # seconds to ramp in / out
    deg: float | None = None  # amplitude other than the severity's default (e.g. a 13 deg mild rounding)
    ramp_out: float | None = None  # seconds to ramp out, when not ``ramp``

    @property
    def amplitude(self) -> float:
        return AMPLITUDES[self.name][self.severity] if self.deg is None else self.deg

    def envelope(self, t: float) -> float:
        """0..1: how much of the mistake is present at time t."""
        up = smoothstep((t - self.onset) / self.ramp)
        down = smoothstep((self.offset - t) / (self.ramp_out or self.ramp))
        return float(min(up, down))

    @classmethod
    def with_position(cls, name: str, settle: "Settle", offset: float, severity: str = "moderate",
                      deg: float | None = None) -> "Mistake":
        """A mistake that arrives together with the position: it grows with the move into it (same start and
        duration as ``settle``) and is fully there when the person arrives; ``offset`` is when it is corrected
        (past the clip's end = held to the end)."""
        return cls(name, settle.start, offset, severity, ramp=settle.duration, deg=deg, ramp_out=1.2)


@dataclass(frozen=True)
class Settle:
    """Getting into position: still for ``start`` s, then a smooth move of ``duration`` s."""

    start: float = 2.0
    duration: float = 2.5
    extra: float = 0.5  # the hold counts from a little after arriving

    def __call__(self, t: float) -> float:
        return float(smoothstep((t - self.start) / self.duration))

    @property
    def hold_start(self) -> float:
        return self.start + self.duration + self.extra


@dataclass(frozen=True)
class Episode:
    """A correct movement during the hold (e.g. leaning further from the hips): ``amount`` (stretch-specific
    units, degrees for all current uses) is reached ``ramp`` s after ``onset`` and given back from ``offset``."""

    amount: float
    onset: float
    offset: float
    ramp: float = 1.5

    def __call__(self, t: float) -> float:
        up = smoothstep((t - self.onset) / self.ramp)
        down = smoothstep((self.offset - t) / self.ramp)
        return self.amount * float(min(up, down))


def breathing(t: float, phase: float, period: float = 4.2) -> float:
    """A smooth -1..1 breathing wave."""
    return float(np.sin(2 * np.pi * t / period + phase))


def sway(t: float, phases: np.ndarray) -> float:
    """Slow postural sway, -1..1, sum of two incommensurate sines."""
    return float(
        0.6 * np.sin(2 * np.pi * t / 7.3 + phases[0])
        + 0.4 * np.sin(2 * np.pi * t / 3.1 + phases[1])
    )
