"""Any frame size, pixel format and rotation goes through decode → pose → metrics → drawing → H.264 output.

The segmentation mask MediaPipe returns is only valid while its result lives; reading it later crashed the
process (first seen at widths that are not a multiple of 4). These tests run the real model at sizes covering
every remainder mod 16, odd and extreme sizes, and compare each with the same picture padded to a multiple of 16.
"""

from __future__ import annotations

import av
import cv2
import numpy as np
import pytest
from conftest import SAMPLE_DIR

from formcheck.analyze import analyze_video
from formcheck.metrics import measure
from formcheck.pose import Landmark as L
from formcheck.pose import PoseEstimator
from formcheck.video import STILL_FPS, STILL_S, VideoReader

pytestmark = pytest.mark.slow  # MediaPipe on a dozen frame sizes, formats and rotations

CLIP = SAMPLE_DIR / "ham_correct_06.mp4"
TRUNK_AND_LEGS = [L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE]

# (width, height): every width remainder mod 16 once, odd and even heights, tall, wide, tiny and large frames.
SIZES = [
    (640, 481), (641, 480), (642, 479), (643, 362), (644, 483), (645, 484), (646, 485), (647, 486),
    (848, 566), (849, 567), (850, 566), (851, 565), (556, 417), (557, 418), (558, 419), (559, 420),
    (2, 2), (3, 5), (17, 2000), (2000, 17), (1999, 1001), (1001, 1999), (101, 75),
]


@pytest.fixture(scope="module")
def hinge_frames():
    """A few consecutive frames of a person hinging forward, side-on."""
    with VideoReader(CLIP) as reader:
        return [rgb for _, (_, rgb) in zip(range(156), reader.frames())][150:]


def _fit(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """The picture scaled to fit a ``width`` x ``height`` frame (aspect kept) on a grey background."""
    scale = min(width / rgb.shape[1], height / rgb.shape[0])
    w, h = max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale))
    canvas = np.full((height, width, 3), 128, np.uint8)
    top, left = (height - h) // 2, (width - w) // 2
    canvas[top:top + h, left:left + w] = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
    return canvas


def _poses(frames):
    with PoseEstimator(masks=True) as estimator:
        return [estimator(rgb, i / 30) for i, rgb in enumerate(frames)]


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_any_frame_size_gives_the_pose_of_the_same_picture_padded_to_16(hinge_frames, width, height):
    pictures = [_fit(rgb, width, height) for rgb in hinge_frames]
    padded = [np.pad(p, ((0, -height % 16), (0, -width % 16), (0, 0)), constant_values=128) for p in pictures]
    ours, reference = _poses(pictures)[-1], _poses(padded)[-1]
    assert ours.detected == reference.detected
    values, contour = measure(ours)  # reads the mask: this is where the dangling mask crashed
    if not ours.detected:
        return
    assert ours.mask.shape == (height, width) and ours.mask.flags.c_contiguous
    assert 0.0 <= float(ours.mask.min()) and float(ours.mask.max()) <= 1.0
    torso = values["torso_px"]
    jitter = np.abs(ours.image[TRUNK_AND_LEGS, :2] - reference.image[TRUNK_AND_LEGS, :2]).max()
    # Landmark jitter: a few % of the torso, plus a couple of pixels at the model's input scale (the frame is
    # resized to 256 px on its long side, so a small person in a large frame wobbles more in frame pixels).
    tolerance = 0.06 * torso + 2.5 * max(width, height) / 256
    assert jitter <= tolerance, f"landmarks moved {jitter:.1f} px against a {torso:.0f}-px torso"
    assert np.isfinite(values["hip_fold"])


def _encode(path, frames, codec: str, pix_fmt: str, rotation: int | None = None, fps: int = 10):
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = pix_fmt
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for rgb in frames:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24").reformat(format=pix_fmt)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


# (container suffix, codec, pixel format, stored width, stored height, display rotation, pose workers)
FILES = [
    ("mp4", "libx264", "yuv420p", 642, 480, None, 1),
    ("mp4", "libx264", "yuv420p", 850, 566, None, 2),
    ("mp4", "libx264", "yuv444p", 333, 251, None, 1),
    ("mp4", "libx264", "yuv444p", 631, 473, 90, 2),
    ("avi", "mjpeg", "yuvj422p", 554, 415, None, 1),
    ("mkv", "ffv1", "bgr0", 335, 257, 270, 1),
]


@pytest.mark.parametrize(("suffix", "codec", "pix_fmt", "width", "height", "rotation", "workers"), FILES,
                         ids=[f"{c}-{p}-{w}x{h}-rot{r or 0}-w{n}" for _, c, p, w, h, r, n in FILES])
def test_video_files_of_any_size_format_and_rotation_are_analysed(hinge_frames, tmp_path, suffix, codec, pix_fmt,
                                                                  width, height, rotation, workers):
    upright = [cv2.resize(rgb, (height, width) if rotation else (width, height)) for rgb in hinge_frames]
    # Stored turned the other way, as a phone does, with a display matrix that turns it back.
    stored = [np.ascontiguousarray(np.rot90(rgb, -(rotation // 90))) for rgb in upright] if rotation else upright
    frames = (stored * 8)[:45]  # 4.5 s at 10 fps: long enough to be shared between two pose workers
    clip = _encode(tmp_path / f"clip.{suffix}", frames, codec, pix_fmt, rotation)
    annotated = tmp_path / "annotated.mp4"
    analysis = analyze_video(clip, "hamstring", annotated=annotated, workers=workers)
    assert len(analysis.frames) == 45
    assert analysis.detection_rate >= 0.9
    assert any(frame["metrics"].get("back_bulge") is not None for frame in analysis.frames)
    with av.open(str(annotated)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        assert sum(1 for _ in container.decode(stream)) == 45


def test_odd_sized_still_image_is_analysed(hinge_frames, tmp_path):
    still = tmp_path / "still.png"
    cv2.imwrite(str(still), cv2.cvtColor(cv2.resize(hinge_frames[-1], (851, 567)), cv2.COLOR_RGB2BGR))
    analysis = analyze_video(still, "hamstring", annotated=tmp_path / "still.mp4")
    assert len(analysis.frames) == round(STILL_S * STILL_FPS) and analysis.frames[0]["detected"]  # a still posture
    assert analysis.frames[0]["metrics"]["back_bulge"] is not None
