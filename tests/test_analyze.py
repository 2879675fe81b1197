"""`formcheck analyze` on a rendered sample clip, end to end, including the report schema."""

import json
from importlib.resources import files

import av
import jsonschema
import pytest
from conftest import SAMPLE_DIR
from test_cli import run_cli

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
