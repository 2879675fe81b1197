"""Pictures of flagged moments for the review: the frame with the skeleton and the back outline drawn, at least
``PICTURE_WIDTH`` wide, beside a good-form frame of the same hold; JPEG/PNG encoding.

Size budget: a session keeps at most ``formcheck.session.MAX_FLAGGED_FRAMES`` (60) flagged moments, two pictures
each. A 640×480 JPEG at quality ``JPEG_QUALITY`` measured 11–17 kB on rendered sample frames, so a saved session
with both pictures of 60 moments takes about 2 MB. The history keeps a session's pictures within
``formcheck.history.PICTURE_BUDGET`` (6 MB, 100 kB per picture for a noisier camera): every flagged moment, and
its good-form picture while they fit.
"""

from __future__ import annotations

from collections import deque

import cv2
import numpy as np

from .draw import BAD, WHITE, draw_contour, draw_skeleton
from .pipeline import FrameResult
from .rules import RAISE_S
from .session import FlaggedFrame, thumbnail

PICTURE_WIDTH = 640
JPEG_QUALITY = 85
# A flag rises RAISE_S after the mistake began (plus the smoothing's lag), so the last good frame before it already
# shows the mistake: the good-form picture is taken from before that.
GOOD_LEAD_S = RAISE_S + 0.5
GOOD_EVERY_S = 0.25  # good frames kept this far apart (references to frames, not copies)


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


class GoodFrames:
    """A hold's recent good-form frames, to show beside a flagged moment one from before the mistake began."""

    def __init__(self) -> None:
        self._kept: deque[tuple[np.ndarray, FrameResult]] = deque()

    def update(self, rgb: np.ndarray, result: FrameResult) -> None:
        if result.verdict.status != "good":
            return
        t = result.verdict.t
        if self._kept and t - self._kept[-1][1].verdict.t < GOOD_EVERY_S:
            return
        self._kept.append((rgb, result))  # a reference, not a copy: frames are never modified in place
        while len(self._kept) > 1 and self._kept[1][1].verdict.t <= t - GOOD_LEAD_S:
            self._kept.popleft()

    def before(self, t: float) -> tuple[np.ndarray, FrameResult] | None:
        """The latest good frame at least GOOD_LEAD_S before ``t``, else the earliest one kept (None: none yet)."""
        earlier = [kept for kept in self._kept if kept[1].verdict.t <= t - GOOD_LEAD_S]
        return earlier[-1] if earlier else (self._kept[0] if self._kept else None)

    def clear(self) -> None:
        self._kept.clear()


class MomentPictures:
    """Fed every judged frame in order: draws each newly flagged moment (its thumbnail too, which the session cut
    from the bare frame), and a good-form frame from before it."""

    def __init__(self) -> None:
        self._good = GoodFrames()
        self._done = 0

    def update(self, rgb: np.ndarray, result: FrameResult, flagged: list[FlaggedFrame]) -> None:
        for moment in flagged[self._done:]:
            moment.picture = moment_picture(rgb, result)
            moment.thumbnail = thumbnail(moment.picture)
            good = self._good.before(moment.t)
            moment.good_picture = moment_picture(*good) if good is not None else None
        self._done = len(flagged)
        self._good.update(rgb, result)


def encode_png(rgb: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR))
    return data.tobytes() if ok else b""


def encode_jpeg(rgb: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR),
                            [cv2.IMWRITE_JPEG_QUALITY, quality])
    return data.tobytes() if ok else b""
