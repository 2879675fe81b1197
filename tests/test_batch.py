"""`formcheck analyze` on many inputs: one report per input, a summary, bad inputs listed, up-to-date ones skipped."""

import csv
import json
import os
from importlib.resources import files

import jsonschema
import pytest
from test_cli import assert_one_line_error, run_cli, write_clip

from formcheck.batch import ClipJob, expand_inputs, plan_jobs, result_from_report
from formcheck.coverage import coverage
from formcheck.errors import InputError

SCHEMA = json.loads(files("formcheck").joinpath("analysis.schema.json").read_text())


def test_inputs_from_files_folders_and_patterns(tmp_path):
    for name in ("a.mp4", "b.MOV", "c.png", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.mp4").write_bytes(b"x")
    assert [p.name for p in expand_inputs([tmp_path])] == ["a.mp4", "b.MOV", "c.png"]  # not sub-folders
    assert [p.name for p in expand_inputs([str(tmp_path / "*.mp4"), tmp_path / "a.mp4", tmp_path / "sub"])] == [
        "a.mp4", "d.mp4"]  # each input once
    assert [p.name for p in expand_inputs([tmp_path / "missing.mp4"])] == ["missing.mp4"]  # reported later
    with pytest.raises(InputError, match="no file matches"):
        expand_inputs([str(tmp_path / "*.avi")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no video or image"):
        expand_inputs([tmp_path / "empty"])


def test_outputs_that_would_collide_are_refused(tmp_path):
    (tmp_path / "x").mkdir()
    with pytest.raises(InputError, match="same outputs"):
        plan_jobs([tmp_path / "a.mp4", tmp_path / "x" / "a.mov"], tmp_path / "out", "glute", "full")
    with pytest.raises(InputError, match="summary"):
        plan_jobs([tmp_path / "summary.mp4"], tmp_path / "out", "glute", "full")
    job, = plan_jobs([tmp_path / "a.mp4"], tmp_path / "out", "glute", "full", annotate=True)
    assert job.json_out.endswith("out/a.json") and job.annotated_out.endswith("out/a.annotated.mp4")


def frame(t, status):
    return {"t": t, "status": status}


@pytest.mark.parametrize("statuses, judged, good", [
    (["good", "good", "mistake", "mistake"], 2.0, 1.0),
    (["calibrating", "no_person", "not_in_position", "good"], 1.0, 1.0),  # calibrating counts, like the hold timer
    (["wrong_view", "two_people", "tracking_lost", "low_visibility"], 0.0, 0.0),
])
def test_summary_row_seconds(statuses, judged, good):
    frames = [frame(i * 0.5, s) for i, s in enumerate(statuses)]
    report = {"input": {"fps": 2.0}, "events": [{"mistake": "rounding", "start_s": 1.0, "end_s": 2.0,
                                                  "peak_value": 0.3}],
              # The report's summary, as analyze writes it (formcheck.coverage counts the seconds).
              "summary": coverage((f["t"], f["status"]) for f in frames).as_dict(mistakes=1), "frames": frames}
    row = result_from_report(ClipJob("c.mp4", "hamstring", "full", "c.json"), report, "analysed")
    assert (row.seconds, row.judged_s, row.good_form_s) == (2.0, judged, good)
    assert row.conclusion == "flagged"
    assert row.mistakes == [{"mistake": "rounding", "start_s": 1.0, "end_s": 2.0}]


def read_summary(out):
    with open(out / "summary.csv", newline="") as handle:
        rows = {os.path.basename(r["file"]): r for r in csv.DictReader(handle)}
    return rows, json.loads((out / "summary.json").read_text())


@pytest.mark.slow
def test_batch_reports_each_input_lists_bad_ones_and_skips_up_to_date(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_clip(inputs / "one.mp4", frames=20)
    write_clip(inputs / "two.mp4", frames=25, size=(321, 241))
    (inputs / "broken.mp4").write_text("not a video\n" * 20)
    out = tmp_path / "out"
    result = run_cli("analyze", inputs, tmp_path / "gone.mp4", "-s", "towel-decompression", "--out", out, "--videos")
    assert result.returncode == 1, result.stderr  # some inputs failed
    assert "Traceback" not in result.stderr
    failures = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert len(failures) == 2 and any("gone.mp4: no such file" in f for f in failures)
    rows, summary = read_summary(out)
    assert set(rows) == {"one.mp4", "two.mp4", "broken.mp4", "gone.mp4"}
    assert summary["totals"] == {"inputs": 4, "failed": 2, "up_to_date": 0, "analysed": 2}
    assert "not a readable video" in rows["broken.mp4"]["error"] and rows["broken.mp4"]["outcome"] == "failed"
    for name, frames in (("one", 20), ("two", 25)):
        report = json.loads((out / f"{name}.json").read_text())
        jsonschema.validate(report, SCHEMA)
        assert report["summary"]["frames"] == frames
        assert (out / f"{name}.annotated.mp4").stat().st_size > 0
        assert rows[f"{name}.mp4"]["outcome"] == "analysed" and rows[f"{name}.mp4"]["error"] == ""
        assert float(rows[f"{name}.mp4"]["judged_s"]) == 0.0  # nobody in these frames
        assert rows[f"{name}.mp4"]["conclusion"] == "unchecked"
        # Nothing judged is not good form: the per-input line says the form could not be checked.
        line, = [line for line in result.stdout.splitlines() if f"{name}.mp4" in line]
        assert "could not check the form" in line and "no mistakes" not in line, line
    assert sorted(p.name for p in out.iterdir()) == ["one.annotated.mp4", "one.json", "summary.csv",
                                                     "summary.json", "two.annotated.mp4", "two.json"]

    written = (out / "one.json").stat().st_mtime_ns
    again = run_cli("analyze", inputs, "-s", "towel-decompression", "--out", out, "--videos")
    assert again.returncode == 1
    rows, _ = read_summary(out)
    assert rows["one.mp4"]["outcome"] == rows["two.mp4"]["outcome"] == "up to date"
    assert (out / "one.json").stat().st_mtime_ns == written

    os.utime(inputs / "two.mp4")  # a newer input is analysed again; so is everything with --force
    write_clip(inputs / "one.mp4", frames=20)
    (inputs / "broken.mp4").unlink()
    changed = run_cli("analyze", inputs / "two.mp4", "-s", "towel-decompression", "--out", out, "--videos")
    assert changed.returncode == 0, changed.stderr
    assert read_summary(out)[0]["two.mp4"]["outcome"] == "analysed"
    other_stretch = run_cli("analyze", inputs, "-s", "hamstring", "--out", out)
    assert other_stretch.returncode == 0, other_stretch.stderr
    assert {r["outcome"] for r in read_summary(out)[0].values()} == {"analysed"}
    forced = run_cli("analyze", inputs, "-s", "hamstring", "--out", out, "--force", "--workers", "1")
    assert forced.returncode == 0, forced.stderr
    assert {r["outcome"] for r in read_summary(out)[0].values()} == {"analysed"}


@pytest.mark.slow
def test_several_inputs_need_an_output_folder(tmp_path):
    clip = write_clip(tmp_path / "c.mp4", frames=5)
    assert_one_line_error(run_cli("analyze", clip, clip, "-s", "glute"), "--out")
    assert_one_line_error(run_cli("analyze", clip, "-s", "glute", "--out", tmp_path / "o", "--json", tmp_path / "r"),
                          "--json")
    (tmp_path / "file").write_text("")
    assert_one_line_error(run_cli("analyze", clip, "-s", "glute", "--out", tmp_path / "file"), "not a folder")
    assert_one_line_error(run_cli("analyze", clip, "-s", "yoga", "--out", tmp_path / "o"), "unknown stretch")
