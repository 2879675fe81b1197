"""Truth intervals are cut where the rig is past each mistake's limit in the rule table, the same in every split."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_synth import TRUTH_FILES

from formcheck.evaluate import ClipScore, summarize, truth_definition
from formcheck.rules import STRETCHES
from formcheck.synth import render
from formcheck.synth.clips import clip_set
from formcheck.synth.timeline import Mistake

SPECS = {spec.name: spec for name in ("dev", "heldout", "heldout-fresh") for spec in clip_set(name)}


@pytest.mark.parametrize("path", TRUTH_FILES, ids=lambda p: p.name.removesuffix(".truth.json"))
def test_every_truth_file_is_cut_at_the_rule_tables_limits(path):
    truth = json.loads(path.read_text())
    limits = {m.name: m.limit for m in STRETCHES[truth["stretch"]].mistakes}
    assert truth["mistake_limits"] == limits
    spec = SPECS[truth["clip"].removesuffix(".mp4")]
    assert render.retruth(spec, truth) == truth  # a limit changed in the table without rewriting the truth fails


def test_an_interval_runs_from_where_the_scripted_size_passes_the_limit_to_where_it_falls_back():
    spec = SPECS["ham_round_gross_02"]
    limit = STRETCHES["hamstring"].mistakes[0].limit
    (mistake,) = spec.mistakes
    times = np.arange(spec.n_frames) / spec.fps
    mistakes, details = render.mistake_intervals(spec, times)
    ((start, end),) = mistakes["rounding"]
    size = np.array([mistake.amplitude * mistake.envelope(t) for t in times])
    past = times[size >= limit]
    assert (start, end) == (round(past[0], 4), round(past[-1], 4))
    # A 45° rounding is past a 6° limit for longer than it is past half its size.
    half = times[size >= mistake.amplitude / 2]
    assert start < half[0] and end > half[-1]
    assert details[0]["interval"] == [start, end]


def test_a_mistake_smaller_than_its_limit_has_no_interval():
    spec = SPECS["ham_round_gross_02"]
    small = Mistake("rounding", spec.mistakes[0].onset, spec.mistakes[0].offset, deg=5.0)
    spec = type(spec)(**{**spec.__dict__, "mistakes": [small]})
    mistakes, _ = render.mistake_intervals(spec, np.arange(spec.n_frames) / spec.fps)
    assert mistakes["rounding"] == []


def test_the_eval_says_where_the_truth_was_cut():
    scores = [ClipScore("a.mp4", "hamstring", "dev", False, 1.0, 1.0, truth_limits={"rounding": 6.0}),
              ClipScore("b.mp4", "towel-decompression", "dev", False, 1.0, 1.0,
                        truth_limits={"over_extension": 0.025}),
              ClipScore("c.mp4", "bed-decompression", "dev", False, 1.0, 1.0, truth_limits={"jerky_pumping": None})]
    line = truth_definition(summarize(scores))
    assert "rounding 6°" in line and "over_extension 0.025 m" in line and "jerky_pumping half its size" in line
