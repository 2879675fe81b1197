"""Batches on a local Ray instance: the same per-clip function and outputs as one machine, and no clip lost or
counted twice when a worker dies."""

import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
import ray
from conftest import SAMPLE_DIR
from test_cli import run_cli, write_clip

from formcheck.batch import ClipResult, evaluate_on_ray, plan_jobs, run_batch, run_clip
from formcheck.batch_ray import TaskFailed, map_on_ray
from formcheck.bench import run_batch_bench
from formcheck.errors import InputError
from formcheck.evaluate import clip_rows, evaluate

pytestmark = pytest.mark.slow  # a local Ray instance and clips analysed on it

REAL_CLIP = SAMPLE_DIR / "ham_round_mod_R_side_avgman.mp4"  # 12 s, one rounding


@pytest.fixture(scope="module")
def local_ray():
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


def parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as handle:
        return int(handle.read().rsplit(")", 1)[1].split()[1])


def descends_from_this_test(pid: int) -> bool:
    """Only the workers of this test's own Ray instance (its raylet is our child): other Ray users are left alone."""
    while pid > 1:
        pid = parent_of(pid)
        if pid == os.getpid():
            return True
    return False


def busy_ray_workers(task_name: str) -> list[int]:
    """Ray names a worker process after the task it is running (``ray::run_clip``), ``ray::IDLE`` otherwise."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    title = handle.read().split(b"\0")[0]
                if title == f"ray::{task_name}".encode() and descends_from_this_test(int(entry)):
                    pids.append(int(entry))
            except OSError:  # the process ended meanwhile
                continue
    return pids


def test_ray_batch_writes_what_one_machine_writes(local_ray, tmp_path):
    inputs = [REAL_CLIP, write_clip(tmp_path / "empty_room.mp4", frames=30), tmp_path / "missing.mp4"]
    here = run_batch(plan_jobs(inputs, tmp_path / "here", "hamstring", "full"), processes=2)
    on_ray = run_batch(plan_jobs(inputs, tmp_path / "ray", "hamstring", "full"), use_ray=True)
    assert [r.outcome for r in on_ray] == ["analysed", "analysed", "failed"]
    assert on_ray == here
    assert [m["mistake"] for m in on_ray[0].mistakes] == ["rounding"]
    for name in ("ham_round_mod_R_side_avgman.json", "empty_room.json"):
        assert json.loads((tmp_path / "ray" / name).read_text()) == json.loads((tmp_path / "here" / name).read_text())


def test_a_killed_worker_loses_no_clip_and_repeats_none(local_ray, tmp_path):
    sources = [write_clip(tmp_path / f"clip{i}.mp4", frames=90, size=(640, 480)) for i in range(6)]
    jobs = plan_jobs(sources, tmp_path / "out", "glute", "full")
    outcomes, killed = [], []
    for position, outcome in map_on_ray(run_clip, jobs):
        outcomes.append((position, outcome))
        if not killed:  # the first clip is done; the others are queued or running
            deadline = time.monotonic() + 30
            while not killed and time.monotonic() < deadline:
                busy = busy_ray_workers("run_clip")
                if busy:
                    os.kill(busy[0], signal.SIGKILL)
                    killed.append(busy[0])
                time.sleep(0.05)
    assert killed, "no Ray worker was running a clip to kill"
    assert sorted(p for p, _ in outcomes) == list(range(len(jobs)))  # each clip exactly once
    for position, outcome in outcomes:
        # Retried on another worker; should the retry fail too, the clip says so in one line.
        assert (isinstance(outcome, ClipResult) and outcome.outcome == "analysed"
                or isinstance(outcome, TaskFailed) and str(outcome).startswith("failed twice on Ray")), outcome
        if isinstance(outcome, ClipResult):
            assert json.loads(open(jobs[position].json_out).read())["summary"]["frames"] == 90


def test_a_task_failing_twice_is_reported_and_the_rest_finish(local_ray, tmp_path):
    def flaky(item):  # defined here, so Ray ships it by value
        marker = tmp_path / f"{item}.attempts"
        attempts = int(marker.read_text()) + 1 if marker.exists() else 1
        marker.write_text(str(attempts))
        if item == "always" or (item == "once" and attempts == 1):
            raise ValueError(f"{item} broke on attempt {attempts}")
        return item.upper()

    outcomes = dict(map_on_ray(flaky, ["fine", "once", "always"]))
    assert outcomes == {0: "FINE", 1: "ONCE",
                        2: TaskFailed("failed twice on Ray: ValueError: always broke on attempt 2")}


def test_without_ray_installed_the_error_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails as on a base install
    with pytest.raises(InputError, match=r'pip install "formcheck\[ray\]"'):
        list(map_on_ray(str, [1]))


def test_cli_ray_batch_on_its_own_local_instance(tmp_path):
    write_clip(tmp_path / "a.mp4", frames=15)
    (tmp_path / "b.mp4").write_text("not a video")
    result = run_cli("analyze", tmp_path, "-s", "glute", "--out", tmp_path / "out", "--ray")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [(os.path.basename(c["file"]), c["outcome"]) for c in summary["clips"]] == [("a.mp4", "analysed"),
                                                                                        ("b.mp4", "failed")]


def test_eval_on_ray_gives_the_single_machine_figures(local_ray, tmp_path):
    for name in ("ham_round_mod_R_side_avgman", "ham_front_abstain_08"):  # a rounding, and a view to abstain on
        for suffix in (".mp4", ".truth.json"):
            shutil.copy(SAMPLE_DIR / f"{name}{suffix}", tmp_path)
    here_scores, here = evaluate(tmp_path)
    ray_scores, on_ray = evaluate_on_ray(tmp_path, "full")
    assert json.dumps(clip_rows(ray_scores)) == json.dumps(clip_rows(here_scores))
    assert json.dumps(on_ray) == json.dumps(here)  # NaN-safe: every figure, bit for bit
    assert here["per_mistake"]["rounding"]["matched"] == 1 and all(here["wrong_view_clips"].values())


def test_batch_bench_reports_every_figure(local_ray, tmp_path):
    clips = [write_clip(tmp_path / f"c{i}.mp4", frames=20) for i in range(2)]
    report = run_batch_bench(clips)
    assert set(report["runs"]) == {"pool", "chunked", "ray", "pool_skip_frames"}
    assert all(run["realtime_factor"] > 0 and run["failed"] == 0 for run in report["runs"].values())
    assert report["ray_reports_identical_to_pool"] == 2
    assert report["ray_vs_best_local"] > 0 and report["skip_frames_vs_every_frame"] > 0


def test_clip_generator_renders_each_clip_as_a_ray_task(local_ray, tmp_path, monkeypatch, capsys):
    from formcheck.synth import cli as synth_cli
    from formcheck.synth.clips import clip_set

    names = [spec.name for spec in clip_set("dev")[:3]]

    def fake_render(task):  # stands in for the renderer: its extra is not part of the test install
        spec, out, max_frames = task
        assert max_frames == 5
        if spec.name == names[1]:
            raise RuntimeError("renderer crashed")
        (Path(out) / f"{spec.name}.mp4").write_text("clip")
        return spec.name

    monkeypatch.setattr(synth_cli, "render_task", fake_render)
    (tmp_path / f"{names[2]}.mp4").write_text("old")
    (tmp_path / f"{names[2]}.truth.json").write_text("{}")
    code = synth_cli.main(["generate", "--only", ",".join(names), "--out", str(tmp_path), "--max-frames", "5",
                           "--skip-existing", "--ray"])
    printed = capsys.readouterr()
    assert code == 1  # one clip failed twice
    assert f"{names[0]}: rendered" in printed.out and f"{names[2]}: exists, skipped" in printed.out
    assert f"{names[1]}: failed twice on Ray: RuntimeError: renderer crashed" in printed.err
    assert (tmp_path / f"{names[0]}.mp4").read_text() == "clip" and (tmp_path / f"{names[2]}.mp4").read_text() == "old"
