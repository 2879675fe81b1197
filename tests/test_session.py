import math

import numpy as np
import pytest

from formcheck.rules import STRETCHES, State, Verdict
from formcheck.session import CUE_QUIET_START_S, CUE_REPEAT_S, THUMB_WIDTH, CueScheduler, HoldTimer, Session

HAM = STRETCHES["hamstring"]


def verdict(t, status, flagged=False, value=0.05):
    state = State.FLAGGED if flagged else (State.UNSURE if status in ("no_person", "not_in_position") else State.OK)
    message = HAM.mistakes[0].cue if status == "mistake" else status
    return Verdict(t, status, message, {"rounding": state}, {"rounding": value},
                   status not in ("no_person", "not_in_position"))


def test_hold_timer_counts_only_good_seconds_per_side():
    timer = HoldTimer(30.0)
    t = 0.0
    for status, seconds in (("good", 10), ("mistake", 5), ("not_in_position", 5), ("good", 10)):
        for _ in range(seconds * 30):
            timer.update(t, verdict(t, status), "left")
            t += 1 / 30
    assert timer.good_s["left"] == pytest.approx(20.0, abs=0.1)
    assert not timer.done("left") and "right" not in timer.good_s


def test_hold_timer_ignores_a_stall():
    timer = HoldTimer(30.0)
    timer.update(0.0, verdict(0.0, "good"), "both")
    timer.update(60.0, verdict(60.0, "good"), "both")  # e.g. the laptop slept
    assert timer.good_s["both"] <= 0.5


def test_cues_wait_for_the_hold_to_settle_and_do_not_repeat_too_often():
    cues = CueScheduler()
    said = [t for t in np.arange(0, 20, 1 / 30) if cues.update(t, verdict(t, "mistake", True))]
    assert said[0] >= CUE_QUIET_START_S
    assert all(b - a >= CUE_REPEAT_S for a, b in zip(said, said[1:]))
    assert len(said) >= 2


def test_session_records_events_and_flagged_frames():
    session = Session(HAM)
    rgb = np.zeros((480, 640, 3), np.uint8)
    timeline = [("good", False, 5), ("mistake", True, 3), ("good", False, 2), ("mistake", True, 1)]
    t = 0.0
    for status, flagged, seconds in timeline:
        for i in range(seconds * 30):
            session.update(verdict(t, status, flagged, value=0.04 + 0.001 * i), rgb)
            t += 1 / 30
    session.finish(t)
    assert [e.mistake for e in session.events] == ["rounding", "rounding"]
    first, second = session.events
    assert first.start_s == pytest.approx(5.0, abs=0.05) and first.end_s == pytest.approx(8.0, abs=0.05)
    assert first.peak_value == pytest.approx(0.04 + 0.001 * 89)
    assert second.end_s == pytest.approx(t)
    assert len(session.flagged_frames) == 2
    assert session.flagged_frames[0].thumbnail.shape == (240, THUMB_WIDTH, 3)
    assert session.flagged_frames[0].cue == HAM.mistakes[0].cue
    assert not math.isnan(first.as_dict()["peak_value"])
