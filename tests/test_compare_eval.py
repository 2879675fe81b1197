"""tools/compare_eval.py: the check that judging fewer frames gives the same results as judging every frame."""

import importlib.util
from pathlib import Path

import pytest

TOOL = Path(__file__).parent.parent / "tools" / "compare_eval.py"
SPEC = importlib.util.spec_from_file_location("compare_eval", TOOL)
compare_eval = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(compare_eval)


def _run(matched=1, missed=0, false_alarms=0, flag=(1.5,), clear=(0.4,)):
    clip = {"clip": "a.mp4", "matched": {"arching": matched}, "missed": {"arching": missed},
            "false_alarms": {"arching": false_alarms}, "time_to_flag_s": {"arching": list(flag)},
            "time_to_clear_s": {"arching": list(clear)}}
    quiet = {"clip": "b.mp4", "matched": {"arching": 0}, "missed": {"arching": 0}, "false_alarms": {"arching": 0},
             "time_to_flag_s": {"arching": []}, "time_to_clear_s": {"arching": []}}
    return {"clips": [clip, quiet]}


@pytest.mark.parametrize("after, problem", [
    (_run(), None),
    (_run(flag=(1.6,), clear=(0.3,)), None),  # exactly 0.1 s is within the bar
    (_run(flag=(1.7,)), "time to flag changed by +0.200 s"),
    (_run(clear=(-1.1,)), "time to clear changed by -1.500 s"),
    (_run(matched=0, missed=1, false_alarms=1, flag=(), clear=()),
     "matched/missed/false alarms (1, 0, 0) → (0, 1, 1)"),
])
def test_compare_finds_what_breaks_the_bar(after, problem):
    rows, problems = compare_eval.compare(_run(), after)
    assert [row["clip"] for row in rows] == ["a.mp4"]  # a clip with nothing true and nothing flagged has no row
    assert problems == ([] if problem is None else [f"a.mp4 arching: {problem}"])


def test_a_clip_missing_from_one_run_is_a_problem():
    after = _run()
    after["clips"].pop()
    assert compare_eval.compare(_run(), after)[1] == ["b.mp4: only in the first run"]
