"""The standing split-stance lunge (the hip flexor stretch for people who cannot kneel, issue 30): its position, its
row in the rule table, and what it says (what every variant shares, `--stretch auto` naming it among them:
test_variants.py). Fast: synthetic metrics, no video."""

import pytest

from formcheck.positions import Position, recognise
from formcheck.rule_words import STRETCH_WORDS
from formcheck.rules import RAISE_S, STRETCHES
from formcheck.ui.guides import guide_svg
from tests.builders import feed_rules, flagged_times

NAME = "standing-hip-flexor"
SPEC = STRETCHES[NAME]
(ARCHING,) = SPEC.mistakes
(LEAN,) = ARCHING.conditions
# A long split stance, hips glided forward: the front thigh 55° forward, the back one 45° behind, the front knee bent
# and the back one nearly straight (mean bend 32°), the trunk upright, tucked a little back (the dev lunges' medians).
LUNGE = {"trunk_tilt": -6.0, "trunk_abs_tilt": 6.0, "front_thigh_tilt": 55.0, "back_thigh_tilt": -45.0,
         "knee_flexion": 32.0, "back_knee_drop": 0.05, "hip_fold": 10.0, "deeper_hip_fold": 55.0,
         "hand_to_low_back": 0.05}


@pytest.mark.parametrize(("change", "expected"), [
    ({}, Position.STANDING_LUNGE),
    ({"front_thigh_tilt": 35.0, "back_thigh_tilt": -34.0, "knee_flexion": 10.0}, Position.STANDING_LUNGE),  # tall
    ({"trunk_tilt": -25.0}, Position.STANDING_LUNGE),  # leaning back (the mistake) is still the position
    ({"front_thigh_tilt": 70.0, "knee_flexion": 55.0}, Position.STANDING_LUNGE),  # a deep lunge
    ({"back_knee_drop": 0.7, "front_thigh_tilt": 90.0, "back_thigh_tilt": -20.0, "knee_flexion": 92.0},
     Position.HALF_KNEELING),  # the back knee on the floor
    # A short-legged or heavy body: the straight back knee sits as far below the front one as a kneeling knee may.
    ({"back_knee_drop": 0.45}, Position.STANDING_LUNGE),
    ({"front_thigh_tilt": 12.0, "back_thigh_tilt": -10.0, "knee_flexion": 5.0}, Position.STANDING_UPRIGHT),
    ({"trunk_tilt": 60.0, "front_thigh_tilt": 15.0, "back_thigh_tilt": 5.0, "knee_flexion": 8.0},
     Position.STANDING_HINGE),
    # A seated figure-4 whose crossed leg MediaPipe placed pointing back: its knees bend far more than a lunge's.
    ({"trunk_tilt": 20.0, "front_thigh_tilt": 70.0, "back_thigh_tilt": -30.0, "knee_flexion": 85.0,
      "back_knee_drop": -0.1}, Position.SEATED_FIGURE_4),
    # Sitting with the thighs level: past a lunge's front thigh.
    ({"trunk_tilt": 20.0, "front_thigh_tilt": 90.0, "back_thigh_tilt": -30.0, "knee_flexion": 60.0,
      "back_knee_drop": -0.1}, Position.SEATED_FIGURE_4),
])
def test_the_split_stance_is_the_standing_lunge_and_its_neighbours_are_not(change, expected):
    assert recognise({**LUNGE, **change}) == expected


def test_the_row_is_declared_like_the_half_kneeling_lunge():
    kneeling = STRETCHES["hip-flexor"]
    assert SPEC.sides == kneeling.sides == ("left", "right") and SPEC.key_metric == "trunk_tilt"
    assert ARCHING.name == "arching" and ARCHING.limit == kneeling.mistakes[0].limit
    # The same lean-back limit as kneeling (its physics is the same); it clears where correct standing lunges settle.
    (kneeling_lean,) = [c for c in kneeling.mistakes[0].conditions if c.metric == "trunk_tilt"]
    assert LEAN.metric == "trunk_tilt" and LEAN.on == kneeling_lean.on and LEAN.direction == -1
    assert (LEAN.on - LEAN.off) * LEAN.direction > 0  # hysteresis on the safe side
    assert not SPEC.needs_mask  # nothing it judges reads the outline
    words = STRETCH_WORDS[NAME]
    assert words.title == "Standing hip flexor stretch" and "split stance" in words.position_hint
    assert "side-on" in words.camera_guide
    assert "<svg" in guide_svg(NAME)


@pytest.mark.parametrize(("metrics", "in_position"), [
    (LUNGE, True),
    ({**LUNGE, "back_thigh_tilt": 2.0}, False),  # feet together
    ({**LUNGE, "front_thigh_tilt": 10.0}, False),
])
def test_the_row_holds_in_the_split_stance(metrics, in_position):
    assert SPEC.in_position(metrics) is in_position


@pytest.mark.parametrize("lean", [-14.0, -24.0])
def test_leaning_back_is_flagged_and_clears_once_back_where_correct_lunges_lean(lean):
    verdicts = feed_rules(SPEC, [(6, LUNGE), (5, {**LUNGE, "trunk_tilt": lean}), (4, {**LUNGE, "trunk_tilt": -8.0})])
    flagged = flagged_times(verdicts, "arching")
    assert flagged and 6.0 + RAISE_S - 0.1 <= flagged[0] <= 6 + RAISE_S + 1.0 and flagged[-1] <= 11 + 1.5
    assert verdicts[-1].status == "good"


def test_a_lean_back_made_with_the_position_is_flagged_from_the_first_seconds():
    assert flagged_times(feed_rules(SPEC, [(8, {**LUNGE, "trunk_tilt": -15.0})]), "arching")


@pytest.mark.parametrize("lean", [-4.0, -8.0, -9.5])  # correct lunges: tucked, leaning back up to 9°
def test_a_correct_tucked_lunge_is_left_alone(lean):
    verdicts = feed_rules(SPEC, [(10, {**LUNGE, "trunk_tilt": lean})])
    assert not flagged_times(verdicts, "arching") and verdicts[-1].status == "good"
