"""`formcheck eval` on every clip of the spent held-out set (heldout_videos/, 18 clips), now the second tuning set:
each clip keeps what it finds today, and each floor of the rule-engine issue that the set does not meet yet is its
own strict xfail, so meeting one fails too until it is gated here.

Its clips are no longer untouched: docs/accuracy.md counts their evaluations, and what they showed chose fixes (the
+8° lean, a position rule), so they judge regressions. The fresh held-out set is tests/test_heldout_fresh.py's.
"""

import pytest
from conftest import REPO
from test_eval import FLOOR_MISTAKES, assert_each_clip_keeps, eval_folder

pytestmark = pytest.mark.slow  # formcheck eval over 18 clips

HELDOUT_DIR = REPO / "heldout_videos"

# Per clip, as measured on 2026-12-07 (docs/accuracy.md): the true mistakes missed and the false alarms. The three
# misses are mild mistakes held from the start of the hold; the wrong-view clip's is its abstention.
MISSED_TODAY = {"ho_gl_slump_start_03.mp4": 1, "ho_ham_round15_start_04.mp4": 1, "ho_hf_arch12_start_04.mp4": 1,
                "ho_hf_front_abstain_03.mp4": 1}
FALSE_ALARMS_TODAY = {"ho_hf_correct_hands_glide_05.mp4": 1}


@pytest.fixture(scope="module")
def heldout(tmp_path_factory):
    return eval_folder(HELDOUT_DIR, tmp_path_factory)


def test_every_clip_finds_what_it_finds_today(heldout):
    assert_each_clip_keeps(heldout, 18, MISSED_TODAY, FALSE_ALARMS_TODAY)


def test_the_set_keeps_its_timing_and_positions(heldout):
    summary = heldout["summary"]
    assert summary["time_to_flag_p90_s"] <= 2.5  # 2.2 s today
    assert summary["time_to_clear"]["p90_s"] <= 2.0  # 1.2 s today
    assert summary["false_alarms_per_min_correct_hold"] <= 0.5  # 0.42 today
    assert summary["position_accuracy"] >= 0.95  # 1.00 today
    assert summary["detection_rate"] >= 0.95
    assert summary["lumbar_delta_mae_deg"] <= 6.0  # 5.1° today


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="a mild mistake held from the start of the hold is "
                   "missed in 3 clips (README, What formcheck cannot see yet)")
def test_every_mistake_is_found(heldout):
    for mistake, row in heldout["summary"]["per_mistake"].items():
        assert row["recall"] == 1.0, mistake


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="F1 0.50 arching, 0.67 forward bend, 0.86 rounding")
def test_f1_is_at_least_0_95_for_each_documented_mistake(heldout):
    for mistake in FLOOR_MISTAKES:
        assert heldout["summary"]["per_mistake"][mistake]["f1"] >= 0.95, mistake


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="0.42 false alarms per minute: a correct lunge with the "
                   "hands on the hips is flagged as arched")
def test_at_most_0_3_false_alarms_per_minute_of_correct_hold(heldout):
    assert heldout["summary"]["false_alarms_per_min_correct_hold"] <= 0.3


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="none of the 3 holds that start in a mild mistake is "
                   "flagged (p90 9.0 s: the rest of the clip)")
def test_a_hold_that_starts_in_the_mistake_is_flagged_within_3_s(heldout):
    assert heldout["summary"]["start_in_mistake_time_to_flag"]["p90_s"] <= 3.0
