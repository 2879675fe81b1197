"""The labelled clip sets are data: each JSON file reads back into specs that write out to the same JSON, and any
spec (generated ones too, with their range steps and props) survives the trip."""

import json

import pytest

from formcheck.synth.clips import LABELLED, clip_set
from formcheck.synth.spec import ClipSpec
from formcheck.synth.spec_data import SETS_DIR, from_data, to_data


@pytest.mark.parametrize("name", LABELLED)
def test_a_labelled_set_reads_back_into_the_same_data(name):
    stored = json.loads((SETS_DIR / f"{name}.json").read_text())
    specs = clip_set(name)
    assert [to_data(spec) for spec in specs] == stored
    assert len({spec.name for spec in specs}) == len(specs)


@pytest.mark.parametrize("name", ("range", "train", "twist-range"))
def test_any_spec_survives_the_trip_through_data(name):
    for spec in clip_set(name)[:6]:
        assert from_data(ClipSpec, json.loads(json.dumps(to_data(spec)))) == spec


def test_a_named_body_is_stored_by_name_and_defaults_are_left_out():
    spec = next(spec for spec in clip_set("dev") if spec.body.name != ClipSpec("x", "hamstring").body.name)
    data = to_data(spec)
    assert data["body"] == spec.body.name and "fps" not in data
