"""What a patient reads on screen: each measure named in plain words, with a unit or as a word ("flat", "slightly
rounded", "rounded") taken from the same thresholds the rules use. The raw values stay in the JSON report."""

from __future__ import annotations

import math
from typing import NamedTuple

from .coverage import Coverage, reason_seconds, reason_text, unchecked_text
from .positions import LABELS, POSITION_STRETCH, Position, not_judged_yet_text
from .rule_words import STATUS_TEXT
from .rules import RANGE_METRIC, STRETCHES, Condition, Mistake, Stretch

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


# How the low back is read, by ``FrameResult.tilt_range`` state.
RANGE_WORDS = {"found": " Low back read against the middle of your own range.",
               "looking": " Low back read without your own range until you do the range step (tuck, tip, settle): "
                          "till then a slight mistake can only be called possible.",
               "missed": " Low back read without your own range (no range step seen): a slight mistake can only be "
                         "called possible."}


def reference_text(stretch: Stretch, baseline: str, tall_reference: str | None = None,
                   tilt_range: str | None = None) -> str:
    """What this stretch's form is compared with now, from the rule table: the person's own settled position (the
    relative conditions, once learned) and fixed limits that judge from the first second. ``baseline``: a
    ``Verdict.baseline`` state; ``tall_reference``: ``FrameResult.tall_reference``; ``tilt_range``:
    ``FrameResult.tilt_range``."""
    conditions = [c for m in stretch.mistakes for c in m.conditions + m.requires]
    fixed = fixed_limits(stretch)
    parts = []
    if any(c.relative for c in conditions):
        parts.append("your own settled position" + BASELINE_WORDS[baseline])
    if fixed:
        parts.append(f"fixed limits for your {' and '.join(fixed)}")
    text = "Judged against " + ", and ".join(parts) + "."
    if stretch.tall is not None and tall_reference is not None:
        cue = stretch.tall.cue[0].lower() + stretch.tall.cue[1:].rstrip(".")
        text += TALL_WORDS[tall_reference].format(posture=stretch.tall.name, cue=cue)
    if stretch.tilt_range is not None and tilt_range is not None:
        text += RANGE_WORDS[tilt_range]
    return text


NOTHING_STARTED = "Nothing was checked: no hold had started."
NO_STRETCH = "No stretch recognised"  # a recorded video in which no stretch's position started a hold


def fixed_limits(stretch: Stretch) -> list[str]:
    """What the stretch's fixed limits (those that need no settled position) are limits on: all a photo is judged
    by, since a still picture is its own settled position."""
    conditions = [c for m in stretch.mistakes for c in m.conditions + m.requires]
    # The reading against the person's own range is no fixed limit: it needs their range first.
    return list(dict.fromkeys(FIXED_LIMITS.get(c.metric, metric_name(c.metric)) for c in conditions
                              if not c.relative and c.metric != RANGE_METRIC))


def tall_reference_text(stretch: Stretch, from_s: float | None) -> str | None:
    """For a recorded video: whether (and from when) the low back was read against the person's tall posture."""
    if stretch.tall is None:
        return None
    if from_s is None:
        return f"Low back read without your {stretch.tall.name} posture: none was seen before the stretch."
    return f"Low back read against your {stretch.tall.name} posture from {from_s:.1f} s."


# The guided range step (``Stretch.tilt_range``), said before the hold: small, gentle and optional.
RANGE_STEP_CUE = ("Once in position, find your own range (gently, never forced; skip it if it hurts): tuck your "
                  "tailbone under… now gently tip it back… now settle in the middle and hold.")


# The live range step's prompts in order: a still moment, the tuck, the tip, settling (formcheck.coaching.range_step
# times them).
RANGE_PROMPTS = ("Range step, small and gentle: keep still a moment.",
                 "Gently tuck your tailbone under.",
                 "Now gently tip it back.",
                 "Now settle in the middle and keep still.")
# Why a try of the range step found no range (``RangeFinder.shortfall`` and the coach's own checks), and what to do.
RANGE_SHORTFALL = {
    "moved": "You left the position during the range step: stay in it from tuck to settle.",
    "side": "Your back was not seen side-on: turn side-on to the camera.",
    "still": "Keep still in the position for a moment before the tuck.",
    "tuck": "No tuck was seen: tuck your tailbone under a little more, still gently.",
    "tip": "No tip was seen: tip your tailbone back a little more, still gently.",
    "small": "The range was too small to read: tuck and tip a little further, still gently.",
    "large": "That was more than a gentle tilt: keep it small and slow.",
    "settle": "Settle back in the middle and keep still after the tip.",
}
RANGE_FOUND = "Got your range."
RANGE_RETRY = "Once more."
RANGE_WITHOUT = "Holding without your range: a slight mistake can only be called possible."
RANGE_SKIPPED = "Range step skipped: a slight mistake can only be called possible."
RANGE_KEPT_UNFIT = ("Your kept range does not fit today (camera moved, other clothes?): turn the range step on to "
                    "take it again. Until then a slight mistake can only be called possible.")
RANGE_TOGGLE = "Range step before the hold"
RANGE_TOGGLE_HELP = ("About 8 seconds in the position: gently tuck your tailbone under, tip it back, settle in the "
                     "middle. Your low back is then judged against your own range, so slight mistakes can be told "
                     "from your body's shape. Small and gentle, never forced: leave it off if it hurts.")


def tilt_range_text(stretch: Stretch, from_s: float | None) -> str | None:
    """For a recorded video: whether (and from when) the low back was read against the middle of the person's own
    range (None: the position has no range step)."""
    if stretch.tilt_range is None:
        return None
    if from_s is None:
        return ("Low back read without your own range: no range step (tuck, tip, settle) was seen, so a slight "
                "mistake can only be called possible.")
    return f"Low back read against the middle of your own range from {from_s:.1f} s."


def reference_name(own_range: bool, tall: bool) -> str:
    """What the low back was read against, as the JSON report names it."""
    return "own range" if own_range else "tall posture" if tall else "absolute"


POSSIBLE_CONCLUSION = ("Nothing was flagged for sure, but a slight mistake was possible: from the side, some bodies' "
                       "correct backs and others' slight mistakes look alike. Where the stretch offers it, do the "
                       "range step (tuck, tip, settle) so your back is read against your own range.")
MISTAKE_LABELS = {m.name: m.label for spec in STRETCHES.values() for m in spec.mistakes}


def possible_text(possible: list[dict]) -> str | None:
    """e.g. "Possible, not sure: low back rounding 6 s." from the report's possible intervals (None: none)."""
    seconds: dict[str, float] = {}
    for interval in possible:
        seconds[interval["mistake"]] = seconds.get(interval["mistake"], 0.0) + interval["end_s"] - interval["start_s"]
    shown = [f"{MISTAKE_LABELS[name].lower()} {value:.0f} s" for name, value in seconds.items() if value >= 0.5]
    return f"Possible, not sure: {', '.join(shown)}." if shown else None


def get_ready_text(stretch: Stretch) -> str:
    """How to get into the position, and the tall posture to show first where the position reads one."""
    return stretch.position_hint + tall_cue(stretch) + ("" if stretch.tilt_range is None else f" {RANGE_STEP_CUE}")


def tall_cue(stretch: Stretch) -> str:
    """The cue for the tall posture to show before the hold, after a space, where the position reads one; else ""."""
    return "" if stretch.tall is None else f" {stretch.tall.cue}"


def metric_name(metric: str) -> str:
    return METRIC_NAMES.get(metric, metric.replace("_", " "))


def zone(cond: Condition, value: float) -> str:
    """"ok" inside the clear threshold, "warn" between clear and raise, "bad" beyond the raise threshold."""
    if cond.raises(value):
        return "bad"
    return "ok" if cond.clears(value) else "warn"


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
    absolute = [c for c in mistake.conditions if not (c.relative or c.speed or c.metric == RANGE_METRIC)]
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


def checking_words(stretch: Stretch, status: str, metrics: dict[str, float], values: dict[str, float]) -> str | None:
    """What a frame's banner says while a mistake is being confirmed: a reading beyond its limit (``frame_lines``
    words it "rounded") that the rules have not flagged yet (they raise a flag after RAISE_S of it), so the banner
    does not say "Good form" beside it. None when the verdict (``status``) is not good form or no reading is beyond
    its limit."""
    if status != "good":
        return None
    for mistake in stretch.mistakes:
        cond, value = rule_value(mistake, metrics, values)
        if math.isfinite(value) and zone(cond, value) == "bad":
            return f"Checking: {mistake.label.lower()}…"
    return None


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
    if (variant := not_judged_yet_text(seen)) and cov.main_reason in (None, "not_in_position"):
        return f"Could not check your form. {variant}"
    if stretch not in STRETCHES:
        reason = cov.main_reason
        if reason in STATUS_TEXT:  # the camera or the people in view, which no position can be recognised through
            return (f"{NOTHING_RECOGNISED} The main reason: {reason_text(reason)} "
                    f"({reason_seconds(cov.not_judged_s[reason])}). "
                    f"{STATUS_TEXT[reason]}")
        return f"{NOTHING_RECOGNISED} {WAITING}"
    other = seen_stretch(seen)
    other = other if other != stretch else None
    text = unchecked_text(cov, STRETCHES[stretch], STRETCHES.get(other))
    if other and cov.main_reason != "wrong_position":  # otherwise the text above says it already
        text += " " + position_words(stretch, seen)
    return text


# -- endings: what a hold, a practice or a routine comes to (said aloud and shown), praise only where earned --------

def times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def mistake_counts(stretch: str, names: list[str]) -> dict[str, int]:
    """How often each mistake (by name) was flagged, keyed by its label in ``stretch``, in the order first flagged."""
    spec = STRETCHES.get(stretch)
    labels = {m.name: m.label for m in spec.mistakes} if spec else {}
    counts: dict[str, int] = {}
    for name in names:
        label = labels.get(name, name)
        counts[label] = counts.get(label, 0) + 1
    return counts


def flagged_words(counts: dict[str, int]) -> str:
    """Each mistake flagged with how often, e.g. "low back rounding 4 times and twist once"; "" for none."""
    parts = [f"{label.lower()} {times(n)}" for label, n in counts.items() if n]
    return " and ".join(filter(None, [", ".join(parts[:-1]), parts[-1]])) if parts else ""


def holds_done_text(completed: int, planned: int) -> str:
    """e.g. "0 of 7 holds completed" — measured against the plan, not against the holds reached."""
    return f"{completed} of {planned} {'hold' if planned == 1 else 'holds'} completed"


def partial_text(kind: str) -> str:
    """Beside a session that stopped before every hold of its plan was done."""
    return ("stopped early — not counted toward the daily aim or the streak" if kind == "routine"
            else "stopped early")


def possible_words(stretch: str) -> str:
    """What a hold's "possible" seconds were (``coverage.POSSIBLE``), e.g. "slight low back rounding": the stretch's
    mistakes with an overlap band (``rules.Mistake.possible``)."""
    spec = STRETCHES.get(stretch)
    labels = [m.label.lower() for m in spec.mistakes if m.possible is not None] if spec else []
    return f"slight {' or '.join(labels)}" if labels else "a slight mistake"


def hold_end_cue(completed: bool, flagged: dict[str, int], possible: str | None = None) -> str:
    """Said as a hold ends, before what comes next: praise only for a hold done without a mistake flagged or
    ``possible`` (``possible_words``: a reading where correct backs and slight mistakes look alike)."""
    if not completed:
        return ""
    if any(flagged.values()):
        return f"That hold is done. Flagged: {flagged_words(flagged)}. "
    if possible:
        return f"That hold is done. Nothing flagged for sure, but {possible} was possible. "
    return "Good. "


def plan_end_cue(completed: int, planned: int, flags: int, possible: bool = False) -> str:
    """Said when the last hold of the plan ends: "well done" only when every hold was done with no mistake
    flagged and none ``possible``."""
    if completed == planned and not flags and not possible:
        return "That's everything — well done. Take a moment before you get up."
    flagged = (f", {flags} {'mistake' if flags == 1 else 'mistakes'} flagged" if flags
               else ", a slight mistake possible" if possible else "")
    return (f"That's everything: {holds_done_text(completed, planned)}{flagged}. The screen shows what to work on. "
            "Take a moment before you get up.")


def ending_headline(completed: int, planned: int, flagged: dict[str, int], all_checked: bool,
                    possible: tuple[str, ...] = ()) -> tuple[bool, str]:
    """The first line of the end screen and whether it has earned praise (every hold of the plan done and checked,
    no mistake flagged, none ``possible``: ``possible_words`` of the holds where one was)."""
    done = holds_done_text(completed, planned)
    earned = completed == planned and all_checked and not any(flagged.values()) and not possible
    if earned:
        return True, f"All done — well done! {done.capitalize()} with good form and no mistakes flagged."
    head = "Finished" if completed == planned else "Stopped early"
    text = f"{head}: {done}."
    if any(flagged.values()):
        text += f" Flagged: {flagged_words(flagged)} — the pictures below show each moment and what to change."
    elif possible:
        text += f" Nothing flagged for sure, but {' and '.join(possible)} was possible."
    return False, text


# What a live hold's low back was read against, by ``HoldLog.range_step``, on the end screen.
RANGE_OUTCOME = {"found": "judged against your own range",
                 "kept": "judged against your kept range",
                 "kept, did not fit": "kept range did not fit today: slight mistakes only called possible",
                 "not found": "range not found: slight mistakes only called possible",
                 "skipped": "range step skipped: slight mistakes only called possible"}


def hold_ending_line(title: str, good_s: float, target_s: float, completed: bool, judged_s: float, checked: bool,
                     flagged: dict[str, int], range_step: str | None = None, possible: str | None = None) -> str:
    """One hold on the end screen: what was judged, what went well, what was flagged, and what the low back was read
    against where the position has a range step. ``checked``: enough was judged to say "no mistakes"
    (``formcheck.coverage``); ``possible``: ``possible_words`` when a slight mistake was possible (the hold timer
    counts those seconds, so they are not called good form)."""
    quality = "" if possible else " with good form"
    held = f"{min(good_s, target_s):.0f} s of {target_s:.0f} s held{quality}" + (" (done)" if completed else "")
    if any(flagged.values()):
        flags = f"flagged: {flagged_words(flagged)}"
    elif possible:
        flags = f"nothing flagged for sure, {possible} possible"
    else:
        flags = "no mistakes flagged" if checked else "too little judged to tell"
    ranged = f" · {RANGE_OUTCOME[range_step]}" if range_step in RANGE_OUTCOME else ""
    return f"**{title}:** {held} · {judged_s:.0f} s judged · {flags}{ranged}"


# -- the camera ----------------------------------------------------------------------------------------------

# The video box's own words where streamlit-webrtc takes them (its ``translations``): its camera list (SELECT DEVICE)
# and the browser's permission prompt. The box adds the browser's message in brackets after the first two. Its own
# START (which would print the browser's error as it is) is not offered: the camera check's button starts it.
CAMERA_BOX_WORDS = {
    "device_not_available": "No camera found, or another program is using it. Plug a camera in or close the other "
                            "program, then choose it again",
    "device_access_denied": "The camera is blocked for this page. Allow it with the camera icon in the address bar, "
                            "then reload the page",
    "media_api_not_available": "This browser cannot use the camera at this address. Open the app at its "
                               "http://localhost address, as set-up printed it, in Chrome, Edge or Firefox",
    "device_ask_permission": "Allow the camera when the browser asks",
}


# -- a photo: one still posture (formcheck.video.STILL_S of its picture), judged by the fixed limits only ----------

PHOTO = "Judged as a still posture: a photo shows one moment, not how you hold the stretch."


def photo_checked(stretch: str) -> str:
    """The green line for a photo in which nothing was flagged: what it was judged by."""
    return (f"No mistake seen in the posture of this photo, judged by the fixed limits for your "
            f"{' and '.join(fixed_limits(STRETCHES[stretch]))}.")


def photo_could_not_check(cov: Coverage, stretch: str | None, seen: str | None = None) -> str:
    """Why a photo's posture could not be checked, with the one thing to change. ``stretch``: the one judged (else
    no stretch's position was recognised); ``seen``: the ``Position`` recognised."""
    if (variant := not_judged_yet_text(seen)) and cov.main_reason in (None, "not_in_position"):
        return f"Could not check the posture in this photo. {variant}"
    spec = STRETCHES.get(stretch)
    if spec is not None and cov.judged_s > 0 and not fixed_limits(spec):  # judged only against the posture itself
        return (f"Could not check your form from a photo: the {spec.title.lower()} is judged by changes from your own "
                "settled position, which only a video shows.")
    reason = cov.main_reason
    if spec is None and reason not in STATUS_TEXT:
        return f"Could not check the posture in this photo: none of the routine's positions was recognised. {WAITING}"
    why = reason_text(reason) if reason else "it was not judged"
    return f"Could not check the posture in this photo: {why}. {STATUS_TEXT.get(reason) or spec.position_hint}"


def unreadable_file(name: str) -> str:
    """One line for a file that could not be read: its own name, never where a copy was kept or the decoder's
    words."""
    return (f"Could not read “{name}” as a video or a photo: it may be damaged, or in a format this computer cannot "
            "open. Try another file.")


# -- the camera check above the video (formcheck/ui/camera_check.py): what the browser says, in words -------------

# The buttons of the camera check above the video. "Start the camera" turns the camera on for a moment (the browser
# may ask to allow it) and off again, then starts the video if that worked; "Check again" looks again without
# turning it on.
CAMERA_CHECK_BUTTONS = {"start": "Start the camera", "stop": "Stop the camera", "starting": "Starting the camera…",
                        "again": "Check again"}
CAMERA_CHECKING = "Checking the camera…"  # where the video goes, until the check's first answer (a moment)
# The side panel before the camera is on.
CAMERA_START = (f"Press **{CAMERA_CHECK_BUTTONS['start']}** above the video. No video is recorded or sent anywhere. "
                "If the browser asks, allow the camera.")
CAMERA_SAMPLE_LINK = "No camera at hand? Analyse a sample video instead"
# The side panel, while the video box is held back for one of the problems below.
CAMERA_NOT_READY = ("The coaching starts once the camera works: the note where the video would be says what to do. "
                    "Meanwhile you can read the plan or analyse a sample video.")


class CameraNote(NamedTuple):
    """What the page says about the camera: ``kind`` (its key in ``CAMERA_NOTES``), ``level`` ("error", "warning" or
    "success"), ``what`` happened, what to ``do``, and whether the video box is held back (``blocks``) until the
    person has fixed it and the check says so."""

    kind: str
    level: str
    what: str
    do: str
    blocks: bool


CAMERA_NOTES = {
    "no_api": CameraNote(
        "no_api", "error", "This browser cannot use a camera at this address.",
        "Open the app at its http://localhost address, as set-up printed it, in Chrome, Edge or Firefox "
        "(a camera works only there or on an https:// address).", True),
    "no_camera": CameraNote(
        "no_camera", "error", "No camera found on this computer.",
        "Plug in a camera, or turn on the built-in one (some laptops have a switch or a key for it), then press "
        "“Check again”.", True),
    "blocked": CameraNote(
        "blocked", "error", "The camera is blocked for this page.",
        "Click the camera icon in the address bar, choose Allow, then press “Check again”. If it is allowed "
        "there, the computer's privacy settings may keep the browser from the camera: allow it there too.", True),
    "in_use": CameraNote(
        "in_use", "warning", "The camera is in use by another program.",
        "Close the other program or browser tab that uses it (a video call, another camera app), then press "
        f"“{CAMERA_CHECK_BUTTONS['start']}” again.", False),
    "failed": CameraNote(
        "failed", "warning", "The camera would not start.",
        f"Unplug the camera and plug it in again, or restart the browser, then press “{CAMERA_CHECK_BUTTONS['start']}” "
        "again.", False),
    "works": CameraNote(
        "works", "success", "The camera works.", f"Press “{CAMERA_CHECK_BUTTONS['start']}” to turn it on.", False),
}

# The browser's error names for a failed camera start (getUserMedia), old Chrome names included, by what they mean.
CAMERA_ERRORS = {
    "NotFoundError": "no_camera", "DevicesNotFoundError": "no_camera", "OverconstrainedError": "no_camera",
    "NotAllowedError": "blocked", "PermissionDeniedError": "blocked", "SecurityError": "blocked",
    "NotReadableError": "in_use", "TrackStartError": "in_use", "AbortError": "in_use",
    "TypeError": "no_api",
}


def camera_note(answer: dict | None) -> CameraNote | None:
    """What to say about the camera from the browser's answer to the camera check (``None``: no answer yet, or
    nothing to say). The answer's keys: ``api`` (the browser has the camera API here), ``cameras``
    (video inputs listed, ``None`` if unknown), ``permission`` ("granted", "denied", "prompt" or ``None`` where the
    browser cannot tell) and ``test`` (``None``, "ok" or the error name of the last try to start the camera); also
    ``secure`` (a secure context, which the API needs), ``look``, ``instance`` and ``action`` (which press asked to
    start or stop the video: ``formcheck.ui.live_view.camera``), not used here.
    A test that worked outweighs a count of no camera (a browser may list none before the camera is allowed)."""
    if not isinstance(answer, dict):
        return None
    if not answer.get("api", True):
        return CAMERA_NOTES["no_api"]
    if answer.get("permission") == "denied":
        return CAMERA_NOTES["blocked"]
    test = answer.get("test")
    if test == "ok":
        return CAMERA_NOTES["works"]
    if test:
        return CAMERA_NOTES[CAMERA_ERRORS.get(str(test), "failed")]
    if answer.get("cameras") == 0:
        return CAMERA_NOTES["no_camera"]
    return None
