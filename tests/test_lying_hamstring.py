"""The lying hamstring stretch (on the back, one leg raised, issue 30): its position beside the other lying ones, its
row in the rule table (the pelvis curling up off the floor), and what it says (what every variant shares, `--stretch
auto` naming it among them: test_variants.py). Fast: synthetic metrics, no video."""

import pytest

from formcheck.positions import Position, recognise
from formcheck.rule_words import STRETCH_WORDS
from formcheck.rules import RAISE_S, STRETCHES
from tests.builders import feed_rules, flagged_times

NAME = "lying-hamstring"
SPEC = STRETCHES[NAME]
(CURL,) = SPEC.mistakes
(FLATTENS,) = CURL.conditions  # the low back's outline flattening onto the floor
(TURNS,) = CURL.requires  # its lower part turning against its upper part the same way
# On the back (head at image-left), the floor leg level, the raised thigh 65° above it, both knees nearly straight.
RAISED = {"trunk_tilt": -94.0, "trunk_abs_tilt": 94.0, "front_thigh_tilt": 88.0, "back_thigh_tilt": 155.0,
          "knee_flexion": 5.0, "back_knee_drop": -0.8, "hip_fold": 28.0, "deeper_hip_fold": 61.0,
          "back_bulge": -0.06, "back_bend": -20.0}
TOWEL = {**RAISED, "front_thigh_tilt": 142.0, "back_thigh_tilt": 145.0, "knee_flexion": 100.0, "hip_fold": 50.0,
         "deeper_hip_fold": 52.0}


def _curled(flatten: float, turn: float) -> dict:
    return {**RAISED, "back_bulge": RAISED["back_bulge"] + flatten, "back_bend": RAISED["back_bend"] + turn}


@pytest.mark.parametrize(("metrics", "expected"), [
    (RAISED, Position.LYING_LEG_RAISED),
    ({**RAISED, "back_thigh_tilt": -170.0}, Position.LYING_LEG_RAISED),  # raised just past vertical: reads as -170°
    ({**RAISED, "front_thigh_tilt": 128.0, "knee_flexion": 45.0}, Position.LYING_LEG_RAISED),  # other foot flat
    ({**RAISED, "back_thigh_tilt": 140.0}, Position.LYING_LEG_RAISED),  # a stiff person: 50° above level
    ({**RAISED, "back_thigh_tilt": 125.0}, Position.LYING_LEG_RAISED),  # a stiff raise, both knees nearly straight
    ({**RAISED, "back_thigh_tilt": 125.0, "knee_flexion": 45.0},
     Position.LYING_ON_TOWEL),  # as low with a knee bent: one foot flat, not into the stretch
    ({**RAISED, "back_thigh_tilt": 110.0}, Position.LYING_FLAT),  # raised under 25°: not into the stretch yet
    (TOWEL, Position.LYING_ON_TOWEL),  # hook-lying: both thighs as high, both knees bent
    ({**RAISED, "back_thigh_tilt": 90.0, "hip_fold": 5.0}, Position.LYING_FLAT),  # both legs level and straight
    ({**RAISED, "back_thigh_tilt": 90.0, "hip_fold": 5.0, "knee_flexion": 90.0},
     Position.LYING_ACROSS_BED),  # both thighs level, lower legs hanging over the edge
    ({**RAISED, "trunk_tilt": 30.0}, Position.SEATED_FOLD),  # sat up, legs out: the seated hamstring stretch
])
def test_one_leg_raised_straight_is_its_own_lying_position(metrics, expected):
    assert recognise(metrics) == expected


@pytest.mark.parametrize(("metrics", "in_position"), [
    (RAISED, True),
    ({**RAISED, "deeper_hip_fold": 34.0}, True),  # a stiff person's raise
    ({**RAISED, "deeper_hip_fold": 10.0}, False),  # both legs still down: the hold has not started
    ({**RAISED, "trunk_abs_tilt": 30.0}, False),  # sitting up
])
def test_the_row_holds_once_the_leg_is_up(metrics, in_position):
    assert SPEC.in_position(metrics) is in_position


def test_the_row_is_declared_like_the_others():
    assert SPEC.needs_mask and SPEC.sides == ("left", "right")
    assert CURL.name == "pelvis_curl" and CURL.limit == STRETCHES["hamstring"].mistakes[0].limit
    for cond in (FLATTENS, TURNS):
        assert cond.relative and (cond.on - cond.off) * cond.direction > 0  # hysteresis on the safe side
    words = STRETCH_WORDS[NAME]
    assert words.title == "Lying hamstring stretch" and "back" in words.position_hint
    assert "side-on" in words.camera_guide and "floor" in CURL.cue


def test_a_curl_after_settling_is_flagged_and_cleared():
    """A raised leg held still, then the pelvis curls: the low back's outline flattens and its lower part turns by
    twice their raise thresholds; then it rests down again."""
    verdicts = feed_rules(SPEC, [(6, RAISED), (5, _curled(2 * FLATTENS.on, 2 * TURNS.on)), (5, RAISED)])
    flagged = flagged_times(verdicts, "pelvis_curl")
    assert flagged and 6.0 < flagged[0] <= 6 + RAISE_S + 1.0 and flagged[-1] <= 11 + 1.0
    assert verdicts[-1].status == "good"


@pytest.mark.parametrize(("metrics"), [
    _curled(2 * FLATTENS.on, 0.0),  # the outline bows in less, its parts do not turn (a wobble of its middle)
    _curled(2 * FLATTENS.on, -2 * TURNS.on),  # … or turn the other way: no curl
    _curled(0.0, 2 * TURNS.on),  # its parts turn, it does not flatten
    _curled(FLATTENS.off, TURNS.off),  # both, within their clear thresholds
    {**RAISED, "trunk_abs_tilt": RAISED["trunk_abs_tilt"] + 4.0},  # the trunk line tips: no sign across bodies
], ids=["flatten-only", "turn-other-way", "turn-only", "small", "trunk-tip-only"])
def test_one_signal_alone_or_a_small_change_is_no_curl(metrics):
    assert not flagged_times(feed_rules(SPEC, [(6, RAISED), (6, metrics)]), "pelvis_curl")


def test_a_leg_pulled_further_with_the_pelvis_down_is_left_alone():
    deeper = {**RAISED, "back_thigh_tilt": 170.0, "deeper_hip_fold": 75.0, "hip_fold": 35.0}
    verdicts = feed_rules(SPEC, [(6, RAISED), (5, deeper), (5, RAISED)])
    assert not flagged_times(verdicts, "pelvis_curl") and verdicts[-1].status == "good"


def test_an_unreadable_back_outline_raises_nothing():
    unreadable = {"back_bulge": float("nan"), "back_bend": float("nan")}
    verdicts = feed_rules(SPEC, [(6, RAISED), (6, {**_curled(2 * FLATTENS.on, 2 * TURNS.on), **unreadable})])
    assert not flagged_times(verdicts, "pelvis_curl")
