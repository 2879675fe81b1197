"""`formcheck analyze` on a rendered sample clip, end to end, including the report schema."""

import json
from importlib.resources import files

import av
import jsonschema
import pytest
from conftest import SAMPLE_DIR
from test_cli import run_cli

pytestmark = pytest.mark.slow  # analyses clips end to end

SCHEMA = json.loads(files("formcheck").joinpath("analysis.schema.json").read_text())


@pytest.fixture(scope="module")
def hamstring_run(tmp_path_factory):
    clips = sorted(SAMPLE_DIR.glob("ham*.mp4"))
    if not clips:
        pytest.fail("no hamstring sample clip in sample_videos/")
    out = tmp_path_factory.mktemp("analyze")
    result = run_cli("analyze", clips[0], "--stretch", "hamstring", "--json", out / "r.json",
                     "--annotated", out / "a.mp4", cwd=out)
    return clips[0], out, result


def test_analyze_succeeds_and_detects_the_person(hamstring_run):
    clip, out, result = hamstring_run
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "r.json").read_text())
    assert report["summary"]["detection_rate"] >= 0.95
    assert "detected in" in result.stdout


def test_report_matches_the_published_schema(hamstring_run):
    clip, out, _ = hamstring_run
    report = json.loads((out / "r.json").read_text())
    jsonschema.validate(report, SCHEMA)
    truth = json.loads(clip.with_suffix("").with_suffix(".truth.json").read_text())
    assert report["input"]["frame_count"] == truth["n_frames"]
    assert report["input"]["fps"] == pytest.approx(truth["fps"])
    times = [f["t"] for f in report["frames"]]
    assert times == sorted(times) and len(set(times)) == len(times)


def test_the_report_and_the_command_line_say_what_the_low_back_was_read_against(hamstring_run):
    """The first hamstring sample has no range step: the reading is the absolute one, and the line says why a
    slight mistake can only be called possible there."""
    _, out, result = hamstring_run
    report = json.loads((out / "r.json").read_text())
    summary = report["summary"]
    assert summary["reference"] == "absolute" and summary["tilt_range_s"] is None
    assert all(frame.get("tilt_range") is False for frame in report["frames"] if "tilt_range" in frame)
    assert "Low back read without your own range" in result.stdout
    seconds = sum(p["end_s"] - p["start_s"] for p in report["possible"])
    assert summary["possible_s"] == pytest.approx(seconds, abs=0.5)
    assert summary["conclusion"] != "checked" or summary["possible_s"] < 1.5


def test_schema_rejects_a_broken_report(hamstring_run):
    _, out, _ = hamstring_run
    report = json.loads((out / "r.json").read_text())
    del report["events"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, SCHEMA)


def test_annotated_video_is_browser_playable_h264(hamstring_run):
    clip, out, _ = hamstring_run
    with av.open(str(out / "a.mp4")) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        decoded = sum(1 for _ in container.decode(stream))
    with av.open(str(clip)) as source:
        assert decoded == sum(1 for _ in source.decode(video=0))


def test_a_lunge_after_kneeling_tall_is_read_against_it_and_the_report_says_from_when(tmp_path):
    """The dev hip-flexor clips kneel tall, still, for their first 2 s, then glide into the lunge (hold from 5 s)."""
    clip = SAMPLE_DIR / "hf_correct_05.mp4"
    result = run_cli("analyze", clip, "--stretch", "hip-flexor", "--json", tmp_path / "r.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    jsonschema.validate(report, SCHEMA)
    start = report["summary"]["tall_reference_s"]
    assert 2.0 < start < 5.0
    assert {f["tall_reference"] for f in report["frames"] if f["t"] < start} == {False}
    assert {f["tall_reference"] for f in report["frames"] if f["t"] >= start} == {True}
    assert f"Low back read against your kneeling-tall posture from {start:.1f} s." in result.stdout
