"""The seated hamstring stretch (long sitting, folding towards the toes, issue 30): its position, its row in the rule
table, and what it says (what every variant shares, `--stretch auto` naming it among them: test_variants.py). Fast:
synthetic metrics, no video."""

import pytest

from formcheck.positions import Position, recognise
from formcheck.rule_words import STRETCH_WORDS
from formcheck.rules import RAISE_S, STRETCHES
from tests.builders import feed_rules, flagged_times

NAME = "seated-hamstring"
SPEC = STRETCHES[NAME]
(ROUNDING,) = SPEC.mistakes
RELATIVE = {c.metric: c for c in ROUNDING.conditions if c.relative}  # against the person's settled fold
(ABSOLUTE,) = [c for c in ROUNDING.conditions if not c.relative]  # the seated lumbar reading, from the first second
# Long sitting, folded forward from the hips: both thighs level (90° from hanging), knees nearly straight.
FOLD = {"trunk_tilt": 40.0, "trunk_abs_tilt": 40.0, "front_thigh_tilt": 92.0, "back_thigh_tilt": 90.0,
        "knee_flexion": 8.0, "back_knee_drop": 0.0, "hip_fold": 128.0, "deeper_hip_fold": 130.0}


@pytest.mark.parametrize(("trunk", "knees", "expected"), [
    (5.0, 8.0, Position.SEATED_FOLD),  # sitting tall, legs out straight
    (40.0, 10.0, Position.SEATED_FOLD),  # folded forward
    (75.0, 5.0, Position.SEATED_FOLD),  # folded deep, past where a figure-4 is read
    (20.0, 70.0, Position.SEATED_FIGURE_4),  # knees bent: not long sitting
])
def test_long_sitting_is_the_seated_fold_and_bent_knees_are_not(trunk, knees, expected):
    assert recognise({**FOLD, "trunk_tilt": trunk, "knee_flexion": knees}) == expected


@pytest.mark.parametrize(("metrics", "in_position"), [
    (FOLD, True),
    ({**FOLD, "trunk_tilt": 5.0}, False),  # sitting tall, arranging the legs: the hold has not started
    ({**FOLD, "knee_flexion": 60.0}, False),  # knees bent
])
def test_the_row_holds_from_leaning_into_the_fold_with_straight_knees(metrics, in_position):
    assert SPEC.in_position(metrics) is in_position


def test_the_row_is_declared_like_the_others():
    assert SPEC.needs_mask and SPEC.sides == ("both",) and SPEC.lumbar_model in STRETCHES
    assert ROUNDING.name == "rounding" and ROUNDING.limit == STRETCHES["hamstring"].mistakes[0].limit
    for cond in ROUNDING.conditions:
        assert (cond.on - cond.off) * cond.direction > 0  # hysteresis on the safe side
    words = STRETCH_WORDS[NAME]
    assert words.title == "Seated hamstring stretch" and "straight" in words.position_hint
    assert "side-on" in words.camera_guide


@pytest.mark.parametrize("metric", ["back_bulge", "lumbar_angle"])
def test_a_rounding_after_settling_is_flagged_by_either_reading_and_cleared(metric):
    """A fold held still, then rounded by twice the condition's raise threshold against it, then corrected."""
    settled = {**FOLD, "back_bulge": 0.01, "lumbar_angle": 8.0}
    bad = {**settled, metric: settled[metric] + 2 * RELATIVE[metric].on}
    verdicts = feed_rules(SPEC, [(6, settled), (5, bad), (5, settled)])
    flagged = flagged_times(verdicts, "rounding")
    assert flagged and 6.5 <= flagged[0] <= 6 + RAISE_S + 1.0 and flagged[-1] <= 11 + 2.5
    assert verdicts[-1].status == "good"


@pytest.mark.parametrize("metric", ["back_bulge", "lumbar_angle"])
def test_a_change_within_the_clear_threshold_is_no_rounding(metric):
    settled = {**FOLD, "back_bulge": 0.01, "lumbar_angle": 8.0}
    near = {**settled, metric: settled[metric] + RELATIVE[metric].off}
    assert not flagged_times(feed_rules(SPEC, [(6, settled), (6, near)]), "rounding")


def test_a_rounding_made_with_the_position_is_flagged_by_the_absolute_reading():
    limit = ABSOLUTE.on
    verdicts = feed_rules(SPEC, [(2, {**FOLD, "trunk_tilt": 5.0}),
                                 (8, {**FOLD, "back_bulge": 0.06, "lumbar_angle": limit + 6})])
    assert flagged_times(verdicts, "rounding"), "a fold rounded from its start was learned as normal"


def test_a_correct_fold_that_deepens_from_the_hips_is_left_alone():
    settled = {**FOLD, "back_bulge": 0.01, "lumbar_angle": ABSOLUTE.off - 2}
    deeper = {**settled, "trunk_tilt": 55.0, "hip_fold": 143.0}  # further from the hips, the back as long
    verdicts = feed_rules(SPEC, [(6, settled), (5, deeper), (5, settled)])
    assert not flagged_times(verdicts, "rounding") and verdicts[-1].status == "good"
