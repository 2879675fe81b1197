"""Stateless annotators: each draws one thing onto an RGB frame in place."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from .pipeline import FrameResult
from .pose import SKELETON, PoseFrame

GOOD = (46, 160, 67)
BAD = (220, 50, 47)
NEUTRAL = (90, 90, 90)
UNSURE = (200, 140, 20)  # amber: a possible mistake, not a sure one
WHITE = (255, 255, 255)
MIN_POINT_VISIBILITY = 0.3


# OpenCV's Hershey fonts are ASCII-only.
_ASCII = str.maketrans({"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "°": " deg", "…": "..."})


def _scale(frame: np.ndarray) -> float:
    return max(0.5, frame.shape[0] / 480)


def draw_skeleton(frame: np.ndarray, pose: PoseFrame, color=WHITE) -> None:
    if not pose.detected:
        return
    sx, sy = frame.shape[1] / pose.width, frame.shape[0] / pose.height
    xy = pose.image[:, :2] * (sx, sy)
    seen = pose.visibility >= MIN_POINT_VISIBILITY
    thickness = max(1, round(2 * _scale(frame)))
    for a, b in SKELETON:
        if seen[a] and seen[b]:
            cv2.line(frame, tuple(np.rint(xy[a]).astype(int)), tuple(np.rint(xy[b]).astype(int)),
                     color, thickness, cv2.LINE_AA)
    for point in xy[seen]:
        cv2.circle(frame, tuple(np.rint(point).astype(int)), thickness + 1, color, -1, cv2.LINE_AA)


CONTOUR = (80, 200, 255)  # the back outline read from the segmentation mask


def draw_contour(frame: np.ndarray, points: np.ndarray | None, size: tuple[int, int], color=None) -> None:
    """The back outline (``points`` in pixels of a ``size`` frame), scaled to ``frame``."""
    width, height = size
    if points is None or len(points) < 2:
        return
    scaled = points * (frame.shape[1] / width, frame.shape[0] / height)
    cv2.polylines(frame, [np.rint(scaled).astype(np.int32)], False, color or CONTOUR,
                  max(2, round(3 * _scale(frame))), cv2.LINE_AA)


# Text on a frame is at least LEGIBLE_PX tall (a capital letter) when the video is shown PHONE_WIDTH px wide, as
# on a phone's screen: sized to the frame's width, not its height. At 0.55 × height/480 it was 7 px on a phone.
PHONE_WIDTH, LEGIBLE_PX = 390, 14
FONT = cv2.FONT_HERSHEY_SIMPLEX
CAPITAL_AT_SCALE_1 = 20  # px: an "H" as drawn at font scale 1 (getTextSize says 22 with the space above it)


@dataclass(frozen=True)
class TextLayout:
    """The sizes of text on one frame, all from the height of a capital letter."""

    capital: int  # px
    font_scale: float
    thickness: int

    @classmethod
    def of(cls, frame: np.ndarray) -> TextLayout:
        font_scale = LEGIBLE_PX * frame.shape[1] / PHONE_WIDTH / CAPITAL_AT_SCALE_1
        return cls(math.ceil(font_scale * CAPITAL_AT_SCALE_1), font_scale, max(1, round(1.6 * font_scale)))

    @property
    def pad(self) -> int:
        return max(1, round(0.25 * self.capital))

    @property
    def descent(self) -> int:
        """How far the tails of g, p and y reach below the baseline."""
        return round(0.35 * self.capital)

    @property
    def step(self) -> int:
        """From one line's baseline to the next one's: the plates behind successive lines touch, never overlap
        (one drawn over another's descenders cut them)."""
        return self.capital + self.descent + 2 * self.pad

    def width(self, text: str) -> int:
        return cv2.getTextSize(text, FONT, self.font_scale, self.thickness)[0][0]

    def wrap(self, text: str, width: int) -> tuple[str, ...]:
        """``text`` (ASCII) in lines of at most ``width`` px, broken between words (a longer word stays whole)."""
        return _wrapped(self, text, width)

    def banner_lines(self, frame: np.ndarray, text: str) -> tuple[str, ...]:
        return self.wrap(text.translate(_ASCII), frame.shape[1] - 4 * self.pad)

    def banner_height(self, frame: np.ndarray, text: str) -> int:
        return len(self.banner_lines(frame, text)) * self.step

    def line_under(self, frame: np.ndarray, banner: str, index: int = 0) -> int:
        """The baseline of line ``index`` of the text under a banner saying ``banner``, a pad below it."""
        return self.banner_height(frame, banner) + 2 * self.pad + self.capital + index * self.step


@lru_cache(maxsize=256)
def _wrapped(layout: TextLayout, text: str, width: int) -> tuple[str, ...]:
    # Cached: a video repeats a few banners frame after frame, and measuring every word took a third of the drawing.
    lines: list[str] = []
    for word in text.split():
        if lines and layout.width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return tuple(lines)


@lru_cache(maxsize=16)
def _solid(shape: tuple[int, ...], color: tuple[int, int, int]) -> np.ndarray:
    block = np.empty(shape, np.uint8)
    block[:] = color  # slow for numpy (about 0.5 ms for a banner), hence made once per banner size and colour
    block.flags.writeable = False
    return block


def _dim(region: np.ndarray, keep: float, color: tuple[int, int, int] = (0, 0, 0)) -> None:
    """``region`` (a view into a frame) blended in place towards ``color``, keeping ``keep`` of it, in OpenCV's
    8-bit arithmetic: numpy's floats took about 1 ms a frame for the banner and the plates behind the text."""
    if region.size:
        region[:] = cv2.addWeighted(region, keep, _solid(region.shape, tuple(color)), 1.0 - keep, 0.0)


def draw_banner(frame: np.ndarray, text: str, color) -> None:
    """A band across the top in ``color`` with ``text`` in white, wrapped to the frame's width."""
    layout = TextLayout.of(frame)
    height = layout.banner_height(frame, text)
    _dim(frame[:height], 0.35, color)
    for index, line in enumerate(layout.banner_lines(frame, text)):
        cv2.putText(frame, line, (2 * layout.pad, layout.pad + layout.capital + index * layout.step), FONT,
                    layout.font_scale, WHITE, layout.thickness, cv2.LINE_AA)


def draw_text(frame: np.ndarray, text: str, org: tuple[int, int], align: str = "left") -> None:
    """White text on a dark plate, readable on light and dark scenes alike; ``org`` is the baseline's left (or,
    with align="right", right) end."""
    layout = TextLayout.of(frame)
    text = text.translate(_ASCII)
    width, pad = layout.width(text), layout.pad
    x, y = (org[0] - width, org[1]) if align == "right" else org
    top, bottom = max(0, y - layout.capital - pad), min(frame.shape[0], y + layout.descent + pad)
    left, right = max(0, x - pad), min(frame.shape[1], x + width + pad)
    _dim(frame[top:bottom, left:right], 0.35)
    cv2.putText(frame, text, (x, y), FONT, layout.font_scale, WHITE, layout.thickness, cv2.LINE_AA)


def draw_lines(frame: np.ndarray, lines: list[str], first_baseline: int) -> None:
    """Lines of text at the left, one under the other from ``first_baseline``."""
    layout = TextLayout.of(frame)
    for index, line in enumerate(lines):
        draw_text(frame, line, (2 * layout.pad, first_baseline + index * layout.step))


def banner_text(result: FrameResult, checking: str | None = None) -> str:
    """What the banner says: the verdict's message, or that a mistake is being confirmed."""
    return checking or result.verdict.message


def annotate(frame: np.ndarray, result: FrameResult, lines: list[str], checking: str | None = None,
             status_line: str = "") -> np.ndarray:
    """Skeleton, a status banner and under it ``status_line`` (the live routine's countdown or hold time) and the
    plain-language readings (``formcheck.wording.frame_lines``) on a copy of ``frame``. ``checking``
    (``formcheck.wording.checking_words``), while a mistake is being confirmed, replaces the verdict's good form
    in the banner, in amber."""
    out = frame.copy()
    verdict = result.verdict
    color = {"mistake": BAD, "good": GOOD, "possible": UNSURE}.get(verdict.status, NEUTRAL)
    draw_skeleton(out, result.pose, BAD if verdict.status == "mistake" else WHITE)
    banner = banner_text(result, checking)
    draw_lines(out, [status_line, *lines] if status_line else lines,
               TextLayout.of(out).line_under(out, banner))
    draw_banner(out, banner, UNSURE if checking else color)
    return out
