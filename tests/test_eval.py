"""`formcheck eval` on labelled clips: the accuracy floors of the rule-engine issue, measured, not assumed.

The dev subset holds one clip per mistake at its mildest rendered severity plus correct and wrong-view clips
(the thresholds were tuned on the dev set), and a twist filmed from 40° behind the side, the view the held-out set
showed the dev set lacked. No threshold was tuned on the held-out set (though its one failure chose which dev views
to add; see README); its floors are the issue's, checked against what it measured, so a regression shows up here.
"""

import json
import math
import shutil

import pytest
from conftest import REPO, SAMPLE_DIR
from test_cli import run_cli

HELDOUT_DIR = REPO / "heldout_videos"
DEV_SUBSET = ["ham_round_mild_03", "ham_correct_deep_04", "ham_front_abstain_08", "hf_arch_mild_03",
              "hf_correct_05", "gl_both_04", "gl_correct_06", "gl_twist_mod_08", "bed_jerky_mod_02",
              "towel_overext_mild_04"]
FLOOR_MISTAKES = ("rounding", "arching", "twist", "forward_bend")  # the routine's documented mistakes


def run_eval(directory, tmp_path):
    result = run_cli("eval", directory, "--model", "full", "--json", tmp_path / "eval.json")
    assert result.returncode == 0, result.stderr
    return json.loads((tmp_path / "eval.json").read_text())["summary"], result.stdout


@pytest.fixture(scope="module")
def dev_subset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dev_subset")
    for name in DEV_SUBSET:
        for suffix in (".mp4", ".truth.json"):
            shutil.copy(SAMPLE_DIR / f"{name}{suffix}", folder)
    return run_eval(folder, tmp_path_factory.mktemp("dev_out"))


def test_dev_subset_meets_the_floors(dev_subset):
    summary, stdout = dev_subset
    for mistake in FLOOR_MISTAKES:
        assert summary["per_mistake"][mistake]["f1"] >= 0.90, mistake
    for mistake, row in summary["per_mistake"].items():
        assert row["recall"] == 1.0, mistake
    assert summary["false_alarms_per_min_correct_hold"] <= 0.5
    assert summary["time_to_flag_p90_s"] <= 2.5
    assert all(summary["wrong_view_clips"].values()) and summary["wrong_view_clips"]
    assert summary["detection_rate"] >= 0.95
    assert "F1" in stdout and "false alarms per minute" in stdout
    assert summary["position_accuracy"] >= 0.95 and "positions recognised in holds" in stdout


@pytest.fixture(scope="module")
def heldout(tmp_path_factory):
    if not any(HELDOUT_DIR.glob("*.truth.json")):
        pytest.fail("no held-out clips in heldout_videos/")
    return run_eval(HELDOUT_DIR, tmp_path_factory.mktemp("heldout_out"))


def test_heldout_set_finds_every_mistake_in_time(heldout):
    summary, _ = heldout
    for mistake, row in summary["per_mistake"].items():
        assert row["recall"] == 1.0, mistake
    assert summary["time_to_flag_p90_s"] <= 2.5
    assert all(summary["wrong_view_clips"].values())
    assert summary["position_accuracy"] >= 0.95  # recognised positions: never tuned on these clips


def test_heldout_meets_the_false_alarm_and_f1_floors(heldout):
    # First evaluation: one forward-bend false alarm while a clip filmed from 40° behind the side twisted (0.59
    # per minute). After dev clips of that view were added and the rule fixed on them, the second (and last)
    # evaluation measured no false alarm and F1 1.00 for every mistake; see README.
    summary, _ = heldout
    assert summary["false_alarms_per_min_correct_hold"] <= 0.5  # measured 0.0
    for mistake in FLOOR_MISTAKES:
        assert summary["per_mistake"][mistake]["f1"] >= 0.90, mistake
    assert not math.isnan(summary["lumbar_delta_mae_deg"])
