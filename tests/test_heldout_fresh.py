"""`formcheck eval` on every clip of the fresh held-out set (heldout_fresh_videos/, 12 clips, three bodies no other set
has): each clip keeps what it found at the set's first run, and each floor the set does not meet yet is its own
strict xfail, so meeting one fails too until it is gated here.

The set is run only at the end of a piece of work, each run counted in docs/accuracy.md; what it shows is not tuned
on (a rule changed for one of its clips would make it a tuning set, like heldout_videos/ before it)."""

import pytest
from conftest import REPO
from test_eval import FLOOR_MISTAKES, assert_each_clip_keeps, eval_folder

pytestmark = pytest.mark.slow  # formcheck eval over 12 clips

FRESH_DIR = REPO / "heldout_fresh_videos"

# Per clip, at the first run (docs/accuracy.md): the true mistakes missed and the false alarms. Three are mild
# mistakes held from the start of the hold (no range step in these clips), two a mild late arch and a slump.
MISSED_TODAY = {"fh_gl_slump_mid_12.mp4": 1, "fh_gl_twist15_start_09.mp4": 1, "fh_ham_round13_start_01.mp4": 1,
                "fh_hf_arch11_start_05.mp4": 1, "fh_hf_arch12_late_06.mp4": 1}
FALSE_ALARMS_TODAY = {"fh_gl_correct_lean_11.mp4": 1}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    return eval_folder(FRESH_DIR, tmp_path_factory)


def test_every_clip_finds_what_it_found_at_the_first_run(fresh):
    assert_each_clip_keeps(fresh, 12, MISSED_TODAY, FALSE_ALARMS_TODAY)


def test_the_set_keeps_its_timing_and_positions(fresh):
    summary = fresh["summary"]
    assert summary["time_to_flag_p90_s"] <= 4.0  # 3.3 s at the first run
    assert summary["time_to_clear"]["p90_s"] <= 2.0  # 1.3 s
    assert summary["false_alarms_per_min_correct_hold"] <= 1.2  # 0.98
    assert summary["position_accuracy"] >= 0.90  # 0.92
    assert summary["detection_rate"] >= 0.95  # 1.00
    assert summary["lumbar_delta_mae_deg"] <= 6.0  # 4.9°


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="5 of 9 mistakes found at the first run")
def test_every_mistake_is_found(fresh):
    for mistake, row in fresh["summary"]["per_mistake"].items():
        assert row["recall"] == 1.0, mistake


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="F1 0.50 arching, 0.50 forward bend, 0.80 rounding, "
                   "0.00 twist at the first run")
def test_f1_is_at_least_0_95_for_each_documented_mistake(fresh):
    for mistake in FLOOR_MISTAKES:
        assert fresh["summary"]["per_mistake"][mistake]["f1"] >= 0.95, mistake


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="0.98 false alarms per minute at the first run: a "
                   "correct figure-4 leaning further from the hips is flagged as bent forward")
def test_at_most_0_3_false_alarms_per_minute_of_correct_hold(fresh):
    assert fresh["summary"]["false_alarms_per_min_correct_hold"] <= 0.3


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="none of the 3 holds that start in a mild mistake is "
                   "flagged at the first run")
def test_a_hold_that_starts_in_the_mistake_is_flagged_within_3_s(fresh):
    assert fresh["summary"]["start_in_mistake_time_to_flag"]["p90_s"] <= 3.0


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="92.4 % of hold frames at the first run: kneeling "
                   "frames read as sitting (78) or unsure (162)")
def test_at_least_98_percent_of_hold_frames_are_in_the_right_position(fresh):
    assert fresh["summary"]["position_accuracy"] >= 0.98
