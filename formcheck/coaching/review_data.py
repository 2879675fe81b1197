"""One review model for every source — a live practice or routine, an analysed video, a saved session — plus the
conversion to a history record and the Altair timeline of the key metric per hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from formcheck.auto import AUTO, SWITCH_S
from formcheck.coverage import Coverage, coverage
from formcheck.history import FlagRecord, HoldRecord, HoldTotals, SessionRecord
from formcheck.pictures import encode_jpeg, encode_png
from formcheck.positions import STRETCH_POSITION, main_position
from formcheck.rules import STRETCHES
from formcheck.wording import NO_STRETCH, metric_name, mistake_counts, position_words, rule_value, seen_stretch

from .coach import HoldLog
from .overlay import gauge_range, key_condition

SOURCES = {"routine": "Guided routine", "practice": "Live practice", "video": "Video analysis"}


def stretch_title(name: str) -> str:
    """A stretch's name as the pages show it; a plain word for a video in which none was recognised (``auto``)."""
    return STRETCHES[name].title if name in STRETCHES else NO_STRETCH if name == AUTO else name


@dataclass
class ReviewShot:
    t: float  # seconds from the start of its hold (the video's time for an analysis)
    mistake: str
    label: str
    value: float | None
    cue: str
    thumb: bytes  # PNG
    large: bytes | None  # a bigger picture when one was kept (JPEG/PNG), with the skeleton and the back outline
    hold: str  # hold title
    good: bytes | None = None  # the person's good-form picture from the same hold, drawn the same way


@dataclass
class ReviewHold:
    title: str
    stretch: str
    side: str
    target_s: float
    good_s: float
    duration_s: float
    completed: bool
    events: list[dict]  # {"mistake", "start_s", "end_s", "peak_value"}
    series: list[tuple[float, float | None, str]]  # (t, key value, status)
    series_kind: str  # "rule": comparable with the thresholds; "raw": the frame's metric (only the guard applies)
    shots: list[ReviewShot] = field(default_factory=list)
    stored_flags: int | None = None  # a saved session's flag count (its series may be too coarse for every span)
    # What "half the hold" is measured against: the target for a live hold (it runs until that much good form was
    # held), None for a video (the whole clip).
    reference_s: float | None = None
    # The position recognised during the hold (a formcheck.positions.Position value). A hold of an analysis with
    # ``auto`` has the stretch of its recognised position; ``stretch`` is "auto" when none started a hold.
    seen_position: str | None = None
    range_step: str | None = None  # a live hold's range step (``HoldLog.range_step``)

    @property
    def position_text(self) -> str:
        """Which position was recognised, and whether it is the chosen stretch's (``wording.position_words``)."""
        if self.stretch == AUTO and seen_stretch(self.seen_position):
            return (f"{position_words(None, self.seen_position)[:-1]}, but only briefly: a hold starts once a "
                    f"stretch's position is held for {SWITCH_S:.0f} s.")
        return position_words(self.stretch, self.seen_position)

    @property
    def other_stretch_seen(self) -> str | None:
        """The stretch whose position was recognised, when it is not this hold's (chosen) stretch."""
        seen = seen_stretch(self.seen_position)
        return seen if seen is not None and self.stretch in STRETCHES and seen != self.stretch else None

    @property
    def flags(self) -> int:
        return len(self.events) if self.stored_flags is None else self.stored_flags

    @property
    def flagged_counts(self) -> dict[str, int]:
        """How often each mistake was flagged, by label (a saved session's spans carry no mistake name)."""
        return mistake_counts(self.stretch, [e["mistake"] for e in self.events])

    @property
    def coverage(self) -> Coverage:
        return coverage(((t, status) for t, _, status in self.series), self.reference_s)


@dataclass
class Review(HoldTotals):
    kind: str  # routine | practice | video
    title: str
    started_at: datetime
    holds: list[ReviewHold]
    video_path: str | None = None  # annotated video to fetch larger frames from (analyses)
    history_id: int | None = None
    planned_holds: int | None = None  # the plan's holds, when more than were reached (a live plan stopped early)

    @property
    def holds_planned(self) -> int:
        return len(self.holds) if self.planned_holds is None else max(self.planned_holds, len(self.holds))

    @property
    def completed_holds(self) -> int:
        return sum(h.completed for h in self.holds)

    @property
    def shots(self) -> list[ReviewShot]:
        return [shot for hold in self.holds for shot in hold.shots]

    @property
    def duration_s(self) -> float:
        return sum(h.duration_s for h in self.holds)


def hold_title(stretch: str, side: str) -> str:
    title = stretch_title(stretch)
    return f"{title} — {side} side" if side in ("left", "right") else title


def _labels(stretch: str) -> dict[str, str]:
    spec = STRETCHES.get(stretch)
    return {m.name: m.label for m in spec.mistakes} if spec else {}


def from_holds(logs: list[HoldLog], kind: str, title: str, started_at: datetime,
               planned_holds: int | None = None) -> Review:
    """From a live coach's hold logs; ``planned_holds``: the steps of its plan (``len(coach.steps)``)."""
    holds = []
    for log in logs:
        name = log.step.title
        shots = [ReviewShot(s.t, s.mistake, s.label, s.value, s.cue, s.thumb_png, s.large_jpeg, name, s.good_jpeg)
                 for s in log.shots]
        events = [e if e.get("end_s") is not None else {**e, "end_s": round(log.duration_s, 3)} for e in log.events]
        holds.append(ReviewHold(name, log.step.stretch, log.step.side, log.step.target_s, log.good_s, log.duration_s,
                                log.completed, events, list(log.series), "rule", shots,
                                reference_s=log.step.target_s, seen_position=main_position(log.positions),
                                range_step=log.range_step))
    return Review(kind, title, started_at, holds, planned_holds=planned_holds)


def from_analysis(analysis, video_name: str, annotated: str | None) -> Review:
    """From ``formcheck.analyze.Analysis``: one hold spanning the video, or with ``auto`` one per recognised hold
    (the first from the start of the video, each up to the next)."""
    if analysis.stretch != AUTO:
        spans = [(analysis.stretch, -math.inf, math.inf, analysis.recognised_position())]
    elif analysis.holds:
        bounds = [h["start_s"] for h in analysis.holds[1:]]  # a hold ends where the next one starts
        spans = [(h["stretch"], start, end, STRETCH_POSITION[h["stretch"]])
                 for h, start, end in zip(analysis.holds, [-math.inf, *bounds], [*bounds, math.inf], strict=True)]
    else:
        spans = [(AUTO, -math.inf, math.inf, analysis.recognised_position())]
    holds = [_analysed_hold(analysis, video_name, *span) for span in spans]
    titles = list(dict.fromkeys(h.title.split(" — ")[0] for h in holds))
    return Review("video", f"{' then '.join(titles)} — {video_name}", datetime.now().astimezone(), holds, annotated)


def _analysed_hold(analysis, video_name: str, stretch: str, start_s: float, end_s: float, seen) -> ReviewHold:
    """The frames, mistakes and pictures of an analysis from ``start_s`` up to ``end_s``, judged as ``stretch``
    (``auto``: none was recognised)."""
    frames = [f for f in analysis.frames if start_s <= f["t"] < end_s]
    spec = STRETCHES.get(stretch)
    found = key_condition(spec) if spec else None
    labels = _labels(stretch)
    series, kind = [(f["t"], None, f["status"]) for f in frames], "raw"
    if found is not None:
        mistake, cond = found
        has_rule_values = any("values" in f for f in frames[:1])
        kind = "rule" if has_rule_values or not (cond.relative or cond.speed) else "raw"
        # The value the live gauge shows (rule_value): the key metric itself where its condition is absolute (the
        # hamstring's lumbar angle, not whichever condition decided the flag), else the rule's change from baseline.
        series = [(f["t"], _finite(rule_value(mistake, f["metrics"], f["values"])[1] if has_rule_values
                                   else f["metrics"].get(spec.key_metric)), f["status"]) for f in frames]
    title = f"{hold_title(stretch, 'both')} — {video_name}"
    shots = [ReviewShot(f.t, f.mistake, labels.get(f.mistake, f.mistake), _finite(f.value), f.cue,
                        encode_png(f.thumbnail), _jpeg(f.picture), title, _jpeg(f.good_picture))
             for f in analysis.flagged_frames if start_s <= f.t < end_s]
    events = [e for e in analysis.events if start_s <= e["start_s"] < end_s]
    duration = (frames[-1]["t"] - max(start_s, 0.0)) if frames else 0.0
    good = coverage((t, status) for t, _, status in series).good_s
    target = spec.hold_s if spec else 0.0
    return ReviewHold(title, stretch, "both", target, good, duration, bool(spec) and good >= target, events, series,
                      kind, shots, seen_position=seen)


def from_history(record: SessionRecord) -> Review:
    holds = []
    for hold in record.holds:
        name = hold_title(hold.stretch, hold.side)
        labels = _labels(hold.stretch)
        # What history keeps of a flagged moment is its large picture (older sessions: a 320-px thumbnail) and,
        # within the session's picture budget, the good-form picture beside it.
        shots = [ReviewShot(f.t, f.mistake, labels.get(f.mistake, f.mistake), f.value, f.cue, f.png, f.png, name,
                            f.good) for f in hold.frames]
        events = spans_from_series(hold.series)
        holds.append(ReviewHold(name, hold.stretch, hold.side, hold.target_s, hold.good_s, hold.duration_s,
                                hold.completed, events, list(hold.series), hold.series_kind, shots, hold.flags,
                                None if record.kind == "video" else hold.target_s, hold.seen_position))
    return Review(record.kind, record.title, record.started_at, holds, record.video_path, record.id,
                  record.planned_holds)


def spans_from_series(series: list[tuple[float, float | None, str]]) -> list[dict]:
    """Flagged spans (status "mistake") as events without a mistake name."""
    spans, start = [], None
    for t, _, status in series:
        if status == "mistake" and start is None:
            start = t
        elif status != "mistake" and start is not None:
            spans.append({"mistake": "", "start_s": start, "end_s": t})
            start = None
    if start is not None:
        spans.append({"mistake": "", "start_s": start, "end_s": series[-1][0]})
    return spans


def to_session_record(review: Review, video_path: str | None = None) -> SessionRecord:
    """What is stored: holds, the pictures of flagged moments with the good-form ones beside them, the position
    recognised and a 5 Hz key-metric series — no video frames."""
    holds = []
    for hold in review.holds:
        frames = [FlagRecord(s.t, s.mistake, s.value, s.cue, s.large or s.thumb, s.good) for s in hold.shots]
        holds.append(HoldRecord(hold.stretch, hold.side, hold.target_s, hold.good_s, hold.duration_s, hold.flags,
                                hold.completed, frames, _downsample(hold.series, 0.2), hold.series_kind,
                                None if hold.seen_position is None else str(hold.seen_position)))
    return SessionRecord(review.kind, review.title, review.started_at, review.duration_s, holds, video_path,
                         planned_holds=review.planned_holds)


def _jpeg(rgb) -> bytes | None:
    return None if rgb is None else encode_jpeg(rgb)


def _downsample(series, every_s: float):
    out, last = [], -math.inf
    for point in series:
        if point[0] - last >= every_s - 1e-9:
            out.append(point)
            last = point[0]
    return out


def _finite(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# -- the timeline chart ---------------------------------------------------------------------------------------------

ZONE_COLORS = {"good form": "#2e9f43", "near the limit": "#f0aa1e", "mistake": "#dc322f"}


def timeline_chart(hold: ReviewHold, height: int = 160):
    """Key metric over the hold with threshold bands (or the absolute limit) and shaded flagged spans; ``height``
    is the plot's (the pages add the title, axes and legend around it: ``formcheck.ui.common.chart``)."""
    import altair as alt
    import pandas as pd

    spec = STRETCHES.get(hold.stretch)
    points = [(t, v, s) for t, v, s in hold.series if v is not None]
    if spec is None or not points:
        return None
    mistake_cond = key_condition(spec)
    metric = metric_name(spec.key_metric)
    data = pd.DataFrame(points, columns=["t", "value", "status"])
    values = data["value"]
    lo, hi = float(values.min()), float(values.max())
    layers = []
    if mistake_cond is not None:
        _, cond = mistake_cond
        if hold.series_kind == "rule":
            g_lo, g_hi = gauge_range(cond)
            lo, hi = min(lo, g_lo), max(hi, g_hi)
            edge_lo, edge_hi = lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)
            if cond.direction > 0:
                zones = [("good form", edge_lo, cond.off), ("near the limit", cond.off, cond.on),
                         ("mistake", cond.on, edge_hi)]
            else:
                zones = [("mistake", edge_lo, cond.on), ("near the limit", cond.on, cond.off),
                         ("good form", cond.off, edge_hi)]
            bands = pd.DataFrame([{"zone": z, "y": a, "y2": b} for z, a, b in zones])
            layers.append(alt.Chart(bands).mark_rect(opacity=0.14).encode(
                y=alt.Y("y:Q", title=metric), y2="y2:Q",
                color=alt.Color("zone:N", title="Zone", scale=alt.Scale(domain=list(ZONE_COLORS),
                                                                        range=list(ZONE_COLORS.values())))))
        elif cond.guard is not None:
            lo, hi = min(lo, cond.guard), max(hi, cond.guard)
            guard = pd.DataFrame([{"y": cond.guard, "label": "absolute limit"}])
            layers.append(alt.Chart(guard).mark_rule(color=ZONE_COLORS["mistake"], strokeDash=[6, 4])
                          .encode(y=alt.Y("y:Q", title=metric)))
    spans = [e for e in hold.events if e.get("start_s") is not None]
    if spans:
        last_t = float(data["t"].max())
        span_data = pd.DataFrame([{"start": e["start_s"], "end": last_t if e["end_s"] is None else e["end_s"]}
                                  for e in spans])
        layers.append(alt.Chart(span_data).mark_rect(color=ZONE_COLORS["mistake"], opacity=0.22).encode(
            x="start:Q", x2="end:Q",
            tooltip=[alt.Tooltip("start:Q", format=".1f"), alt.Tooltip("end:Q", format=".1f")]))
    relative = hold.series_kind == "rule" and mistake_cond is not None and mistake_cond[1].relative
    # Keep the axis title short: with Streamlit's theme a long vertical title squeezes the plot.
    subtitle = (f"{metric}: change from your own starting position" if relative
                else f"{metric}: measured in each frame" + ("; dashed line = absolute limit"
                                                            if hold.series_kind == "raw" else ""))
    pad = 0.05 * (hi - lo or 1.0)
    line = alt.Chart(data).mark_line(color="#1f4e8c", strokeWidth=2).encode(
        x=alt.X("t:Q", title="seconds"),
        y=alt.Y("value:Q", title=metric, scale=alt.Scale(domain=[lo - pad, hi + pad], nice=False)),
        tooltip=[alt.Tooltip("t:Q", format=".1f"), alt.Tooltip("value:Q", format=".3f"), "status:N"])
    layers.append(line)
    return alt.layer(*layers).properties(height=height, title=alt.TitleParams(hold.title, subtitle=subtitle))


def video_frame_png(path: str | Path, t: float) -> bytes | None:
    """The frame of ``path`` nearest to ``t`` seconds, as PNG (for the larger view of an analysed video)."""
    from formcheck.errors import FormcheckError
    from formcheck.video import VideoReader

    best = None
    try:
        with VideoReader(path) as reader:
            half = 0.5 / (reader.info.fps or 30.0)
            for frame_t, rgb in reader.frames():
                best = rgb
                if frame_t >= t - half:
                    break
    except FormcheckError:
        return None
    return None if best is None else encode_png(best)
