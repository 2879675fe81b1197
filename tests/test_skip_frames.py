"""Judging about 15 frames a second: every frame still gets a record, the skipped ones repeat the last judgement,
and bed pumping is judged on every frame. (Whether the results change is measured on the dev clips with `formcheck eval`
and tools/compare_eval.py, see docs/performance.md; tests/test_rules.py checks the rules flag alike at 15 and 30
frames a second.)"""

import json
from importlib.resources import files

import jsonschema
import pytest
from test_cli import write_clip

from formcheck.analyze import analyze_video, frame_step

SCHEMA = json.loads(files("formcheck").joinpath("analysis.schema.json").read_text())


@pytest.mark.parametrize("stretch, fps, skip, step", [
    ("hamstring", 30, True, 2), ("towel-decompression", 30, True, 2), ("glute", 60, True, 4),
    ("hip-flexor", 25, True, 2), ("hamstring", 15, True, 1), ("hamstring", 10, True, 1),
    ("bed-decompression", 30, True, 1), ("auto", 30, True, 1), ("hamstring", 30, False, 1),
])
def test_frame_step(stretch, fps, skip, step):
    assert frame_step(stretch, fps, skip) == step


@pytest.mark.parametrize("workers", [1, 2])  # 2: the pose processes skip the same frames
@pytest.mark.slow
def test_skipped_frames_repeat_the_last_judgement(tmp_path, workers):
    clip = write_clip(tmp_path / "c.mp4", frames=150, size=(321, 241))  # 5 s: long enough to share
    analysis = analyze_video(clip, "hamstring", skip_frames=True, workers=workers)
    report = analysis.to_json()
    jsonschema.validate(report, SCHEMA)
    assert report["frame_step"] == 2 and len(report["frames"]) == 150
    times = [f["t"] for f in report["frames"]]
    assert times == sorted(times) and len(set(times)) == 150
    for index, record in enumerate(report["frames"]):
        assert record.get("held", False) == (index % 2 == 1)
        if index % 2:
            assert {**record, "t": None, "held": None} == {**report["frames"][index - 1], "t": None, "held": None}


@pytest.mark.slow
def test_bed_decompression_is_judged_on_every_frame(tmp_path):
    clip = write_clip(tmp_path / "c.mp4", frames=10)
    report = analyze_video(clip, "bed-decompression", skip_frames=True, workers=1).to_json()
    assert report["frame_step"] == 1 and not any("held" in f for f in report["frames"])
