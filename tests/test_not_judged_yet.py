"""A variant of a routine stretch that formcheck recognises but cannot judge yet is named, with what to do instead,
rather than "get into the position" or silence."""

from formcheck.coverage import Coverage
from formcheck.positions import NOT_JUDGED_YET, Position, not_judged_yet_text
from formcheck.wording import could_not_check, photo_could_not_check


def _unjudged(seconds: float = 12.0) -> Coverage:
    return Coverage(total_s=seconds, judged_s=0.0, good_s=0.0, not_judged_s={"not_in_position": seconds},
                    reference_s=seconds)


def test_the_seated_fold_is_named_as_the_seated_hamstring_stretch_with_the_standing_one_to_do_instead():
    text = not_judged_yet_text(Position.SEATED_FOLD)
    assert "seated hamstring stretch" in text and "cannot check yet" in text and "standing hip hinge" in text


def test_every_variant_names_a_position_that_is_judged():
    from formcheck.positions import POSITION_STRETCH

    assert all(judged_in in POSITION_STRETCH for _, judged_in in NOT_JUDGED_YET.values())


def test_a_clip_or_photo_in_the_seated_fold_says_so_with_any_stretch_chosen_or_auto():
    for stretch in (None, "hamstring", "glute"):
        for say in (could_not_check(_unjudged(), stretch, "seated_fold"),
                    photo_could_not_check(_unjudged(), stretch, "seated_fold")):
            assert "seated hamstring stretch" in say, (stretch, say)
            assert "none of the routine's positions" not in say


def test_another_unknown_position_still_asks_for_one_of_the_routines():
    assert "none of the routine's positions" in could_not_check(_unjudged(), None, "other")
