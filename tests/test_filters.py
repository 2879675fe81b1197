import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formcheck.filters import Chain, FacingHold, OneEuro, PeakSpeed, RollingMedian, WindowRange, default_smoother
from formcheck.synth.timeline import smoothstep

NAN = math.nan


def _run(f, fps: float, values, start: float = 0.0) -> list[float]:
    return [f(start + i / fps, x) for i, x in enumerate(values)]


@pytest.mark.parametrize("fps, values, expected", [
    (30, [1, 1, 1, 50, 1, 1], [1, 1, 1, 1, 1, 1]),  # a single-frame jump is gone
    (15, [1, 1, 50, 1, 1], [1, 1, 1, 1, 1]),  # at 15 fps too
    (30, [1, 2, 3, 4, 5, 6, 7], [1, 1.5, 2, 2.5, 3, 4, 5]),  # 5 samples at 30 fps: lags a ramp by 2 frames …
    (15, [1, 3, 5, 7], [1, 2, 3, 5]),  # … 3 at 15 fps: by 1 frame, the same 1/15 s
    (60, list(range(1, 13)), [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6.5, 7.5]),  # 10 samples at 60 fps
    (25, list(range(1, 7)), [1, 1.5, 2, 2.5, 3.5, 4.5]),  # 4 at 25 fps
    (30, [1, 2, 3, NAN, NAN, NAN, 10, 11], [1, 1.5, 2, NAN, NAN, NAN, 2.5, 3]),  # a dropout keeps the samples before
])
def test_rolling_median_window_in_seconds(fps, values, expected):
    np.testing.assert_allclose(_run(RollingMedian(), fps, values), expected)


def test_rolling_median_starts_afresh_when_time_goes_back():
    f = RollingMedian()
    _run(f, 30, [50, 50, 50])
    assert _run(f, 30, [1, 1], start=0.0) == [1, 1]


def _count_median(size: int):
    """The median of the last ``size`` readable samples (the smoother before it was counted in seconds)."""
    window: list[float] = []

    def step(t: float, x: float) -> float:
        if not math.isfinite(x):
            return math.nan
        window[:] = (window + [x])[-size:]
        return float(np.median(window))
    return step


@given(st.lists(st.one_of(st.floats(-1e3, 1e3), st.just(math.nan)), max_size=80),
       st.sampled_from([0.0, 12.345, 3600.0]), st.sampled_from([30.0, 30000 / 1001]))
def test_rolling_median_at_30_fps_is_the_median_of_the_last_5_samples(values, start, fps):
    assert _run(RollingMedian(), fps, values, start) == pytest.approx(_run(_count_median(5), fps, values, start),
                                                                       nan_ok=True)


def _textbook_one_euro(min_cutoff: float = 0.5, beta: float = 0.02, d_cutoff: float = 1.0):
    """The One Euro filter with the speed read per actual frame interval (as formcheck had it before skipping)."""
    state: dict[str, float] = {}

    def alpha(cutoff: float, dt: float) -> float:
        return 1.0 / (1.0 + 1.0 / (2 * math.pi * cutoff * dt))

    def step(t: float, x: float) -> float:
        if not state:
            state.update(t=t, x=x, dx=0.0)
            return x
        dt = t - state["t"]
        state["dx"] += alpha(d_cutoff, dt) * ((x - state["x"]) / dt - state["dx"])
        state["x"] += alpha(min_cutoff + beta * abs(state["dx"]), dt) * (x - state["x"])
        state["t"] = t
        return state["x"]
    return step


@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=80))
def test_one_euro_at_30_fps_is_the_textbook_filter(values):
    assert _run(OneEuro(), 30, values) == pytest.approx(_run(_textbook_one_euro(), 30, values), rel=1e-9, abs=1e-9)


@settings(deadline=None)  # 450 filter steps per example
@given(st.floats(0.05, 0.5), st.floats(0, 2 * math.pi), st.floats(1.0, 30.0), st.floats(-50, 50))
def test_smoother_sees_the_same_slow_signal_at_15_as_at_30_fps(freq_hz, phase, amplitude, offset):
    """Judging every other frame must not change what the smoothed signal says (within 5 % of its swing)."""
    def signal(t: float) -> float:
        return offset + amplitude * math.sin(2 * math.pi * freq_hz * t + phase)

    every, every_other = default_smoother(), default_smoother()
    at_30 = [every(i / 30, signal(i / 30)) for i in range(300)]
    at_15 = [every_other(i / 30, signal(i / 30)) for i in range(0, 300, 2)]
    # After the first second, both have forgotten their start.
    assert np.max(np.abs(np.array(at_30[30::2]) - np.array(at_15[15:]))) <= 0.05 * amplitude


def test_one_euro_smooths_noise_but_follows_a_step():
    rng = np.random.default_rng(0)
    f = OneEuro(min_cutoff=0.5, beta=0.02)
    noisy = [f(i / 30, 10 + rng.normal(0, 2)) for i in range(90)]
    assert np.std(noisy[30:]) < 1.0
    stepped = [f(3 + i / 30, 30.0) for i in range(60)]
    assert stepped[-1] == pytest.approx(30.0, abs=1.0)


@pytest.mark.parametrize("amplitude", [0.05, 5.0, 20.0])  # torso lengths (an outline bulge) to degrees
def test_smoothed_reading_follows_a_correction_within_a_third_of_a_second(amplitude):
    """A person corrects over 1.2 s (as the rendered clips do): the smoothed reading is back within 15 % of the
    change no more than 0.35 s after the raw one, whatever the units (small ones never open the One Euro filter)."""
    def raw(t: float) -> float:
        return amplitude * (1 - float(smoothstep((t - 2.0) / 1.2)))  # the rendered clips' ramp

    smoother = default_smoother()
    times = [i / 30 for i in range(300)]
    smoothed = [smoother(t, raw(t)) for t in times]
    raw_back = next(t for t in times if t > 2.0 and raw(t) <= 0.15 * amplitude)
    smoothed_back = next(t for t, x in zip(times, smoothed) if t > 2.0 and x <= 0.15 * amplitude)
    assert smoothed_back - raw_back <= 0.35


def test_window_range_ignores_jitter_but_sees_movement():
    still = WindowRange(0.5)
    jitter = [still(i / 30, 70 + (1 if i % 2 else -1)) for i in range(30)]
    assert max(jitter) == pytest.approx(2.0)
    moving = WindowRange(0.5)
    ramp = [moving(i / 30, 70 + 40 * i / 30) for i in range(30)]
    assert ramp[-1] == pytest.approx(40 * 15 / 30, abs=1.5)


@pytest.mark.parametrize("make", [RollingMedian, OneEuro, lambda: PeakSpeed(window_s=2.0), WindowRange])
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
    chain = Chain(RollingMedian(), OneEuro())
    for i, x in enumerate(values):
        chain(i / 30, x)


def _votes(pattern: str, fps: float) -> list[float]:
    """'+'/'-' frames → evidence (pixels ahead, its size does not matter); '.' → nothing seen."""
    return [{"+": 12.0, "-": -12.0, ".": NAN}[c] for c in pattern]


@pytest.mark.parametrize("fps", [15, 30])
@pytest.mark.parametrize("pattern, expected_end, flips", [
    ("+" * 60, 1.0, 0),
    ("++-" * 40, 1.0, 0),  # a third of the frames the other way (a head tilted back): never mirrored
    ("+-" * 60, 1.0, 0),  # even half: it takes the other way outvoting it
    ("+" * 30 + "-" * 60, -1.0, 1),  # turning round: followed
    # frames with nothing seen keep the answer, and count for nothing
    ("+" * 10 + "." * 40 + "-" * 3 + "+" * 5, 1.0, 0),
])
def test_facing_hold_follows_only_a_sustained_change(fps, pattern, expected_end, flips):
    answers = _run(FacingHold(), fps, _votes(pattern, fps))
    assert answers[-1] == expected_end
    changes = sum(a != b for a, b in zip(answers, answers[1:]) if a is not None and b is not None)
    assert changes == flips


@pytest.mark.parametrize("fps", [15, 30])
def test_facing_hold_turns_within_about_a_second_whatever_the_frame_rate(fps):
    answers = _run(FacingHold(switch_s=0.5), fps, _votes("+" * fps + "-" * fps, fps))
    turned = next(i for i, a in enumerate(answers) if a == -1.0)
    # Each frame's vote counts the time since the frame before it.
    assert 0.5 - 1 / fps <= (turned - fps) / fps <= 0.5 + 1 / fps
    assert FacingHold()(0.0, NAN) is None  # nothing known yet
