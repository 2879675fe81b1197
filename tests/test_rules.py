import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formcheck.rules import CALIBRATE_S, RAISE_S, SETTLE_S, STRETCHES, RuleEngine, State

FPS = 30
GOOD_VIEW = {"core_visibility": 0.9, "shoulder_width_ratio": 0.2}


def run(stretch, timeline, n_people=1):
    """Feed ``timeline`` = [(seconds, metrics), ...] at 30 fps; return the verdicts."""
    engine = RuleEngine(STRETCHES[stretch])
    verdicts, t = [], 0.0
    for seconds, metrics in timeline:
        for _ in range(round(seconds * FPS)):
            verdicts.append(engine.update(t, {**GOOD_VIEW, **metrics}, n_people))
            t += 1 / FPS
    return verdicts


def flagged_seconds(verdicts, mistake):
    return [v.t for v in verdicts if v.states.get(mistake) is State.FLAGGED]


HINGE = {"hip_fold": 70.0, "trunk_abs_tilt": 70.0}
LUNGE = {"front_thigh_tilt": 70.0, "knee_gap": 0.6}
SEATED = {"hip_fold": 90.0, "trunk_tilt": 20.0}
LYING = {"trunk_abs_tilt": 90.0, "knee_flexion": 100.0}

CASES = [
    # stretch, settled metrics, mistake metrics, mistake name
    ("hamstring", {**HINGE, "back_bulge": 0.01}, {"back_bulge": 0.06}, "rounding"),
    ("hip-flexor", {**LUNGE, "trunk_tilt": 2.0, "back_bulge": -0.01}, {"trunk_tilt": -15.0}, "arching"),
    ("hip-flexor", {**LUNGE, "trunk_tilt": 2.0, "back_bulge": -0.01}, {"back_bulge": -0.06}, "arching"),
    ("glute", {**SEATED, "shoulder_width_ratio": 0.3, "back_bulge": 0.0}, {"shoulder_width_ratio": 0.5}, "twist"),
    ("glute", {**SEATED, "shoulder_width_ratio": 0.6, "back_bulge": 0.0}, {"shoulder_width_ratio": 0.4}, "twist"),
    ("glute", {**SEATED, "shoulder_width_ratio": 0.3, "back_bulge": 0.0}, {"back_bulge": 0.06}, "forward_bend"),
    ("towel-decompression", {**LYING, "pelvis_lift": -0.4}, {"pelvis_lift": -0.35}, "over_extension"),
]


@pytest.mark.parametrize(("stretch", "good", "bad", "mistake"), CASES)
def test_mistake_is_flagged_after_onset_and_cleared_after_correction(stretch, good, bad, mistake):
    verdicts = run(stretch, [(6, good), (5, {**good, **bad}), (5, good)])
    flagged = flagged_seconds(verdicts, mistake)
    assert flagged, "mistake never flagged"
    assert 6 + 0.5 <= flagged[0] <= 6 + RAISE_S + 1.0  # sustained, not instant; smoothing adds a little lag
    assert flagged[-1] <= 11 + 2.5  # cleared soon after the correction
    assert verdicts[-1].status == "good"


@pytest.mark.parametrize(("stretch", "good", "bad", "mistake"), CASES)
def test_correct_hold_is_never_flagged(stretch, good, bad, mistake):
    verdicts = run(stretch, [(20, good)])
    assert not flagged_seconds(verdicts, mistake)
    assert verdicts[-1].status == "good"


@pytest.mark.parametrize(("stretch", "good", "bad", "mistake"), CASES)
def test_a_blip_shorter_than_the_raise_time_is_not_flagged(stretch, good, bad, mistake):
    verdicts = run(stretch, [(6, good), (0.6, {**good, **bad}), (4, good)])
    assert not flagged_seconds(verdicts, mistake)


def test_relative_baseline_adapts_to_the_person_but_guard_catches_starting_in_the_mistake():
    # A person whose neutral bulge reads 0.03 (e.g. a heavier back) is not flagged for it ...
    assert not flagged_seconds(run("hamstring", [(15, {**HINGE, "back_bulge": 0.03})]), "rounding")
    # ... but someone who is rounded from the start is, by the absolute guard.
    assert flagged_seconds(run("hamstring", [(15, {**HINGE, "back_bulge": 0.09})]), "rounding")


def test_calibrating_then_good():
    verdicts = run("hamstring", [(6, {**HINGE, "back_bulge": 0.0})])
    statuses = [v.status for v in verdicts]
    assert statuses[int(0.5 * FPS)] == "calibrating"
    assert statuses[int((SETTLE_S + CALIBRATE_S + 0.5) * FPS)] == "good"


@pytest.mark.parametrize(
    ("metrics", "n_people", "status", "words"),
    [
        ({}, 0, "no_person", "frame"),
        (HINGE, 2, "two_people", "one person"),
        ({**HINGE, "core_visibility": 0.2}, 1, "low_visibility", "whole body"),
        ({**HINGE, "shoulder_width_ratio": 0.8}, 1, "wrong_view", "side-on"),
        ({"hip_fold": 5.0, "trunk_abs_tilt": 5.0}, 1, "not_in_position", "hinge"),
    ],
)
def test_abstains_with_an_actionable_reason(metrics, n_people, status, words):
    engine = RuleEngine(STRETCHES["hamstring"])
    verdict = None
    for i in range(30):
        full = {**GOOD_VIEW, **metrics} if metrics else {}
        verdict = engine.update(i / FPS, full, n_people)
    assert verdict.status == status
    assert words in verdict.message.lower()
    assert all(state is State.UNSURE for state in verdict.states.values())


def test_flag_is_dropped_while_the_person_is_lost():
    good, bad = {**HINGE, "back_bulge": 0.0}, {**HINGE, "back_bulge": 0.08}
    engine = RuleEngine(STRETCHES["hamstring"])
    t = 0.0
    for metrics, seconds, people in ((good, 5, 1), (bad, 4, 1), ({}, 1, 0)):
        for _ in range(seconds * FPS):
            verdict = engine.update(t, {**GOOD_VIEW, **metrics} if metrics else {}, people)
            t += 1 / FPS
    assert verdict.states["rounding"] is State.UNSURE


def test_every_stretch_is_declared_completely():
    assert set(STRETCHES) == {"hamstring", "hip-flexor", "glute", "bed-decompression", "towel-decompression"}
    for spec in STRETCHES.values():
        assert spec.mistakes and spec.position and spec.camera_guide and spec.position_hint
        for mistake in spec.mistakes:
            assert mistake.cue and mistake.label
            for cond in mistake.conditions:
                # hysteresis: the clear threshold is on the safe side of the raise threshold
                assert (cond.on - cond.off) * cond.direction > 0
    assert {m.name for m in STRETCHES["glute"].mistakes} == {"twist", "forward_bend"}
    assert all(s.hold_s == 30 for n, s in STRETCHES.items() if n in ("hamstring", "hip-flexor", "glute"))


metric_values = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.just(math.nan))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["hip_fold", "back_bulge", "trunk_tilt", "twist", "pelvis_lift",
                                                  "core_visibility", "shoulder_width_ratio", "trunk_abs_tilt",
                                                  "front_thigh_tilt", "back_thigh_tilt"]), metric_values),
                max_size=40),
       st.sampled_from(sorted(STRETCHES)), st.integers(0, 3))
def test_random_metrics_never_raise(frames, stretch, people):
    engine = RuleEngine(STRETCHES[stretch])
    for i, metrics in enumerate(frames):
        verdict = engine.update(i / FPS, metrics, people)
        assert verdict.status


def test_baseline_waits_until_the_person_is_still():
    fidget = [(0.2, {**HINGE, "back_bulge": 0.0, "hip_fold": 70.0 + 15 * (i % 2)}) for i in range(40)]
    verdicts = run("hamstring", fidget)
    assert {v.status for v in verdicts[int(2 * FPS):]} == {"calibrating"}
    settled = run("hamstring", fidget + [(5, {**HINGE, "back_bulge": 0.0})])
    assert settled[-1].status == "good"


def test_a_twist_is_not_mistaken_for_a_forward_bend():
    good = {**SEATED, "shoulder_width_ratio": 0.3, "back_bulge": 0.0}
    # Turning the shoulders changes the outline the camera sees, not the spine's bend.
    turned = {"shoulder_width_ratio": 0.55, "back_bulge": 0.12}
    verdicts = run("glute", [(6, good), (5, {**good, **turned}), (5, good)])
    assert flagged_seconds(verdicts, "twist")
    assert not flagged_seconds(verdicts, "forward_bend")


@pytest.mark.parametrize(("stretch", "ratio", "status"), [("hamstring", 0.7, "wrong_view"),
                                                          ("glute", 0.7, "good"), ("glute", 1.1, "wrong_view")])
def test_each_stretch_has_its_own_camera_angle_limit(stretch, ratio, status):
    settled = {"hamstring": HINGE, "glute": SEATED}[stretch]
    verdicts = run(stretch, [(6, {**settled, "back_bulge": 0.0, "shoulder_width_ratio": ratio})])
    assert verdicts[-1].status == status
