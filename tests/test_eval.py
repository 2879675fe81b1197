"""`formcheck eval` on dev clips: the accuracy floors of the rule-engine issue, measured, not assumed.

The dev subset holds one clip per mistake at its mildest rendered severity plus correct and wrong-view clips
(the thresholds were tuned on the dev set), and a twist filmed from 40° behind the side, the view the held-out set
showed the dev set lacked. Every held-out clip is gated in tests/test_heldout.py.
"""

import json
import shutil

import pytest
from conftest import SAMPLE_DIR
from test_cli import run_cli

pytestmark = pytest.mark.slow  # formcheck eval over dozens of clips

DEV_SUBSET = ["ham_round_mild_03", "ham_correct_deep_04", "ham_front_abstain_08", "hf_arch_mild_03",
              "hf_correct_05", "gl_both_04", "gl_correct_06", "gl_twist_mod_08", "bed_jerky_mod_02",
              "towel_overext_mild_04"]
FLOOR_MISTAKES = ("rounding", "arching", "twist", "forward_bend")  # the routine's documented mistakes
# Judging the low back from the first second: the dev clips whose mistakes arrive with the position (or are mild,
# late or a slump), with the correct movements they must not be confused with.
FIRST_SECOND_SUBSET = ["ham_round35_start_01", "ham_round14_start_05", "ham_round15_start_02", "ham_round_shallow_03",
                  "ham_correct_flexdeep_04", "hf_arch11_start_01", "hf_arch_mod_start_02", "hf_arch11_late_06",
                  "hf_correct_glide_03", "hf_correct_hands_04", "gl_fwdbend_start_01", "gl_slump_02",
                  "gl_twist16_start_05", "gl_twist18_03", "gl_twist_mod_09", "gl_correct_lean_04"]


def run_eval(directory, tmp_path):
    """The report `formcheck eval --json` writes (summary and clips) and what it printed."""
    # Ten clips: minutes on a quiet 2-core machine, many more when it is shared; the limit only stops a hang.
    result = run_cli("eval", directory, "--model", "full", "--json", tmp_path / "eval.json", timeout=1800)
    assert result.returncode == 0, result.stderr
    return json.loads((tmp_path / "eval.json").read_text()), result.stdout


def eval_folder(folder, tmp_path_factory):
    """The eval report of every clip in ``folder`` (fails when it holds none)."""
    if not any(folder.glob("*.truth.json")):
        pytest.fail(f"no clips in {folder.name}/")
    return run_eval(folder, tmp_path_factory.mktemp(folder.name))[0]


def assert_each_clip_keeps(report, clips: int, missed: dict[str, int], false_alarms: dict[str, int]) -> None:
    """Every clip misses and falsely flags no more than it did when measured, and abstains exactly when it should."""
    assert len(report["clips"]) == clips
    for clip in report["clips"]:
        assert sum(clip["missed"].values()) <= missed.get(clip["clip"], 0), clip["clip"]
        assert sum(clip["false_alarms"].values()) <= false_alarms.get(clip["clip"], 0), clip["clip"]
        assert clip["abstained"] == clip["expected_abstain"], clip["clip"]


def _copy_clips(source, names, folder):
    for name in names:
        for suffix in (".mp4", ".truth.json"):
            shutil.copy(source / f"{name}{suffix}", folder)
    return folder


@pytest.fixture(scope="module")
def dev_subset(tmp_path_factory):
    folder = _copy_clips(SAMPLE_DIR, DEV_SUBSET, tmp_path_factory.mktemp("dev_subset"))
    report, stdout = run_eval(folder, tmp_path_factory.mktemp("dev_out"))
    return report["summary"], stdout


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
def first_second_subset(tmp_path_factory):
    folder = _copy_clips(SAMPLE_DIR, FIRST_SECOND_SUBSET, tmp_path_factory.mktemp("first_second_subset"))
    return run_eval(folder, tmp_path_factory.mktemp("first_second_out"))[0]["summary"]


def test_the_first_second_subset_keeps_what_it_finds(first_second_subset):
    # Measured on this subset (see docs/accuracy.md): rounding and arching from the start found once each (the 35°
    # rounding, the moderate arch), within 1 s of the hold starting; the mild late arch filmed 25° off the side (its
    # correct hold hovers near the limit, so a laggy smoother raises a flag before the arch), and the twist whose
    # crossed knee MediaPipe misplaces; no false alarm. A rule change that loses any of this fails here.
    rows = first_second_subset["per_mistake"]
    assert rows["rounding"]["matched"] >= 1 and rows["arching"]["matched"] >= 2 and rows["twist"]["matched"] >= 1
    assert rows["rounding"]["false_alarms"] == 0 and rows["arching"]["false_alarms"] == 0
    assert rows["twist"]["false_alarms"] == 0 and rows["forward_bend"]["false_alarms"] == 0
    assert first_second_subset["time_to_clear"]["p90_s"] <= 2.0


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="the floors are not met yet: mild and seated mistakes "
                   "made from the start of the hold are missed (README, What formcheck cannot see yet)")
def test_the_first_second_subset_meets_the_floors(first_second_subset):
    for mistake in FLOOR_MISTAKES:
        assert first_second_subset["per_mistake"][mistake]["f1"] >= 0.95, mistake
    assert first_second_subset["false_alarms_per_min_correct_hold"] <= 0.3
    assert first_second_subset["start_in_mistake_time_to_flag"]["p90_s"] <= 3.0
