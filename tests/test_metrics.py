import math

import numpy as np
import pytest
from builders import side_pose, with_mask
from hypothesis import given, settings
from hypothesis import strategies as st

from formcheck.metrics import frame_metrics, landmark_metrics
from formcheck.pose import N_LANDMARKS, PoseFrame


@pytest.mark.parametrize(
    ("pose_kwargs", "metric", "expected"),
    [
        (dict(), "trunk_tilt", 0.0),
        (dict(trunk_tilt=70), "trunk_tilt", 70.0),          # hinged forward
        (dict(trunk_tilt=-15), "trunk_tilt", -15.0),         # leaning back
        (dict(trunk_tilt=70), "hip_fold", 70.0),
        (dict(trunk_tilt=60, front_thigh=160, back_thigh=160), "hip_fold", 80.0),
        (dict(front_thigh=120, back_thigh=200), "front_thigh_tilt", 60.0),   # lunge: front knee forward
        (dict(front_thigh=120, back_thigh=200), "back_thigh_tilt", -20.0),   # back knee behind
        (dict(knee_bend=30), "knee_flexion", 30.0),
        (dict(front_thigh=100, back_thigh=200), "knee_gap", 0.9 * (math.cos(math.radians(100)) - math.cos(math.radians(200)))),
        (dict(), "knee_gap", 0.0),                                  # standing: knees level
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


def test_side_view_has_narrow_shoulders_and_front_view_wide():
    assert landmark_metrics(side_pose(yaw=90))["shoulder_width_ratio"] < 0.1
    assert landmark_metrics(side_pose(yaw=0))["shoulder_width_ratio"] > 0.6


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
