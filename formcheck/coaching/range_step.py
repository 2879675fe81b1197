"""The live range step: timed prompts (a still moment, tuck, tip, settle) and, per try, whether the person's range was
found and, if not, why — in words they can act on. The finding itself is ``formcheck.tilt_range`` inside the Judge;
this only times a try and reads its outcome. No I/O, no threads: the coach calls it under its lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from formcheck.tilt_range import RangeFinder
from formcheck.wording import RANGE_PROMPTS, RANGE_SHORTFALL

# The tuck is prompted at the first still moment in the position (the reading the tuck and tip are measured from),
# or this long after the step began when none comes.
STILL_WAIT_S = 1.0
MOVE_PROMPTS_S = (0.0, 2.5, 5.0)  # tuck, tip and settle prompts, seconds after the tuck prompt
MOVES_S = 9.0  # from the tuck prompt, the try is over after this: settling and a still moment fit in it
TRY_S = STILL_WAIT_S + MOVES_S  # the longest a try takes (10 s)
TRIES = 2  # a failed first try is explained and made once more; then the hold starts without the range
# A flag the tuck raised clears this soon after the step: the return from the tip plus the rules' clear delay.
SETTLE_S = 2.0
MOSTLY = 0.5  # over this share of a try's frames side-on wrong (or out of the position) names that as the reason


@dataclass
class RangeTry:
    """One try of the guided step, from ``started_t`` (seconds of the coach's clock)."""

    started_t: float
    number: int = 1
    tuck_t: float | None = None  # when the tuck was prompted
    frames: int = 0
    wrong_view: int = 0
    out_of_position: int = 0
    _said: int = -1

    def update(self, t: float, status: str, in_position: bool, still_seen: bool) -> None:
        """One frame of the try; ``still_seen``: the range finder has its still moment to measure from."""
        self.frames += 1
        self.wrong_view += status == "wrong_view"
        self.out_of_position += not in_position
        if self.tuck_t is None and (still_seen or t - self.started_t >= STILL_WAIT_S):
            self.tuck_t = t

    def _due(self, t: float) -> int:
        if self.tuck_t is None:
            return 0
        return 1 + max(i for i, at in enumerate(MOVE_PROMPTS_S) if t - self.tuck_t >= at)

    def new_prompt(self, t: float) -> str | None:
        """The prompt due now, once (None when it was already given)."""
        due = self._due(t)
        if due <= self._said:
            return None
        self._said = due
        return RANGE_PROMPTS[due]

    def prompt(self, t: float) -> str:
        """The prompt in force now (what the banner says)."""
        return RANGE_PROMPTS[self._due(t)]

    def over(self, t: float) -> bool:
        return self.tuck_t is not None and t - self.tuck_t >= MOVES_S

    def reason(self, finder: RangeFinder) -> str:
        """Why this try found no range, in words: first what stops any reading (side-on, position), then the
        finder's own shortfall."""
        if self.frames and self.wrong_view > MOSTLY * self.frames:
            return RANGE_SHORTFALL["side"]
        if finder.left_position or (self.frames and self.out_of_position > MOSTLY * self.frames):
            return RANGE_SHORTFALL["moved"]
        return RANGE_SHORTFALL[finder.shortfall() or "settle"]
