"""The labelled clip sets: ``dev`` (tune on these) and ``heldout`` (never tune on these).

Held-out clips use other seeds, other bodies (see ``spec.BODIES``) and other
looks, so a checker tuned on the dev set can be measured honestly.
"""

from __future__ import annotations

import numpy as np

from formcheck.synth.scene import Box, Camera, Look
from formcheck.synth.spec import BODIES, ClipSpec
from formcheck.synth.timeline import Mistake, Settle

SHIRTS = [
    (0.20, 0.35, 0.65),
    (0.70, 0.18, 0.16),
    (0.15, 0.45, 0.25),
    (0.85, 0.85, 0.82),
    (0.55, 0.35, 0.60),
    (0.90, 0.60, 0.15),
    (0.10, 0.10, 0.12),
    (0.30, 0.60, 0.70),
]
PANTS = [
    (0.15, 0.15, 0.18),
    (0.25, 0.30, 0.45),
    (0.40, 0.40, 0.42),
    (0.35, 0.25, 0.18),
    (0.10, 0.20, 0.35),
]
SKINS = [
    (0.80, 0.62, 0.50),
    (0.55, 0.38, 0.26),
    (0.92, 0.76, 0.66),
    (0.36, 0.24, 0.17),
    (0.70, 0.52, 0.38),
]
FLOORS = [
    (0.55, 0.50, 0.45),
    (0.45, 0.33, 0.22),
    (0.70, 0.70, 0.68),
    (0.35, 0.38, 0.42),
]
WALLS = [
    (0.85, 0.85, 0.82),
    (0.78, 0.82, 0.88),
    (0.88, 0.82, 0.70),
    (0.60, 0.62, 0.60),
    (0.92, 0.92, 0.92),
]


def make_look(seed: int, clutter: bool = False, dim: bool = False) -> Look:
    """A random but reproducible outfit, room and light."""
    r = np.random.default_rng(seed + 7777)

    def pick(seq):
        return tuple(float(x) for x in seq[int(r.integers(len(seq)))])

    look = Look(
        shirt=pick(SHIRTS),
        pants=pick(PANTS),
        skin=pick(SKINS),
        floor=pick(FLOORS),
        wall=pick(WALLS),
    )
    # keep the outfit readable: trousers clearly different from the shirt
    for cand in [look.pants] + PANTS:
        if np.abs(np.subtract(cand, look.shirt)).sum() > 0.45:
            look.pants = tuple(float(x) for x in cand)
            break
    look.light_intensity = float(r.uniform(1.4, 2.0) if dim else r.uniform(2.5, 4.0))
    look.ambient = float(r.uniform(0.15, 0.25) if dim else r.uniform(0.3, 0.45))
    look.light_dir = (
        float(r.uniform(-0.8, 0.8)),
        float(r.uniform(0.1, 0.9)) * -1.0,
        -1.0,
    )
    if r.random() < 0.4:
        look.shoes = pick([(0.9, 0.9, 0.9), (0.1, 0.1, 0.1), (0.6, 0.2, 0.2)])
    if clutter:
        look.clutter = _clutter(r)
    return look


def _clutter(r) -> list[Box]:
    """Furniture-like boxes behind and beside the person (never in front of them)."""
    boxes = []
    # a bookshelf, a table, a door frame, a picture, a plant pot + leaves, a chair
    x0 = float(r.uniform(-2.4, -1.4))
    boxes.append(Box((x0, 2.7, 0.9), (0.9, 0.35, 1.8), (0.45, 0.30, 0.18)))
    for k in range(4):
        boxes.append(
            Box(
                (x0 + float(r.uniform(-0.3, 0.3)), 2.5, 0.3 + 0.42 * k),
                (0.22, 0.05, 0.25),
                tuple(float(c) for c in r.uniform(0.1, 0.9, 3)),
            )
        )
    x1 = float(r.uniform(1.3, 2.3))
    boxes.append(Box((x1, 2.2, 0.37), (1.1, 0.6, 0.05), (0.50, 0.40, 0.30)))
    boxes.append(Box((x1 - 0.45, 2.2, 0.18), (0.05, 0.5, 0.36), (0.40, 0.30, 0.22)))
    boxes.append(Box((x1 + 0.45, 2.2, 0.18), (0.05, 0.5, 0.36), (0.40, 0.30, 0.22)))
    boxes.append(
        Box(
            (float(r.uniform(-0.8, 0.8)), 2.93, 1.6),
            (0.7, 0.03, 0.5),
            tuple(float(c) for c in r.uniform(0.2, 0.8, 3)),
        )
    )
    boxes.append(
        Box(
            (float(r.uniform(2.6, 3.2)), 2.9, 1.05),
            (0.95, 0.08, 2.1),
            (0.35, 0.28, 0.22),
        )
    )
    px = float(r.uniform(-3.2, -2.7))
    boxes.append(Box((px, 1.6, 0.18), (0.3, 0.3, 0.36), (0.55, 0.30, 0.20)))
    boxes.append(Box((px, 1.6, 0.65), (0.5, 0.45, 0.6), (0.20, 0.45, 0.20)))
    return boxes


def _view(yaw: float) -> str:
    a = abs(yaw)
    return "side" if a <= 25 else ("oblique" if a < 70 else "front")


def cam(yaw: float = 0.0, height: float = 1.0, fill: float = 0.8, yfov: float = 46.0) -> Camera:
    """``yfov``: vertical field of view (46 deg ~ a typical webcam; 35 = longer lens, 60 = wide phone lens)."""
    return Camera(_view(yaw), float(yaw), float(height), 0.0, fill=fill, yfov_deg=float(yfov))


def front_cam(height: float = 1.0, facing: str = "right") -> Camera:
    """Camera straight in front of the person (yaw +90 = towards their front)."""
    return Camera("front", 90.0, height, 0.0, fill=0.75)


def _m(name, on, off, sev="moderate", deg=None):
    return Mistake(name, float(on), float(off), sev, deg=deg)


def _from_start(name, off, sev="moderate", deg=None):
    """The mistake arrives with the position (the default settle) and is corrected at ``off`` s (held to the end
    when ``off`` is past the clip)."""
    return Mistake.with_position(name, Settle(), float(off), sev, deg=deg)


WARM = (1.0, 0.86, 0.70)  # a table lamp
COOL = (0.84, 0.92, 1.0)  # daylight from a window
WALLS_MORE = [(0.52, 0.42, 0.34), (0.30, 0.33, 0.38), (0.95, 0.93, 0.84), (0.62, 0.70, 0.58)]


def _varied(seed, clutter=False, dim=False, loose=0.0, loose_pants=0.0, light=None, wall=None) -> Look:
    """``make_look`` plus what the clips of issue 12 vary: loose clothes (m), the key light's colour, darker or
    coloured walls (an index into ``WALLS_MORE``)."""
    look = make_look(seed, clutter, dim)
    look.loose_m, look.loose_pants_m = float(loose), float(loose_pants)
    if light is not None:
        look.light_color = light
    if wall is not None:
        look.wall = WALLS_MORE[wall]
    return look


def _clip(
    name,
    stretch,
    split,
    seed,
    body,
    facing="right",
    side=None,
    camera=None,
    seconds=20.0,
    mistakes=(),
    params=None,
    clutter=False,
    dim=False,
    abstain=False,
    notes="",
    look=None,
):
    return ClipSpec(
        name=name,
        stretch=stretch,
        split=split,
        side=side,
        facing=facing,
        camera=camera or cam(),
        body=BODIES[body],
        look=look or make_look(seed, clutter, dim),
        seed=seed,
        seconds=seconds,
        mistakes=list(mistakes),
        params=dict(params or {}),
        expected_abstain=abstain,
        notes=notes,
    )


def dev_clips() -> list[ClipSpec]:
    S = "dev"
    c = []
    # -------- hamstring: standing hip hinge
    first = _clip(
        "ham_round_mod_R_side_avgman",
        "hamstring",
        S,
        101,
        "avg_man",
        "right",
        camera=cam(0, 1.0, 0.8),
        seconds=12,
        mistakes=[_m("rounding", 6.0, 9.5)],
        look=Look(),
        notes="first clip: upright 2 s, hinge, rounding mid-hold, corrected",
    )
    c.append(first)
    c += [
        _clip(
            "ham_round_gross_02",
            "hamstring",
            S,
            102,
            "small_woman",
            "left",
            camera=cam(20, 1.2),
            seconds=20,
            mistakes=[_m("rounding", 9.0, 14.5, "gross")],
        ),
        _clip(
            "ham_round_mild_03",
            "hamstring",
            S,
            103,
            "heavy_man",
            "right",
            camera=cam(-20, 0.9),
            seconds=20,
            mistakes=[_m("rounding", 8.5, 14.0, "mild")],
            clutter=True,
        ),
        _clip(
            "ham_correct_deep_04",
            "hamstring",
            S,
            104,
            "tall_woman",
            "left",
            camera=cam(0, 1.1),
            seconds=18,
            params={"hinge_deg": 100.0, "lumbar_deg": -2.0, "thoracic_deg": 4.0},
            notes="flexible person: deep flat-back hinge, correct throughout",
        ),
        _clip(
            "ham_correct_bentknee_05",
            "hamstring",
            S,
            105,
            "avg_man",
            "right",
            camera=cam(10, 1.0),
            seconds=18,
            params={"hinge_deg": 78.0, "knee_deg": 30.0},
            clutter=True,
            notes="hinge with bent knees, flat back, correct throughout",
        ),
        _clip(
            "ham_correct_06",
            "hamstring",
            S,
            106,
            "small_woman",
            "right",
            camera=cam(-10, 0.7),
            seconds=16,
            dim=True,
        ),
        _clip(
            "ham_round_twice_07",
            "hamstring",
            S,
            107,
            "heavy_man",
            "left",
            camera=cam(0, 1.3),
            seconds=26,
            mistakes=[_m("rounding", 8.0, 12.5), _m("rounding", 16.5, 22.0, "gross")],
        ),
        _clip(
            "ham_front_abstain_08",
            "hamstring",
            S,
            108,
            "avg_man",
            "right",
            camera=front_cam(1.0, "right"),
            seconds=16,
            mistakes=[_m("rounding", 8.5, 12.5)],
            abstain=True,
            notes="deliberately wrong view (camera in front): the app should abstain",
        ),
    ]
    # -------- hip flexor: half-kneeling lunge; side = the kneeling (stretched) leg
    c += [
        _clip(
            "hf_arch_mod_01",
            "hip-flexor",
            S,
            201,
            "avg_man",
            "right",
            side="left",
            camera=cam(0, 0.9),
            seconds=20,
            mistakes=[_m("arching", 9.0, 14.5)],
        ),
        _clip(
            "hf_arch_gross_02",
            "hip-flexor",
            S,
            202,
            "small_woman",
            "left",
            side="right",
            camera=cam(20, 1.0),
            seconds=20,
            mistakes=[_m("arching", 8.5, 13.5, "gross")],
            clutter=True,
        ),
        _clip(
            "hf_arch_mild_03",
            "hip-flexor",
            S,
            203,
            "tall_woman",
            "left",
            side="left",
            camera=cam(-20, 0.8),
            seconds=20,
            mistakes=[_m("arching", 9.5, 15.0, "mild")],
        ),
        _clip(
            "hf_correct_04",
            "hip-flexor",
            S,
            204,
            "heavy_man",
            "right",
            side="right",
            camera=cam(0, 1.0),
            seconds=18,
            params={"hip_ext_deg": 22.0},
        ),
        _clip(
            "hf_correct_05",
            "hip-flexor",
            S,
            205,
            "avg_man",
            "left",
            side="left",
            camera=cam(15, 1.2),
            seconds=18,
            clutter=True,
            dim=True,
        ),
        _clip(
            "hf_arch_mod_06",
            "hip-flexor",
            S,
            206,
            "heavy_man",
            "right",
            side="left",
            camera=cam(-10, 1.4),
            seconds=22,
            mistakes=[_m("arching", 8.0, 12.0), _m("arching", 15.5, 19.5, "gross")],
        ),
        _clip(
            "hf_front_abstain_07",
            "hip-flexor",
            S,
            207,
            "small_woman",
            "right",
            side="right",
            camera=front_cam(0.9, "right"),
            seconds=16,
            mistakes=[_m("arching", 8.5, 12.5)],
            abstain=True,
            notes="deliberately wrong view (camera in front): the app should abstain",
        ),
    ]
    # -------- glute: figure-4 on a box; side = the crossed leg
    c += [
        _clip(
            "gl_fwdbend_mod_01",
            "glute",
            S,
            301,
            "avg_man",
            "right",
            side="left",
            camera=cam(0, 1.0),
            seconds=20,
            mistakes=[_m("forward_bend", 9.0, 14.5)],
        ),
        _clip(
            "gl_twist_mod_02",
            "glute",
            S,
            302,
            "small_woman",
            "left",
            side="right",
            camera=cam(45, 1.1),
            seconds=20,
            mistakes=[_m("twist", 9.0, 14.5)],
            notes="45-degree oblique view (for the twist)",
        ),
        _clip(
            "gl_twist_gross_03",
            "glute",
            S,
            303,
            "heavy_man",
            "right",
            side="right",
            camera=cam(20, 1.0),
            seconds=20,
            mistakes=[_m("twist", 8.5, 14.0, "gross")],
            clutter=True,
        ),
        _clip(
            "gl_both_04",
            "glute",
            S,
            304,
            "tall_woman",
            "right",
            side="left",
            camera=cam(-30, 1.2),
            seconds=26,
            mistakes=[
                _m("forward_bend", 8.0, 12.5, "gross"),
                _m("twist", 16.0, 21.0, "mild"),
            ],
        ),
        _clip(
            "gl_correct_05",
            "glute",
            S,
            305,
            "avg_man",
            "left",
            side="left",
            camera=cam(-45, 1.0),
            seconds=18,
            clutter=True,
        ),
        _clip(
            "gl_correct_06",
            "glute",
            S,
            306,
            "heavy_man",
            "right",
            side="right",
            camera=cam(0, 0.9),
            seconds=18,
            params={"hinge_deg": 35.0},
            dim=True,
        ),
        _clip(
            "gl_fwdbend_mild_07",
            "glute",
            S,
            307,
            "tall_woman",
            "left",
            side="right",
            camera=cam(10, 1.1),
            seconds=20,
            mistakes=[_m("forward_bend", 9.0, 14.5, "mild")],
        ),
        # Twist-only holds filmed from behind the side (negative yaw): added after the held-out set showed
        # a twist read as a forward bend at -40 deg, a view the dev set did not cover.
        _clip(
            "gl_twist_mod_08",
            "glute",
            S,
            308,
            "avg_man",
            "right",
            side="left",
            camera=cam(-40, 1.0),
            seconds=20,
            mistakes=[_m("twist", 9.0, 14.5)],
            notes="oblique view from behind the side (-40 deg), twist only",
        ),
        _clip(
            "gl_twist_mod_09",
            "glute",
            S,
            309,
            "small_woman",
            "left",
            side="right",
            camera=cam(-50, 0.9),
            seconds=20,
            mistakes=[_m("twist", 8.5, 14.0)],
            clutter=True,
            notes="oblique view from behind the side (-50 deg), twist only",
        ),
        _clip(
            "gl_twist_gross_10",
            "glute",
            S,
            310,
            "heavy_man",
            "left",
            side="left",
            camera=cam(-35, 1.2),
            seconds=20,
            mistakes=[_m("twist", 9.5, 15.0, "gross")],
            notes="oblique view from behind the side (-35 deg), twist only",
        ),
    ]
    # -------- lying: camera about bed height from the side
    c += [
        _clip(
            "bed_gentle_01",
            "bed-decompression",
            S,
            401,
            "avg_man",
            "right",
            camera=cam(0, 0.75, 0.7),
            seconds=20,
        ),
        _clip(
            "bed_jerky_mod_02",
            "bed-decompression",
            S,
            402,
            "small_woman",
            "left",
            camera=cam(15, 0.7, 0.7),
            seconds=20,
            mistakes=[_m("jerky_pumping", 9.0, 14.5)],
            clutter=True,
        ),
        _clip(
            "bed_jerky_gross_03",
            "bed-decompression",
            S,
            403,
            "heavy_man",
            "right",
            camera=cam(-10, 0.8, 0.7),
            seconds=20,
            mistakes=[_m("jerky_pumping", 8.5, 14.0, "gross")],
        ),
        _clip(
            "towel_correct_01",
            "towel-decompression",
            S,
            501,
            "tall_woman",
            "right",
            camera=cam(0, 0.75, 0.75),
            seconds=18,
        ),
        _clip(
            "towel_overext_mod_02",
            "towel-decompression",
            S,
            502,
            "avg_man",
            "left",
            camera=cam(-15, 0.7, 0.75),
            seconds=20,
            mistakes=[_m("over_extension", 9.0, 14.5)],
            clutter=True,
        ),
        _clip(
            "towel_overext_gross_03",
            "towel-decompression",
            S,
            503,
            "small_woman",
            "right",
            camera=cam(10, 0.8, 0.75),
            seconds=20,
            mistakes=[_m("over_extension", 8.5, 13.5, "gross")],
        ),
        _clip(
            "towel_overext_mild_04",
            "towel-decompression",
            S,
            504,
            "heavy_man",
            "left",
            camera=cam(0, 0.7, 0.75),
            seconds=20,
            mistakes=[_m("over_extension", 9.5, 15.0, "mild")],
            dim=True,
        ),
    ]
    return c


def heldout_clips() -> list[ClipSpec]:
    S = "heldout"
    return [
        _clip(
            "ho_ham_round_mod_01",
            "hamstring",
            S,
            9101,
            "slim_tall_man",
            "left",
            camera=cam(-15, 1.1),
            seconds=20,
            mistakes=[_m("rounding", 9.0, 14.5)],
            clutter=True,
        ),
        _clip(
            "ho_ham_correct_deep_02",
            "hamstring",
            S,
            9102,
            "heavy_woman",
            "right",
            camera=cam(5, 1.0),
            seconds=18,
            params={"hinge_deg": 95.0, "knee_deg": 15.0, "lumbar_deg": -1.0},
        ),
        _clip(
            "ho_ham_round_gross_03",
            "hamstring",
            S,
            9103,
            "older_man",
            "right",
            camera=cam(15, 0.8),
            seconds=20,
            mistakes=[_m("rounding", 8.5, 13.5, "gross")],
            dim=True,
        ),
        _clip(
            "ho_hf_arch_mod_01",
            "hip-flexor",
            S,
            9201,
            "heavy_woman",
            "left",
            side="left",
            camera=cam(10, 1.0),
            seconds=20,
            mistakes=[_m("arching", 9.0, 14.5)],
        ),
        _clip(
            "ho_hf_correct_02",
            "hip-flexor",
            S,
            9202,
            "slim_tall_man",
            "right",
            side="right",
            camera=cam(-20, 1.2),
            seconds=18,
            clutter=True,
        ),
        _clip(
            "ho_gl_twist_mod_01",
            "glute",
            S,
            9301,
            "older_man",
            "right",
            side="left",
            camera=cam(-40, 1.0),
            seconds=20,
            mistakes=[_m("twist", 9.0, 14.5)],
        ),
        _clip(
            "ho_gl_fwdbend_gross_02",
            "glute",
            S,
            9302,
            "slim_tall_man",
            "left",
            side="left",
            camera=cam(0, 1.1),
            seconds=20,
            mistakes=[_m("forward_bend", 8.5, 14.0, "gross")],
            clutter=True,
        ),
        _clip(
            "ho_bed_jerky_mod_01",
            "bed-decompression",
            S,
            9401,
            "older_man",
            "left",
            camera=cam(5, 0.75, 0.7),
            seconds=20,
            mistakes=[_m("jerky_pumping", 9.0, 14.5)],
        ),
        _clip(
            "ho_towel_overext_mod_01",
            "towel-decompression",
            S,
            9501,
            "heavy_woman",
            "right",
            camera=cam(-10, 0.75, 0.75),
            seconds=20,
            mistakes=[_m("over_extension", 9.0, 14.5)],
        ),
        _clip(
            "ho_hf_front_abstain_03",
            "hip-flexor",
            S,
            9203,
            "older_man",
            "left",
            side="right",
            camera=front_cam(1.0, "left"),
            seconds=16,
            mistakes=[_m("arching", 8.5, 12.5)],
            abstain=True,
        ),
    ]


def dev_clips_issue12() -> list[ClipSpec]:
    """Issue 12: mistakes that arrive with the position (hold and mistake start together), mild and slumped
    variants, the correct movements they must not be confused with, two more bodies, loose clothes, camera
    heights from the floor up, wider and longer lenses."""
    S = "dev"
    return [
        _clip("ham_round35_start_01", "hamstring", S, 601, "big_young_man", "right", camera=cam(15, 1.0),
              seconds=14, mistakes=[_from_start("rounding", 11.0, deg=35.0)], look=_varied(601, loose=0.04),
              notes="hinges straight into a 35-deg rounded low back, holds it, straightens at 11 s; loose top"),
        _clip("ham_round15_start_02", "hamstring", S, 602, "older_woman", "left", camera=cam(-25, 0.5, 0.65, yfov=60),
              seconds=13, mistakes=[_from_start("rounding", 99.0, "mild", deg=15.0)],
              look=_varied(602, wall=1),
              notes="hinges straight into a mild 15-deg rounding and keeps it to the end; wide lens"),
        _clip("ham_round_shallow_03", "hamstring", S, 603, "avg_man", "right", camera=cam(0, 0.15, yfov=38),
              seconds=14, params={"hinge_deg": 52.0}, mistakes=[_from_start("rounding", 11.5, deg=28.0)],
              look=_varied(603, clutter=True, light=WARM),
              notes="shallow hinge (hip fold 40-60 deg) rounding 28 deg in the same movement; camera on the floor"),
        _clip("ham_correct_flexdeep_04", "hamstring", S, 604, "small_woman", "left", camera=cam(25, 1.2),
              seconds=13, params={"hinge_deg": 106.0, "lumbar_deg": -3.0, "thoracic_deg": 3.0,
                                  "deepen": [8.0, 7.0, 11.0]},
              look=_varied(604, loose=0.05),
              notes="flexible body: deep flat-back hinge, folds 8 deg further from the hips mid-hold; correct"),
        _clip("ham_round14_start_05", "hamstring", S, 605, "tall_woman", "right", camera=cam(-30, 0.1),
              seconds=14, mistakes=[_from_start("rounding", 11.0, "mild", deg=14.0)],
              look=_varied(605, loose=0.035, loose_pants=0.02, light=COOL),
              notes="mild 14-deg rounding from the start, straightens at 11 s; camera on the floor, loose clothes"),
        _clip("hf_arch11_start_01", "hip-flexor", S, 611, "big_young_man", "right", side="left",
              camera=cam(-15, 0.6), seconds=13, params={"arch_pelvis": 0.9},
              mistakes=[_from_start("arching", 99.0, "mild", deg=11.0)], look=_varied(611, loose=0.035),
              notes="kneels straight into a mild 11-deg arch with the trunk about upright, keeps it"),
        _clip("hf_arch_mod_start_02", "hip-flexor", S, 612, "older_woman", "left", side="right",
              camera=cam(20, 1.0, yfov=55), seconds=14, mistakes=[_from_start("arching", 11.0)],
              look=_varied(612, light=COOL, wall=2),
              notes="moderate arch from the start, corrected at 11 s"),
        _clip("hf_correct_glide_03", "hip-flexor", S, 613, "tall_woman", "right", side="right",
              camera=cam(0, 0.3), seconds=14, params={"deepen": [10.0, 7.0, 11.5]},
              look=_varied(613, clutter=True),
              notes="correct: the hips glide 10 deg further forward mid-hold, pelvis tucked"),
        _clip("hf_correct_hands_04", "hip-flexor", S, 614, "avg_man", "left", side="left",
              camera=cam(-25, 1.1, 0.9), seconds=13, params={"hands": "hips"},
              look=_varied(614, loose=0.04, loose_pants=0.02, wall=0),
              notes="correct, hands on the hips; loose clothes"),
        _clip("gl_fwdbend_start_01", "glute", S, 621, "older_woman", "right", side="left", camera=cam(10, 0.9),
              seconds=13, mistakes=[_from_start("forward_bend", 99.0, deg=25.0)], look=_varied(621),
              notes="bends 25 deg through the low back as she leans into the stretch, keeps it"),
        _clip("gl_slump_02", "glute", S, 622, "big_young_man", "left", side="right", camera=cam(0, 1.0),
              seconds=14, params={"bend_pelvis": 0.9, "bend_thoracic": 0.25},
              mistakes=[_m("forward_bend", 7.0, 11.0, deg=25.0)], look=_varied(622, loose=0.04),
              notes="low-back bend with the pelvis rolling back (slump): the shoulders hardly move forward"),
        _clip("gl_twist18_03", "glute", S, 623, "small_woman", "right", side="right", camera=cam(30, 1.1),
              seconds=14, mistakes=[_m("twist", 7.0, 11.0, "mild", deg=18.0)], look=_varied(623, light=WARM),
              notes="mild 18-deg twist mid-hold"),
        _clip("gl_correct_lean_04", "glute", S, 624, "older_woman", "left", side="left", camera=cam(-20, 0.7),
              seconds=14, params={"deepen": [14.0, 7.0, 11.0]}, look=_varied(624, clutter=True, light=WARM),
              notes="correct: leans 14 deg further forward from the hips mid-hold, back neutral"),
        _clip("gl_twist16_start_05", "glute", S, 625, "big_young_man", "right", side="left", camera=cam(25, 1.2, 0.7),
              seconds=13, mistakes=[_from_start("twist", 99.0, "mild", deg=16.0)],
              look=_varied(625, loose=0.03, wall=3),
              notes="sits into the stretch already twisted 16 deg, keeps it"),
        _clip("ham_correct_loose_06", "hamstring", S, 606, "older_woman", "right", camera=cam(-20, 1.2, 0.7),
              seconds=13, look=_varied(606, loose=0.05, loose_pants=0.03, light=COOL),
              notes="correct hinge in loose clothes (top up to 5 cm, trousers up to 3 cm off the skin)"),
        _clip("hf_arch11_late_06", "hip-flexor", S, 616, "tall_woman", "left", side="left",
              camera=cam(25, 0.9, yfov=50), seconds=14, params={"arch_pelvis": 0.9},
              mistakes=[_m("arching", 8.5, 99.0, "mild", deg=11.0)], look=_varied(616, light=WARM),
              notes="a mild 11-deg arch with the trunk about upright develops at 8.5 s and stays"),
    ]


def heldout_clips_issue12() -> list[ClipSpec]:
    """Issue 12, held out: other bodies and seeds, mild mistakes, a correct clip for every position, and other
    timelines (mistake from the start, late onset, two episodes)."""
    S = "heldout"
    return [
        _clip("ho_ham_round15_start_04", "hamstring", S, 9601, "stocky_woman", "right", camera=cam(20, 0.8),
              seconds=14, mistakes=[_from_start("rounding", 10.5, "mild", deg=15.0)],
              look=_varied(9601, loose=0.04), notes="mild rounding from the start, straightens at 10.5 s"),
        _clip("ho_ham_correct_flexdeep_05", "hamstring", S, 9602, "thin_old_man", "left", camera=cam(-10, 0.3),
              seconds=13, params={"hinge_deg": 100.0, "lumbar_deg": -2.0, "thoracic_deg": 4.0},
              look=_varied(9602, light=COOL), notes="deep flat-back hinge, correct"),
        _clip("ho_ham_round_late_06", "hamstring", S, 9603, "thin_old_man", "right", camera=cam(-15, 1.2, 0.65),
              seconds=16, mistakes=[_m("rounding", 11.5, 99.0, "mild", deg=18.0)],
              look=_varied(9603, clutter=True, light=WARM), notes="late onset: rounds 18 deg at 11.5 s, keeps it"),
        _clip("ho_hf_arch12_start_04", "hip-flexor", S, 9611, "thin_old_man", "left", side="right",
              camera=cam(-25, 1.0), seconds=13, params={"arch_pelvis": 0.85},
              mistakes=[_from_start("arching", 99.0, "mild", deg=12.0)], look=_varied(9611, loose=0.04),
              notes="kneels straight into a mild 12-deg arch, trunk about upright, keeps it"),
        _clip("ho_hf_correct_hands_glide_05", "hip-flexor", S, 9612, "stocky_woman", "right", side="left",
              camera=cam(15, 0.5, yfov=60), seconds=14, params={"hands": "hips", "deepen": [10.0, 7.0, 11.0]},
              look=_varied(9612, wall=1), notes="correct: hands on the hips, the hips glide forward mid-hold"),
        _clip("ho_gl_slump_start_03", "glute", S, 9621, "stocky_woman", "left", side="left", camera=cam(0, 1.0),
              seconds=14, params={"bend_pelvis": 0.9, "bend_thoracic": 0.25},
              mistakes=[_from_start("forward_bend", 10.5, deg=25.0)], look=_varied(9621, loose=0.045),
              notes="slumps (pelvis rolling back) as she sits into the stretch, straightens at 10.5 s"),
        _clip("ho_gl_twist17_twice_04", "glute", S, 9622, "thin_old_man", "right", side="right",
              camera=cam(30, 1.1, yfov=38), seconds=16,
              mistakes=[_m("twist", 6.5, 10.2, "mild", deg=17.0), _m("twist", 11.0, 14.7, "mild", deg=17.0)],
              look=_varied(9622, clutter=True), notes="two mild 17-deg twists"),
        _clip("ho_gl_correct_lean_05", "glute", S, 9623, "stocky_woman", "right", side="right",
              camera=cam(-20, 0.9), seconds=13, params={"deepen": [15.0, 6.5, 10.5]},
              look=_varied(9623, loose=0.03, light=WARM), notes="correct: leans further forward from the hips"),
    ]


def clip_set(name: str) -> list[ClipSpec]:
    if name == "dev":
        return dev_clips() + dev_clips_issue12()
    if name == "heldout":
        return heldout_clips() + heldout_clips_issue12()
    if name in ("train", "variety", "range", "range-heldout"):
        from formcheck.synth.training import range_clips, training_clips, variety_clips  # they use this module's looks

        return {"train": training_clips, "variety": variety_clips}.get(name, lambda: range_clips(name))()
    raise ValueError(f"unknown set {name!r} (dev | heldout | train | variety | range | range-heldout)")
