"""Lying flat on the back with the legs out straight is a position of its own (``Position.LYING_FLAT``), not lying
across a bed, whose lower legs hang over the edge: so lying down before the lying hamstring stretch's leg comes up
starts no bed decompression hold with ``--stretch auto``."""

import pytest

from formcheck.positions import FLAT_KNEES, LABELS, POSITION_STRETCH, Position, recognise


def _lying(knees: float, thighs: tuple[float, float] = (88.0, 87.0)) -> dict[str, float]:
    return {"trunk_tilt": -93.0, "front_thigh_tilt": thighs[0], "back_thigh_tilt": thighs[1], "knee_flexion": knees,
            "back_knee_drop": 0.0, "hip_fold": 5.0}


@pytest.mark.parametrize("knees, expected", [
    (3.0, Position.LYING_FLAT),  # legs out straight (lying dev clips before the leg comes up: 2–10°)
    (FLAT_KNEES, Position.LYING_FLAT),
    (FLAT_KNEES + 1.0, Position.LYING_ACROSS_BED),
    (67.0, Position.LYING_ACROSS_BED),  # the least bent knees of a bed hold (jerky pumping swings them)
    (92.0, Position.LYING_ACROSS_BED),  # lower legs hanging over the bed's edge
])
def test_straight_legs_are_lying_flat_and_hanging_lower_legs_lying_across_a_bed(knees, expected):
    assert recognise(_lying(knees)) is expected


@pytest.mark.parametrize("metrics, expected", [
    (_lying(100.0, (140.0, 135.0)), Position.LYING_ON_TOWEL),  # knees up, feet on the floor
    (_lying(3.0, (86.0, 157.0)), Position.LYING_LEG_RAISED),  # one straight leg raised
])
def test_lying_positions_with_a_thigh_up_are_not_lying_flat(metrics, expected):
    assert recognise(metrics) is expected


def test_lying_flat_is_named_and_starts_no_stretch():
    assert LABELS[Position.LYING_FLAT] == "lying flat on the back"
    assert Position.LYING_FLAT not in POSITION_STRETCH
