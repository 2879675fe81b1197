"""The person's own range (formcheck.tilt_range) and what the rules make of it: the hold judged against the middle
of the range from the first second, and, without a range, a reading where bodies overlap called possible — never
flagged, never good form."""

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formcheck.coverage import POSSIBLE, coverage
from formcheck.rules import RANGE_METRIC, STRETCHES, RuleEngine, State, Verdict
from formcheck.session import Session
from formcheck.synth.timeline import Mistake, RangeStep, Settle
from formcheck.tilt_range import RangeFinder, TiltRange

FPS = 30
SPEC = TiltRange(min_move=2.0, min_tip=1.5, min_span=3.5, max_span=18.0, within_s=20.0)
# The reading sees a pelvic tilt at about a third of its size (rule table, HINGE_RANGE).
GAIN = 0.35


def readings(step: RangeStep | None, seconds: float = 18.0, start: float = -4.0, noise: float = 0.3, seed: int = 0,
             mistake: Mistake | None = None, gain: float = GAIN):
    """A smoothed lumbar reading: arriving at ``start`` (walking in before), the step, then the hold."""
    settle = Settle(start=0.5, duration=1.5, extra=0.3, range=step)
    rng = np.random.default_rng(seed)
    for k in range(int(seconds * FPS)):
        t = k / FPS
        walk_in = 6.0 * (1 - settle(t))  # the reading swings while the person hinges down
        true = settle.range_deg(t) + (mistake.amplitude * mistake.envelope(t) if mistake else 0.0)
        yield t, start + walk_in + gain * true + rng.normal(0, noise), settle(t) > 0.5


def found(step, **kwargs) -> RangeFinder:
    finder = RangeFinder(SPEC)
    for t, value, in_position in readings(step, **kwargs):
        finder.update(t, value, in_position)
    return finder


@pytest.mark.parametrize("flex, ext", [(8.0, 7.0), (14.0, 5.0), (25.0, 18.0)])
def test_the_middle_of_a_gentle_range_is_found_whatever_the_body_offset(flex, ext):
    for start in (-8.0, 0.0, 9.0):  # the body's offset in the absolute reading
        finder = found(RangeStep(flex, ext), start=start)
        assert finder.state == "found"
        assert finder.middle == pytest.approx(start + GAIN * (flex - ext) / 2, abs=0.8)
        assert finder.span == pytest.approx(GAIN * (flex + ext), abs=1.2)


def test_settling_into_a_rounding_keeps_the_ends_where_they_were_made():
    step = RangeStep(9.0, 8.0)
    settle = Settle(start=0.5, duration=1.5, extra=0.3, range=step)
    deep = Mistake.with_position("rounding", settle, 99.0, deg=40.0)  # far past the tuck
    finder = found(step, mistake=deep)
    assert finder.state == "found" and finder.middle == pytest.approx(-4.0 + GAIN * 0.5, abs=0.8)


def test_a_rounding_that_comes_and_goes_is_not_a_range():
    finder = RangeFinder(SPEC)
    rounding = Mistake("rounding", 4.0, 8.0, deg=30.0)
    for t, value, in_position in readings(None, mistake=rounding):
        finder.update(t, value, in_position)
    assert finder.state == "looking"


def test_too_small_a_range_or_none_is_given_up_after_its_time():
    assert found(RangeStep(2.0, 2.0), seconds=25.0).state == "missed"  # barely moves: 0.7° of reading each way
    assert found(None, seconds=25.0).state == "missed"


def test_the_tip_before_the_tuck_is_not_the_step():
    assert found(RangeStep(-8.0, -8.0)).state != "found"  # tips back first, then tucks


def test_leaving_the_position_starts_the_step_over():
    finder = RangeFinder(SPEC)
    for t, value, in_position in readings(RangeStep(9.0, 8.0)):
        finder.update(t, value, in_position and not 5.0 <= t <= 7.0)  # stands up mid-step
    assert finder.state == "looking"


@settings(max_examples=25, deadline=None)
@given(st.floats(5.0, 20.0), st.floats(5.0, 20.0), st.floats(-10.0, 10.0), st.integers(0, 10_000))
def test_a_found_middle_lies_between_the_ends_made(flex, ext, start, seed):
    finder = found(RangeStep(flex, ext), start=start, seed=seed)
    if finder.state == "found":
        tucked, tipped = finder.ends
        assert tipped < finder.middle < tucked
        assert start - GAIN * ext - 1.5 <= tipped and tucked <= start + GAIN * flex + 1.5


GOOD_VIEW = {"core_visibility": 0.9, "shoulder_width_ratio": 0.2, "hip_fold": 70.0, "back_bulge": 0.0}


def run(timeline):
    engine, session = RuleEngine(STRETCHES["hamstring"]), Session(STRETCHES["hamstring"])
    verdicts, t = [], 0.0
    for seconds, metrics in timeline:
        for _ in range(round(seconds * FPS)):
            verdict = engine.update(t, {**GOOD_VIEW, **metrics})
            session.update(verdict)
            verdicts.append(verdict)
            t += 1 / FPS
    session.finish(t)
    return verdicts, session


def test_a_reading_where_bodies_overlap_is_possible_without_a_range_never_flagged_nor_good():
    verdicts, session = run([(8, {"lumbar_angle": 10.0})])  # between the possible and the clear limits
    late = verdicts[3 * FPS:]
    assert all(v.status == "possible" and v.states["rounding"] is State.POSSIBLE for v in late)
    assert "range step" in late[-1].message
    assert not session.events and len(session.possible) == 1
    assert coverage((v.t, v.status) for v in verdicts).conclusion(0) == POSSIBLE


def test_with_the_range_the_reading_against_its_middle_decides_from_the_first_second():
    # The same absolute reading, but the person's own range says it is their middle: good form, not possible.
    verdicts, session = run([(8, {"lumbar_angle": 10.0, RANGE_METRIC: 0.5})])
    assert {v.status for v in verdicts[2 * FPS:]} <= {"good", "calibrating"} and not session.possible
    # A low absolute reading that is well past the person's own middle: a rounding held from the start is flagged.
    verdicts, session = run([(8, {"lumbar_angle": 2.0, RANGE_METRIC: 6.0})])
    assert session.events and session.events[0].start_s <= 2.5
    assert not session.possible


def test_a_clear_mistake_is_flagged_without_a_range_as_before():
    verdicts, session = run([(8, {"lumbar_angle": 22.0})])
    assert session.events and session.events[0].start_s <= 2.5
    assert not any(v.status == "possible" for v in verdicts)


def test_an_unreadable_back_is_not_a_possible_mistake():
    verdicts, _ = run([(4, {"lumbar_angle": 10.0}), (3, {"lumbar_angle": math.nan})])
    assert verdicts[-1].states["rounding"] is not State.POSSIBLE


def test_a_flag_raised_by_the_tuck_of_a_range_step_found_later_is_withdrawn():
    from formcheck.session import Event

    session = Session(STRETCHES["hamstring"])
    session.events += [Event("rounding", 4.0, 6.0), Event("rounding", 11.0, None), Event("rounding", 1.0, 4.5)]
    session.withdraw(2.0, 10.0)
    assert [(e.start_s, e.end_s) for e in session.events] == [(11.0, None), (1.0, 4.5)]


def test_a_flag_raised_in_the_range_step_and_still_up_counts_from_the_steps_end_with_a_new_picture():
    session = Session(STRETCHES["hamstring"])
    frame = np.zeros((48, 64, 3), np.uint8)
    rounded = Verdict(t=5.0, status="mistake", message="", states={"rounding": State.FLAGGED},
                      values={"rounding": 30.0}, in_position=True)
    session.update(rounded, frame)  # raised by the tuck, and the person settles into a rounding
    assert [shot.t for shot in session.flagged_frames] == [5.0]
    session.withdraw(3.0, 9.0)
    assert [(e.start_s, e.end_s) for e in session.events] == [(9.0, None)]
    assert session.flagged_frames == []
    session.update(replace(rounded, t=9.1, values={"rounding": 12.0}), frame)
    assert [shot.t for shot in session.flagged_frames] == [9.1]
    assert session.events[0].peak_value == 12.0  # the tuck's depth is not the mistake's
