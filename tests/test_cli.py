"""The command line, run as a user would (a subprocess of the installed entry point)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from formcheck.video import H264Writer

CLI = [sys.executable, "-m", "formcheck.cli"]
# 20 s, long enough to be shared between two pose processes.
SAMPLE_DIR_CLIP = Path(__file__).resolve().parent.parent / "sample_videos" / "towel_overext_mod_02.mp4"


def run_cli(*args, cwd=None, timeout=300):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout)


def write_clip(path: Path, frames: int = 30, size=(320, 240)):
    with H264Writer(path, 30, *size) as writer:
        for i in range(frames):
            writer.write(np.full((size[1], size[0], 3), (i * 7) % 255, np.uint8))
    return path


def assert_one_line_error(result, *words):
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("formcheck: error:")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0].lower()


def zero_frame_mp4(path: Path) -> Path:
    container = av.open(str(path), "w", format="mp4")
    stream = container.add_stream("libx264", rate=30)
    stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
    container.start_encoding()  # header written, then closed without a single frame
    container.close()
    return path


def truncated_mp4(path: Path, tmp_path: Path) -> Path:
    full = write_clip(tmp_path / "full.mp4", frames=90)
    data = full.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


BAD_INPUTS = {
    "missing": (lambda d: d / "nope.mp4", ["no such file"]),
    "directory": (lambda d: d, ["directory"]),
    "not_a_video": (lambda d: (d / "notes.mp4").write_text("just some text\n" * 50) and d / "notes.mp4",
                    ["not a readable video"]),
    "empty_file": (lambda d: (d / "empty.mp4").write_bytes(b"") or d / "empty.mp4", ["not a readable video"]),
    "zero_frames": (lambda d: zero_frame_mp4(d / "zero.mp4"), ["video frames"]),
    "truncated": (lambda d: truncated_mp4(d / "cut.mp4", d), ["truncated"]),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gives_one_line_exit_2_and_no_output(case, tmp_path):
    make, words = BAD_INPUTS[case]
    source = make(tmp_path / "in") if (tmp_path / "in").mkdir() is None else None
    outdir = tmp_path / "out"
    outdir.mkdir()
    result = run_cli("analyze", source, "--stretch", "hamstring", "--json", outdir / "r.json",
                     "--annotated", outdir / "a.mp4")
    assert_one_line_error(result, *words)
    assert list(outdir.iterdir()) == []  # no partial output, not even a temp file


def test_unknown_stretch(tmp_path):
    clip = write_clip(tmp_path / "c.mp4")
    assert_one_line_error(run_cli("analyze", clip, "--stretch", "yoga"), "unknown stretch", "hamstring")


def test_the_stretch_is_recognised_by_default(tmp_path):
    clip = write_clip(tmp_path / "c.mp4", frames=20)
    result = run_cli("analyze", clip, "--json", tmp_path / "r.json")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["stretch"] == "auto" and report["holds"] == []
    assert "none of the routine's positions was recognised" in result.stdout


@pytest.mark.parametrize("typed, suggested", [("hamstrng", "hamstring"), ("hip", "hip-flexor"), ("aut", "auto"),
                                              ("Glute", "glute"), ("towel-decompresion", "towel-decompression")])
def test_a_misspelt_stretch_gets_a_close_match(typed, suggested, tmp_path):
    result = run_cli("analyze", write_clip(tmp_path / "c.mp4"), "--stretch", typed)
    assert_one_line_error(result, "unknown stretch", f"did you mean '{suggested}'?")


def test_a_misspelt_model_gets_a_close_match(tmp_path):
    assert_one_line_error(run_cli("analyze", write_clip(tmp_path / "c.mp4"), "-s", "glute", "--model", "fulll"),
                          "unknown model", "did you mean 'full'?")


HELP_ARTEFACTS = ("<", ">", "{", "}", "[x", "list[", "Path]")  # type tags, ranges and Python types


@pytest.mark.parametrize("command", [[], ["analyze"], ["eval"], ["bench"]])
def test_help_lists_choices_without_type_artefacts(command):
    result = subprocess.run([*CLI, *command, "--help"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "COLUMNS": "160"})
    assert result.returncode == 0, result.stderr
    found = [tag for tag in HELP_ARTEFACTS if tag in result.stdout]
    assert not found, f"help shows {found}:\n{result.stdout}"
    words = " ".join(result.stdout.replace("│", " ").split())  # a long list of choices wraps inside the help's box
    if command == ["analyze"]:
        assert ("hamstring, hip-flexor, standing-hip-flexor, glute, seated-hamstring, lying-hamstring, lying-glute, "
                "bed-decompression, towel-decompression, or auto" in words)
        assert "VIDEO..." in result.stdout and "FOLDER" in result.stdout and "PATH" in result.stdout
    if command == ["bench"]:
        assert ("hamstring, hip-flexor, standing-hip-flexor, glute, seated-hamstring, lying-hamstring, lying-glute, "
                "bed-decompression, towel-decompression" in words)
        assert "SECONDS" in result.stdout and "30 or more" in result.stdout
    if command:
        assert "lite, full or heavy" in result.stdout


def test_output_into_missing_folder(tmp_path):
    clip = write_clip(tmp_path / "c.mp4")
    assert_one_line_error(run_cli("analyze", clip, "-s", "glute", "--annotated", tmp_path / "no" / "a.mp4"),
                          "does not exist")


@pytest.mark.slow
def test_clip_without_a_person_is_analysed_and_says_so(tmp_path):
    clip = write_clip(tmp_path / "c.mp4", frames=20, size=(321, 241))  # odd size on purpose
    result = run_cli("analyze", clip, "-s", "towel-decompression", "--json", tmp_path / "r.json")
    assert result.returncode == 0, result.stderr
    assert "detected in 0%" in result.stdout
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["summary"]["detected_frames"] == 0
    assert {f["status"] for f in report["frames"]} == {"no_person"}


FRONT_VIEW = Path(__file__).resolve().parent.parent / "sample_videos" / "ham_front_abstain_08.mp4"


@pytest.mark.skipif(not FRONT_VIEW.is_file(), reason="no front-view sample clip")
@pytest.mark.slow
def test_a_front_view_clip_could_not_be_checked_and_says_why(tmp_path):
    result = run_cli("analyze", FRONT_VIEW, "--stretch", "hamstring", "--json", tmp_path / "r.json")
    assert result.returncode == 0, result.stderr
    assert "No mistakes flagged" not in result.stdout
    assert "Could not check your form" in result.stdout and "Turn side-on to the camera." in result.stdout
    assert "Not judged: filmed from the wrong angle" in result.stdout
    summary = json.loads((tmp_path / "r.json").read_text())["summary"]
    assert summary["conclusion"] == "unchecked" and summary["judged_s"] < 10
    assert summary["not_judged_s"]["wrong_view"] > 10


@pytest.mark.slow
def test_a_pose_worker_that_crashes_is_one_line_exit_2_and_no_output(tmp_path):
    from worker_killer import segfault_a_worker_soon

    clip = SAMPLE_DIR_CLIP
    report = tmp_path / "report.json"
    process = subprocess.Popen([*CLI, "analyze", str(clip), "--stretch", "towel-decompression", "--workers", "2",
                                "--json", str(report)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killer = segfault_a_worker_soon(process.pid)
    stdout, stderr = process.communicate(timeout=300)
    killer.join(timeout=5)
    assert killer.killed, "no pose worker was seen to kill"
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    assert_one_line_error(result, "pose process", "sigsegv", clip.name)
    assert not report.exists()
