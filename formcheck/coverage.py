"""How much of a hold was actually judged, and why the rest was not: the honest part of every summary.

A verdict of "no mistakes" means something only when enough of the hold was watched with the person in view, in
position and side-on. This module turns a stream of per-frame statuses (``formcheck.rules.Verdict.status``) into
seconds per outcome and one of three conclusions: mistakes were flagged, the form was checked and was fine, or the
form could not be checked (with the main reason and the one thing to change). No I/O, no UI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .rules import STATUS_TEXT, Stretch

# The rules judged form in these frames; the hold timer counts the first two as good form.
GOOD = ("good", "calibrating")
JUDGED = (*GOOD, "mistake")
GET_READY = "get_ready"  # a live hold's samples from its countdown: before the hold, so never part of it
MAX_STEP_S = 0.5  # a gap between two frames counts at most this long (a stalled camera is not a hold)

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


@dataclass(frozen=True)
class Coverage:
    """Seconds of a hold by outcome. ``reference_s`` is what "half the hold" is measured against: the whole clip
    for a video, the target hold time for a live hold (which runs until that much good form was held)."""

    total_s: float
    judged_s: float
    good_s: float
    not_judged_s: dict[str, float] = field(default_factory=dict)  # reason (status) → seconds, largest first
    reference_s: float = 0.0

    @property
    def enough(self) -> bool:
        return self.judged_s >= MIN_JUDGED_S and self.judged_s >= MIN_JUDGED_SHARE * self.reference_s

    @property
    def main_reason(self) -> str | None:
        return next(iter(self.not_judged_s), None)

    def conclusion(self, mistakes: int) -> str:
        """``flagged`` (whatever the coverage: a flag was seen), ``checked`` (enough judged, nothing flagged) or
        ``unchecked`` (too little judged to say the form was fine)."""
        if mistakes:
            return FLAGGED
        return CHECKED if self.enough else UNCHECKED

    def as_dict(self, mistakes: int) -> dict:
        return {"total_s": round(self.total_s, 2), "judged_s": round(self.judged_s, 2),
                "good_form_s": round(self.good_s, 2),
                "not_judged_s": {reason: round(s, 2) for reason, s in self.not_judged_s.items()},
                "conclusion": self.conclusion(mistakes)}


def coverage(points: Iterable[tuple[float, str]], reference_s: float | None = None) -> Coverage:
    """Seconds per status from ``(t, status)`` samples in time order; each sample lasts until the next one (at most
    ``MAX_STEP_S``), the last one as long as the one before it. ``reference_s`` defaults to the total."""
    points = list(points)
    total = judged = good = 0.0
    missing: dict[str, float] = {}
    step = 0.0
    for index, (t, status) in enumerate(points):
        if index + 1 < len(points):
            step = min(max(points[index + 1][0] - t, 0.0), MAX_STEP_S)
        if status == GET_READY:
            continue
        total += step
        if status in JUDGED:
            judged += step
            if status in GOOD:
                good += step
        else:
            missing[status] = missing.get(status, 0.0) + step
    ordered = dict(sorted(((k, v) for k, v in missing.items() if v > 0), key=lambda kv: -kv[1]))
    return Coverage(total, judged, good, ordered, total if reference_s is None else reference_s)


def reason_text(status: str) -> str:
    return REASONS.get(status, status.replace("_", " "))


def fix_text(status: str, stretch: Stretch) -> str:
    """The one thing to change for frames not judged because of ``status``."""
    return STATUS_TEXT.get(status, stretch.position_hint)


def judged_line(cov: Coverage) -> str:
    """e.g. "Judged 14 s of 20 s (70 %); good form 12 s." """
    share = cov.judged_s / cov.total_s if cov.total_s > 0 else 0.0
    return (f"Judged {cov.judged_s:.0f} s of {cov.total_s:.0f} s ({share:.0%}); "
            f"good form {cov.good_s:.0f} s.")


def unchecked_text(cov: Coverage, stretch: Stretch, seen: Stretch | None = None) -> str:
    """Why the form could not be checked, and the one thing to change. ``seen``: the stretch whose position was
    recognised instead, if any."""
    reason = cov.main_reason
    needed = max(MIN_JUDGED_S, MIN_JUDGED_SHARE * cov.reference_s)
    head = (f"Could not check your form: only {cov.judged_s:.0f} s could be judged "
            f"(at least {needed:.0f} s are needed).")
    if reason is None:
        return f"{head} {stretch.position_hint}"
    if reason == "wrong_position" and seen is not None:
        return (f"{head} For {cov.not_judged_s[reason]:.0f} s this looked like the {seen.title.lower()}, not the "
                f"{stretch.title.lower()}: choose that stretch, or get into the position for this one.")
    return (f"{head} Most of the rest was {reason_text(reason)} ({cov.not_judged_s[reason]:.0f} s). "
            f"{fix_text(reason, stretch)}")
