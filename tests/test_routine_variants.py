"""The guided routine lets a person do a variant of a stretch (e.g. the seated hamstring stretch instead of the
standing hinge): the plan, its countdowns and range steps follow the choice, which History keeps for next time."""

import pytest
from streamlit.testing.v1 import AppTest

from formcheck.coaching import coach as coach_mod
from formcheck.coaching.coach import (READY_DOWN_S, READY_FIRST_S, ROUTINE_CHOICES, ROUTINE_ORDER, ROUTINE_STRETCHES,
                                      routine_steps)
from formcheck.history import History
from formcheck.rules import STRETCHES
from formcheck.ui.routine import CHOICE_SETTING
from tests.test_app import TIMEOUT, _ack_disclaimer, data_dir, webrtc  # noqa: F401 (fixtures; data_dir: a fresh folder)

PAGE = """
from formcheck.ui import routine
routine.render()
"""


def test_every_choice_is_a_stretch_and_the_routine_s_own_comes_first():
    assert ROUTINE_ORDER == ("hamstring", "hip-flexor", "glute", "bed-decompression", "towel-decompression")
    for place, names in ROUTINE_CHOICES.items():
        assert names[0] == place
        assert set(names) <= set(STRETCHES)
    # Every stretch judged is offered in the routine (and so listed on the pages), once.
    assert sorted(ROUTINE_STRETCHES) == sorted(STRETCHES)


@pytest.mark.parametrize("place, variant", [(p, n) for p, names in ROUTINE_CHOICES.items() for n in names[1:]])
def test_a_chosen_variant_takes_its_place_and_nothing_else_changes(place, variant):
    plain, varied = routine_steps(), routine_steps(chosen={place: variant})
    assert [s.stretch for s in varied if s.stretch not in (place, variant)] == \
           [s.stretch for s in plain if s.stretch != place]
    assert variant in {s.stretch for s in varied} and place not in {s.stretch for s in varied}
    for step in (s for s in varied if s.stretch == variant):
        assert step.target_s == STRETCHES[variant].hold_s
        assert step.range_step == (STRETCHES[variant].tilt_range is not None)


def test_a_stretch_done_on_the_floor_gets_time_to_get_down_even_first():
    assert routine_steps()[0].ready_s == READY_FIRST_S
    assert routine_steps(chosen={"hamstring": "seated-hamstring"})[0].ready_s == READY_DOWN_S


def test_a_stretch_from_another_place_is_refused():
    with pytest.raises(ValueError, match="hamstring"):
        routine_steps(chosen={"hamstring": "glute"})


def test_the_page_offers_the_variant_builds_the_plan_with_it_and_remembers_it(webrtc):  # noqa: F811
    _ack_disclaimer()
    at = AppTest.from_string(PAGE, default_timeout=TIMEOUT).run()
    assert not at.exception
    box = at.selectbox(key="fc_variant_hamstring")
    assert box.value == "hamstring"
    box.set_value("seated-hamstring").run()
    assert not at.exception
    coach = webrtc.call_args.kwargs["video_frame_callback"].__self__
    assert coach.steps[0].stretch == "seated-hamstring"
    assert not any(s.range_step for s in coach.steps if s.stretch == "seated-hamstring")
    assert History().get_setting(CHOICE_SETTING.format(place="hamstring")) == "seated-hamstring"
    # A new visit starts from the kept choice.
    again = AppTest.from_string(PAGE, default_timeout=TIMEOUT).run()
    assert again.selectbox(key="fc_variant_hamstring").value == "seated-hamstring"
    assert coach_mod.ROUTINE_ORDER[0] == "hamstring"


def test_about_lists_every_stretch_marking_the_variants():
    _ack_disclaimer()
    at = AppTest.from_string("from formcheck.ui import about\nabout.render()", default_timeout=TIMEOUT).run()
    assert not at.exception
    labels = [e.label for e in at.expander]
    for name in ROUTINE_STRETCHES:
        variant = name not in ROUTINE_ORDER
        assert sum(label.startswith(("Or: " if variant else "") + STRETCHES[name].title + " — ")
                   for label in labels) == 1, name
