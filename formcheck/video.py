"""Video and image I/O with PyAV: decode to RGB frames, encode browser-playable H.264.

Everything here turns decoder failures into ``InputError`` with a one-line message.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from .errors import InputError

# Frames larger than this (long side, pixels) are downscaled before pose estimation: the model
# works at 256 px anyway, and decoding 4K into RGB per frame would dominate the cost.
MAX_SIDE = 1280
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp"}
# A photo is judged as a still posture: its picture held STILL_S at STILL_FPS, as a still video of it would be (long
# enough for the rules to learn the position and to raise a flag on it).
STILL_S = 6.0
STILL_FPS = 15.0


@dataclass(frozen=True)
class VideoInfo:
    path: str
    kind: str  # "video" or "image" (a photo: STILL_S of its picture)
    fps: float
    frame_count: int  # as declared by the container (estimated from duration when absent)
    width: int  # size of the frames handed on (after rotation and any downscaling)
    height: int
    source_width: int
    source_height: int
    rotation: int = 0  # degrees counter-clockwise applied to show the video upright (phone clips)

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps if self.fps else 0.0


def _scaled_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, MAX_SIDE / max(width, height))
    # Even sizes keep yuv420p output possible without another resize.
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


def _check_path(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a video or image file")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: file is not readable")


class VideoReader:
    """Decodes a video (or a single image) into RGB frames with their time in seconds."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        _check_path(self.path)
        try:
            self._container = av.open(str(self.path))
        except (av.error.FFmpegError, UnicodeDecodeError) as err:
            raise InputError(f"{self.path}: not a readable video or image ({_reason(err)})") from None
        if not self._container.streams.video:
            self._container.close()
            raise InputError(f"{self.path}: contains no video frames")
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        self.info = self._probe()

    def _probe(self) -> VideoInfo:
        stream, container = self._stream, self._container
        is_image = self.path.suffix.lower() in IMAGE_SUFFIXES or container.format.name.endswith("_pipe")
        rate = stream.average_rate or stream.guessed_rate or Fraction(30)
        fps = STILL_FPS if is_image else float(rate)
        frame_count = stream.frames
        if not frame_count:
            if stream.duration and stream.time_base:
                frame_count = round(float(stream.duration * stream.time_base) * fps)
            elif container.duration:
                frame_count = round(container.duration / av.time_base * fps)
        if is_image:
            frame_count = round(STILL_S * STILL_FPS)
        src_w, src_h = stream.codec_context.width, stream.codec_context.height
        if not src_w or not src_h:
            raise InputError(f"{self.path}: video stream has no picture size")
        self._decode_size = _scaled_size(src_w, src_h)
        rotation = _display_rotation(self.path)
        width, height = self._decode_size[::-1] if rotation % 180 else self._decode_size
        return VideoInfo(str(self.path), "image" if is_image else "video", fps, int(frame_count or 0),
                         width, height, src_w, src_h, rotation)

    def frames(self) -> Iterator[tuple[float, np.ndarray]]:
        """Yield ``(t_seconds, rgb)`` in decode order; raises InputError on corrupt or empty input."""
        for t, frame in self.decoded():
            yield t, self.to_rgb(frame)

    def decoded(self) -> Iterator[tuple[float, av.VideoFrame]]:
        """Yield ``(t_seconds, frame)`` without converting pixels (cheap: lets a reader skip frames); a photo's
        picture ``frame_count`` times."""
        if self.info.kind == "image":
            _, picture = next(self._decoded_stream())
            for index in range(self.info.frame_count):
                yield index / self.info.fps, picture
            return
        yield from self._decoded_stream()

    def _decoded_stream(self) -> Iterator[tuple[float, av.VideoFrame]]:
        info, count, last_t = self.info, 0, -1.0
        try:
            for frame in self._container.decode(self._stream):
                t = float(frame.time) if frame.time is not None else count / info.fps
                if t <= last_t:  # broken or duplicated stamps: keep time moving forward
                    t = last_t + 1.0 / info.fps
                last_t = t
                count += 1
                yield t, frame
        except av.error.FFmpegError as err:
            raise InputError(f"{self.path}: video is corrupt or truncated after {count} frames "
                             f"({_reason(err)})") from None
        if count == 0:
            raise InputError(f"{self.path}: contains no decodable video frames")
        # A cut-off file often decodes cleanly but ends early; the container still declares the full length.
        if info.kind == "video" and info.frame_count and count < 0.9 * info.frame_count:
            raise InputError(f"{self.path}: video is truncated ({count} of {info.frame_count} frames decodable)")

    def to_rgb(self, frame: av.VideoFrame) -> np.ndarray:
        """The frame as upright RGB at the analysis size."""
        rgb = frame.to_ndarray(format="rgb24", width=self._decode_size[0], height=self._decode_size[1])
        if self.info.rotation:
            rgb = np.ascontiguousarray(np.rot90(rgb, self.info.rotation // 90))
        return rgb

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _display_rotation(path: Path) -> int:
    """Rotation (0/90/180/270, counter-clockwise) from the first frame's display matrix, as players apply it."""
    try:
        with av.open(str(path)) as container:
            frame = next(container.decode(video=0), None)
    except (av.error.FFmpegError, StopIteration):
        return 0  # the main decode reports the problem
    angle = getattr(frame, "rotation", 0) or 0
    return int(round(angle / 90)) % 4 * 90


_DONE = object()


def prefetch(items: Iterator, depth: int = 4, name: str = "formcheck-decode") -> Prefetched:
    """Run ``items`` on a background thread, started at once, up to ``depth`` ahead (0: no limit), e.g. decoding
    overlaps inference on another core, or a pipe is drained while its reader is busy with other work.

    Exceptions raised by ``items`` are re-raised in the consumer; ``close()`` stops the thread.
    """
    return Prefetched(items, depth, name)


class Prefetched:
    """The iterator ``prefetch`` returns. Its thread starts with it, not at the first ``next()``: a generator's
    would, and a pose process then waited for its results to be read once its pipe was full."""

    def __init__(self, items: Iterator, depth: int, name: str) -> None:
        self._slots: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._finished = False
        self._thread = threading.Thread(target=_produce, args=(items, self._slots, self._stop), name=name,
                                        daemon=True)
        self._thread.start()

    def __iter__(self) -> Prefetched:
        return self

    def __next__(self):
        if self._finished:
            raise StopIteration
        item, err = self._slots.get()
        if err is not None or item is _DONE:
            self.close()
            if err is not None:
                raise err
            raise StopIteration
        return item

    def close(self) -> None:
        self._finished = True
        self._stop.set()
        self._thread.join(timeout=5)


def _produce(items: Iterator, slots: queue.Queue, stop: threading.Event) -> None:
    try:
        for item in items:
            while not stop.is_set():
                try:
                    slots.put((item, None), timeout=0.1)
                    break
                except queue.Full:
                    continue
            if stop.is_set():
                return
        slots.put((_DONE, None))
    except BaseException as err:  # handed to the consumer, raised there
        slots.put((_DONE, err))


def _reason(err: Exception) -> str:
    text = getattr(err, "strerror", None) or str(err)
    return text.strip().splitlines()[0] if text.strip() else type(err).__name__


def check_output_path(path: str | os.PathLike) -> Path:
    """Fail early (before any work) on an output path that cannot be written."""
    final = Path(path)
    if final.is_dir():
        raise InputError(f"{final}: is a directory, expected an output file name")
    if not final.parent.is_dir():
        raise InputError(f"{final.parent}: output folder does not exist")
    if not os.access(final.parent, os.W_OK):
        raise InputError(f"{final.parent}: output folder is not writable")
    return final


@contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds."""
    final = check_output_path(path)
    tmp = final.with_name(f".{final.name}.part")
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


class H264Writer:
    """Writes RGB frames to an H.264 / yuv420p mp4 that browsers play (fast-start layout)."""

    def __init__(self, path: str | os.PathLike, fps: float, width: int, height: int, crf: int = 23) -> None:
        self._container = av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"})
        rate = Fraction(fps).limit_denominator(1001)
        self._stream = self._container.add_stream("libx264", rate=rate)
        # yuv420p needs even sizes; drop a trailing odd row/column rather than rescale.
        self.width, self.height = width // 2 * 2, height // 2 * 2
        self._stream.width, self._stream.height = self.width, self.height
        self._stream.pix_fmt = "yuv420p"
        self._stream.options = {"crf": str(crf), "preset": "veryfast"}

    def write(self, rgb: np.ndarray) -> None:
        rgb = np.ascontiguousarray(rgb[: self.height, : self.width])
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        self._container.mux(self._stream.encode(frame))

    def close(self) -> None:
        self._container.mux(self._stream.encode(None))
        self._container.close()

    def __enter__(self) -> H264Writer:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self.close()
            return
        # Already failing: release the file without letting a flush error hide the original one.
        with suppress(Exception):
            self._container.close()
