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
    "pelvis_curl": {"mild": 14.0, "moderate": 20.0, "gross": 30.0},  # posterior pelvic tilt = lumbar flexion, deg
    "low_back_lift": {"mild": 14.0, "moderate": 20.0, "gross": 30.0},  # the same curl, the lying figure-4's, deg
    "pelvis_roll": {"mild": 15.0, "moderate": 25.0, "gross": 35.0},  # pelvis roll vs the flat chest, deg
}

MISTAKES_OF = {
    "hamstring": ("rounding",),
    "hip-flexor": ("arching",),
    "standing-hip-flexor": ("arching",),
    "glute": ("twist", "forward_bend"),
    "seated-hamstring": ("rounding",),
    "bed-decompression": ("jerky_pumping",),
    "towel-decompression": ("over_extension",),
    "lying-hamstring": ("pelvis_curl",),
    "lying-glute": ("low_back_lift", "pelvis_roll"),
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
        (past the clip's end = held to the end). After a range step (the last one, pelvic or twist) it grows instead
        as the person comes back from the step's far end: they settle into the mistake rather than the middle."""
        last = settle.twist or settle.range
        if last is not None:
            ramp = last.move_s
            return cls(name, settle.steps_end - ramp, offset, severity, ramp=ramp, deg=deg, ramp_out=1.2)
        return cls(name, settle.start, offset, severity, ramp=settle.duration, deg=deg, ramp_out=1.2)


def _one_way_then_other(t: float, first: float, second: float, settle: float, move_s: float, pause_s: float) -> float:
    """A guided range's angle ``t`` s after its first move begins: to ``first``, held; through the start to
    ``second`` (twice as long a move), held; back to ``settle``."""
    first_end = move_s + pause_s
    second_end = first_end + 2 * move_s + pause_s
    if t < first_end:
        return first * float(smoothstep(t / move_s))
    if t < second_end:
        share = float(smoothstep((t - first_end) / (2 * move_s)))
        return first + (second - first) * share
    share = float(smoothstep((t - second_end) / move_s))
    return second + (settle - second) * share


@dataclass(frozen=True)
class RangeStep:
    """The guided pelvic-tilt range a person may do once in the position, before the hold: a gentle tuck (the low
    back flexes by ``flex_deg``), a gentle tip the other way (it extends by ``ext_deg`` from neutral), then back to the
    middle, which they reach ``settle_deg`` off their neutral. The pelvis does ``pelvis_share`` of the tilt; the trunk
    above stays about where it was."""

    flex_deg: float
    ext_deg: float
    settle_deg: float = 0.0
    pelvis_share: float = 0.7
    move_s: float = 1.5  # each move between ends (the tuck-to-tip move takes twice as long)
    pause_s: float = 0.8  # held at each end
    lead_s: float = 0.4  # after arriving in the position

    @property
    def duration(self) -> float:
        return self.lead_s + 4 * self.move_s + 2 * self.pause_s

    def offset_deg(self, t: float) -> float:
        """Lumbar flexion added to the position's own curve ``t`` s after arriving in the position."""
        return _one_way_then_other(t - self.lead_s, self.flex_deg, -self.ext_deg, self.settle_deg, self.move_s,
                                   self.pause_s)

    def phases(self, arrive: float) -> dict[str, list[float]]:
        """Seconds of the clip: the whole step, and the pauses at the tucked and tipped ends."""
        tuck = arrive + self.lead_s + self.move_s
        tip = tuck + self.pause_s + 2 * self.move_s
        return {"range_step": [arrive, arrive + self.duration], "tucked": [tuck, tuck + self.pause_s],
                "tipped": [tip, tip + self.pause_s]}


@dataclass(frozen=True)
class TwistStep:
    """The seated figure-4's guided twist range (issue 28), after the pelvic range step if there is one: a gentle
    shoulder turn towards the crossed knee (the thorax turns ``toward_deg`` against the pelvis), back through the
    middle and the other way (``away_deg``), then back to the middle, reached ``settle_deg`` off their neutral
    (+ towards the crossed knee). Timed like ``RangeStep``."""

    toward_deg: float
    away_deg: float
    settle_deg: float = 0.0
    move_s: float = 1.5
    pause_s: float = 0.8
    lead_s: float = 0.4

    @property
    def duration(self) -> float:
        return self.lead_s + 4 * self.move_s + 2 * self.pause_s

    def offset_deg(self, t: float) -> float:
        """Twist towards the crossed knee ``t`` s after the step begins."""
        return _one_way_then_other(t - self.lead_s, self.toward_deg, -self.away_deg, self.settle_deg, self.move_s,
                                   self.pause_s)

    def phases(self, begin: float) -> dict[str, list[float]]:
        """Seconds of the clip: the whole step (from ``begin``), and the pauses turned towards the crossed knee and
        away from it."""
        toward = begin + self.lead_s + self.move_s
        away = toward + self.pause_s + 2 * self.move_s
        return {"twist_step": [begin, begin + self.duration], "toward": [toward, toward + self.pause_s],
                "away": [away, away + self.pause_s]}


@dataclass(frozen=True)
class Settle:
    """Getting into position: still for ``start`` s, then a smooth move of ``duration`` s; then, with ``range``,
    the guided range step, and with ``twist`` the twist range step, before the hold."""

    start: float = 2.0
    duration: float = 2.5
    extra: float = 0.5  # the hold counts from a little after arriving
    range: RangeStep | None = None
    twist: TwistStep | None = None

    def __call__(self, t: float) -> float:
        return float(smoothstep((t - self.start) / self.duration))

    @property
    def arrive(self) -> float:
        return self.start + self.duration

    @property
    def twist_start(self) -> float:
        """When the twist range step begins: after the pelvic one."""
        return self.arrive + (self.range.duration if self.range else 0.0)

    @property
    def steps_end(self) -> float:
        """When the guided steps are over (arriving, without any)."""
        return self.twist_start + (self.twist.duration if self.twist else 0.0)

    @property
    def hold_start(self) -> float:
        return self.steps_end + self.extra

    def range_deg(self, t: float) -> float:
        """The range step's lumbar flexion at ``t`` (0 without one, and before arriving)."""
        return self.range.offset_deg(t - self.arrive) if self.range and t >= self.arrive else 0.0

    def twist_deg(self, t: float) -> float:
        """The twist range step's turn towards the crossed knee at ``t`` (0 without one, and before it)."""
        return self.twist.offset_deg(t - self.twist_start) if self.twist and t >= self.twist_start else 0.0


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
