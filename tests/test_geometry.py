import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from formcheck.geometry import distance_to_segment, joint_angle_deg, signed_angle_deg

finite = st.floats(-1e3, 1e3, allow_nan=False)


@pytest.mark.parametrize(
    ("u", "v", "expected"),
    [
        ((1, 0), (1, 0), 0.0),
        ((1, 0), (0, 1), 90.0),
        ((1, 0), (0, -1), -90.0),
        ((0, 1), (1, 1), -45.0),
        ((1, 0), (-1, 0), 180.0),
    ],
)
def test_signed_angle_table(u, v, expected):
    assert signed_angle_deg(np.array(u, float), np.array(v, float)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("a", "b", "c", "expected"),
    [((0, 1), (0, 0), (1, 0), 90.0), ((0, 1), (0, 0), (0, -1), 180.0), ((1, 1), (0, 0), (1, 0), 45.0)],
)
def test_joint_angle_table(a, b, c, expected):
    assert joint_angle_deg(*(np.array(p, float) for p in (a, b, c))) == pytest.approx(expected)


@given(finite, finite, finite, finite, st.floats(-math.pi, math.pi), st.floats(0.01, 100))
def test_signed_angle_invariant_under_rotation_and_scale(ux, uy, vx, vy, turn, scale):
    u, v = np.array([ux, uy]), np.array([vx, vy])
    if np.linalg.norm(u) < 1e-3 or np.linalg.norm(v) < 1e-3:
        return
    rot = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    before = signed_angle_deg(u, v)
    after = signed_angle_deg(scale * rot @ u, scale * rot @ v)
    diff = (after - before + 180) % 360 - 180
    assert abs(diff) < 1e-6


def test_vectorised_over_leading_axes():
    u = np.tile([1.0, 0.0], (4, 3, 1))
    v = np.tile([0.0, 1.0], (4, 3, 1))
    assert signed_angle_deg(u, v).shape == (4, 3)


@pytest.mark.parametrize(("point", "expected"), [
    ((0.5, 1.0), 1.0),   # beside the segment: straight across
    ((2.0, 0.0), 1.0),   # past its end: to the end point
    ((-3.0, 4.0), 5.0),  # before its start: to the start point
    ((0.25, 0.0), 0.0),  # on it
])
def test_distance_to_segment_table(point, expected):
    [distance] = distance_to_segment(np.array([point]), np.array([0.0, 0.0]), np.array([1.0, 0.0]))
    assert distance == pytest.approx(expected)
