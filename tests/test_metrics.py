import math

import numpy as np
import pytest
from builders import seated_pose, side_pose, with_mask
from hypothesis import given, settings
from hypothesis import strategies as st

from formcheck.metrics import (CONTOUR_S, LOWER_BACK, UPPER_BACK, anchor_line_deviation, back_bend, edge_direction_deg,
                               frame_metrics, landmark_metrics, trunk_steps)
from formcheck.pose import N_LANDMARKS, PoseFrame


@pytest.mark.parametrize(
    ("pose_kwargs", "metric", "expected"),
    [
        (dict(), "trunk_tilt", 0.0),
        (dict(trunk_tilt=70), "trunk_tilt", 70.0),          # hinged forward
        (dict(trunk_tilt=-15), "trunk_tilt", -15.0),         # leaning back
        (dict(trunk_tilt=70), "hip_fold", 70.0),
        (dict(trunk_tilt=60, front_thigh=160, back_thigh=160), "hip_fold", 80.0),
        (dict(trunk_tilt=70), "deeper_hip_fold", 70.0),
        # Seated figure-4 with the crossed leg's knee misplaced down and back: the supporting thigh decides.
        (dict(trunk_tilt=20, front_thigh=90, back_thigh=240), "deeper_hip_fold", 110.0),
        (dict(front_thigh=120, back_thigh=200), "front_thigh_tilt", 60.0),   # lunge: front knee forward
        (dict(front_thigh=120, back_thigh=200), "back_thigh_tilt", -20.0),   # back knee behind
        (dict(knee_bend=30), "knee_flexion", 30.0),
        (dict(front_thigh=100, back_thigh=200), "back_knee_drop",
         0.9 * (math.cos(math.radians(100)) - math.cos(math.radians(200)))),
        (dict(), "back_knee_drop", 0.0),                            # standing: knees level
        # A thigh placed behind the body with its knee higher than the front one: not a kneeling leg.
        (dict(front_thigh=100, back_thigh=300), "back_knee_drop",
         0.9 * (math.cos(math.radians(100)) - math.cos(math.radians(300)))),
        (dict(yaw=30), "shoulder_width_ratio", 2 * 0.36 * math.cos(math.radians(30))),
        (dict(trunk_tilt=90, front_thigh=270, back_thigh=270), "pelvis_lift", 0.0),  # lying flat
    ],
)
def test_landmark_metric_values(pose_kwargs, metric, expected):
    assert landmark_metrics(side_pose(**pose_kwargs))[metric] == pytest.approx(expected, abs=1e-6)


def test_pelvis_lift_when_lying_with_hips_raised():
    lying = side_pose(trunk_tilt=90, front_thigh=270, back_thigh=270)
    image = lying.image.copy()
    torso = 150.0
    image[[23, 24], 1] -= 0.1 * torso  # hips 0.1 torso lengths higher on screen
    lifted = PoseFrame(0, 640, 480, image, lying.world, lying.visibility, None, 1)
    assert landmark_metrics(lifted)["pelvis_lift"] == pytest.approx(0.1, abs=0.01)


def test_hand_to_low_back_is_small_only_with_a_hand_at_the_hip():
    assert landmark_metrics(side_pose())["hand_to_low_back"] == pytest.approx(0.0, abs=1e-6)  # wrists at hip height
    # Hinged, the arms hang from the shoulders well clear of the low back.
    assert landmark_metrics(side_pose(trunk_tilt=70))["hand_to_low_back"] > 0.5


def test_side_view_has_narrow_shoulders_and_front_view_wide():
    assert landmark_metrics(side_pose(yaw=90))["shoulder_width_ratio"] < 0.1
    assert landmark_metrics(side_pose(yaw=0))["shoulder_width_ratio"] > 0.6


@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize("camera_yaw", [-50, -40, 0, 20, 45])
def test_a_twist_barely_moves_the_trunk_lean_but_a_low_back_bend_does(camera_yaw, facing):
    # The glute forward-bend rule requires the lean to grow by 8° and clears below 4° (rules.py): a turn of the
    # shoulders about the spine leaves the hip→shoulder line nearly in place, a bend at the lumbar level tips it.
    base = landmark_metrics(seated_pose(camera_yaw=camera_yaw, facing=facing))
    for twist in (-25, 25):
        twisted = landmark_metrics(seated_pose(twist=twist, camera_yaw=camera_yaw, facing=facing))
        assert abs(twisted["trunk_tilt"] - base["trunk_tilt"]) < 2.0
    bent = landmark_metrics(seated_pose(lumbar_bend=20, camera_yaw=camera_yaw, facing=facing))
    assert bent["trunk_tilt"] - base["trunk_tilt"] > 9.0


def test_seated_pose_is_mirror_invariant():
    for kwargs in ({}, {"twist": 25, "camera_yaw": -40}, {"lumbar_bend": 20, "camera_yaw": 45}):
        right, left = (landmark_metrics(seated_pose(facing=f, **kwargs)) for f in (1, -1))
        for name in ("trunk_tilt", "hip_fold", "shoulder_width_ratio"):
            assert left[name] == pytest.approx(right[name], abs=1e-9), name


angles = st.floats(-30, 110)


@settings(max_examples=60, deadline=None)
@given(trunk=angles, thigh=st.floats(120, 220), scale=st.floats(40, 400), ox=st.floats(150, 490))
def test_mirror_and_scale_invariance(trunk, thigh, scale, ox):
    right = landmark_metrics(side_pose(trunk_tilt=trunk, front_thigh=thigh, facing=1))
    left = landmark_metrics(side_pose(trunk_tilt=trunk, front_thigh=thigh, facing=-1, scale=scale, origin=(ox, 300)))
    for name in ("trunk_tilt", "hip_fold", "front_thigh_tilt", "back_thigh_tilt", "knee_flexion", "pelvis_lift"):
        assert left[name] == pytest.approx(right[name], abs=1e-6), name
    assert right["facing"] == 1 and left["facing"] == -1


def test_image_size_does_not_change_angles():
    small = landmark_metrics(side_pose(trunk_tilt=50, width=320, height=240, scale=60, origin=(160, 120)))
    large = landmark_metrics(side_pose(trunk_tilt=50, width=1920, height=1080, scale=360, origin=(900, 600)))
    for name in ("trunk_tilt", "hip_fold", "pelvis_lift", "shoulder_width_ratio"):
        assert small[name] == pytest.approx(large[name], abs=1e-6)


@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize(("bulge", "low", "high"), [(0.0, -0.015, 0.015), (0.06, 0.045, 0.075),
                                                     (0.10, 0.08, 0.12), (-0.05, -0.065, -0.035)])
@pytest.mark.parametrize("trunk", [10, 70])
def test_back_bulge_follows_the_silhouette(facing, bulge, low, high, trunk):
    pose = with_mask(side_pose(trunk_tilt=trunk, facing=facing), bulge=bulge)
    assert low <= frame_metrics(pose)["back_bulge"] <= high


def test_back_bulge_is_nan_when_back_leaves_the_image():
    pose = with_mask(side_pose(trunk_tilt=70, origin=(320, 60)), bulge=0.05)
    assert math.isnan(frame_metrics(pose)["back_bulge"])


def test_no_person_gives_no_metrics():
    assert frame_metrics(PoseFrame.empty(0.0, 640, 480)) == {}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=N_LANDMARKS * 3,
                max_size=N_LANDMARKS * 3))
def test_random_and_nan_landmarks_never_raise(values):
    image = np.array(values, dtype=np.float64).reshape(N_LANDMARKS, 3)
    pose = PoseFrame(0.0, 640, 480, image, image.copy(), np.full(N_LANDMARKS, 0.9),
                     np.zeros((480, 640), np.float32), 1)
    with np.errstate(all="ignore"):
        metrics = frame_metrics(pose)
    assert set(metrics) >= {"trunk_tilt", "hip_fold", "back_bulge"}


def trunk_ends(pose):
    m = landmark_metrics(pose)
    return np.array([m["hip_x_px"], m["hip_y_px"]]), np.array([m["shoulder_x_px"], m["shoulder_y_px"]])


def steps_between(*poses):
    hips, shoulders = zip(*(trunk_ends(p) for p in poses))
    return trunk_steps(np.stack(hips), np.stack(shoulders))


@pytest.mark.parametrize(
    ("before", "after", "moved", "stretched"),
    [
        (dict(), dict(), 0.0, 0.0),
        (dict(), dict(origin=(335, 300)), 0.1, 0.0),           # slid 15 px = 0.1 torso lengths
        (dict(), dict(trunk_tilt=90), math.sqrt(2), 0.0),      # shoulders swung a quarter turn about the hips
        (dict(), dict(scale=200), 50 / 200, 50 / 200),         # a torso suddenly a third longer (÷ the longer one)
        (dict(scale=200), dict(), 50 / 200, 50 / 200),         # ... or shorter: the same step either way
    ],
)
def test_trunk_steps(before, after, moved, stretched):
    got_moved, got_stretched = steps_between(side_pose(**before), side_pose(**after))
    assert got_moved == pytest.approx([moved]) and got_stretched == pytest.approx([stretched])


@settings(max_examples=60, deadline=None)
@given(trunk=st.lists(angles, min_size=3, max_size=3), scale=st.floats(40, 400), ox=st.floats(150, 490),
       shift=st.lists(st.floats(-0.3, 0.3), min_size=3, max_size=3))
def test_trunk_steps_are_mirror_and_scale_invariant(trunk, scale, ox, shift):
    def poses(facing, size, x0):
        return [side_pose(trunk_tilt=a, facing=facing, scale=size, origin=(x0 + facing * s * size, 300))
                for a, s in zip(trunk, shift)]
    right, left = steps_between(*poses(1, 150, 320)), steps_between(*poses(-1, scale, ox))
    for a, b in zip(right, left):
        np.testing.assert_allclose(a, b, atol=1e-9)


def test_trunk_steps_of_a_vanished_torso_are_nan():
    moved, stretched = trunk_steps(np.zeros((2, 2)), np.zeros((2, 2)))
    assert np.isnan(moved).all() and np.isnan(stretched).all()


S = CONTOUR_S  # fractions along the chord where the outline is sampled


@pytest.mark.parametrize(("offsets", "deviation"), [
    (0.2 + 0 * S, 0 * S),  # a flat back lies on its anchor line
    (0.1 + 0.3 * S, 0 * S),  # so does a straight back at any angle to the chord
    (0.2 + 0.05 * np.sin(np.pi * (S - S[0]) / (S[-1] - S[0])), 0.05 * np.sin(np.pi * (S - S[0]) / (S[-1] - S[0]))),
])
def test_anchor_line_deviation(offsets, deviation):
    np.testing.assert_allclose(anchor_line_deviation(offsets), deviation, atol=1e-12)
    np.testing.assert_allclose(anchor_line_deviation(np.stack([offsets, offsets])), [deviation] * 2, atol=1e-12)


@pytest.mark.parametrize(("offsets", "part", "degrees"), [
    (0.2 + 0 * S, LOWER_BACK, 0.0),
    (0.1 + 1.0 * S, LOWER_BACK, 45.0),
    (0.1 + 1.0 * S, UPPER_BACK, 45.0),
    (np.where(S < 0.4, 0.2 - S, 0.2), LOWER_BACK, -45.0),
    (np.where(S < 0.4, 0.2 - S, 0.2), UPPER_BACK, 0.0),
])
def test_edge_direction_deg(offsets, part, degrees):
    assert edge_direction_deg(offsets, part) == pytest.approx(degrees, abs=1e-9)
    holed = offsets.copy()
    holed[np.flatnonzero((S >= part[0]) & (S <= part[1]))[1]] = np.nan  # a missing point changes no straight line
    assert edge_direction_deg(holed, part) == pytest.approx(degrees, abs=1e-9)
    assert np.isnan(edge_direction_deg(np.full_like(S, np.nan), part))


def test_back_bend_is_the_angle_between_the_lower_and_upper_edge():
    kinked = np.where(S < 0.4, 0.2 - (S - 0.4), 0.2)  # lower edge tipped 45° out towards the hip, upper straight
    assert back_bend(kinked) == pytest.approx(-45.0)
    sparse = kinked.copy()
    sparse[np.flatnonzero((S >= LOWER_BACK[0]) & (S <= LOWER_BACK[1]))[:4]] = np.nan
    assert np.isnan(back_bend(sparse))  # fewer than four points found in a part: no reading
