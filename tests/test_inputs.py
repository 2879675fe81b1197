"""Awkward but valid input: phone rotation, variable frame rate, 4K, one frame, images, people who leave."""

import socket
from fractions import Fraction

import av
import numpy as np
import pytest
from conftest import SAMPLE_DIR

from formcheck.analyze import analyze_video
from formcheck.video import MAX_SIDE, VideoReader

CLIP = sorted(SAMPLE_DIR.glob("ham*.mp4"))[0] if list(SAMPLE_DIR.glob("ham*.mp4")) else None


@pytest.fixture(scope="module")
def person_frames():
    if CLIP is None:
        pytest.fail("no hamstring sample clip")
    with VideoReader(CLIP) as reader:
        return [rgb for _, (_, rgb) in zip(range(150), reader.frames())]


def write(path, frames, *, fps=30, pts=None, rotation=None, time_base=Fraction(1, 90000)):
    """Encode ``frames`` (RGB) with optional explicit timestamps (seconds) and display rotation."""
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.time_base = stream.codec_context.time_base = time_base  # fine-grained stamps for VFR
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            if pts is not None:
                frame.pts, frame.time_base = round(pts[i] / time_base), time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def test_phone_clip_with_rotation_metadata_is_turned_upright(person_frames, tmp_path):
    # Stored sideways (as phones do), with a display matrix that turns it back upright.
    sideways = [np.rot90(f, -1) for f in person_frames[:60]]
    clip = write(tmp_path / "phone.mp4", sideways, rotation=90)
    with VideoReader(clip) as reader:
        assert reader.info.rotation == 90
        _, first = next(reader.frames())
    assert np.abs(first.astype(int) - person_frames[0].astype(int)).mean() < 3  # same picture, up to coding noise
    analysis = analyze_video(clip, "hamstring")
    assert analysis.detection_rate >= 0.95
    assert analysis.to_json()["input"]["rotation"] == 90


def test_variable_frame_rate_keeps_true_timestamps(person_frames, tmp_path):
    rng = np.random.default_rng(1)
    times = np.cumsum(rng.uniform(1 / 60, 1 / 15, 60))
    clip = write(tmp_path / "vfr.mp4", person_frames[:60], pts=times)
    analysis = analyze_video(clip, "hamstring")
    stamps = [f["t"] for f in analysis.frames]
    assert len(stamps) == 60
    np.testing.assert_allclose(np.array(stamps) - stamps[0], times - times[0], atol=2e-3)


def test_4k_input_is_downscaled_for_inference_and_reported(tmp_path):
    big = [np.full((2160, 3840, 3), 90, np.uint8)] * 3
    clip = write(tmp_path / "uhd.mp4", big)
    report = analyze_video(clip, "glute").to_json()["input"]
    assert (report["width"], report["height"]) == (3840, 2160)
    assert max(report["analysed_width"], report["analysed_height"]) == MAX_SIDE


def test_single_frame_clip_and_still_image(person_frames, tmp_path):
    one = analyze_video(write(tmp_path / "one.mp4", person_frames[:1]), "hamstring")
    assert len(one.frames) == 1 and one.frames[0]["detected"]
    image = tmp_path / "still.png"
    av.VideoFrame.from_ndarray(person_frames[0], format="rgb24").to_image().save(image)
    still = analyze_video(image, "hamstring")
    assert still.info.kind == "image" and len(still.frames) == 1 and still.frames[0]["detected"]


def test_person_leaving_mid_hold_is_unsure_not_flagged(person_frames, tmp_path):
    frames = person_frames[:90] + [np.full_like(person_frames[0], 200)] * 45
    analysis = analyze_video(write(tmp_path / "leaves.mp4", frames), "hamstring")
    tail = analysis.frames[-30:]
    assert all(f["status"] == "no_person" and not f["flags"] for f in tail)
    assert all(state == "unsure" for f in tail for state in f["states"].values())


def test_partial_body_abstains_instead_of_guessing(person_frames, tmp_path):
    top_half = [np.ascontiguousarray(f[: f.shape[0] // 2]) for f in person_frames[:60]]
    analysis = analyze_video(write(tmp_path / "half.mp4", top_half), "hamstring")
    assert not analysis.events
    assert all(f["status"] != "good" for f in analysis.frames)


def test_analysis_makes_no_network_connection(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("formcheck tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    analysis = analyze_video(CLIP, "hamstring", annotated=tmp_path / "a.mp4")
    assert analysis.detection_rate > 0.9
