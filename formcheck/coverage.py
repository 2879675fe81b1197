"""How much of a hold was actually judged, and why the rest was not: the honest part of every summary.

A verdict of "no mistakes" means something only when enough of the hold was watched with the person in view, in
position and side-on. This module turns a stream of per-frame statuses (``formcheck.rules.Verdict.status``) into
seconds per outcome and one of three conclusions: mistakes were flagged, the form was checked and was fine, or the
form could not be checked (with the main reason and the one thing to change). No I/O, no UI.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from .rule_words import STATUS_TEXT
from .rules import Stretch

# The rules judged form in these frames; the hold timer counts the first two as good form. "possible": the low-back
# reading sat where correct backs and mild mistakes of different bodies overlap (``rules.Mistake.possible``).
GOOD = ("good", "calibrating")
POSSIBLE = "possible"
JUDGED = (*GOOD, POSSIBLE, "mistake")
GET_READY = "get_ready"  # a live hold's samples from its countdown: before the hold, so never part of it
# Walking into the position and out of it again (or an empty room before and after): before the first judged moment
# and after the last these are not part of the hold, so they are neither counted as unjudged nor advised on. Other
# reasons there (a front view, a hidden body) still count: they may be why the hold itself went unjudged.
WALK_IN_OUT = ("not_in_position", "no_person")
MAX_STEP_S = 0.5  # a gap between two frames counts at most this long (a stalled camera is not a hold)
MS = 3  # seconds are summed to this many decimals

# "No mistakes" is only said when at least MIN_JUDGED_S seconds, and at least MIN_JUDGED_SHARE of the hold, were
# judged. 10 s is a third of the routine's 30-s holds: enough for a mistake to be raised (1.5 s sustained) several
# times over after the baseline (about 1.5 s). Half the hold keeps a clip that mostly shows something else (a front
# view, an empty room) from being called fine on the strength of a few good seconds.
MIN_JUDGED_S = 10.0
MIN_JUDGED_SHARE = 0.5

# Why a frame was not judged, in words a patient understands (the fix is in STATUS_TEXT / the position hint).
REASONS = {
    "wrong_view": "filmed from the wrong angle",
    "not_in_position": "not in the stretch position",
    "wrong_position": "a different stretch from the one chosen",
    "no_person": "nobody in view",
    "two_people": "more than one person in view",
    "low_visibility": "part of the body hidden",
    "tracking_lost": "the camera lost track of the person",
    "no_outline": "the outline of the back not visible",
}

CHECKED, FLAGGED, UNCHECKED = "checked", "flagged", "unchecked"
# A possible mistake this long makes the conclusion "possible": never "no mistakes" over it (the raise time).
MIN_POSSIBLE_S = 1.5


@dataclass(frozen=True)
class Coverage:
    """Seconds of a hold by outcome. ``reference_s`` is what "half the hold" is measured against: the whole clip
    for a video, the target hold time for a live hold (which runs until that much good form was held)."""

    total_s: float
    judged_s: float
    good_s: float
    not_judged_s: dict[str, float] = field(default_factory=dict)  # reason (status) → seconds, largest first
    reference_s: float = 0.0
    min_judged_s: float = MIN_JUDGED_S  # a photo's still posture needs only the share
    possible_s: float = 0.0  # judged seconds in which a mistake was possible but not sure

    @property
    def enough(self) -> bool:
        return self.judged_s >= self.min_judged_s and self.judged_s >= MIN_JUDGED_SHARE * self.reference_s

    @property
    def main_reason(self) -> str | None:
        return next(iter(self.not_judged_s), None)

    def conclusion(self, mistakes: int) -> str:
        """``flagged`` (whatever the coverage: a flag was seen), ``possible`` (nothing flagged, but a mistake was
        possible for a while: never "no mistakes" over that), ``checked`` (enough judged, nothing flagged) or
        ``unchecked`` (too little judged to say the form was fine)."""
        if mistakes:
            return FLAGGED
        if self.possible_s >= MIN_POSSIBLE_S:
            return POSSIBLE
        return CHECKED if self.enough else UNCHECKED

    def as_dict(self, mistakes: int) -> dict:
        return {"total_s": round(self.total_s, 2), "judged_s": round(self.judged_s, 2),
                "good_form_s": round(self.good_s, 2), "possible_s": round(self.possible_s, 2),
                "not_judged_s": {reason: round(s, 2) for reason, s in self.not_judged_s.items()},
                "conclusion": self.conclusion(mistakes)}


def coverage(points: Iterable[tuple[float, str]], reference_s: float | None = None,
             min_judged_s: float = MIN_JUDGED_S) -> Coverage:
    """Seconds per status from ``(t, status)`` samples in time order; each sample lasts until the next one (at most
    ``MAX_STEP_S``), the last one as long as the one before it. ``WALK_IN_OUT`` samples before the first judged one
    and after the last are left out (none when nothing was judged). ``reference_s`` defaults to the total."""
    points = list(points)
    judged_at = [t for t, status in points if status in JUDGED]
    first, last = (judged_at[0], judged_at[-1]) if judged_at else (-math.inf, math.inf)
    total = judged = good = possible = 0.0
    missing: dict[str, float] = {}
    step = 0.0
    for index, (t, status) in enumerate(points):
        if index + 1 < len(points):
            step = min(max(points[index + 1][0] - t, 0.0), MAX_STEP_S)
        if status == GET_READY or (status in WALK_IN_OUT and not first <= t <= last):
            continue
        total += step
        if status in JUDGED:
            judged += step
            if status in GOOD:
                good += step
            possible += step if status == POSSIBLE else 0.0
        else:
            missing[status] = missing.get(status, 0.0) + step
    # To the millisecond: a sum of frame steps that is 10 s less a rounding error is 10 s, as it is shown.
    total, judged, good, possible = (round(seconds, MS) for seconds in (total, judged, good, possible))
    missing = {reason: round(seconds, MS) for reason, seconds in missing.items()}
    ordered = dict(sorted(((k, v) for k, v in missing.items() if v > 0), key=lambda kv: -kv[1]))
    return Coverage(total, judged, good, ordered, total if reference_s is None else reference_s, min_judged_s,
                    possible)


def reason_text(status: str) -> str:
    return REASONS.get(status, status.replace("_", " "))


def fix_text(status: str, stretch: Stretch) -> str:
    """The one thing to change for frames not judged because of ``status``."""
    return STATUS_TEXT.get(status, stretch.position_hint)


def judged_seconds(seconds: float) -> str:
    """Seconds of a hold as shown beside the ``MIN_JUDGED_S`` test: rounded down, so 9.9 s judged never reads as the
    10 s needed (and the hold's other figures alike, so that none reads as more than it)."""
    return f"{math.floor(seconds):.0f} s"


def judged_line(cov: Coverage) -> str:
    """e.g. "Judged 14 s of 20 s (70 %); good form 12 s." """
    share = cov.judged_s / cov.total_s if cov.total_s > 0 else 0.0
    return (f"Judged {judged_seconds(cov.judged_s)} of {judged_seconds(cov.total_s)} ({share:.0%}); "
            f"good form {judged_seconds(cov.good_s)}.")


def reason_seconds(seconds: float) -> str:
    """Seconds not judged for one reason: never "0 s" for a moment that was there."""
    return f"{seconds:.0f} s" if seconds >= 0.5 else "under 1 s"


def not_judged_text(cov: Coverage) -> str:
    """Seconds not judged by reason, e.g. "filmed from the wrong angle 15 s, nobody in view under 1 s"."""
    return ", ".join(f"{reason_text(reason)} {reason_seconds(seconds)}" for reason, seconds in cov.not_judged_s.items())


def unchecked_text(cov: Coverage, stretch: Stretch, seen: Stretch | None = None) -> str:
    """Why the form could not be checked, and the one thing to change. ``seen``: the stretch whose position was
    recognised instead, if any."""
    reason = cov.main_reason
    needed = max(cov.min_judged_s, MIN_JUDGED_SHARE * cov.reference_s)
    head = (f"Could not check your form: only {judged_seconds(cov.judged_s)} could be judged "
            f"(at least {math.ceil(needed):.0f} s are needed).")
    if reason is None:  # all of it was judged, from getting into the position to leaving it: the hold was short
        return f"{head} Hold the position for at least {math.ceil(needed):.0f} s."
    if reason == "wrong_position" and seen is not None:
        return (f"{head} For {reason_seconds(cov.not_judged_s[reason])} this looked like the {seen.title.lower()}, "
                f"not the {stretch.title.lower()}: choose that stretch, or get into the position for this one.")
    return (f"{head} Most of the rest was {reason_text(reason)} ({reason_seconds(cov.not_judged_s[reason])}). "
            f"{fix_text(reason, stretch)}")
