"""A variant of a routine stretch that formcheck recognises but cannot judge yet is named, with what to do instead,
rather than "get into the position" or silence. The seated fold, the first such variant, is judged now (issue 30):
it is named as the seated hamstring stretch like any other stretch's position."""

from formcheck.coverage import Coverage
from formcheck.positions import NOT_JUDGED_YET, Position, not_judged_yet_text
from formcheck.wording import could_not_check


def _unjudged(seconds: float = 12.0) -> Coverage:
    return Coverage(total_s=seconds, judged_s=0.0, good_s=0.0, not_judged_s={"not_in_position": seconds},
                    reference_s=seconds)


def test_the_seated_fold_is_judged_now_as_the_seated_hamstring_stretch():
    from formcheck.positions import POSITION_STRETCH

    assert POSITION_STRETCH[Position.SEATED_FOLD] == "seated-hamstring"
    assert Position.SEATED_FOLD not in NOT_JUDGED_YET and not_judged_yet_text(Position.SEATED_FOLD) is None


def test_every_variant_names_a_position_that_is_judged():
    from formcheck.positions import POSITION_STRETCH

    assert all(judged_in in POSITION_STRETCH for _, judged_in in NOT_JUDGED_YET.values())


def test_a_clip_in_the_seated_fold_names_the_seated_hamstring_stretch_when_another_was_chosen():
    for stretch in ("hamstring", "glute"):
        say = could_not_check(_unjudged(), stretch, "seated_fold")
        assert "seated hamstring stretch" in say, (stretch, say)
        assert "cannot check yet" not in say and "none of the routine's positions" not in say


def test_only_a_variant_has_words_of_its_own():
    assert not_judged_yet_text("seated_fold") == not_judged_yet_text(Position.SEATED_FOLD)
    assert not_judged_yet_text(Position.OTHER) is None and not_judged_yet_text(None) is None


def test_another_unknown_position_still_asks_for_one_of_the_routines():
    assert "none of the routine's positions" in could_not_check(_unjudged(), None, "other")


def test_while_in_the_seated_fold_the_standing_hamstring_stretch_names_the_seated_one():
    from dataclasses import replace

    from formcheck.pipeline import Judge, Observation
    from formcheck.pose import PoseFrame
    from formcheck.rules import STRETCHES

    judge = Judge(STRETCHES["hamstring"])
    sitting = {"trunk_tilt": 50.0, "front_thigh_tilt": 92.0, "back_thigh_tilt": 90.0, "knee_flexion": 10.0,
               "back_knee_drop": 0.0, "hip_fold": 130.0, "shoulder_width_ratio": 0.1, "core_visibility": 0.95,
               "facing": 1.0}
    result = None
    for i in range(60):  # 2 s at 30 frames/s: the position is steadied over 1.5 s
        pose = replace(PoseFrame.empty(i / 30.0, 640, 480), n_people=1)
        result = judge(Observation(pose, sitting, None), None)
    assert result.position is Position.SEATED_FOLD
    assert result.verdict.status == "wrong_position" and "seated hamstring stretch" in result.verdict.message
