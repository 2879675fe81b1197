"""Does a person's own shoulder-turn range, taken in the seated figure-4, tell a twist held from the start of the hold?

    .venv/bin/python -m formcheck.synth generate --set twist-range --out .cache/twist_range
    .venv/bin/python tools/observations.py .cache/twist_range                      # pose per frame, cached
    .venv/bin/python tools/twist_range_study.py .cache/twist_range                 # tune here …
    .venv/bin/python tools/twist_range_study.py .cache/twist_range_heldout --limits-from .cache/twist_range
                                                                                   # … then the held-out set, once

Every clip of the ``twist-range`` sets (formcheck/synth/training.py) shows a random body arriving in the seated
figure-4, turning its shoulders gently towards the crossed knee by its own amount, back through the middle and the
other way, then settling near the middle or straight into a mild (15–20°) or clear (25–35°) twist, and holding; in
some clips the twist comes later. The truth file gives the seconds of the step and of its two turned ends.

Each per-frame signal that sees a turn is read four ways, as the median of a window of the hold:

- ``absolute``: the reading itself (no reference; a limit on it is the only way to judge a twist held from the start
  today, and is scored in whichever direction separates better, so it is flattered);
- ``vs ready``: its distance from the still moment on arriving, before the step (the renders arrive untwisted, so
  this flatters it too: a person who sits down twisted would carry the twist into that moment);
- ``vs middle``: its distance from the middle of the person's range (the mean of the two ends' medians);
- ``range units``: that distance over half the range's span.

The signals: ``view`` (the shoulders' apparent width over the torso's length: the twist rule's own metric),
``shoulders/hips`` (the shoulders' apparent width over the hips'), ``world turn`` and ``image turn`` (the angle
between the shoulder line and the hip line about the trunk's axis, from MediaPipe's world landmarks and from its
image landmarks with their relative depth), ``all four`` (those four together, each over its typical span, placed
on the line through the person's two ends: ±1 at the ends) and ``rig`` (the rig's own twist, the truth: what a
perfect reading would give; signed, so its ``absolute`` means nothing).

Windows: the first 2 s of the hold (a twist made later starts at least 2 s in, so those clips are correct there) and
the last 3 s. Correct-at-start (correct clips and the later twists' first 2 s) is set against twists held from the
start; correct clips' last 3 s against the later twists'. The ends are read at the truth's seconds (an oracle: the
finder's own cost comes on top). Each body appears in one clip. ``--limits-from`` takes each score's limit from
another folder (the largest correct-at-start score there) and applies it here. A dev tool; writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from observations import observations  # noqa: E402

from formcheck.evaluate import find_clips, load_truth  # noqa: E402
from formcheck.pose import Landmark as L  # noqa: E402

EARLY_S = 2.0  # the hold's first seconds: correct in every clip but the twists held from the start
LATE_S = 3.0  # the clip's last seconds
MIN_FRAMES = 3
SIGNALS = ("view", "shoulders/hips", "world turn", "image turn", "all four", "rig")
# The four readings' typical spans over a range step (tuning clips' medians of |towards − away|), so that they weigh
# alike in ``all four``.
SPANS = {"view": 0.15, "shoulders/hips": 0.5, "world turn": 3.9, "image turn": 2.9}
WINDOWS = ("ready", "toward", "away", "early", "late")
WAYS = ("absolute", "vs ready", "vs middle", "range units")


def line_turn(points: np.ndarray) -> np.ndarray:
    """Per frame (N, 33, 3): the shoulder line's angle to the hip line about the trunk's axis (hips' to shoulders'
    midpoint), degrees in (−90, 90]: the lines have no direction, so a swap of MediaPipe's left and right is no
    turn."""
    shoulders, hips = points[:, [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]], points[:, [L.LEFT_HIP, L.RIGHT_HIP]]
    axis = shoulders.mean(axis=1) - hips.mean(axis=1)
    axis /= np.linalg.norm(axis, axis=1, keepdims=True)

    def across(pair: np.ndarray) -> np.ndarray:
        line = pair[:, 0] - pair[:, 1]
        return line - np.sum(line * axis, axis=1, keepdims=True) * axis

    top, bottom = across(shoulders), across(hips)
    angle = np.degrees(np.arctan2(np.sum(np.cross(bottom, top) * axis, axis=1), np.sum(bottom * top, axis=1)))
    return (angle + 90.0) % 180.0 - 90.0


def signals(clip: Path, truth: dict) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Frame times and each signal per frame (NaN where the trunk is not seen)."""
    seen = observations(clip, truth["stretch"], log=lambda message: None)
    t = np.array([one.pose.t for one in seen])
    image = np.array([one.pose.image for one in seen])
    world = np.array([one.pose.world for one in seen])
    visible = np.array([one.metrics.get("core_visibility", np.nan) for one in seen], float) >= 0.5
    shoulder_px = np.linalg.norm(image[:, L.LEFT_SHOULDER, :2] - image[:, L.RIGHT_SHOULDER, :2], axis=1)
    hip_px = np.linalg.norm(image[:, L.LEFT_HIP, :2] - image[:, L.RIGHT_HIP, :2], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {"view": np.array([one.metrics.get("shoulder_width_ratio", np.nan) for one in seen], float),
               "shoulders/hips": shoulder_px / hip_px,
               "world turn": line_turn(world), "image turn": line_turn(image)}
    for name in out:
        out[name][~visible] = np.nan
    out["rig"] = np.asarray(truth["frames"]["trunk_twist_deg"], float)[: len(t)]
    return t, out


def window_median(t: np.ndarray, values: np.ndarray, start: float, end: float) -> float:
    inside = (t >= start) & (t <= end) & np.isfinite(values)
    return float(np.median(values[inside])) if inside.sum() >= MIN_FRAMES else np.nan


def clip_row(clip: Path, truth: dict) -> dict:
    """Per signal: the readings at the ready moment, at the two ends and in the two hold windows."""
    step = truth["twist_step"]
    hold_start, end = truth["hold"][0]
    t, values = signals(clip, truth)
    kind = clip.stem.split("_glute_")[1]
    row = {"clip": clip.stem, "kind": kind, "toward_deg": step["toward_deg"], "away_deg": step["away_deg"],
           "size": truth["mistake_details"][0]["amplitude"] if truth["mistake_details"] else 0.0,
           "away": bool(truth["params"].get("twist_away")), "yaw": truth["camera"]["yaw_deg"]}
    begin = step["twist_step"][0]
    for name, series in values.items():
        row[name] = {"ready": window_median(t, series, begin - 0.2, begin + 0.4),
                     "toward": window_median(t, series, *step["toward"]),
                     "away": window_median(t, series, *step["away"]),
                     "early": window_median(t, series, hold_start, hold_start + EARLY_S),
                     "late": window_median(t, series, end - LATE_S, end)}
    row["all four"] = on_range_axis(row)
    return row


def on_range_axis(row: dict) -> dict:
    """The four readings together (each over its typical span), each window placed on the line through the range's
    two ends: −1 the far end, +1 the end towards the knee, 0 their middle."""
    def point(window: str) -> np.ndarray:
        return np.array([row[name][window] / span for name, span in SPANS.items()])

    toward, away = point("toward"), point("away")
    middle, axis = (toward + away) / 2, (toward - away) / 2
    return {window: float((point(window) - middle) @ axis / (axis @ axis)) for window in WINDOWS}


def score(reading: dict, way: str, window: str) -> float:
    """One hold window's reading, one way."""
    value = reading[window]
    middle = (reading["toward"] + reading["away"]) / 2
    half_span = abs(reading["toward"] - reading["away"]) / 2
    if way == "absolute":
        return value
    if way == "vs ready":
        return abs(value - reading["ready"])
    if way == "vs middle":
        return abs(value - middle)
    return abs(value - middle) / half_span if half_span > 0 else np.nan


def groups(rows: list[dict], name: str, way: str) -> dict[str, np.ndarray]:
    """Scores of correct-at-start, held-from-start, correct-at-the-end and later-twist windows."""
    def of(kinds, window):
        return np.array([score(r[name], way, window) for r in rows if any(r["kind"].endswith(k) for k in kinds)])
    return {"correct start": of(("correct", "later"), "early"), "from start": of(("from_start",), "early"),
            "correct end": of(("correct",), "late"), "later": of(("later",), "late")}


def auc(negatives: np.ndarray, positives: np.ndarray) -> float:
    """Chance that a twisted window scores above a correct one (ties count half); NaNs left out."""
    negatives, positives = negatives[np.isfinite(negatives)], positives[np.isfinite(positives)]
    if not len(negatives) or not len(positives):
        return np.nan
    diff = positives[:, None] - negatives[None, :]
    return float(np.mean((diff > 0) + 0.5 * (diff == 0)))


def tuned_limit(negatives: np.ndarray, positives: np.ndarray, way: str) -> tuple[float, int]:
    """The limit just past every correct score (for ``absolute``, on the side where the twists' median lies), and
    the direction (+1: twisted above it)."""
    negatives = negatives[np.isfinite(negatives)]
    direction = 1 if way != "absolute" or np.nanmedian(positives) >= np.median(negatives) else -1
    return (float(np.max(negatives)) if direction > 0 else float(np.min(negatives))), direction


def past(values: np.ndarray, limit: float, direction: int) -> int:
    return int(np.sum(direction * (values - limit) > 0))


def report(rows: list[dict], limits: dict | None) -> dict:
    """Print the per-clip table and each score's separation; return the limits tuned here."""
    print(f"{len(rows)} clips; range ends (rig, towards / away): "
          + ", ".join(f"{r['toward_deg']:.0f}/{r['away_deg']:.0f}" for r in rows))
    print("\nper clip: kind, size°, way, camera yaw | per signal: ready, towards, away, early, late")
    for r in sorted(rows, key=lambda r: r["kind"]):
        print(f"  {r['clip'][-30:]:30s} {r['size']:4.1f} {'away' if r['away'] else 'to  '} {r['yaw']:+4.0f}")
        for name in SIGNALS:
            v = r[name]
            print(f"      {name:15s} " + " ".join(f"{v[k]:+7.2f}" for k in WINDOWS))
    rig_span = np.array([abs(r["rig"]["toward"] - r["rig"]["away"]) for r in rows])
    print("\nwhat each reading sees of a turn: its span per 10° of the rig's (median, spans over 20°), and its span "
          "where the rig's is under 10°")
    for name in SIGNALS[:4]:
        span = np.array([abs(r[name]["toward"] - r[name]["away"]) for r in rows])
        print(f"  {name:15s} {np.nanmedian(span[rig_span > 20] / rig_span[rig_span > 20] * 10):5.2f}   "
              + " ".join(f"{v:.2f}" for v in span[rig_span < 10]))
    tuned = {}
    print("\nAUC (twisted above correct), and a limit: held from the start vs correct at the start "
          "| later twists vs correct at the end")
    for name in SIGNALS:
        for way in WAYS:
            g = groups(rows, name, way)
            limit, direction = limits[(name, way)] if limits else tuned_limit(g["correct start"], g["from start"], way)
            tuned[(name, way)] = (limit, direction)
            a1 = auc(g["correct start"], g["from start"])
            a2 = auc(g["correct end"], g["later"])
            if way == "absolute":
                a1, a2 = max(a1, 1 - a1), max(a2, 1 - a2)
            found = past(g["from start"], limit, direction)
            false = past(g["correct start"], limit, direction)
            found_later = past(g["later"], limit, direction)
            false_end = past(g["correct end"], limit, direction)
            print(f"  {name:15s} {way:12s} AUC {a1:4.2f} | {a2:4.2f}   limit {'>' if direction > 0 else '<'}"
                  f"{limit:7.2f}: from start {found}/{len(g['from start'])}, correct start "
                  f"{false}/{len(g['correct start'])} | later {found_later}/{len(g['later'])}, "
                  f"correct end {false_end}/{len(g['correct end'])}")
    return tuned


def load(folder: Path) -> list[dict]:
    return [clip_row(clip, load_truth(path)) for clip, path in find_clips(folder)
            if "twist_step" in load_truth(path)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="clips to report (tuning, or with --limits-from the test set)")
    parser.add_argument("--limits-from", type=Path, help="take the limits from this folder's clips (tuning)")
    args = parser.parse_args()
    limits = None
    if args.limits_from:
        print(f"== limits from {args.limits_from}")
        limits = report(load(args.limits_from), None)
        print(f"\n== {args.folder}, with those limits")
    report(load(args.folder), limits)


if __name__ == "__main__":
    main()
