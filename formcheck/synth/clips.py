"""The clip sets by name. The labelled ones are data (``formcheck/synth/sets/<set>.json``, read by ``spec_data``):
``dev`` (tune on these), ``heldout`` (a second tuning set since the fresh one's first run) and ``heldout-fresh``
(run only at the end of a piece of work); ``variants-dev`` and ``variants-heldout`` hold the variants of the
routine's stretches (the seated hamstring stretch and the standing hip flexor lunge), tuned on and held out likewise,
and ``lying-dev`` and ``lying-heldout`` the lying hamstring and figure-4 stretches'. Held-out clips use other seeds,
bodies (``spec.BODIES``) and looks, so a checker tuned on the dev set can be measured honestly. The generated sets are
drawn by seeded code (``training.py``; the lying stretches' ``lying-train`` in ``lying_training.py``)."""

from __future__ import annotations

from formcheck.synth.lying_training import lying_training_clips
from formcheck.synth.spec import ClipSpec
from formcheck.synth.spec_data import load_set
from formcheck.synth.training import TWIST_SEEDS, range_clips, training_clips, twist_range_clips, variety_clips

LABELLED = ("dev", "heldout", "heldout-fresh", "variants-dev", "variants-heldout", "lying-dev", "lying-heldout")
GENERATED = {"train": training_clips, "variety": variety_clips, "lying-train": lying_training_clips,
             **{name: (lambda name=name: range_clips(name)) for name in ("range", "range-heldout", "range-live")},
             **{name: (lambda name=name: twist_range_clips(name)) for name in TWIST_SEEDS}}


def clip_set(name: str) -> list[ClipSpec]:
    if name in LABELLED:
        return load_set(name)
    if name in GENERATED:
        return GENERATED[name]()
    raise ValueError(f"unknown set {name!r} ({' | '.join((*LABELLED, *GENERATED))})")
