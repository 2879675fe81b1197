"""Pictures of flagged moments for the review: the frame with the skeleton and the back outline drawn, at least
``PICTURE_WIDTH`` wide, beside a good-form frame of the same hold; JPEG/PNG encoding.

Size budget: a session keeps at most ``formcheck.session.MAX_FLAGGED_FRAMES`` (60) flagged moments, two pictures
each. A 640×480 JPEG at quality ``JPEG_QUALITY`` measured 11–17 kB on rendered sample frames, so a saved session
with both pictures of 60 moments takes about 2 MB. The history keeps a session's pictures within
``formcheck.history.PICTURE_BUDGET`` (6 MB, 100 kB per picture for a noisier camera): every flagged moment, and
its good-form picture while they fit.
"""

from __future__ import annotations

import cv2
import numpy as np

from .draw import BAD, WHITE, draw_contour, draw_skeleton
from .pipeline import FrameResult
from .session import FlaggedFrame

PICTURE_WIDTH = 640
JPEG_QUALITY = 85


def moment_picture(rgb: np.ndarray, result: FrameResult) -> np.ndarray:
    """A copy of ``rgb`` scaled to at least PICTURE_WIDTH wide, with the skeleton and the back outline (red while a
    mistake is flagged)."""
    height, width = rgb.shape[:2]
    out = (cv2.resize(rgb, (PICTURE_WIDTH, round(height * PICTURE_WIDTH / width)), interpolation=cv2.INTER_CUBIC)
           if width < PICTURE_WIDTH else rgb.copy())
    mistake = result.verdict.status == "mistake"
    draw_skeleton(out, result.pose, BAD if mistake else WHITE)
    if result.contour is not None:
        draw_contour(out, result.contour.points(), (result.pose.width, result.pose.height), BAD if mistake else None)
    return out


class MomentPictures:
    """Fed every judged frame in order: draws each newly flagged moment, and the last good-form frame before it."""

    def __init__(self) -> None:
        self._good: tuple[np.ndarray, FrameResult] | None = None
        self._done = 0

    def update(self, rgb: np.ndarray, result: FrameResult, flagged: list[FlaggedFrame]) -> None:
        if result.verdict.status == "good":
            self._good = (rgb, result)  # a reference, not a copy: frames are never modified in place
        for moment in flagged[self._done:]:
            moment.picture = moment_picture(rgb, result)
            moment.good_picture = moment_picture(*self._good) if self._good is not None else None
        self._done = len(flagged)


def encode_png(rgb: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR))
    return data.tobytes() if ok else b""


def encode_jpeg(rgb: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR),
                            [cv2.IMWRITE_JPEG_QUALITY, quality])
    return data.tobytes() if ok else b""
