"""The absolute lumbar reading: outline features (pure geometry) and the shipped linear model."""

import math

import numpy as np
import pytest
from builders import side_pose, with_mask
from hypothesis import given, settings
from hypothesis import strategies as st

from formcheck import lumbar
from formcheck.lumbar import FEATURES, features, filled
from formcheck.metrics import CONTOUR_S, measure
from formcheck.rules import STRETCHES

F = {name: i for i, name in enumerate(FEATURES)}


def bowed(amount: float, depth: float = 0.3) -> np.ndarray:
    """Outline offsets of a back that bows out by ``amount`` torso lengths at the lumbar level."""
    return depth + amount * np.exp(-((CONTOUR_S - 0.35) / 0.15) ** 2)


def test_a_straight_back_has_no_bow_and_no_bend():
    x = features(np.full(CONTOUR_S.shape, 0.3), 10.0, 60.0, 5.0)[0]
    for name in ("lumbar_deviation", "lumbar_extreme", "upper_deviation", "bend_deg", "lower_slope_deg"):
        assert x[F[name]] == pytest.approx(0.0, abs=1e-9), name
    assert x[F["depth_low"]] == pytest.approx(0.3)
    assert x[F["hip_fold"]] == pytest.approx(60 / 90)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.01, 0.15), st.floats(0.15, 0.5))
def test_rounding_bows_out_and_arching_bows_in(amount, depth):
    out = features(bowed(amount, depth), 0.0, 70.0, 0.0)[0]
    inward = features(bowed(-amount, depth), 0.0, 70.0, 0.0)[0]
    assert out[F["lumbar_deviation"]] > 0 > inward[F["lumbar_deviation"]]
    assert out[F["lumbar_extreme"]] > 0 > inward[F["lumbar_extreme"]]
    assert out[F["lumbar_deviation"]] == pytest.approx(-inward[F["lumbar_deviation"]])


def test_gaps_are_filled_along_the_back_but_too_many_give_no_reading():
    offsets = bowed(0.05)
    some = offsets.copy()
    some[[3, 7]] = np.nan
    assert np.isfinite(filled(some)).all()
    assert filled(some)[0, 3] == pytest.approx(offsets[3], abs=0.01)
    many = offsets.copy()
    many[2:8] = np.nan
    assert np.isnan(filled(many)).all()
    no_anchor = offsets.copy()
    no_anchor[0] = np.nan
    outline = [F[name] for name in ("lumbar_deviation", "bend_deg", "depth_low", "bend_x_fold")]
    assert np.isnan(features(no_anchor, 0.0, 70.0, 0.0)[0, outline]).all()


def test_features_are_vectorised_over_frames():
    rows = np.stack([bowed(a) for a in (0.0, 0.03, 0.06)])
    stacked = features(rows, [0, 0, 0], [70, 70, 70], [0, 0, 0])
    for i, a in enumerate((0.0, 0.03, 0.06)):
        np.testing.assert_allclose(stacked[i], features(bowed(a), 0, 70, 0)[0])


def test_the_reading_is_a_finite_angle_for_a_measured_hinge_and_nan_without_an_outline():
    pose = with_mask(side_pose(trunk_tilt=70.0, width=640, height=480, origin=(300, 330)), bulge=0.0)
    metrics, contour = measure(pose)
    angle = lumbar.lumbar_angle(contour.offsets, metrics, "hamstring")
    assert math.isfinite(angle) and -60 < angle < 60
    assert math.isnan(lumbar.lumbar_angle(None, metrics, "hamstring"))
    assert math.isnan(lumbar.lumbar_angle(np.full(CONTOUR_S.shape, np.nan), metrics, "hamstring"))
    assert math.isnan(lumbar.lumbar_angle(contour.offsets, metrics, "bed-decompression"))  # no outline model


@pytest.mark.parametrize(("stretch", "tilt", "fold"), [("hamstring", 75.0, 85.0), ("hip-flexor", -5.0, 30.0),
                                                       ("glute", 25.0, 95.0)])
def test_more_bow_reads_as_more_flexion(stretch, tilt, fold):
    """Whatever the fitted weights, each position's model must read a back bowing out further as more rounded."""
    model = lumbar.load_models()[stretch]
    readings = [model.predict(features(bowed(a), tilt, fold, 5.0))[0] for a in (-0.06, 0.0, 0.06)]
    assert readings[0] < readings[1] < readings[2]


def test_each_model_reads_the_fold_its_position_is_read_by():
    """The seated model is fed the fold to the supporting knee, as the glute's position is: a crossed knee that
    MediaPipe misplaces (the knees' midpoint fold jumping 30°/75° through a still hold) changes nothing."""
    for stretch, model in lumbar.load_models().items():
        assert model.fold_metric == STRETCHES[stretch].fold
    pose = with_mask(side_pose(trunk_tilt=30.0, width=640, height=480, origin=(300, 330)), bulge=0.02)
    metrics, contour = measure(pose)
    readings = {lumbar.lumbar_angle(contour.offsets, {**metrics, "hip_fold": misplaced, "deeper_hip_fold": 95.0},
                                    "glute") for misplaced in (30.0, 75.0, 95.0)}
    assert len(readings) == 1 and math.isfinite(readings.pop())


def test_the_tall_reference_adds_the_outline_shape_against_it():
    tall = lumbar.outline_shape(bowed(0.02))[0]
    x = features(bowed(-0.03), -5.0, 30.0, 5.0, tall)[0]
    assert x.shape == (len(lumbar.TALL_FEATURES),)
    np.testing.assert_allclose(x[len(FEATURES):], lumbar.outline_shape(bowed(-0.03))[0] - tall)
    np.testing.assert_allclose(x[:len(FEATURES)], features(bowed(-0.03), -5.0, 30.0, 5.0)[0])


def test_with_a_tall_reference_the_reading_is_the_mean_of_both_models_where_one_was_shipped():
    pose = with_mask(side_pose(trunk_tilt=-5.0, width=640, height=480, origin=(300, 330)), bulge=-0.02)
    metrics, contour = measure(pose)
    tall = lumbar.outline_shape(bowed(0.0))[0]
    assert set(lumbar.load_tall_models()) == {"hip-flexor"}  # standing and sitting tall did not help (fit_lumbar)
    plain = lumbar.lumbar_angle(contour.offsets, metrics, "hip-flexor")
    against_tall = lumbar.load_tall_models()["hip-flexor"].predict(
        features(contour.offsets, metrics["trunk_tilt"], metrics["hip_fold"], metrics["knee_flexion"], tall))[0]
    assert lumbar.lumbar_angle(contour.offsets, metrics, "hip-flexor", tall) == pytest.approx(
        (plain + against_tall) / 2)
    assert lumbar.lumbar_angle(contour.offsets, metrics, "hamstring", tall) == lumbar.lumbar_angle(
        contour.offsets, metrics, "hamstring")


def test_the_lunge_is_read_against_the_persons_own_tall_posture():
    """Whatever the fitted weights: bowing in further reads as more arched, and the same lunge reads as more arched
    for a person whose back bowed out more when they knelt tall (their neutral sits further out)."""
    model = lumbar.load_tall_models()["hip-flexor"]

    def reading(lunge_bow, tall_bow):
        return model.predict(features(bowed(lunge_bow), -5.0, 30.0, 5.0, lumbar.outline_shape(bowed(tall_bow))[0]))[0]

    assert reading(-0.03, 0.0) < reading(0.0, 0.0) < reading(0.03, 0.0)
    assert reading(0.0, 0.03) < reading(0.0, 0.0) < reading(0.0, -0.03)
