"""What every variant of a routine stretch shares (issue 30), one row per variant: its position names it, `--stretch
auto` recognises and judges it, and a person holding it under another stretch's name is told which stretch it looks
like. Fast: synthetic metrics, no video."""

import pytest

from formcheck.auto import AutoJudge
from formcheck.pipeline import Judge
from formcheck.positions import POSITION_STRETCH, STRETCH_POSITION, Position, not_judged_yet_text
from formcheck.rules import STRETCHES
from formcheck.synth.timeline import MISTAKES_OF
from tests.builders import held_still
from tests.test_lying_glute import DRAWN
from tests.test_lying_hamstring import RAISED
from tests.test_seated_fold import FOLD
from tests.test_standing_lunge import LUNGE

# stretch, its position, a posture held in it (as the dev holds measure it), the mistakes it is judged for, and the
# stretches of the nearest positions, which name it when chosen.
VARIANTS = [
    ("seated-hamstring", Position.SEATED_FOLD, {"back_bulge": 0.01, **FOLD}, ("rounding",), ("hamstring", "glute")),
    ("standing-hip-flexor", Position.STANDING_LUNGE, LUNGE, ("arching",), ("hip-flexor",)),
    ("lying-hamstring", Position.LYING_LEG_RAISED, RAISED, ("pelvis_curl",),
     ("towel-decompression", "seated-hamstring")),
    ("lying-glute", Position.LYING_FIGURE_4, DRAWN, ("low_back_lift", "pelvis_roll"),
     ("towel-decompression", "lying-hamstring", "glute")),
]
NAMES = [row[0] for row in VARIANTS]


@pytest.mark.parametrize(("name", "position", "posture", "mistakes", "others"), VARIANTS, ids=NAMES)
def test_its_position_names_it_and_it_is_judged(name, position, posture, mistakes, others):
    assert STRETCH_POSITION[name] is position and POSITION_STRETCH[position] == name
    assert not_judged_yet_text(position) is None
    # The clip generator scripts the mistakes the table judges.
    assert MISTAKES_OF[name] == mistakes == tuple(m.name for m in STRETCHES[name].mistakes)


@pytest.mark.parametrize(("name", "position", "posture", "mistakes", "others"), VARIANTS, ids=NAMES)
def test_auto_names_it_and_judges_it(name, position, posture, mistakes, others):
    auto = AutoJudge()
    results = [auto(seen, None) for seen in held_still(posture, 6)]
    assert [hold.stretch for hold in auto.holds] == [name]
    assert results[-1].position is position and results[-1].verdict.status != "not_in_position"
    assert "cannot check yet" not in results[-1].verdict.message


@pytest.mark.parametrize(("name", "chosen", "statuses", "posture"), [
    (name, chosen, {"calibrating", "good"} if chosen == name else {"wrong_position"}, posture)
    for name, _, posture, _, others in VARIANTS for chosen in (name, *others)])
def test_chosen_by_name_it_is_judged_and_a_neighbour_names_it(name, chosen, statuses, posture):
    judge = Judge(STRETCHES[chosen])
    result = None
    for seen in held_still(posture, 2.5):
        result = judge(seen, None)
    assert result.verdict.status in statuses
    if chosen != name:
        assert STRETCHES[name].title.lower() in result.verdict.message
