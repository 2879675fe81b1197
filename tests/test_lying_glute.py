"""The lying figure-4 glute stretch (on the back, an ankle crossed over the other knee, that thigh drawn towards the
chest; issue 30): its position beside the other lying ones, its row in the rule table (the low back lifting off the
floor, the pelvis rolling to one side), and what it says (what every variant shares, `--stretch auto` naming it among
them: test_variants.py). Fast: synthetic metrics, no video."""

import pytest

from formcheck.positions import Position, recognise
from formcheck.rule_words import MISTAKE_WORDS, STRETCH_WORDS
from formcheck.rules import RAISE_S, STRETCHES
from tests.builders import feed_rules, flagged_times

NAME = "lying-glute"
SPEC = STRETCHES[NAME]
LIFT, ROLL = SPEC.mistakes
(SINKS,) = LIFT.conditions  # the hips sinking below the shoulder-knee line as the pelvis curls up
(STRAIGHTENS,) = LIFT.requires  # the low back's outline straightening onto the floor
TIPS, BENDS = ROLL.conditions  # the trunk line tipping towards level, or the outline bending the other way from a lift
(NOT_RISEN,) = ROLL.requires  # the hips not risen above the settled hold (a lift being corrected)
# On the back (head at image-left), the supporting thigh drawn in past vertical, the crossed knee beside it: both
# thighs near vertical, both knees bent (as the dev holds measure it).
DRAWN = {"trunk_tilt": -94.0, "trunk_abs_tilt": 94.0, "front_thigh_tilt": 176.0, "back_thigh_tilt": 168.0,
         "knee_flexion": 90.0, "back_knee_drop": -0.05, "hip_fold": 78.0, "deeper_hip_fold": 84.0,
         "pelvis_lift": -0.55, "back_bend": -10.0, "back_bulge": -0.05}
# Hook-lying on the towel: both thighs about 50° above level, the hips folded about 50°.
HOOK = {**DRAWN, "front_thigh_tilt": 142.0, "back_thigh_tilt": 145.0, "knee_flexion": 100.0, "hip_fold": 50.0,
        "deeper_hip_fold": 52.0}


def _moved(**by) -> dict:
    return {**DRAWN, **{name: DRAWN[name] + change for name, change in by.items()}}


@pytest.mark.parametrize(("metrics", "expected"), [
    (DRAWN, Position.LYING_FIGURE_4),
    ({**DRAWN, "front_thigh_tilt": -172.0}, Position.LYING_FIGURE_4),  # drawn just past vertical: reads as -172°
    ({**DRAWN, "front_thigh_tilt": -150.0, "back_thigh_tilt": -152.0, "hip_fold": 112.0},
     Position.LYING_FIGURE_4),  # the low back lifting takes both thighs 30° past vertical, towards the head …
    ({**DRAWN, "trunk_tilt": 94.0, "front_thigh_tilt": 150.0, "back_thigh_tilt": 152.0, "hip_fold": 112.0},
     Position.LYING_FIGURE_4),  # … read the same with the way the person faces flipped (trunk and thighs)
    ({**DRAWN, "front_thigh_tilt": 150.0, "back_thigh_tilt": 152.0}, Position.LYING_ON_TOWEL),  # 30° short of it
    ({**DRAWN, "hip_fold": 95.0}, Position.LYING_FIGURE_4),  # the low back lifting folds the hips past LYING_FOLD
    (HOOK, Position.LYING_ON_TOWEL),  # the ankle may be crossed, but the thigh is not drawn in yet
    ({**DRAWN, "back_thigh_tilt": 150.0}, Position.LYING_ON_TOWEL),  # one thigh as low as hook-lying's
    ({**DRAWN, "back_thigh_tilt": 90.0, "knee_flexion": 40.0, "hip_fold": 40.0},
     Position.LYING_LEG_RAISED),  # one leg down on the floor, the other up: the lying hamstring stretch
    ({**DRAWN, "hip_fold": 130.0}, Position.OTHER),  # folded up past any figure-4
    ({**DRAWN, "trunk_tilt": 40.0}, Position.SEATED_FIGURE_4),  # sat up: not lying, so not this position
])
def test_both_thighs_drawn_up_while_lying_is_its_own_position(metrics, expected):
    assert recognise(metrics) == expected


@pytest.mark.parametrize(("metrics", "in_position"), [
    (DRAWN, True),
    ({**DRAWN, "deeper_hip_fold": 50.0}, False),  # the thigh not drawn in yet: the hold has not started
    ({**DRAWN, "trunk_abs_tilt": 30.0}, False),  # sitting up
])
def test_the_row_holds_once_the_thigh_is_drawn_in(metrics, in_position):
    assert SPEC.in_position(metrics) is in_position


def test_the_row_is_declared_like_the_others():
    assert SPEC.needs_mask and SPEC.sides == ("left", "right")
    assert (LIFT.name, ROLL.name) == ("low_back_lift", "pelvis_roll")
    assert LIFT.limit == STRETCHES["lying-hamstring"].mistakes[0].limit
    assert ROLL.limit == STRETCHES["glute"].mistakes[0].limit  # the seated figure-4's twist
    for cond in (SINKS, STRAIGHTENS, TIPS, BENDS, NOT_RISEN):
        assert cond.relative and (cond.on - cond.off) * cond.direction > 0  # hysteresis on the safe side
    assert STRAIGHTENS.direction == -BENDS.direction and NOT_RISEN.metric == SINKS.metric
    words = STRETCH_WORDS[NAME]
    assert words.title == "Lying figure-4 glute stretch" and "back" in words.position_hint
    assert "side-on" in words.camera_guide
    assert "floor" in MISTAKE_WORDS[LIFT.name].cue and "hips" in MISTAKE_WORDS[ROLL.name].cue


LIFTED = _moved(pelvis_lift=2 * SINKS.on, back_bend=2 * STRAIGHTENS.on)
ROLLED = _moved(trunk_abs_tilt=2 * TIPS.on)  # rolling onto one buttock lifts the hips: the trunk line tips
ROLLED_BENT = _moved(back_bend=2 * BENDS.on)  # … or the outline bends the other way from a lift


@pytest.mark.parametrize(("mistake", "metrics"), [
    ("low_back_lift", LIFTED),
    ("pelvis_roll", ROLLED),
    ("pelvis_roll", ROLLED_BENT),
], ids=["lift", "roll", "roll-outline"])
def test_a_mistake_after_settling_is_flagged_then_cleared_and_the_other_is_not_raised(mistake, metrics):
    """Held still, then the mistake at twice its raise thresholds, then back to the hold."""
    verdicts = feed_rules(SPEC, [(6, DRAWN), (5, metrics), (5, DRAWN)])
    flagged = flagged_times(verdicts, mistake)
    assert flagged and 6.0 < flagged[0] <= 6 + RAISE_S + 1.0 and flagged[-1] <= 11 + 1.0
    other = ({"low_back_lift", "pelvis_roll"} - {mistake}).pop()
    assert not flagged_times(verdicts, other)
    assert verdicts[-1].status == "good"


@pytest.mark.parametrize("metrics", [
    _moved(pelvis_lift=2 * SINKS.on),  # the hips sink, the outline does not straighten (the thigh drawn further)
    _moved(back_bend=2 * STRAIGHTENS.on),  # the outline straightens, no landmark moves (an outline wobble)
    _moved(back_knee_drop=0.1),  # a knee moves: which knee the camera sees rising is no sign of a roll
    _moved(pelvis_lift=SINKS.off, back_bend=STRAIGHTENS.off),  # both signals of the lift, within their clear limits
    _moved(trunk_abs_tilt=TIPS.off, back_bend=BENDS.off),  # both of the roll, likewise
], ids=["sink-only", "straighten-only", "knees-only", "small-lift", "small-roll"])
def test_one_signal_alone_or_a_small_change_raises_nothing(metrics):
    verdicts = feed_rules(SPEC, [(6, DRAWN), (6, metrics)])
    assert not flagged_times(verdicts, "low_back_lift") and not flagged_times(verdicts, "pelvis_roll")


def test_a_lift_corrected_after_the_baseline_learned_it_is_no_roll():
    """A lift made with the position is learned as the person's hold; lowering the pelvis again brings the hips up
    and bends the outline back down (the other way from a lift, as a roll does), which must not read as a roll."""
    lowered = _moved(pelvis_lift=2 * NOT_RISEN.off, back_bend=2 * BENDS.on)
    verdicts = feed_rules(SPEC, [(6, DRAWN), (6, lowered)])
    assert not flagged_times(verdicts, "pelvis_roll") and not flagged_times(verdicts, "low_back_lift")


def test_an_unreadable_back_outline_raises_no_lift_and_no_roll_from_the_outline():
    unreadable = {"back_bend": float("nan"), "back_bulge": float("nan")}
    verdicts = feed_rules(SPEC, [(6, DRAWN), (6, {**LIFTED, **unreadable}), (6, {**ROLLED_BENT, **unreadable})])
    assert not flagged_times(verdicts, "low_back_lift") and not flagged_times(verdicts, "pelvis_roll")
