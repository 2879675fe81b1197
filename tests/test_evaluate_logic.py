"""Event matching and scoring arithmetic of `formcheck eval` (pure logic, no video)."""

import math

import pytest

from formcheck.evaluate import EARLY_S, LATE_S, ClipScore, match_events, summarize


def ev(start, end=None):
    return {"mistake": "rounding", "start_s": start, "end_s": end if end is not None else start + 2}


@pytest.mark.parametrize(
    ("truth", "events", "delays", "misses", "false_alarms"),
    [
        ([[5, 9]], [ev(6.5)], [1.5], 0, 0),                      # flagged 1.5 s after onset
        ([[5, 9]], [], [], 1, 0),                                # missed
        ([], [ev(3)], [], 0, 1),                                 # false alarm on a correct clip
        ([[5, 9]], [ev(5 - EARLY_S - 0.1)], [], 1, 1),           # too early: unrelated flag
        ([[5, 9]], [ev(9 + LATE_S - 0.1)], [4 + LATE_S - 0.1], 0, 0),  # late but still this mistake
        ([[5, 9]], [ev(9 + LATE_S + 0.1)], [], 1, 1),            # too late
        ([[5, 9]], [ev(6), ev(7.5)], [1.0], 0, 1),               # flicker: a second event is a false alarm
        ([[5, 9], [15, 20]], [ev(6), ev(16)], [1.0, 1.0], 0, 0),  # one-to-one in time order
        ([[5, 9]], [ev(4.5)], [0.0], 0, 0),                      # slightly early counts as instant
    ],
)
def test_match_events(truth, events, delays, misses, false_alarms):
    got_delays, got_misses, got_fa = match_events(truth, events)
    assert got_delays == pytest.approx(delays)
    assert (got_misses, got_fa) == (misses, false_alarms)


def score(name, matches=None, misses=None, fas=None, abstain=False, share=0.0):
    s = ClipScore(name, "hamstring", "dev", abstain, minutes=0.5, correct_hold_minutes=0.25)
    s.matches, s.misses, s.false_alarms = matches or {"rounding": []}, misses or {"rounding": 0}, fas or {"rounding": 0}
    s.abstain_share = share
    return s


def test_summary_counts_precision_recall_f1_and_false_alarm_rate():
    scores = [
        score("a", {"rounding": [1.0]}),
        score("b", {"rounding": [2.0]}, fas={"rounding": 1}),
        score("c", {"rounding": []}, misses={"rounding": 1}),
        score("front", {"rounding": []}, misses={"rounding": 1}, abstain=True, share=0.95),
    ]
    summary = summarize(scores)
    row = summary["per_mistake"]["rounding"]
    # The wrong-view clip is judged on abstention only, not counted as a miss.
    assert (row["matched"], row["missed"], row["false_alarms"]) == (2, 1, 1)
    assert row["precision"] == pytest.approx(2 / 3) and row["recall"] == pytest.approx(2 / 3)
    assert row["f1"] == pytest.approx(2 / 3)
    assert summary["false_alarms_per_min_correct_hold"] == pytest.approx(1 / 0.75)
    assert summary["wrong_view_clips"] == {"front": True}
    assert row["time_to_flag_median_s"] == pytest.approx(1.5)


def test_a_wrong_view_clip_that_flags_is_not_abstained():
    assert not score("x", fas={"rounding": 1}, abstain=True, share=0.9).abstained
    assert not score("y", abstain=True, share=0.5).abstained


def test_nothing_to_find_and_nothing_found_is_not_a_perfect_score():
    row = summarize([score("a")])["per_mistake"]["rounding"]
    assert math.isnan(row["f1"])
