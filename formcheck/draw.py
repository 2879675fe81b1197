"""Stateless annotators: each draws one thing onto an RGB frame in place."""

from __future__ import annotations

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


def draw_banner(frame: np.ndarray, text: str, color) -> None:
    scale = _scale(frame)
    height = round(34 * scale)
    frame[:height] = (0.35 * frame[:height] + 0.65 * np.array(color)).astype(np.uint8)
    cv2.putText(frame, text.translate(_ASCII), (round(10 * scale), round(23 * scale)), cv2.FONT_HERSHEY_SIMPLEX,
                0.55 * scale, WHITE, max(1, round(scale)), cv2.LINE_AA)


def draw_text(frame: np.ndarray, text: str, org: tuple[int, int], size: float = 0.6, align: str = "left") -> None:
    """White text on a dark plate, readable on light and dark scenes alike; ``org`` is the baseline's left (or,
    with align="right", right) end."""
    scale = _scale(frame)
    font_scale, thickness = size * scale, max(1, round(1.5 * scale))
    text = text.translate(_ASCII)
    (width, height), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font_scale, thickness)
    x, y = (org[0] - width, org[1]) if align == "right" else org
    pad = round(4 * scale)
    top, bottom = max(0, y - height - pad), min(frame.shape[0], y + base + pad)
    left, right = max(0, x - pad), min(frame.shape[1], x + width + pad)
    plate = frame[top:bottom, left:right]
    plate[:] = (0.35 * plate).astype(np.uint8)
    cv2.putText(frame, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, font_scale, WHITE, thickness, cv2.LINE_AA)


def draw_lines(frame: np.ndarray, lines: list[str], top: float = 64) -> None:
    """Plain-language readings at the top left, under the banner: clear of the video player's controls."""
    scale = _scale(frame)
    y = round(top * scale)
    for line in lines:
        draw_text(frame, line, (round(10 * scale), y), 0.55)
        y += round(26 * scale)


def annotate(frame: np.ndarray, result: FrameResult, lines: list[str], top: float = 64,
             checking: str | None = None) -> np.ndarray:
    """Skeleton, plain-language readings (``formcheck.wording.frame_lines``) and a status banner on a copy of
    ``frame``. ``checking`` (``formcheck.wording.checking_words``), while a mistake is being confirmed, replaces the
    verdict's good form in the banner, in amber."""
    out = frame.copy()
    verdict = result.verdict
    color = {"mistake": BAD, "good": GOOD, "possible": UNSURE}.get(verdict.status, NEUTRAL)
    draw_skeleton(out, result.pose, BAD if verdict.status == "mistake" else WHITE)
    draw_lines(out, lines, top)
    draw_banner(out, checking or verdict.message, UNSURE if checking else color)
    return out
