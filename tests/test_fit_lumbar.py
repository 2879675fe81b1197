"""tools/fit_lumbar.py: the error it reports is nested leave-one-body-out (the body scored never chose the ridge
strength), a model ships only when it beats the constant guess out of fit, and --check names what differs."""

import sys

import numpy as np
from conftest import REPO

sys.path.insert(0, str(REPO / "tools"))
import fit_lumbar  # noqa: E402

from formcheck.lumbar import FEATURES  # noqa: E402


def bodies(signal: float, n_bodies: int = 8, frames: int = 40, seed: int = 0):
    """Rows of features, angles, weights and bodies: the angle follows the first feature by ``signal``, plus noise
    and an offset per body."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_bodies * frames, len(FEATURES)))
    x[:, FEATURES.index("hip_fold")] = rng.uniform(0.2, 1.5, len(x))  # within the fold the model reads (÷ 90°)
    groups = np.repeat([f"body{i}" for i in range(n_bodies)], frames)
    offsets = dict(zip(np.unique(groups), rng.normal(scale=2.0, size=n_bodies)))
    y = signal * x[:, 0] + np.array([offsets[g] for g in groups]) + rng.normal(size=len(groups))
    return x, y, np.full(len(y), 1.0 / frames), groups


def test_nested_error_leaves_each_body_out_of_the_choice_of_strength_too(monkeypatch):
    x, y, w, groups = bodies(signal=8.0)
    chosen_on = []
    best_alpha = fit_lumbar.best_alpha
    monkeypatch.setattr(fit_lumbar, "best_alpha", lambda x, y, w, g: chosen_on.append(set(g)) or best_alpha(x, y, w, g))
    error, alphas = fit_lumbar.nested_leave_one_body_out(x, y, w, groups)
    assert np.isfinite(error).all() and sum(alphas.values()) == 8
    assert [len(seen) for seen in chosen_on] == [7] * 8  # each choice saw every body but the one scored
    assert all(body not in seen for body, seen in zip(np.unique(groups), chosen_on))


def test_a_model_that_reads_the_angle_beats_the_guess_and_one_that_cannot_does_not():
    for signal, beats in ((8.0, True), (0.0, False)):
        x, y, w, groups = bodies(signal)
        model_mae = np.average(np.abs(fit_lumbar.nested_leave_one_body_out(x, y, w, groups)[0]), weights=w)
        guess_mae = np.average(np.abs(fit_lumbar.constant_guess_errors(y, w, groups)), weights=w)
        assert bool(model_mae < guess_mae) == beats, signal


def test_the_check_names_what_differs_and_ignores_the_commit():
    recorded = {"models": {"glute": {"coef": [1.0, 2.0]}},
                "provenance": {"commit": "abc", "uncommitted_changes": False, "clips": [{"sha256": "1"}]}}
    same = {"models": {"glute": {"coef": [1.0, 2.0]}},
            "provenance": {"commit": "def", "uncommitted_changes": True, "clips": [{"sha256": "1"}]}}
    assert fit_lumbar.differences(recorded, same) == []
    other = {"models": {"glute": {"coef": [1.0, 2.5]}, "hamstring": {}},
             "provenance": {"commit": "abc", "uncommitted_changes": False, "clips": [{"sha256": "2"}]}}
    assert fit_lumbar.differences(recorded, other) == ["models.glute.coef[1]", "models.hamstring",
                                                       "provenance.clips[0].sha256"]
