"""`tools/observations.py --replay`, which produces the accuracy tables from cached pose observations, gives what
`formcheck eval` gives: the same events and scores on a sample of dev clips, one per outline position; and its
cache key covers every input of an observation."""

import sys

import pytest
from conftest import REPO, SAMPLE_DIR

from formcheck.evaluate import clip_rows, load_truth, score_clip, score_frames

sys.path.insert(0, str(REPO / "tools"))
import observations  # noqa: E402

CLIPS = ["ham_round_mod_R_side_avgman", "hf_arch11_late_06", "gl_twist18_03"]


@pytest.mark.slow
@pytest.mark.parametrize("name", CLIPS)
def test_the_replay_gives_what_formcheck_eval_gives(name):
    clip = SAMPLE_DIR / f"{name}.mp4"
    truth = load_truth(SAMPLE_DIR / f"{name}.truth.json")
    frames, events = observations.replay(clip, truth)
    replayed = score_frames(clip.name, truth, frames, events)
    evaluated = score_clip(clip, truth)  # what `formcheck eval` runs for each clip
    assert clip_rows([replayed]) == clip_rows([evaluated])
    assert replayed.lumbar_abs_errors == evaluated.lumbar_abs_errors
    assert any(replayed.matches.values()), "a clip whose mistake is found"


def test_the_cache_key_reads_every_module_behind_an_observation_and_none_of_the_judges():
    names = {path.name for path in observations.shaping_sources()}
    assert {"parallel.py", "pipeline.py", "pose.py", "metrics.py", "geometry.py", "filters.py", "video.py"} <= names
    assert not names & {"rules.py", "lumbar.py", "session.py", "positions.py"}


def test_the_cache_key_changes_with_each_input(tmp_path, monkeypatch):
    clip, other = (SAMPLE_DIR / f"{name}.mp4" for name in CLIPS[:2])
    key = observations.cache_key(clip, "hamstring", "full", 1)
    assert observations.cache_key(clip, "hamstring", "lite", 1) != key
    assert observations.cache_key(clip, "hamstring", "full", 2) != key
    assert observations.cache_key(clip, "bed-decompression", "full", 1) != key  # no segmentation mask
    assert observations.cache_key(other, "hamstring", "full", 1) != key
    with monkeypatch.context() as patch:
        patch.setattr(observations, "package_versions", lambda: {"mediapipe": "0.0"})
        assert observations.cache_key(clip, "hamstring", "full", 1) != key
    sources = [tmp_path / path.name for path in observations.shaping_sources()]
    for source, path in zip(sources, observations.shaping_sources()):
        source.write_bytes(path.read_bytes())
    monkeypatch.setattr(observations, "shaping_sources", lambda: sources)
    assert observations.cache_key(clip, "hamstring", "full", 1) == key
    geometry = tmp_path / "geometry.py"
    geometry.write_text(geometry.read_text() + "\n")
    assert observations.cache_key(clip, "hamstring", "full", 1) != key
