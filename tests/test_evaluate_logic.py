"""Event matching and scoring arithmetic of `formcheck eval` (pure logic, no video)."""

import math

import pytest

from formcheck.evaluate import (EARLY_S, LATE_S, ClipScore, clear_delay, lumbar_table, match_events, score_frames,
                                summarize)


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


@pytest.mark.parametrize(
    ("true_end", "event_end", "clip_end", "delay"),
    [
        (10.0, 11.2, 20.0, 1.2),   # cleared 1.2 s after the person corrected
        (10.0, 9.0, 20.0, 0.0),    # cleared before the truth's offset: no delay
        (10.0, None, 20.0, 10.0),  # never cleared: counts to the end of the clip
    ],
)
def test_clear_delay(true_end, event_end, clip_end, delay):
    assert clear_delay(true_end, {"start_s": 5.0, "end_s": event_end}, clip_end) == pytest.approx(delay)


def frame(t, status="good", flags=(), lumbar=None):
    return {"t": t, "detected": True, "status": status, "flags": list(flags),
            "metrics": {"lumbar_angle": lumbar}}


def truth_for(mistakes, hold, n=100, fps=10, lumbar=None):
    return {"stretch": "hamstring", "split": "dev", "fps": fps, "hold": hold, "mistakes": {"rounding": mistakes},
            "body": {"name": "b1"}, "frames": {"lumbar_flexion_deg": lumbar or [0.0] * n}}


def test_score_frames_times_a_start_in_the_mistake_from_the_hold_start_and_counts_flagged_correct_time():
    # 10 s at 10 fps; hold from 2 s; the person is rounded from the moment the hold starts until 6 s.
    flagged = [(2.0 + 2.5 <= i / 10 <= 7.0) or (8.0 <= i / 10 < 8.5) for i in range(100)]
    frames = [frame(i / 10, "mistake" if f else "good", ["rounding"] if f else []) for i, f in enumerate(flagged)]
    events = [{"mistake": "rounding", "start_s": 4.5, "end_s": 7.0}, {"mistake": "rounding", "start_s": 8.0,
                                                                       "end_s": 8.5}]
    score = score_frames("c", truth_for([[2.0, 6.0]], [[2.0, 9.9]]), frames, events)
    assert score.start_delays == pytest.approx([2.5])
    assert score.clear_delays["rounding"] == pytest.approx([1.0])
    assert score.false_alarms["rounding"] == 1
    # Flagged while correct: 6.1–7.0 s (the late clear, 10 frames) and 8.0–8.4 s (the false alarm, 5), 0.1 s each.
    assert score.flagged_correct_s == pytest.approx(1.5)


def test_a_missed_start_in_the_mistake_counts_as_never_flagged():
    frames = [frame(i / 10) for i in range(100)]
    score = score_frames("c", truth_for([[2.2, 6.0]], [[2.0, 9.9]]), frames, [])
    assert score.start_delays == pytest.approx([9.9 - 2.0])


def test_absolute_lumbar_errors_per_group_and_the_neutral_guess():
    true = [0.0] * 50 + [30.0] * 50
    frames = [frame(i / 10, lumbar=true[i] + 2.0 if i % 2 else None) for i in range(100)]
    frames[1]["status"] = "wrong_view"  # not judged: not scored either
    score = score_frames("c", truth_for([], [[0.0, 9.9]], lumbar=true), frames, [])
    table = lumbar_table([score], lambda s: s.body)
    assert table["b1"]["frames"] == 49
    assert table["b1"]["mae_deg"] == pytest.approx(2.0) and table["b1"]["bias_deg"] == pytest.approx(2.0)
    assert table["b1"]["neutral_guess_mae_deg"] == pytest.approx(30.0 * 25 / 49)
