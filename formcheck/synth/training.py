"""Random-body clip sets: ``train`` (many short clips for fitting the lumbar model) and ``variety`` (full holds of
bodies, cameras and rooms no fit has seen, for checking the rules beyond the dev bodies).

Every clip is drawn from a fixed seed, so the set is the same on every machine and need not be stored: render it
with ``python -m formcheck.synth generate --set train --out .cache/lumbar_train``. Its bodies are random blends of
ANNY's shape controls (never the named dev or held-out bodies), its cameras cover the allowed placements (yaw ±30°
off profile, floor to 1.2 m, 35–60° lenses), and its low backs sweep from arched to rounded in and out of each
position, with the postures that must not be confused with a mistake (deep flat hinges, hips gliding forward,
hands on the hips, leaning further from the hips). The dev clips stay the set the rules are tuned on and the
held-out clips the set they are measured on.

The ``variety`` set (``--set variety``) is drawn the same way from other seeds, as 12-s holds judged like the dev
clips: mistakes of the sizes the rules promise to find (from the documented mild limits up), arriving with the
position, developing later or corrected, and about two clips in five correct. It is never fitted on, so its false
alarms and misses show what the dev bodies and cameras hide.

The ``range`` and ``range-heldout`` sets put the guided pelvic-tilt range step between arriving in the
position and the hold: each body tucks and tips by its own amount (some barely move, some overshoot), settles near
its middle or straight into a mild or clear mistake, and holds; some mistakes come later in the hold. ``range`` is
for tuning; ``range-heldout`` draws other bodies from other seeds and is only run to report.

The ``twist-range`` and ``twist-range-heldout`` sets do the same for the seated figure-4's twist: after arriving,
each body turns its shoulders gently towards the crossed knee by its own amount, back through the middle and the
other way, then settles near the middle, or straight into a mild or clear twist (towards the knee or away from it),
and holds; some twists come later in the hold. ``twist-range-oblique`` (tuning) and
``twist-range-oblique-heldout`` film other bodies from 30–45° towards the front.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from formcheck.synth.body import BodyShape
from formcheck.synth.looks import COOL, WALLS_MORE, WARM, cam, make_look
from formcheck.synth.scene import Look
from formcheck.synth.spec import ClipSpec
from formcheck.synth.timeline import Mistake, RangeStep, Settle, TwistStep

SEED = 12_000  # the set's first seed; clip k uses SEED + k
SECONDS = 7.0
FPS = 15  # holds change slowly; half the frames of a 30-fps clip are as informative and half the cost
VARIETY_SEED = 31_000
VARIETY_SECONDS = 12.0
# Training sweeps every size (the model must read small angles too); variety uses the sizes a rule promises to find:
# the mild limits (rounding 12–15°, arch 10–12°, twist 15–20°) up to gross.
TRAIN_SIZES = {"rounding": (6, 42), "arching": (5, 32), "forward_bend": (6, 38), "twist": (10, 30)}
VARIETY_SIZES = {"rounding": (12, 40), "arching": (10, 30), "forward_bend": (15, 38), "twist": (15, 30)}
STRETCHES = ("hamstring", "hip-flexor", "glute")


def random_body(r: np.random.Generator, name: str) -> BodyShape:
    """Adults of either sex, 1.5–1.95 m, slim to heavy, some with extra belly or buttocks."""
    return BodyShape(
        name,
        gender=float(r.uniform(0, 1)),
        age=float(r.uniform(0.68, 1.0)),
        muscle=float(r.uniform(0.25, 0.65)),
        weight=float(r.uniform(0.1, 1.0)),
        height=float(r.uniform(0.28, 0.55)),
        proportions=float(r.uniform(0.38, 0.62)),
        belly_m=float(r.uniform(0, 0.06)) if r.random() < 0.5 else 0.0,
        buttocks_m=float(r.uniform(0, 0.05)) if r.random() < 0.5 else 0.0,
    )


def _mistake(r: np.random.Generator, name: str, settle: Settle, sizes: dict, seconds: float) -> Mistake:
    """Either arrives with the position or develops during the hold, then may be corrected: the clip covers the
    person's neutral back and their mistake, at a random size. Times scale with the clip (7 s: corrected at 5–6.5 s,
    late onsets by 4.5 s)."""
    deg = float(r.uniform(*sizes[name]))
    scale = seconds / SECONDS
    off = float(r.uniform(5.0, 6.5)) * scale if r.random() < 0.4 else 99.0
    if r.random() < 0.5:
        return Mistake.with_position(name, settle, off, deg=deg)
    onset = float(r.uniform(settle.hold_start, 4.5 * scale))
    # A long clip gives a late mistake at least 3 s before it is corrected (a short one may cut it shorter).
    return Mistake(name, onset, max(off, onset + 3.0) if scale > 1 else off, deg=deg)


def _stretch_params(r: np.random.Generator, stretch: str, settle: Settle, sizes: dict, seconds: float,
                    mistake_share: float) -> tuple[dict, list[Mistake], str]:
    """Posture, mistakes and working side for one stretch (ranges around the routine's, wider than the dev clips)."""
    side = "left" if r.random() < 0.5 else "right"
    mistakes: list[Mistake] = []
    if stretch == "hamstring":
        params = {"hinge_deg": float(r.uniform(40, 110)), "knee_deg": float(r.uniform(0, 20)),
                  "lumbar_deg": float(r.uniform(-8, 3)), "thoracic_deg": float(r.uniform(2, 12)),
                  "round_pelvis": float(r.uniform(0.1, 0.5))}
        if r.random() < mistake_share:
            mistakes.append(_mistake(r, "rounding", settle, sizes, seconds))
        if r.random() < 0.2:
            params["deepen"] = [float(r.uniform(5, 12)), float(r.uniform(3.5, 4.5)), float(r.uniform(5.5, 6.5))]
        return params, mistakes, "both"
    if stretch == "hip-flexor":
        params = {"hip_ext_deg": float(r.uniform(10, 26)), "tuck_deg": float(r.uniform(-10, 0)),
                  "lumbar_deg": float(r.uniform(-4, 5)), "arch_pelvis": float(r.uniform(0.2, 1.0))}
        if r.random() < 0.25:
            params["hands"] = "hips"
        if r.random() < mistake_share:
            mistakes.append(_mistake(r, "arching", settle, sizes, seconds))
        elif r.random() < 0.5:
            params["deepen"] = [float(r.uniform(5, 12)), float(r.uniform(3.5, 4.5)), float(r.uniform(5.5, 6.5))]
        return params, mistakes, side
    params = {"hinge_deg": float(r.uniform(12, 42)), "lumbar_deg": float(r.uniform(-6, 3)),
              "bend_pelvis": float(r.uniform(0.1, 0.9)), "bend_thoracic": float(r.uniform(0.2, 0.6))}
    if r.random() < mistake_share:
        mistakes.append(_mistake(r, "forward_bend", settle, sizes, seconds))
    if r.random() < 0.25:
        mistakes.append(Mistake("twist", float(r.uniform(2.5, 4.5)), 99.0, deg=float(r.uniform(*sizes["twist"]))))
    return params, mistakes, side


def _random_look(r: np.random.Generator, seed: int) -> Look:
    """A random room and outfit, loose clothes on 40 % (the draws in the order every random set was made with)."""
    look = make_look(seed, clutter=r.random() < 0.3, dim=r.random() < 0.2)
    if r.random() < 0.4:
        look.loose_m = float(r.uniform(0.02, 0.05))
        look.loose_pants_m = float(r.uniform(0.0, 0.03))
    return look


def training_clips(count: int = 126) -> list[ClipSpec]:
    """``count`` clips, the three outline-judged stretches in turn."""
    return _random_clips("train", SEED, count, SECONDS, TRAIN_SIZES, mistake_share=0.75,
                         notes="lumbar-model training clip")


def variety_clips(count: int = 48) -> list[ClipSpec]:
    """``count`` 12-s holds of unseen bodies and cameras, the three outline-judged stretches in turn."""
    return _random_clips("variety", VARIETY_SEED, count, VARIETY_SECONDS, VARIETY_SIZES, mistake_share=0.6,
                         notes="rule check on unseen bodies (never fitted on)")


def _random_clips(split: str, first_seed: int, count: int, seconds: float, sizes: dict, mistake_share: float,
                  notes: str) -> list[ClipSpec]:
    specs = []
    for k in range(count):
        seed = first_seed + k
        r = np.random.default_rng(seed)
        stretch = STRETCHES[k % len(STRETCHES)]
        settle = Settle(start=float(r.uniform(0.3, 1.0)), duration=float(r.uniform(1.5, 2.5)), extra=0.3)
        params, mistakes, side = _stretch_params(r, stretch, settle, sizes, seconds, mistake_share)
        look = _random_look(r, seed)
        if r.random() < 0.3:
            look.light_color = WARM if r.random() < 0.5 else COOL
        if r.random() < 0.3:
            look.wall = WALLS_MORE[int(r.integers(len(WALLS_MORE)))]
        specs.append(ClipSpec(
            name=f"{split}_{k:04d}_{stretch}",
            stretch=stretch,
            split=split,
            side=None if side == "both" else side,
            facing="right" if r.random() < 0.5 else "left",
            camera=cam(float(r.uniform(-30, 30)), float(r.uniform(0.0, 1.2)), float(r.uniform(0.6, 0.85)),
                       float(r.uniform(35, 60))),
            body=random_body(r, f"{split}_body_{k:04d}"),
            look=look,
            seed=seed,
            seconds=seconds,
            fps=FPS,
            settle=settle,
            mistakes=mistakes,
            params=params,
            notes=notes,
        ))
    return specs


RANGE_SEEDS = {"range": 41_000, "range-heldout": 47_000, "range-live": 53_000}
# The set whose people follow the live page's prompts (formcheck.coaching.range_step), in the position it has one.
PROMPTED = {"range-live": "hamstring"}
RANGE_COUNT = {"range": 36, "range-heldout": 36, "range-live": 12}
RANGE_HOLD_S = 9.0
# Mild sizes from the same mild band (and the seated bend of 15°); clear ones well past every limit.
RANGE_SIZES = {"mild": {"rounding": (12, 15), "arching": (10, 12), "forward_bend": (15, 18)},
               "clear": {"rounding": (20, 30), "arching": (15, 25), "forward_bend": (25, 35)}}
SEVERITY = {"mild": "mild", "clear": "moderate"}  # the truth files' words for them
RANGE_MISTAKE = {"hamstring": "rounding", "hip-flexor": "arching", "glute": "forward_bend"}
RANGE_TIMELINES = ("correct", "mild_from_start", "clear_from_start", "correct", "mild_later", "clear_later")


def range_step(r: np.random.Generator, prompted: bool = False) -> RangeStep:
    """A person's own gentle range: most tilt 5–14° each way, one in six barely moves, one in six overshoots.
    ``prompted``: done as the live page prompts it — the tuck about a second after arriving (it is asked for at the
    first still moment), each move at the person's own pace, each end held until the next prompt."""
    kind = r.random()
    flex, ext = (r.uniform(1.5, 4), r.uniform(1.5, 4)) if kind < 1 / 6 else (
        (r.uniform(18, 28), r.uniform(14, 20)) if kind < 2 / 6 else (r.uniform(6, 14), r.uniform(5, 12)))
    step = RangeStep(float(flex), float(ext), settle_deg=float(r.uniform(-3, 3)),
                     pelvis_share=float(r.uniform(0.5, 0.9)))
    if prompted:
        step = replace(step, lead_s=float(r.uniform(0.8, 1.6)), move_s=float(r.uniform(0.8, 1.3)),
                       pause_s=float(r.uniform(0.9, 1.4)))
    return step


def _deepen_in_hold(params: dict, settle: Settle) -> None:
    """A correct move further into the stretch drawn for the hold: its times counted from the hold's start."""
    if "deepen" in params:
        deg, on, off = params["deepen"]
        params["deepen"] = [deg, on + settle.hold_start, off + settle.hold_start]


def _timed_mistake(r: np.random.Generator, name: str, timeline: str, deg: float, settle: Settle) -> Mistake:
    """The mistake of a ``severity_when`` timeline: made with the position, or 2–4 s into the hold."""
    severity, when = timeline.split("_", 1)
    if when == "from_start":
        return Mistake.with_position(name, settle, 99.0, SEVERITY[severity], deg=deg)
    onset = float(r.uniform(settle.hold_start + 2.0, settle.hold_start + 4.0))
    return Mistake(name, onset, 99.0, SEVERITY[severity], deg=deg)


def _step_clip(r: np.random.Generator, split: str, k: int, seed: int, stretch: str, side: str, timeline: str,
               yaw: tuple[float, float], settle: Settle, seconds: float, mistakes: list[Mistake], params: dict,
               notes: str) -> ClipSpec:
    """A clip of the range sets: a random body, look and camera (``yaw`` off the side), drawn in this order."""
    look = _random_look(r, seed)
    return ClipSpec(
        name=f"{split.replace('-', '_')}_{k:04d}_{stretch}_{timeline}",
        stretch=stretch,
        split=split,
        side=None if side == "both" else side,
        facing="right" if r.random() < 0.5 else "left",
        camera=cam(float(r.uniform(*yaw)), float(r.uniform(0.2, 1.2)), float(r.uniform(0.6, 0.85)),
                   float(r.uniform(38, 60))),
        body=random_body(r, f"{split}_body_{k:04d}"),
        look=look,
        seed=seed,
        seconds=round(seconds, 1),
        fps=FPS,
        settle=settle,
        mistakes=mistakes,
        params=params,
        notes=notes,
    )


def range_clips(split: str = "range") -> list[ClipSpec]:
    """Clips of the three outline-judged stretches (or the prompted one), each with the range step before its hold."""
    specs = []
    for k in range(RANGE_COUNT[split]):
        seed = RANGE_SEEDS[split] + k
        r = np.random.default_rng(seed)
        if split in PROMPTED:
            stretch, timeline = PROMPTED[split], RANGE_TIMELINES[k % len(RANGE_TIMELINES)]
        else:
            stretch = STRETCHES[k % len(STRETCHES)]
            timeline = RANGE_TIMELINES[(k // len(STRETCHES)) % len(RANGE_TIMELINES)]
        settle = Settle(start=float(r.uniform(0.3, 1.0)), duration=float(r.uniform(1.5, 2.5)), extra=0.3,
                        range=range_step(r, split in PROMPTED))
        seconds = settle.hold_start + RANGE_HOLD_S
        params, _, side = _stretch_params(r, stretch, settle, VARIETY_SIZES, seconds, mistake_share=0.0)
        _deepen_in_hold(params, settle)
        mistakes = []
        if timeline != "correct":
            name = RANGE_MISTAKE[stretch]
            deg = float(r.uniform(*RANGE_SIZES[timeline.split("_", 1)[0]][name]))
            mistakes.append(_timed_mistake(r, name, timeline, deg, settle))
        notes = f"range step (flex {settle.range.flex_deg:.0f}°, ext {settle.range.ext_deg:.0f}°), {timeline}"
        specs.append(_step_clip(r, split, k, seed, stretch, side, timeline, (-25, 25), settle, seconds, mistakes,
                                params, notes))
    return specs


TWIST_SEEDS = {"twist-range": 59_000, "twist-range-heldout": 61_000, "twist-range-oblique": 63_000,
               "twist-range-oblique-heldout": 65_000}
TWIST_COUNT = {"twist-range": 30, "twist-range-heldout": 24, "twist-range-oblique": 12,
               "twist-range-oblique-heldout": 12}
# Cameras off the side (+ towards the person's front): as the range sets, or (``twist-range-oblique``) well towards the
# front, where a turn each way should move the shoulders' apparent width in opposite directions.
TWIST_YAW = {"twist-range": (-25, 25), "twist-range-heldout": (-25, 25), "twist-range-oblique": (30, 45),
             "twist-range-oblique-heldout": (30, 45)}
# Mild from the documented band (15–20°), clear well past it.
TWIST_SIZES = {"mild": (15.0, 20.0), "clear": (25.0, 35.0)}
TWIST_TIMELINES = ("correct", "mild_from_start", "clear_from_start", "correct", "mild_later", "clear_later")


def twist_step(r: np.random.Generator) -> TwistStep:
    """A person's own gentle turn each way: most turn 8–25°, one in six barely turns (2–5°), one in six overshoots
    (28–38°); each way within a fifth of their amount, settling within 3° of their neutral."""
    kind = r.random()
    amount = r.uniform(2, 5) if kind < 1 / 6 else r.uniform(28, 38) if kind < 2 / 6 else r.uniform(8, 25)
    return TwistStep(float(amount * r.uniform(0.8, 1.2)), float(amount * r.uniform(0.8, 1.2)),
                     settle_deg=float(r.uniform(-3, 3)))


def twist_range_clips(split: str = "twist-range") -> list[ClipSpec]:
    """Seated figure-4 clips with the twist range step before the hold, correct or twisted (from the start or
    later)."""
    specs = []
    for k in range(TWIST_COUNT[split]):
        seed = TWIST_SEEDS[split] + k
        r = np.random.default_rng(seed)
        timeline = TWIST_TIMELINES[k % len(TWIST_TIMELINES)]
        settle = Settle(start=float(r.uniform(0.3, 1.0)), duration=float(r.uniform(1.5, 2.5)), extra=0.3,
                        twist=twist_step(r))
        seconds = settle.hold_start + RANGE_HOLD_S
        params, _, side = _stretch_params(r, "glute", settle, VARIETY_SIZES, seconds, mistake_share=0.0)
        _deepen_in_hold(params, settle)
        mistakes = []
        if timeline != "correct":
            deg = float(r.uniform(*TWIST_SIZES[timeline.split("_", 1)[0]]))
            if r.random() < 1 / 3:
                params["twist_away"] = True
            mistakes.append(_timed_mistake(r, "twist", timeline, deg, settle))
        step = settle.twist
        notes = f"twist range step (towards {step.toward_deg:.0f}°, away {step.away_deg:.0f}°), {timeline}"
        specs.append(_step_clip(r, split, k, seed, "glute", side, timeline, TWIST_YAW[split], settle, seconds,
                                mistakes, params, notes))
    return specs
