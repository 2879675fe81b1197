"""What the live page paints on the video: skeleton and banner (``formcheck.draw``), the back contour and a gauge
of the stretch's key metric against its thresholds, plus one line of routine status (countdown, hold time).

``build_overlay`` runs in the worker after each processed frame (all geometry is done there); ``paint`` runs in the
webrtc callback on every outgoing frame and only draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

from formcheck.draw import BAD, GOOD, NEUTRAL, WHITE, TextLayout, annotate, banner_text, draw_contour, draw_text
from formcheck.pipeline import FrameResult
from formcheck.rules import Condition, Mistake, Stretch
from formcheck.wording import frame_lines, reading_words, rule_value, zone

AMBER = (240, 170, 30)


@dataclass(frozen=True)
class Reading:
    """The key metric as the rules see it: ``value`` compared with ``condition``'s on/off thresholds.

    ``relative`` values are changes from the person's own starting position (the rule's baseline).
    """

    metric: str
    value: float
    condition: Condition
    mistake: Mistake
    relative: bool

    @property
    def zone(self) -> str:
        """"ok" inside the clear threshold, "warn" between clear and raise, "bad" beyond the raise threshold."""
        return zone(self.condition, self.value)

    @property
    def words(self) -> str:
        """The same quantity as the gauge, as a patient reads it ("Low back: slightly rounded")."""
        return reading_words(self.mistake, self.condition, self.value)


def key_condition(stretch: Stretch) -> tuple[Mistake, Condition] | None:
    """The first rule condition on the stretch's key metric."""
    for mistake in stretch.mistakes:
        for cond in mistake.conditions:
            if cond.metric == stretch.key_metric:
                return mistake, cond
    return None


def reading_is_relative(stretch: Stretch) -> bool:
    found = key_condition(stretch)
    return bool(found and (found[1].relative or found[1].speed))


def key_reading(stretch: Stretch, result: FrameResult) -> Reading | None:
    """The value to show on the gauge and plot in the review, or None when there is none this frame.

    Absolute conditions use the frame's metric; relative or speed conditions use the rule engine's own value
    (``verdict.values``), which is only the key metric's when that mistake has a single condition.
    """
    found = key_condition(stretch)
    if found is None:
        return None
    mistake, cond = found
    cond, value = rule_value(mistake, result.metrics, result.verdict.values)
    if not math.isfinite(value):
        return None
    return Reading(cond.metric, value, cond, mistake, cond.relative or cond.speed)


def gauge_range(cond: Condition) -> tuple[float, float]:
    """Axis limits that put both thresholds well inside the gauge."""
    span = abs(cond.on - cond.off) or max(abs(cond.on), 1.0) * 0.5
    return min(cond.on, cond.off) - 2.5 * span, max(cond.on, cond.off) + 2.5 * span


def back_contour_points(result: FrameResult) -> np.ndarray | None:
    """Pixel points (x, y) of the silhouette's back edge that the bulge metric measures, or None."""
    points = result.contour.points() if result.contour is not None else None
    return points if points is not None and len(points) else None


@dataclass(frozen=True)
class Overlay:
    """Everything ``paint`` needs, computed once per processed frame."""

    result: FrameResult | None
    lines: tuple[str, ...]  # plain-language readings (formcheck.wording.frame_lines)
    contour: np.ndarray | None = None  # pixels in the processed frame's size
    reading: Reading | None = None
    hud: str = ""  # one line under the banner: countdown / hold time


def build_overlay(stretch: Stretch, result: FrameResult, hud: str = "") -> Overlay:
    lines = tuple(frame_lines(stretch, result.metrics, result.verdict.values))
    return Overlay(result, lines, back_contour_points(result), key_reading(stretch, result), hud)


def with_verdict_of(newest: Overlay | None, shown: Overlay | None) -> Overlay | None:
    """``newest`` (skeleton, outline, readings, gauge) with the verdict of ``shown``: banner, its colour on the
    skeleton and outline, and the countdown or hold time. A frame without a pose result (none yet, or the plan is
    done) is painted whole from whichever the page shows."""
    if shown is None or newest is None or shown is newest:
        return newest
    if shown.result is None or newest.result is None:
        return shown
    return replace(newest, result=replace(newest.result, verdict=shown.result.verdict), hud=shown.hud)


def _scale(frame: np.ndarray) -> float:
    return max(0.5, frame.shape[0] / 480)


def draw_gauge(frame: np.ndarray, reading: Reading, label_baseline: int) -> None:
    """A vertical bar at the right edge: green/amber/red zones from the thresholds and a marker at the value, under
    its label (baseline at ``label_baseline``)."""
    scale = _scale(frame)
    h, w = frame.shape[:2]
    # Under the banner and the words above it, and well above the bottom edge, where video players put controls.
    layout = TextLayout.of(frame)
    top, bottom = label_baseline + layout.descent + 2 * layout.pad, h - round(70 * scale)
    right = w - round(14 * scale)
    left = right - round(18 * scale)
    if bottom - top < 40:
        return
    lo, hi = gauge_range(reading.condition)

    def y_of(value: float) -> int:
        frac = (min(max(value, lo), hi) - lo) / (hi - lo)
        return round(bottom - frac * (bottom - top))

    cond = reading.condition
    y_on, y_off = y_of(cond.on), y_of(cond.off)
    if cond.direction > 0:  # too high is the mistake: red at the top
        zones = ((top, y_on, BAD), (y_on, y_off, AMBER), (y_off, bottom, GOOD))
    else:
        zones = ((top, y_off, GOOD), (y_off, y_on, AMBER), (y_on, bottom, BAD))
    for y0, y1, color in zones:
        if y1 > y0:
            region = frame[y0:y1, left:right]
            region[:] = (0.45 * region + 0.55 * np.array(color)).astype(np.uint8)
    cv2.rectangle(frame, (left, top), (right, bottom), WHITE, 1, cv2.LINE_AA)
    y = y_of(reading.value)
    tip = left - round(3 * scale)
    triangle = np.array([[tip, y], [tip - round(10 * scale), y - round(7 * scale)],
                         [tip - round(10 * scale), y + round(7 * scale)]], dtype=np.int32)
    cv2.fillPoly(frame, [triangle], WHITE, cv2.LINE_AA)
    cv2.polylines(frame, [triangle], True, (0, 0, 0), 1, cv2.LINE_AA)
    # The gauge's own label says, in words, the very quantity the marker shows.
    draw_text(frame, reading.words, (right, label_baseline), align="right")


def paint(frame: np.ndarray, overlay: Overlay | None) -> np.ndarray:
    """A copy of ``frame`` (RGB) with the overlay drawn on; the frame itself is never modified."""
    if overlay is None:
        return frame.copy()
    layout = TextLayout.of(frame)
    if overlay.result is None:
        out = frame.copy()
        if overlay.hud:
            draw_text(out, overlay.hud, (2 * layout.pad, 2 * layout.pad + layout.capital))
        return out
    out = annotate(frame, overlay.result, list(overlay.lines), status_line=overlay.hud)
    pose = overlay.result.pose
    mistake = overlay.result.verdict.status == "mistake"
    if overlay.contour is not None:
        draw_contour(out, overlay.contour, (pose.width, pose.height), BAD if mistake else None)
    if overlay.reading is not None:
        lines_above = len(overlay.lines) + bool(overlay.hud)
        draw_gauge(out, overlay.reading, layout.line_under(out, banner_text(overlay.result), lines_above))
    return out


__all__ = ["AMBER", "BAD", "GOOD", "NEUTRAL", "Overlay", "Reading", "build_overlay", "key_reading", "paint",
           "with_verdict_of"]
