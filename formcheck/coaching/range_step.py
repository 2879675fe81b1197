"""The live range step: timed prompts (tuck, tip, settle) and, per try, whether the person's range was found and, if
not, why — in words they can act on. The finding itself is ``formcheck.tilt_range`` inside the Judge; this only
times a try and reads its outcome. No I/O, no threads: the coach calls it under its lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from formcheck.tilt_range import RangeFinder
from formcheck.wording import RANGE_PROMPTS, RANGE_SHORTFALL

TRY_S = 10.0  # one try of the step: the prompts take 6.5 s, then settling and a still moment
TRIES = 2  # a failed first try is explained and made once more; then the hold starts without the range
# A flag the tuck raised clears this soon after the step: the return from the tip plus the rules' clear delay.
SETTLE_S = 2.0
MOSTLY = 0.5  # over this share of a try's frames side-on wrong (or out of the position) names that as the reason


@dataclass
class RangeTry:
    """One try of the guided step, from ``started_t`` (seconds of the coach's clock)."""

    started_t: float
    number: int = 1
    frames: int = 0
    wrong_view: int = 0
    out_of_position: int = 0
    _said: int = -1

    def _due(self, t: float) -> int:
        elapsed = t - self.started_t
        return max((i for i, (at, _) in enumerate(RANGE_PROMPTS) if elapsed >= at), default=0)

    def new_prompt(self, t: float) -> str | None:
        """The prompt due now, once (None when it was already given)."""
        due = self._due(t)
        if due <= self._said:
            return None
        self._said = due
        return RANGE_PROMPTS[due][1]

    def prompt(self, t: float) -> str:
        """The prompt in force now (what the banner says)."""
        return RANGE_PROMPTS[self._due(t)][1]

    def update(self, status: str, in_position: bool) -> None:
        self.frames += 1
        self.wrong_view += status == "wrong_view"
        self.out_of_position += not in_position

    def over(self, t: float) -> bool:
        return t - self.started_t >= TRY_S

    def reason(self, finder: RangeFinder) -> str:
        """Why this try found no range, in words: first what stops any reading (side-on, position), then the
        finder's own shortfall."""
        if self.frames and self.wrong_view > MOSTLY * self.frames:
            return RANGE_SHORTFALL["side"]
        if finder.left_position or (self.frames and self.out_of_position > MOSTLY * self.frames):
            return RANGE_SHORTFALL["moved"]
        return RANGE_SHORTFALL[finder.shortfall() or "settle"]
