"""Score the analyzer against clips whose truth is known (``*.truth.json`` beside each ``*.mp4``).

Event matching: a flagged event and a true mistake interval of the same mistake match when the event starts no
earlier than ``EARLY_S`` before the true onset and no later than ``LATE_S`` after the true offset (a flag raised
a little after the person corrected still points at the right mistake). Matching is one-to-one, greedy in time
order. Unmatched true intervals are misses; unmatched events are false alarms.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .analyze import analyze_video
from .errors import InputError
from .model_files import DEFAULT_MODEL
from .positions import STRETCH_POSITION, positions_in

TRUTH_SCHEMA = "formcheck.truth/1"
EARLY_S = 1.0
LATE_S = 2.5
UNSURE_STATUSES = {"no_person", "two_people", "tracking_lost", "low_visibility", "wrong_view", "no_outline"}
JUDGED_STATUSES = {"calibrating", "good", "possible", "mistake"}
# A wrong-view clip counts as abstained on when most of its hold is "unsure" and nothing was flagged.
ABSTAIN_SHARE = 0.8
# A true mistake interval that begins this close to the start of the hold is a "start in the mistake": the person
# went straight into it, so there was no good hold to compare with.
START_IN_MISTAKE_S = 0.5
# A truth file's mistake interval is where the rig is past the mistake's limit (``mistake_limits``, from the rule
# table); a mistake without one (a quality of movement), or a truth file older than the limits, is cut where the
# scripted deviation reaches half its size.
HALF_SIZE = "half its size"
UNITS = {"over_extension": " m", "jerky_pumping": ""}


@dataclass
class ClipScore:
    clip: str
    stretch: str
    split: str
    expected_abstain: bool
    minutes: float
    correct_hold_minutes: float
    matches: dict[str, list[float]] = field(default_factory=dict)  # mistake → time-to-flag per matched interval
    misses: dict[str, int] = field(default_factory=dict)
    false_alarms: dict[str, int] = field(default_factory=dict)
    toggles: int = 0
    abstain_share: float = 0.0
    in_position_share: float = 0.0  # hold frames the engine judged (not unsure, not "not in position")
    lumbar_errors: list[float] = field(default_factory=list)  # Δ estimate − Δ truth, degrees, hold frames
    detection_rate: float = 0.0
    body: str = "?"
    clear_delays: dict[str, list[float]] = field(default_factory=dict)  # flag end − true offset, per matched one
    start_delays: list[float] = field(default_factory=list)  # start-in-mistake intervals: flag − hold start
    flagged_correct_s: float = 0.0  # seconds flagged (any mistake) while the form was correct, in holds
    mistake_s: float = 0.0  # seconds of true mistake in holds …
    mistake_called_good_s: float = 0.0  # … of which the page said "good form"
    mistake_called_possible_s: float = 0.0  # … or "possible"
    correct_called_possible_s: float = 0.0  # seconds of correct hold the page called a possible mistake
    lumbar_abs_errors: list[float] = field(default_factory=list)  # absolute estimate − rig angle, hold frames
    lumbar_abs_truth: list[float] = field(default_factory=list)  # the rig angle of those same frames
    positions: dict[str, int] = field(default_factory=dict)  # recognised position (or "unsure") → hold frames
    truth_limits: dict[str, float | None] = field(default_factory=dict)  # where its truth was cut (None: half size)

    @property
    def abstained(self) -> bool:
        return (self.abstain_share >= ABSTAIN_SHARE and not any(self.false_alarms.values())
                and not any(self.matches.values()))


def load_truth(path: Path) -> dict:
    try:
        truth = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"{path}: unreadable truth file ({err})") from None
    if not isinstance(truth, dict) or truth.get("schema") != TRUTH_SCHEMA:
        raise InputError(f"{path}: not a {TRUTH_SCHEMA} file")
    return truth


def find_clips(directory: Path) -> list[tuple[Path, Path]]:
    if not directory.is_dir():
        raise InputError(f"{directory}: not a directory")
    pairs = [(truth.with_name(truth.name.removesuffix(".truth.json") + ".mp4"), truth)
             for truth in sorted(directory.glob("*.truth.json"))]
    pairs = [(clip, truth) for clip, truth in pairs if clip.is_file()]
    if not pairs:
        raise InputError(f"{directory}: no clips with a .truth.json sidecar")
    return pairs


def _in_any(t: float, intervals) -> bool:
    return any(start <= t <= end for start, end in intervals)


def matched_pairs(truth_intervals: list[list[float]], events: list[dict]) -> tuple[list[tuple], int]:
    """Return ([(true interval, its event)], false alarms): one-to-one, greedy in time order."""
    unmatched = sorted(events, key=lambda e: e["start_s"])
    pairs = []
    for start, end in sorted(truth_intervals):
        hit = next((e for e in unmatched if start - EARLY_S <= e["start_s"] <= end + LATE_S), None)
        if hit is not None:
            unmatched.remove(hit)
            pairs.append(((start, end), hit))
    return pairs, len(unmatched)


def match_events(truth_intervals: list[list[float]], events: list[dict]) -> tuple[list[float], int, int]:
    """Return (time-to-flag of each matched interval, misses, false alarms)."""
    pairs, false_alarms = matched_pairs(truth_intervals, events)
    delays = [max(0.0, event["start_s"] - start) for (start, _), event in pairs]
    return delays, len(truth_intervals) - len(pairs), false_alarms


def clear_delay(true_end: float, event: dict, clip_end: float) -> float:
    """How long a matched flag stayed up after the person corrected (0 if it cleared in time); a flag still up at
    the end of the clip counts until then."""
    end = event["end_s"] if event["end_s"] is not None else clip_end
    return max(0.0, end - true_end)


def score_clip(clip: Path, truth: dict, model: str = DEFAULT_MODEL, workers: int | None = None,
               skip_frames: bool = False) -> ClipScore:
    analysis = analyze_video(clip, truth["stretch"], model=model, workers=workers, skip_frames=skip_frames)
    return score_frames(clip.name, truth, analysis.frames, analysis.events)


def score_frames(clip_name: str, truth: dict, frames: list[dict], events: list[dict]) -> ClipScore:
    """Score one clip's per-frame records and events (as in the JSON report) against its truth."""
    detection_rate = sum(f["detected"] for f in frames) / len(frames) if frames else 0.0
    fps = truth["fps"]
    hold = truth.get("hold") or [[0.0, len(frames) / fps]]
    all_mistakes = [iv for ivs in truth["mistakes"].values() for iv in ivs]
    hold_frames = [f for f in frames if _in_any(f["t"], hold)]
    correct_hold = [f for f in hold_frames if not _in_any(f["t"], all_mistakes)]
    score = ClipScore(
        clip=clip_name, stretch=truth["stretch"], split=truth.get("split", "?"),
        expected_abstain=bool(truth.get("expected_abstain")), minutes=len(frames) / fps / 60,
        correct_hold_minutes=len(correct_hold) / fps / 60, detection_rate=detection_rate,
    )
    clip_end = frames[-1]["t"] if frames else 0.0
    hold_start = hold[0][0]
    for mistake, intervals in truth["mistakes"].items():
        mine = [e for e in events if e["mistake"] == mistake]
        delays, misses, false_alarms = match_events(intervals, mine)
        score.matches[mistake], score.misses[mistake], score.false_alarms[mistake] = delays, misses, false_alarms
        pairs, _ = matched_pairs(intervals, mine)
        score.clear_delays[mistake] = [clear_delay(end, event, clip_end) for (_, end), event in pairs]
        for start, end in intervals:
            if start - hold_start <= START_IN_MISTAKE_S:
                hit = next((e for (s0, _), e in pairs if s0 == start), None)
                # A missed one counts as never flagged: the rest of the clip.
                score.start_delays.append((hit["start_s"] if hit else clip_end) - hold_start)
    score.flagged_correct_s = sum(1 / fps for f in correct_hold if f["flags"])
    in_mistake = [f for f in hold_frames if _in_any(f["t"], all_mistakes)]
    score.mistake_s = len(in_mistake) / fps
    score.mistake_called_good_s = sum(f["status"] == "good" for f in in_mistake) / fps
    score.mistake_called_possible_s = sum(f["status"] == "possible" for f in in_mistake) / fps
    score.correct_called_possible_s = sum(f["status"] == "possible" for f in correct_hold) / fps
    score.body = truth.get("body", {}).get("name", "?")
    score.truth_limits = {m: truth.get("mistake_limits", {}).get(m) for m in truth["mistakes"]}
    score.lumbar_abs_errors, score.lumbar_abs_truth = _lumbar_abs_errors(frames, truth, hold)
    flags = [tuple(f["flags"]) for f in frames]
    score.toggles = sum(a != b for a, b in zip(flags, flags[1:]))
    if hold_frames:
        score.abstain_share = sum(f["status"] in UNSURE_STATUSES for f in hold_frames) / len(hold_frames)
        score.in_position_share = sum(f["status"] in JUDGED_STATUSES for f in hold_frames) / len(hold_frames)
    score.lumbar_errors = _lumbar_errors(frames, truth, hold)
    seen = positions_in([(f["t"], {k: math.nan if v is None else v for k, v in f["metrics"].items()})
                         for f in frames], hold)
    score.positions = {str(position or "unsure"): n for position, n in seen.items()}
    return score


def _lumbar_errors(frames: list[dict], truth: dict, hold) -> list[float]:
    """Contour bend vs the rig's lumbar flexion, both as change from the first settled second of the hold.

    The contour also sees the buttocks and soft tissue, so only changes are comparable, not absolute angles.
    """
    true_angle = truth["frames"]["lumbar_flexion_deg"]
    estimate = [f["metrics"].get("back_bend") for f in frames]
    start = hold[0][0]
    ref = [i for i, f in enumerate(frames) if start <= f["t"] <= start + 1.0 and estimate[i] is not None]
    if not ref:
        return []
    est0 = float(np.median([estimate[i] for i in ref]))
    true0 = float(np.median([true_angle[i] for i in ref]))
    return [(estimate[i] - est0) - (true_angle[i] - true0)
            for i, f in enumerate(frames[: len(true_angle)])
            if estimate[i] is not None and _in_any(f["t"], hold)]


def _lumbar_abs_errors(frames: list[dict], truth: dict, hold) -> tuple[list[float], list[float]]:
    """Absolute lumbar angle (the shipped model's reading) − the rig's angle, in hold frames with a reading."""
    true_angle = truth["frames"]["lumbar_flexion_deg"]
    errors, truths = [], []
    for frame, true in zip(frames, true_angle):
        estimate = frame["metrics"].get("lumbar_angle")
        if estimate is not None and frame["status"] in JUDGED_STATUSES and _in_any(frame["t"], hold):
            errors.append(estimate - true)
            truths.append(true)
    return errors, truths


def _spread(values: list[float]) -> dict:
    return {"median_s": float(np.median(values)) if values else math.nan,
            "p90_s": float(np.percentile(values, 90)) if values else math.nan, "n": len(values)}


def lumbar_table(scores: list[ClipScore], key: Callable[[ClipScore], str]) -> dict[str, dict]:
    """Absolute lumbar angle MAE / bias per group (stretch, body), with what always guessing neutral (0°) scores."""
    groups: dict[str, list[ClipScore]] = {}
    for score in scores:
        if score.lumbar_abs_errors:
            groups.setdefault(key(score), []).append(score)
    table = {}
    for name, members in sorted(groups.items()):
        errors = np.concatenate([s.lumbar_abs_errors for s in members])
        truths = np.concatenate([s.lumbar_abs_truth for s in members])
        table[name] = {"frames": int(len(errors)), "mae_deg": float(np.mean(np.abs(errors))),
                       "bias_deg": float(np.mean(errors)), "neutral_guess_mae_deg": float(np.mean(np.abs(truths)))}
    return table


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else math.nan
    recall = tp / (tp + fn) if tp + fn else math.nan
    f1 = 2 * precision * recall / (precision + recall) if tp else (0.0 if fp + fn else math.nan)
    return precision, recall, f1


def summarize(scores: list[ClipScore]) -> dict:
    """Aggregate clip scores into the figures the README reports."""
    # Wrong-view clips are judged on abstaining alone: flagging nothing there is right, not a miss.
    judged = [s for s in scores if not s.expected_abstain]
    mistakes = sorted({m for s in judged for m in s.matches})
    per_mistake = {}
    for mistake in mistakes:
        tp = sum(len(s.matches.get(mistake, [])) for s in judged)
        fn = sum(s.misses.get(mistake, 0) for s in judged)
        fp = sum(s.false_alarms.get(mistake, 0) for s in judged)
        delays = [d for s in judged for d in s.matches.get(mistake, [])]
        precision, recall, f1 = _f1(tp, fp, fn)
        per_mistake[mistake] = {
            "true_intervals": tp + fn, "matched": tp, "missed": fn, "false_alarms": fp,
            "precision": precision, "recall": recall, "f1": f1,
            "time_to_flag_median_s": float(np.median(delays)) if delays else math.nan,
            "time_to_flag_p90_s": float(np.percentile(delays, 90)) if delays else math.nan,
        }
    correct_minutes = sum(s.correct_hold_minutes for s in judged)
    minutes = sum(s.minutes for s in judged)
    errors = [e for s in judged for e in s.lumbar_errors]
    delays = [d for s in judged for ds in s.matches.values() for d in ds]
    clears = [d for s in judged for ds in s.clear_delays.values() for d in ds]
    flagged_correct = sum(s.flagged_correct_s for s in judged)
    return {
        "clips": len(scores),
        "per_mistake": per_mistake,
        "false_alarms_per_min_correct_hold": (sum(sum(s.false_alarms.values()) for s in judged) / correct_minutes
                                              if correct_minutes else math.nan),
        "time_to_flag_median_s": float(np.median(delays)) if delays else math.nan,
        "time_to_flag_p90_s": float(np.percentile(delays, 90)) if delays else math.nan,
        "flag_toggles_per_min": sum(s.toggles for s in judged) / minutes if minutes else math.nan,
        "abstain_rate": float(np.mean([s.abstain_share for s in judged])) if judged else math.nan,
        "in_position_rate": float(np.mean([s.in_position_share for s in judged])) if judged else math.nan,
        "wrong_view_clips": {s.clip: s.abstained for s in scores if s.expected_abstain},
        "lumbar_delta_mae_deg": float(np.mean(np.abs(errors))) if errors else math.nan,
        "lumbar_delta_bias_deg": float(np.mean(errors)) if errors else math.nan,
        "detection_rate": float(np.mean([s.detection_rate for s in scores])) if scores else math.nan,
        "time_to_clear": _spread(clears),
        "start_in_mistake_time_to_flag": _spread([d for s in judged for d in s.start_delays]),
        "flagged_while_correct_share": flagged_correct / (correct_minutes * 60) if correct_minutes else math.nan,
        "flagged_while_correct_s_per_min": flagged_correct / correct_minutes if correct_minutes else math.nan,
        # Of the seconds a true mistake was held: how many the page called good form, and how many possible.
        "mistake_called_good_share": _share(judged, "mistake_called_good_s"),
        "mistake_called_possible_share": _share(judged, "mistake_called_possible_s"),
        "correct_called_possible_share": (sum(s.correct_called_possible_s for s in judged) / (correct_minutes * 60)
                                          if correct_minutes else math.nan),
        "lumbar_angle_all": lumbar_table(judged, lambda s: "all"),
        "lumbar_angle_per_stretch": lumbar_table(judged, lambda s: s.stretch),
        "lumbar_angle_per_body": lumbar_table(judged, lambda s: s.body),
        **_position_confusion(judged),
        "truth_limits": _truth_limits(scores),
    }


def _truth_limits(scores: list[ClipScore]) -> dict[str, list]:
    """Per mistake, every limit its truth intervals were cut at across the clips (one, unless the sets differ)."""
    limits: dict[str, set] = {}
    for score in scores:
        for mistake, limit in score.truth_limits.items():
            limits.setdefault(mistake, set()).add(HALF_SIZE if limit is None else limit)
    return {mistake: sorted(values, key=str) for mistake, values in sorted(limits.items())}


def truth_definition(summary: dict) -> str:
    """One line saying where the scored truth intervals were cut, per mistake."""
    parts = []
    for mistake, limits in summary["truth_limits"].items():
        said = [limit if isinstance(limit, str) else f"{limit:g}{UNITS.get(mistake, '°')}" for limit in limits]
        parts.append(f"{mistake} {' / '.join(said)}")
    return ("truth: a mistake is where the rig is past its limit in the rule table — " + ", ".join(parts)
            if parts else "truth: no mistakes in these clips")


def _share(judged: list[ClipScore], part: str) -> float:
    total = sum(s.mistake_s for s in judged)
    return sum(getattr(s, part) for s in judged) / total if total else math.nan


def _position_confusion(judged: list[ClipScore]) -> dict:
    """Hold frames by the stretch's position (rows) and the recognised one (columns); "right" is the diagonal."""
    matrix: dict[str, dict[str, int]] = {}
    for s in judged:
        row = matrix.setdefault(str(STRETCH_POSITION[s.stretch]), {})
        for position, n in s.positions.items():
            row[position] = row.get(position, 0) + n
    total = sum(n for row in matrix.values() for n in row.values())
    right = sum(row.get(position, 0) for position, row in matrix.items())
    return {"position_confusion": matrix, "position_accuracy": right / total if total else math.nan}


def evaluate(directory: Path, model: str = DEFAULT_MODEL, on_clip: Callable[[str], None] | None = None,
             skip_frames: bool = False) -> tuple[list[ClipScore], dict]:
    scores = []
    for clip, truth_path in find_clips(directory):
        if on_clip:
            on_clip(clip.name)
        scores.append(score_clip(clip, load_truth(truth_path), model, skip_frames=skip_frames))
    return scores, summarize(scores)


def clip_rows(scores: list[ClipScore]) -> list[dict]:
    return [{"clip": s.clip, "stretch": s.stretch, "split": s.split, "expected_abstain": s.expected_abstain,
             "abstained": s.abstained, "detection_rate": s.detection_rate,
             "matched": {m: len(d) for m, d in s.matches.items()}, "missed": s.misses,
             "false_alarms": s.false_alarms, "time_to_flag_s": s.matches, "time_to_clear_s": s.clear_delays,
             "toggles": s.toggles,
             "abstain_share": s.abstain_share, "in_position_share": s.in_position_share,
             "positions": s.positions} for s in scores]
