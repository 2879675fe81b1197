"""What a patient reads on screen: each measure named in plain words, with a unit or as a word ("flat", "slightly
rounded", "rounded") taken from the same thresholds the rules use. The raw values stay in the JSON report."""

from __future__ import annotations

import math

from .coverage import Coverage, reason_text, unchecked_text
from .positions import LABELS, POSITION_STRETCH, Position
from .rules import STATUS_TEXT, STRETCHES, Condition, Mistake, Stretch

# With the stretch recognised from the position (``--stretch auto``), before a hold starts.
WAITING = "Get into the position of one of the routine's stretches, side-on to the camera."
NOTHING_RECOGNISED = "Could not check your form: none of the routine's positions was recognised."

ZONES = ("ok", "warn", "bad")  # clear of the limit, between the clear and raise thresholds, beyond the raise one
# Per mistake: what is described, and a word per zone.
WORDS = {
    "rounding": ("Low back", ("flat", "slightly rounded", "rounded")),
    "forward_bend": ("Low back", ("flat", "slightly bent", "bent forward")),
    "arching": ("Trunk", ("upright", "leaning back a little", "leaning back")),
    "twist": ("Shoulders", ("square", "slightly turned", "twisted")),
    "jerky_pumping": ("Pumping", ("gentle", "brisk", "jerky")),
    "over_extension": ("Hips", ("resting", "slightly lifted", "lifted")),
}


# The key measures' names on charts, with their units.
METRIC_NAMES = {
    "back_bulge": "low back curve (share of trunk length)",
    "lumbar_angle": "low-back rounding (°)",  # negative: arched
    "trunk_tilt": "trunk lean (°, + forward)",
    "front_thigh_tilt": "leg swing speed (°/s)",
    "pelvis_lift": "hip lift (share of trunk length)",
}


# What a fixed limit (one that needs no starting position) is a limit on, for the "judged against" line.
FIXED_LIMITS = {"lumbar_angle": "low-back angle", "trunk_tilt": "trunk lean", "front_thigh_tilt": "leg swing speed"}


# How far the person's own settled position is known (``Verdict.baseline``), said after it.
BASELINE_WORDS = {"known": "", "learning": " (still being learned)",
                  "unseen": " (not learned yet: it needs a clear view of your back while you hold still)"}


# How the low back is read, by ``FrameResult.tall_reference`` state; {posture} and {cue} from the rule table.
TALL_WORDS = {"found": " Low back read against your {posture} posture.",
              "looking": " Low back read without your {posture} posture until it is seen ({cue}).",
              "missed": " Low back read without your {posture} posture (none seen before the stretch)."}


def reference_text(stretch: Stretch, baseline: str, tall_reference: str | None = None) -> str:
    """What this stretch's form is compared with now, from the rule table: the person's own settled position (the
    relative conditions, once learned) and fixed limits that judge from the first second. ``baseline``: a
    ``Verdict.baseline`` state; ``tall_reference``: ``FrameResult.tall_reference``."""
    conditions = [c for m in stretch.mistakes for c in m.conditions + m.requires]
    fixed = list(dict.fromkeys(FIXED_LIMITS.get(c.metric, metric_name(c.metric)) for c in conditions if not c.relative))
    parts = []
    if any(c.relative for c in conditions):
        parts.append("your own settled position" + BASELINE_WORDS[baseline])
    if fixed:
        parts.append(f"fixed limits for your {' and '.join(fixed)}")
    text = "Judged against " + ", and ".join(parts) + "."
    if stretch.tall is not None and tall_reference is not None:
        cue = stretch.tall.cue[0].lower() + stretch.tall.cue[1:].rstrip(".")
        text += TALL_WORDS[tall_reference].format(posture=stretch.tall.name, cue=cue)
    return text


def tall_reference_text(stretch: Stretch, from_s: float | None) -> str | None:
    """For a recorded video: whether (and from when) the low back was read against the person's tall posture."""
    if stretch.tall is None:
        return None
    if from_s is None:
        return f"Low back read without your {stretch.tall.name} posture: none was seen before the stretch."
    return f"Low back read against your {stretch.tall.name} posture from {from_s:.1f} s."


def get_ready_text(stretch: Stretch) -> str:
    """How to get into the position, and the tall posture to show first where the position reads one."""
    return stretch.position_hint + tall_cue(stretch)


def tall_cue(stretch: Stretch) -> str:
    """The cue for the tall posture to show before the hold, after a space, where the position reads one; else ""."""
    return "" if stretch.tall is None else f" {stretch.tall.cue}"


def metric_name(metric: str) -> str:
    return METRIC_NAMES.get(metric, metric.replace("_", " "))


def zone(cond: Condition, value: float) -> str:
    """"ok" inside the clear threshold, "warn" between clear and raise, "bad" beyond the raise threshold."""
    signed = (abs(value) if cond.both_ways else value) * cond.direction
    if signed >= cond.on * cond.direction:
        return "bad"
    if signed > cond.off * cond.direction:
        return "warn"
    return "ok"


def reading_words(mistake: Mistake, cond: Condition, value: float) -> str:
    """e.g. "Low back: slightly rounded"."""
    subject, words = WORDS.get(mistake.name, (mistake.label, ("fine", "near the limit", "beyond the limit")))
    return f"{subject}: {words[ZONES.index(zone(cond, value))]}"


def angle_words(metric: str, value: float) -> str | None:
    """The hinge angles with their unit: "Hip bend 86°", "Trunk 12° forward"."""
    if value is None or not math.isfinite(value):
        return None
    if metric in ("hip_fold", "deeper_hip_fold"):
        return f"Hip bend {value:.0f}°"
    if metric == "trunk_tilt":
        return f"Trunk {abs(value):.0f}° {'forward' if value >= 0 else 'back'}"
    return None


def rule_value(mistake: Mistake, metrics: dict[str, float], values: dict[str, float]) -> tuple[Condition, float]:
    """The condition of ``mistake`` to show and the value it is judged by now: the frame's metric for its first
    absolute condition, else the rule engine's own value (change from baseline, speed) for a mistake with one
    condition; NaN when there is none."""
    absolute = [c for c in mistake.conditions if not (c.relative or c.speed)]
    cond = absolute[0] if absolute else mistake.conditions[0]
    if absolute:
        value = metrics.get(cond.metric, math.nan)
    elif len(mistake.conditions) == 1:
        value = values.get(mistake.name, math.nan)
    else:
        value = math.nan
    return cond, math.nan if value is None else float(value)


def frame_lines(stretch: Stretch, metrics: dict[str, float], values: dict[str, float]) -> list[str]:
    """The lines printed on a frame: each mistake's state in words (from the value its rule compares with the
    thresholds), then the hip bend and the trunk lean in degrees."""
    lines = []
    for mistake in stretch.mistakes:
        cond, value = rule_value(mistake, metrics, values)
        if math.isfinite(value):
            lines.append(reading_words(mistake, cond, value))
    # The hip bend the stretch is read by (the glute's ignores a misplaced crossed knee, see rules.STRETCHES).
    lines += [text for metric in (stretch.fold, "trunk_tilt") if (text := angle_words(metric, metrics.get(metric)))]
    return lines


def seen_stretch(seen: str | None) -> str | None:
    """The stretch done in a recognised position (a ``Position`` value); None for any other position or none."""
    return POSITION_STRETCH.get(Position(seen)) if seen in set(Position) else None


def position_words(chosen: str | None, seen: str | None) -> str:
    """Which position was recognised, with its stretch, said plainly when it is not the chosen stretch's.
    ``chosen``: a stretch name, None when the stretch was picked automatically; ``seen``: a ``Position`` value."""
    if seen not in set(Position):
        return "No stretch position was recognised."
    label, stretch = LABELS[Position(seen)], seen_stretch(seen)
    if stretch is None:
        return f"Recognised position: {label} (not one of the routine's stretches)."
    title = STRETCHES[stretch].title
    if chosen is None or chosen == stretch or chosen not in STRETCHES:
        return f"Recognised: {title} ({label})."
    chosen_title = STRETCHES[chosen].title.lower()
    return (f"You chose the {chosen_title}, but this looked like the {title.lower()} ({label}). Nothing was judged "
            f"while you were in that position: choose the {title.lower()}, or get into the position for this one.")


def could_not_check(cov: Coverage, stretch: str | None, seen: str | None) -> str:
    """Why the form could not be checked, with the one thing to change; says so too when the position looked like
    another stretch's. ``stretch``: the one judged (anything else: with auto, no hold started); ``seen``: the
    ``Position`` recognised."""
    if stretch not in STRETCHES:
        reason = cov.main_reason
        if reason in STATUS_TEXT:  # the camera or the people in view, which no position can be recognised through
            return (f"{NOTHING_RECOGNISED} The main reason: {reason_text(reason)} ({cov.not_judged_s[reason]:.0f} s). "
                    f"{STATUS_TEXT[reason]}")
        return f"{NOTHING_RECOGNISED} {WAITING}"
    other = seen_stretch(seen)
    other = other if other != stretch else None
    text = unchecked_text(cov, STRETCHES[stretch], STRETCHES.get(other))
    if other and cov.main_reason != "wrong_position":  # otherwise the text above says it already
        text += " " + position_words(stretch, seen)
    return text
