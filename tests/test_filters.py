import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from formcheck.filters import Chain, OneEuro, PeakSpeed, RollingMedian, WindowRange


def test_rolling_median_removes_a_single_spike():
    f = RollingMedian(5)
    out = [f(i / 30, x) for i, x in enumerate([1, 1, 1, 50, 1, 1])]
    assert max(out) == 1


def test_one_euro_smooths_noise_but_follows_a_step():
    rng = np.random.default_rng(0)
    f = OneEuro(min_cutoff=0.5, beta=0.02)
    noisy = [f(i / 30, 10 + rng.normal(0, 2)) for i in range(90)]
    assert np.std(noisy[30:]) < 1.0
    stepped = [f(3 + i / 30, 30.0) for i in range(60)]
    assert stepped[-1] == pytest.approx(30.0, abs=1.0)


def test_window_range_ignores_jitter_but_sees_movement():
    still = WindowRange(0.5)
    jitter = [still(i / 30, 70 + (1 if i % 2 else -1)) for i in range(30)]
    assert max(jitter) == pytest.approx(2.0)
    moving = WindowRange(0.5)
    ramp = [moving(i / 30, 70 + 40 * i / 30) for i in range(30)]
    assert ramp[-1] == pytest.approx(40 * 15 / 30, abs=1.5)


@pytest.mark.parametrize("make", [lambda: RollingMedian(5), OneEuro, PeakSpeed, WindowRange])
def test_unknown_input_gives_unknown_output(make):
    f = make()
    f(0.0, 1.0)
    assert math.isnan(f(0.1, math.nan))


def test_peak_speed_measures_fast_movement_and_forgets_it():
    f = PeakSpeed(window_s=2.0)
    slow = [f(i / 30, 10 * math.sin(i / 30)) for i in range(60)]
    assert max(slow) < 11
    f = PeakSpeed(window_s=2.0)
    f(2.0, 0.0)
    fast = f(2.0 + 1 / 30, 5.0)
    assert fast == pytest.approx(150.0)
    assert f(5.0, 5.0) < 1.0


@given(st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(math.nan)), max_size=50))
def test_chain_never_raises(values):
    chain = Chain(RollingMedian(5), OneEuro())
    for i, x in enumerate(values):
        chain(i / 30, x)
