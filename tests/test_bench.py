"""The benchmark runs and reports the figures docs/performance.md quotes (no timing assertions: this machine is
noisy)."""

import json

import pytest
from conftest import SAMPLE_DIR
from test_cli import run_cli

pytestmark = pytest.mark.slow  # times MediaPipe on a clip


def test_bench_reports_every_figure(tmp_path):
    clip = sorted(SAMPLE_DIR.glob("*.mp4"))[0]
    result = run_cli("bench", clip, "--frames", "30", "--encode", "--live-seconds", "3",
                     "--session-minutes", "1", "--json", tmp_path / "b.json")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "b.json").read_text())
    for path in ("bare.median_ms", "bare.p95_ms", "bare.fps", "pipeline.median_ms", "pipeline.fps",
                 "metrics_plus_rules.median_ms", "analyze.realtime_factor", "analyze.realtime_factor_one_process",
                 "analyze.realtime_factor_skip_frames",
                 "decode.median_ms",
                 "stages.pose.median_ms", "stages.metrics.median_ms", "stages.rules.median_ms",
                 "stages.draw.median_ms", "stages.encode.median_ms", "live.latency_p50_ms", "live.latency_p95_ms",
                 "live.processed_fps", "live.callback.p95_ms", "live.rss_end_mb",
                 "long_session.first_minute.median_ms", "long_session.last_minute.median_ms",
                 "long_session.rss_end_mb"):
        value = report
        for key in path.split("."):
            value = value[key]
        assert isinstance(value, float) and value > 0, path
    assert 0 < report["throughput_ratio"] < 5
    assert report["peak_rss_mb"] > 50
    assert report["frames"] == 30
    assert report["analyze"]["workers"] >= 1
    assert report["long_session"]["frames"] == 1800 and report["long_session"]["events"] >= 2
    assert report["live"]["submitted"] == 90 and 0 <= report["live"]["dropped_share"] < 1
    assert len(report["live"]["rss_mb_every_10s"]) >= 2 and "rss_second_half_growth_mb" in report["live"]
    said = " ".join(result.stdout.split())  # rich wraps long lines at the terminal's width
    assert "throughput" in said and "real time" in said and "camera frame → verdict shown p50" in said


def test_bench_without_video_or_samples_fails_cleanly(tmp_path, monkeypatch):
    result = run_cli("bench", tmp_path / "missing.mp4")
    assert result.returncode == 2 and "no such file" in result.stderr
