"""The ``lying-train`` set (the lying stretches' rules are tuned on it with the dev clips): fixed, varied, apart from
the labelled sets, each mistake made with the position and later, and the camera never below the bed's top."""

from formcheck.synth.clips import clip_set
from formcheck.synth.lying_training import SIZES
from formcheck.synth.spec import BODIES


def test_the_lying_training_set_is_fixed_varied_and_apart_from_the_labelled_sets():
    specs, again = clip_set("lying-train"), clip_set("lying-train")
    assert [s.name for s in specs] == [s.name for s in again] and [s.body for s in specs] == [s.body for s in again]
    assert {s.split for s in specs} == {"lying-train"}
    assert {s.stretch for s in specs} == {"lying-hamstring", "lying-glute"}
    named = {body.vector().tobytes() for body in BODIES.values()}
    assert not any(s.body.vector().tobytes() in named for s in specs)
    labelled_seeds = {s.seed for name in ("lying-dev", "lying-heldout") for s in clip_set(name)}
    assert not {s.seed for s in specs} & labelled_seeds
    assert any(s.bed_height > 0.1 for s in specs) and any(s.bed_height < 0.1 for s in specs)
    assert all(s.camera.height_m >= s.bed_height for s in specs)
    assert {s.side for s in specs} == {"left", "right"} and {s.facing for s in specs} == {"left", "right"}


def test_each_mistake_comes_with_the_position_and_later_at_a_size_the_rules_promise():
    specs = clip_set("lying-train")
    for name, (low, high) in SIZES.items():
        made = [(s, m) for s in specs for m in s.mistakes if m.name == name]
        assert {m.onset < s.settle.hold_start for s, m in made} == {True, False}, name
        assert all(low <= m.amplitude <= high for _, m in made)
    assert sum(not s.mistakes for s in specs) >= 10  # correct holds, some pulling deeper with the pelvis down
    assert sum("deepen" in s.params for s in specs) >= 4
