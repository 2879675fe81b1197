"""The ``lying-train`` set: the lying hamstring and figure-4 stretches on random bodies, cameras, clothes, mats and
beds, for finding signals and limits that hold beyond the 8 dev clips of each (``lying-dev``); ``lying-heldout``
stays the set they are measured on.

Drawn from fixed seeds like the ``train`` and ``range`` sets (``training.py``), so it need not be stored: render it
with ``python -m formcheck.synth generate --set lying-train --out .cache/lying_train``. Each clip is a 14-s hold at
15 fps: lying still, getting into the position, then holding it; mistakes arrive with the position or later in the
hold (corrected or held), at the sizes the rules promise to find (from the mild limits up), and correct holds
include the deeper pull with the pelvis down that must not read as a mistake.
"""

from __future__ import annotations

import numpy as np

from formcheck.synth.looks import cam
from formcheck.synth.spec import ClipSpec
from formcheck.synth.timeline import Mistake, Settle
from formcheck.synth.training import FPS, _random_look, random_body

SEED = 61_000  # clip k uses SEED + k
SECONDS = 14.0
# What each clip holds, in turn: the figure-4's correct holds, lifts and rolls (either way), the hamstring's correct
# holds and curls.
TIMELINES = (
    ("lying-glute", "correct"), ("lying-glute", "low_back_lift"), ("lying-glute", "pelvis_roll"),
    ("lying-hamstring", "correct"), ("lying-hamstring", "pelvis_curl"), ("lying-glute", "correct_deepen"),
    ("lying-glute", "pelvis_roll"), ("lying-hamstring", "correct_deepen"), ("lying-hamstring", "pelvis_curl"),
    ("lying-glute", "low_back_lift"),
)
COUNT = 30
# Mild (from the documented limits) to clear.
SIZES = {"low_back_lift": (12.0, 26.0), "pelvis_curl": (12.0, 26.0), "pelvis_roll": (15.0, 30.0)}


def _mistake(r: np.random.Generator, name: str, settle: Settle) -> Mistake:
    """With the position (half of them) or 2–4 s into the hold; corrected after 3.5–4.5 s, or held (40 %)."""
    deg = float(r.uniform(*SIZES[name]))
    held = r.random() < 0.4
    if r.random() < 0.5:
        return Mistake.with_position(name, settle, 99.0 if held else float(r.uniform(10.0, 11.5)), deg=deg)
    onset = float(r.uniform(settle.hold_start + 2.0, settle.hold_start + 4.0))
    return Mistake(name, onset, 99.0 if held else onset + float(r.uniform(3.5, 4.5)), deg=deg)


def _params(r: np.random.Generator, stretch: str, timeline: str, settle: Settle) -> dict:
    """The posture, around the dev clips' ranges, on a mat or bed of a random colour."""
    if stretch == "lying-glute":
        params = {"draw_deg": float(r.uniform(84, 102))}
        if timeline == "pelvis_roll":
            params["roll_away"] = bool(r.random() < 0.5)  # away from the crossed knee, or towards it
    else:
        params = {"raise_deg": float(r.uniform(58, 82)), "knee_deg": float(r.uniform(5, 16)),
                  "floor_follow": float(r.uniform(0.4, 0.6)),
                  "grip": ("thigh", "calf", "strap")[int(r.integers(3))]}
        if r.random() < 0.3:
            params["floor_thigh_deg"] = float(r.uniform(30, 45))  # the other knee bent, its foot flat
    params["bed_color"] = [float(c) for c in r.uniform(0.15, 0.75, 3)]
    if timeline == "correct_deepen":
        onset = float(r.uniform(settle.hold_start + 2.0, settle.hold_start + 3.5))
        params["deepen"] = [float(r.uniform(10, 14)), onset, onset + float(r.uniform(3.0, 4.0))]
    return params


def lying_training_clips(count: int = COUNT) -> list[ClipSpec]:
    specs = []
    for k in range(count):
        seed = SEED + k
        r = np.random.default_rng(seed)
        stretch, timeline = TIMELINES[k % len(TIMELINES)]
        settle = Settle(start=float(r.uniform(1.5, 2.5)), duration=float(r.uniform(2.2, 3.0)))
        mistakes = [] if timeline.startswith("correct") else [_mistake(r, timeline, settle)]
        params = _params(r, stretch, timeline, settle)
        on_bed = r.random() < 0.35
        look = _random_look(r, seed)
        when = "" if not mistakes else "_withpos" if mistakes[0].onset < settle.hold_start else "_later"
        side, facing = "left" if r.random() < 0.5 else "right", "right" if r.random() < 0.5 else "left"
        yaw, height, fill, yfov = r.uniform(-15, 15), r.uniform(0.1, 0.8), r.uniform(0.65, 0.85), r.uniform(38, 60)
        body = random_body(r, f"lying_train_body_{k:04d}")
        bed_height = float(r.uniform(0.45, 0.6)) if on_bed else 0.02
        # As the camera guide asks, at floor or bed height or above: never below the top of the bed, whose side
        # would hide the body.
        if on_bed:
            height = bed_height + height - 0.1
        specs.append(ClipSpec(
            name=f"lt_{k:04d}_{stretch}_{timeline}{when}",
            stretch=stretch,
            split="lying-train",
            side=side,
            facing=facing,
            camera=cam(float(yaw), float(height), float(fill), float(yfov)),
            body=body,
            look=look,
            seed=seed,
            seconds=SECONDS,
            fps=FPS,
            settle=settle,
            mistakes=mistakes,
            params=params,
            bed_height=bed_height,
            notes="lying rule tuning clip (random body, camera, mat or bed)",
        ))
    return specs
