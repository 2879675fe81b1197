"""The fresh held-out set (heldout_fresh_videos/) is fresh: no body, seed or clip of any other set, and per outline
position the timelines the spent held-out set showed to be hard, beside a correct clip."""

from formcheck.synth.clips import clip_set

OTHER_SETS = ("dev", "heldout", "train", "variety", "range", "range-heldout", "range-live")


def test_no_body_seed_or_clip_is_shared_with_another_set():
    fresh = clip_set("heldout-fresh")
    others = [spec for name in OTHER_SETS for spec in clip_set(name)]
    assert not {spec.body.name for spec in fresh} & {spec.body.name for spec in others}
    assert not {spec.seed for spec in fresh} & {spec.seed for spec in others}
    assert not {spec.name for spec in fresh} & {spec.name for spec in others}


def test_each_outline_position_has_a_start_a_late_onset_a_correction_and_a_correct_clip():
    for stretch in ("hamstring", "hip-flexor", "glute"):
        specs = [spec for spec in clip_set("heldout-fresh") if spec.stretch == stretch]
        timelines = set()
        for spec in specs:
            for mistake in spec.mistakes:
                timelines.add("late" if mistake.offset >= spec.seconds and mistake.onset > spec.seconds / 2
                              else "kept" if mistake.offset >= spec.seconds else "corrected")
            if not spec.mistakes:
                timelines.add("correct")
        starts = [spec for spec in specs if any(m.onset < 3.0 for m in spec.mistakes)]
        assert starts and {"late", "corrected", "correct"} <= timelines, stretch
