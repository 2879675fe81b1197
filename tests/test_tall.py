"""The tall-posture reference (formcheck.tall): found only when a still, upright tall posture is followed soon by the
move into the position."""

import numpy as np
import pytest

from formcheck.rules import STRETCHES
from formcheck.tall import TallReference

POSTURE = STRETCHES["hip-flexor"].tall
TALL_SHAPE = np.arange(7, dtype=float)
LUNGE_SHAPE = TALL_SHAPE + 5.0
FPS = 30


def run(phases, posture=POSTURE) -> TallReference:
    """Phases of (seconds, trunk tilt, front-foot reach, outline shape, in position), played at 30 fps."""
    reference, t = TallReference(posture), 0.0
    for seconds, tilt, reach, shape, in_position in phases:
        for _ in range(round(seconds * FPS)):
            reference.update(t, {"trunk_tilt": tilt, "front_foot_reach": reach}, shape, in_position)
            t += 1 / FPS
    return reference


KNEEL_TALL = (2.0, -1.0, 0.9, TALL_SHAPE, True)
GLIDE = (1.0, -4.0, 0.7, LUNGE_SHAPE, True)
LUNGE = (10.0, -5.0, 0.7, LUNGE_SHAPE, True)


def test_kneeling_tall_then_gliding_forward_gives_the_tall_outline():
    reference = run([KNEEL_TALL, GLIDE, LUNGE])
    np.testing.assert_allclose(reference.value, TALL_SHAPE)
    assert 0.0 <= reference.window[0] < reference.window[1] <= 2.0


@pytest.mark.parametrize(("case", "phases"), [
    ("kneels straight into the lunge and holds it", [LUNGE, LUNGE]),
    ("glides back (the foot further ahead)", [KNEEL_TALL, (3.0, -1.0, 1.1, LUNGE_SHAPE, True)]),
    ("moves less than the glide", [KNEEL_TALL, (3.0, -1.0, 0.86, LUNGE_SHAPE, True)]),
    ("leans back while 'tall'", [(2.0, -15.0, 0.9, TALL_SHAPE, True), GLIDE, LUNGE]),
    ("is not in the position while tall", [(2.0, -1.0, 0.9, TALL_SHAPE, False), GLIDE, LUNGE]),
    ("never holds still", [(0.2, -1.0, 0.9 + 0.06 * (i % 2), TALL_SHAPE, True) for i in range(10)] + [GLIDE, LUNGE]),
    ("glides long after the still moment", [KNEEL_TALL, (POSTURE.move_within_s + 1, -1.0, 0.9, TALL_SHAPE, False),
                                            GLIDE, LUNGE]),
    ("has no outline while tall", [(2.0, -1.0, 0.9, np.full(7, np.nan), True), GLIDE, LUNGE]),
])
def test_no_reference_without_a_tall_posture_followed_by_the_move(case, phases):
    reference = run(phases)
    assert reference.value is None and reference.window is None, case


def test_the_reference_is_the_first_still_tall_moment_and_is_kept():
    """A hold that shifts later is not taken as a move out of a tall posture, and the reference does not change."""
    later_shape = TALL_SHAPE - 3.0
    reference = run([KNEEL_TALL, GLIDE, LUNGE, (2.0, -1.0, 0.9, later_shape, True), GLIDE, LUNGE])
    np.testing.assert_allclose(reference.value, TALL_SHAPE)
    gave_up = run([KNEEL_TALL, (POSTURE.move_within_s + 1, -1.0, 0.9, TALL_SHAPE, False), KNEEL_TALL, GLIDE])
    assert gave_up.value is None and gave_up.state == "missed"


def _frames(seconds: float, start: float, hand_gap: float = 0.5, **pose):
    """Observations of a half-kneeling stick figure with a back outline, at 30 fps; ``hand_gap``: the nearer
    wrist's distance from the lower trunk (torso lengths; the stick figure has no arms)."""
    from dataclasses import replace

    from builders import side_pose, with_mask

    from formcheck.metrics import measure
    from formcheck.pipeline import Observation

    frames = []
    for i in range(round(seconds * FPS)):
        frame = with_mask(side_pose(t=start + i / FPS, width=640, height=480, origin=(300, 300), **pose), bulge=0.0)
        metrics, contour = measure(frame)
        frames.append(Observation(replace(frame, mask=None), {**metrics, "hand_to_low_back": hand_gap}, contour))
    return frames


def test_the_judge_reads_the_lunge_against_the_kneeling_tall_posture_once_it_has_seen_one():
    from formcheck.lumbar import lumbar_angle
    from formcheck.pipeline import Judge

    # Kneeling tall: front thigh level, its shin upright, the kneeling thigh hanging. Then the hips glide forward.
    tall = _frames(2.0, 0.0, front_thigh=90.0, back_thigh=180.0, knee_bend=-90.0)
    lunge = _frames(2.0, 2.0, front_thigh=120.0, back_thigh=200.0, knee_bend=-60.0)
    judge, blank = Judge(STRETCHES["hip-flexor"]), np.zeros((4, 4, 3), np.uint8)
    results = [judge(seen, blank) for seen in tall + lunge]
    assert {r.tall_reference for r in results[: len(tall)]} == {"looking"}
    assert results[-1].tall_reference == "found" and judge.tall.window[1] <= 2.0
    last = lunge[-1]
    assert results[-1].metrics["lumbar_angle"] == pytest.approx(
        lumbar_angle(last.contour.offsets, last.metrics, "hip-flexor", judge.tall.value))
    assert Judge(STRETCHES["hamstring"])(tall[0], blank).tall_reference is None  # standing tall did not help


def test_a_hand_at_the_low_back_is_neither_the_tall_posture_nor_compared_with_it():
    from formcheck.pipeline import Judge

    kneel = dict(front_thigh=90.0, back_thigh=180.0, knee_bend=-90.0)
    lunge = dict(front_thigh=120.0, back_thigh=200.0, knee_bend=-60.0)
    blank = np.zeros((4, 4, 3), np.uint8)
    hands_on_hips = Judge(STRETCHES["hip-flexor"])
    for seen in _frames(2.0, 0.0, hand_gap=0.05, **kneel) + _frames(2.0, 2.0, hand_gap=0.05, **lunge):
        hands_on_hips(seen, blank)
    assert hands_on_hips.tall.value is None and hands_on_hips.tall.state == "looking"
    # Found with the hands clear, then a hand goes to the hip in the lunge: the plain reading meanwhile.
    judge = Judge(STRETCHES["hip-flexor"])
    for seen in _frames(2.0, 0.0, **kneel) + _frames(2.0, 2.0, **lunge):
        judge(seen, blank)
    plain_judge = Judge(STRETCHES["hip-flexor"])
    hand_frame = _frames(0.1, 4.0, hand_gap=0.05, **lunge)[0]
    assert judge.tall.value is not None
    assert judge(hand_frame, blank).metrics["lumbar_angle"] == pytest.approx(
        plain_judge(hand_frame, blank).metrics["lumbar_angle"])
