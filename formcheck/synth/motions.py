"""Scripted motions for each stretch of the routine.

Each motion is a function ``(poser, t, clip, ph) -> dict`` that configures the
:class:`~formcheck.synth.rig.Poser` for time ``t`` (body frame) and returns
scripted quantities (the mistake envelopes).  ``ph`` holds random phases from
the clip's seed (breathing, sway) so that the same seed gives the same motion.
The ground truth is *measured back from the posed rig* (truth.py), not copied
from these scripted numbers.
"""

from __future__ import annotations

import numpy as np

from formcheck.synth.body import rot_x, rot_y
from formcheck.synth.rig import BACK, FORWARD, UP, Poser, spine_rotations
from formcheck.synth.timeline import Episode, breathing, sway

OTHER = {"L": "R", "R": "L"}


def _mistake(clip, name: str, t: float) -> float:
    """Scripted deviation for mistake ``name`` at ``t`` (amplitude x envelope, max over intervals)."""
    vals = [m.amplitude * m.envelope(t) for m in clip.mistakes if m.name == name]
    return max(vals) if vals else 0.0


def _deepen(prm: dict, t: float) -> float:
    """A correct deepening of the stretch during the hold (``params["deepen"] = [deg, onset_s, offset_s]``):
    further hinge or lean from the hips, or the hips gliding further forward in the lunge."""
    return Episode(*prm["deepen"])(t) if "deepen" in prm else 0.0


def _range_pelvis(clip, range_deg: float) -> float:
    """How far the pelvis tips back (+) for the range step's ``range_deg`` of lumbar flexion."""
    return clip.settle.range.pelvis_share * range_deg if clip.settle.range else 0.0


def _env(clip, name: str, t: float) -> float:
    vals = [m.envelope(t) for m in clip.mistakes if m.name == name]
    return max(vals) if vals else 0.0


def _hang_arms(
    p: Poser,
    reach_fwd: float = 0.0,
    lateral: float = 0.05,
    bend: float = 0.93,
    toward=None,
    w=0.0,
):
    """Arms hang under the shoulders (gravity), optionally reaching towards ``toward``."""
    for s in "LR":
        sx = 1.0 if s == "L" else -1.0
        sh = p.shoulder(s)
        l1, l2 = p.arm[s]
        tgt = sh + np.array([sx * lateral, -reach_fwd, -(l1 + l2) * bend])
        if toward is not None and w > 0:
            tgt = (1 - w) * tgt + w * (np.asarray(toward[s]))
        tgt[2] = max(tgt[2], 0.06)
        p.place_arm(s, tgt, BACK + np.array([sx * 0.4, 0, 0]))


# ------------------------------------------------------------------ hamstring


def hamstring(p: Poser, t: float, clip, ph) -> dict:
    """Standing hip hinge, both legs straight-ish; mistake: rounding the low back."""
    prm = clip.params
    s = clip.settle(t)
    hinge = prm.get("hinge_deg", 72.0)
    knee = prm.get("knee_deg", 6.0)
    rnd = _mistake(clip, "rounding", t)
    br = breathing(t, ph[0]) * s
    sw = sway(t, ph[1:3])
    # rounding: the low back flexes, the pelvis gives a little back (posterior tilt), the
    # upper back follows and the hands reach down towards the toes
    rs = clip.settle.range_deg(t)  # the guided tuck / tip: mostly the pelvis turning under a still trunk
    tilt = s * hinge - prm.get("round_pelvis", 0.30) * rnd + 1.0 * br + 0.8 * sw * s - _range_pelvis(clip, rs)
    if "deepen" in prm:
        tilt += _deepen(prm, t)
    lumbar = s * prm.get("lumbar_deg", -3.0) + rnd + rs
    thor = s * prm.get("thoracic_deg", 6.0) + 0.45 * rnd + 0.8 * br
    p.local.update(spine_rotations(lumbar, thor, neck_flex=s * 8.0 - 0.2 * rnd))
    l1, l2 = p.leg["L"]
    k = np.deg2rad(s * knee + 2.0)
    reach = np.sqrt(l1 * l1 + l2 * l2 + 2 * l1 * l2 * np.cos(k))
    back = (
        0.17 * np.sin(np.deg2rad(max(tilt, 0.0))) + 0.25 * l1 * np.sin(k) + 0.004 * sw
    )
    hip_z = p.ankle_height + np.sqrt(max(reach**2 - back**2, 0.01))
    p.set_pelvis(rot_x(tilt), np.array([0.0, back, hip_z]))
    feet = {}
    for sd in "LR":
        sx = 1.0 if sd == "L" else -1.0
        ank = np.array([sx * 0.115, 0.0, p.ankle_height])
        p.place_leg(sd, ank, FORWARD + 0.05 * UP)
        feet[sd] = ank + np.array([0.0, -0.16, 0.02])
    w = _env(clip, "rounding", t) * 0.7
    _hang_arms(p, reach_fwd=0.03 * s, toward=feet, w=w)
    return {}


# ------------------------------------------------------------------ hip flexor


def hip_flexor(p: Poser, t: float, clip, ph) -> dict:
    """Half-kneeling lunge.  ``clip.side`` is the working (back, kneeling) leg.

    Starts tall-kneeling on the back knee (front foot already forward), then shifts
    the pelvis forward with a tucked pelvis.  Mistake: arching — the pelvis tips
    forward, the low back extends and the trunk leans back.
    """
    prm = clip.params
    s = clip.settle(t)
    back_leg = "L" if clip.side == "left" else "R"
    front_leg = OTHER[back_leg]
    arch = _mistake(clip, "arching", t)
    br = breathing(t, ph[0])
    sw = sway(t, ph[1:3])
    l1, l2 = p.leg[back_leg]
    knee_h = 0.065  # knee joint centre above the floor when kneeling
    ext = (
        s * prm.get("hip_ext_deg", 18.0) + 4.0 + 1.0 * sw
    )  # back thigh behind vertical (world)
    if "deepen" in prm:  # the hips glide forward: the back thigh extends further
        ext += _deepen(prm, t)
    # arching: pelvis tips forward, lumbar extends, trunk leans back (less when "arch_pelvis" is near 1:
    # the pelvis tips as much as the low back extends and the trunk stays about upright)
    rs = clip.settle.range_deg(t)
    tilt = s * prm.get("tuck_deg", -6.0) + prm.get("arch_pelvis", 0.40) * arch + 0.6 * br - _range_pelvis(clip, rs)
    lumbar = s * prm.get("lumbar_deg", 0.0) - arch + rs
    thor = -0.15 * arch + 0.6 * br
    p.local.update(spine_rotations(lumbar, thor, neck_flex=0.2 * arch))
    bx = 1.0 if back_leg == "L" else -1.0
    knee_y = 0.12  # back knee position (body frame)
    hip_y = knee_y - l1 * np.sin(np.deg2rad(ext))
    hip_z = knee_h + l1 * np.cos(np.deg2rad(ext))
    p.set_pelvis(rot_x(tilt), np.array([0.0, hip_y, hip_z]))
    # back leg: thigh down to the knee on the floor, shin flat on the floor behind
    knee = np.array([bx * 0.11, knee_y, knee_h])
    ankle = knee + np.array([0.0, l2 * 0.995, 0.01])
    hip = p.pos(p.fk(), f"upperleg01.{back_leg}")
    # aim the chain so that the knee lands on ``knee``: target straight through with the
    # pole pushing the knee to where we want it
    pole = knee - (hip + ankle) / 2
    p.place_leg(back_leg, ankle, pole, foot_R=rot_x(172))
    # front leg: foot flat ahead, shin about vertical
    fx = -bx
    l1f = p.leg[front_leg][0]
    front_ank = np.array(
        [fx * 0.14, knee_y - 0.95 * (l1f + 0.12) - 0.02, p.ankle_height]
    )
    p.place_leg(front_leg, front_ank, FORWARD + 0.8 * UP)
    if prm.get("hands") == "hips":
        _hands_on_hips(p)
        return {}
    # hands rest on the front thigh near the knee
    posed = p.fk()
    fk_ = p.pos(posed, f"lowerleg01.{front_leg}")
    fh = p.pos(posed, f"upperleg01.{front_leg}")
    for sd in "LR":
        sx = 1.0 if sd == "L" else -1.0
        tgt = fh + 0.72 * (fk_ - fh) + np.array([sx * 0.045, 0.02, 0.075])
        p.place_arm(sd, tgt, BACK + np.array([sx * 0.6, 0, 0]) - 0.3 * UP)
    return {}


def _hands_on_hips(p: Poser) -> None:
    """Hands on the iliac crests, elbows out to the sides and a little back."""
    posed = p.fk()
    for sd in "LR":
        sx = 1.0 if sd == "L" else -1.0
        crest = p.pos(posed, f"upperleg01.{sd}") + p.root_R @ np.array([sx * 0.075, 0.015, 0.10])
        p.place_arm(sd, crest, np.array([sx * 1.0, 0.5, 0.0]))


# ------------------------------------------------------------------ standing hip flexor (split-stance lunge)


def standing_lunge(p: Poser, t: float, clip, ph) -> dict:
    """Standing split-stance lunge, the hip-flexor stretch for people who cannot kneel.  ``clip.side`` is the working
    (back) leg.

    Starts standing tall in a long split stance (``stance`` leg lengths between the ankles), the back heel up and
    both knees nearly straight, the hips between the feet; then the hips glide forward and down with the pelvis
    tucked: the back leg, nearly straight, tips to ``hip_ext_deg`` behind vertical and the front knee bends over
    the front foot.  Mistake ``arching``: as in the half-kneeling lunge, the pelvis tips forward (``arch_pelvis`` of
    the arch), the low back extends and the trunk leans back.
    """
    prm = clip.params
    s = clip.settle(t)
    back_leg = "L" if clip.side == "left" else "R"
    front_leg = OTHER[back_leg]
    arch = _mistake(clip, "arching", t)
    br = breathing(t, ph[0])
    sw = sway(t, ph[1:3])
    rs = clip.settle.range_deg(t)
    tilt = s * prm.get("tuck_deg", -6.0) + prm.get("arch_pelvis", 0.40) * arch + 0.6 * br - _range_pelvis(clip, rs)
    lumbar = s * prm.get("lumbar_deg", 0.0) - arch + rs
    thor = -0.15 * arch + 0.6 * br
    p.local.update(spine_rotations(lumbar, thor, neck_flex=0.2 * arch))
    lb1, lb2 = p.leg[back_leg]
    lf1, lf2 = p.leg[front_leg]
    # the back foot on its ball, heel up: its ankle sits higher than a flat foot's
    back_ank = np.array([0.0, 0.45, p.ankle_height + prm.get("heel_m", 0.07)])
    front_ank = np.array([0.0, back_ank[1] - prm.get("stance", 1.1) * (lb1 + lb2), p.ankle_height])
    reach_b = 0.998 * (lb1 + lb2)  # the back knee stays nearly straight (about 7°)
    reach_f = 0.99 * (lf1 + lf2)  # the front knee soft when standing tall (about 16°)

    def hips(ext_deg: float) -> np.ndarray:
        """The hip joints' midpoint with the back leg ``ext_deg`` behind vertical."""
        e = np.deg2rad(ext_deg)
        return back_ank + reach_b * np.array([0.0, -np.sin(e), np.cos(e)])

    # standing tall: the back leg as upright as the front leg's length lets it be (both legs nearly straight)
    low, high = 0.0, 80.0
    for _ in range(20):
        mid = (low + high) / 2
        low, high = (low, mid) if np.linalg.norm(hips(mid) - front_ank) <= reach_f else (mid, high)
    # … then the hips glide forward and down to ``hip_ext_deg``, further with a correct deepening, a little with sway
    ext = high + s * (prm.get("hip_ext_deg", 45.0) - high) + 0.8 * sw + _deepen(prm, t)
    _, hip_y, hip_z = hips(ext)
    p.set_pelvis(rot_x(tilt), np.array([0.0, hip_y, hip_z]))
    bx = 1.0 if back_leg == "L" else -1.0
    p.place_leg(back_leg, back_ank + np.array([bx * 0.11, 0.0, 0.0]), FORWARD + 0.3 * UP, foot_R=rot_x(35.0))
    p.place_leg(front_leg, front_ank + np.array([-bx * 0.12, 0.0, 0.0]), FORWARD + 0.5 * UP)
    if prm.get("hands") == "hips":
        _hands_on_hips(p)
    else:
        _hang_arms(p, reach_fwd=0.02, lateral=0.08)
    return {}


# ------------------------------------------------------------------ glute (figure-4 on a box)


def glute(p: Poser, t: float, clip, ph) -> dict:
    """Figure-4 seated on a box.  ``clip.side`` is the crossed (working) leg.

    Starts sitting tall with the ankle already on the other knee, then hinges
    forward from the hips with a neutral back.  Mistakes: ``twist`` (thorax turns
    against the pelvis) and ``forward_bend`` (bending through the low back instead
    of the hips).
    """
    prm = clip.params
    s = clip.settle(t)
    work = "L" if clip.side == "left" else "R"
    stand = OTHER[work]
    fb = _mistake(clip, "forward_bend", t)
    tw = _mistake(clip, "twist", t)
    br = breathing(t, ph[0])
    seat = clip.seat_height
    # hinge at the hips; when bending through the back the pelvis tilts a bit less ("bend_pelvis" near 1:
    # the pelvis rolls back as far as the low back bends, a slump that hardly moves the shoulders forward)
    rs = clip.settle.range_deg(t)
    tilt = s * prm.get("hinge_deg", 28.0) - 3.0 - prm.get("bend_pelvis", 0.25) * fb + 0.5 * br - _range_pelvis(clip, rs)
    if "deepen" in prm:  # leaning further forward from the hips
        tilt += _deepen(prm, t)
    lumbar = s * prm.get("lumbar_deg", -2.0) + fb + rs
    thor = 3.0 + prm.get("bend_thoracic", 0.4) * fb + 0.6 * br
    sgn = 1.0 if work == "L" else -1.0  # twist turns the chest towards the crossed knee
    if prm.get("twist_away"):  # … or, held that way, away from it
        tw = -tw
    tw += clip.settle.twist_deg(t)  # the guided turn each way (towards the crossed knee first)
    p.local.update(spine_rotations(lumbar, thor, twist=sgn * tw, neck_flex=0.15 * fb))
    hip_z = seat + p.seat_offset
    p.set_pelvis(rot_x(tilt), np.array([0.0, 0.02, hip_z]))
    l1 = p.leg[stand][0]
    sx = 1.0 if stand == "L" else -1.0
    ank = np.array([sx * 0.13, -l1 * 0.98, p.ankle_height])
    p.place_leg(stand, ank, FORWARD + UP)
    # crossed leg: ankle resting on top of the other thigh just behind the knee
    wx = -sx
    posed = p.fk()
    knee_st = p.pos(posed, f"lowerleg01.{stand}")
    tgt = knee_st + np.array([wx * 0.02, 0.06, 0.10])
    pole = np.array([wx * 1.0, -0.35, 0.45])
    knee_w, ank_w = p.place_leg(work, tgt, pole, foot_R=rot_y(-sgn * 70) @ rot_x(20))
    # hands: one on the crossed knee, one on the crossed ankle
    targets = {
        work: knee_w + np.array([0.0, 0.0, 0.07]),
        stand: ank_w + np.array([0.0, 0.0, 0.06]),
    }
    for sd in "LR":
        dx = 1.0 if sd == "L" else -1.0
        p.place_arm(sd, targets[sd], BACK + np.array([dx * 0.8, 0, 0]) - 0.2 * UP)
    return {}


# ------------------------------------------------------------------ seated hamstring (long sitting)


def seated_hamstring(p: Poser, t: float, clip, ph) -> dict:
    """Long sitting on a mat or a bed, both legs out straight, hinging forward towards the toes.

    Starts sitting tall, then tips the pelvis forward (the hinge, ``hinge_deg``: how far the hamstrings let it) with
    a long low back, the hands sliding down the legs. Mistake ``rounding``: the low back flexes, the pelvis rolls back
    a little (``round_pelvis`` of it), the upper back follows and the hands reach on towards the toes.
    """
    prm = clip.params
    s = clip.settle(t)
    rnd = _mistake(clip, "rounding", t)
    br = breathing(t, ph[0])
    sw = sway(t, ph[1:3])
    rs = clip.settle.range_deg(t)
    tilt = (prm.get("sit_deg", -2.0) + s * prm.get("hinge_deg", 30.0) - prm.get("round_pelvis", 0.30) * rnd
            + 0.6 * br * s + 0.5 * sw * s - _range_pelvis(clip, rs) + _deepen(prm, t))
    lumbar = prm.get("lumbar_deg", -3.0) + rnd + rs
    thor = 4.0 + s * 2.0 + prm.get("round_thoracic", 0.45) * rnd + 0.6 * br
    p.local.update(spine_rotations(lumbar, thor, neck_flex=5.0 + 0.25 * rnd))
    seat = clip.seat_height
    hip_z = seat + p.seat_offset
    p.set_pelvis(rot_x(tilt), np.array([0.0, 0.0, hip_z]))
    knee = np.deg2rad(prm.get("knee_deg", 5.0))
    ankles = {}
    for sd in "LR":
        sx = 1.0 if sd == "L" else -1.0
        l1, l2 = p.leg[sd]
        reach = np.sqrt(l1 * l1 + l2 * l2 + 2 * l1 * l2 * np.cos(knee))
        # the calf and heel rest on the mat: with the toes up, the heel reaches about as far below the ankle joint
        # as the buttocks below the hip joint (the body's own seat offset)
        ank_z = seat + prm.get("heel_m", 0.9 * p.seat_offset)
        dz = hip_z - ank_z
        ank = np.array([sx * 0.12, -np.sqrt(max(reach**2 - dz**2, 0.01)), ank_z])
        p.place_leg(sd, ank, UP + 0.1 * FORWARD, foot_R=rot_x(-75.0))
        ankles[sd] = ank
    # the hands rest on the legs, sliding towards the feet as the trunk folds, further when rounding
    share = 0.35 + 0.25 * s + prm.get("reach_share", 0.012) * rnd
    for sd in "LR":
        sx = 1.0 if sd == "L" else -1.0
        hip = np.array([sx * 0.10, 0.0, hip_z])
        tgt = hip + share * (ankles[sd] - hip) + np.array([0.0, 0.0, 0.09])
        p.place_arm(sd, tgt, BACK + np.array([sx * 0.8, 0, 0]) - 0.3 * UP)
    return {}


# ------------------------------------------------------------------ lying positions

SUPINE = rot_x(-90.0)  # body frame: lying on the back, head towards +Y


def _pump_wave(t: float, freq: float, jerky: float) -> float:
    """-1..1 pumping wave; ``jerky`` 0..1 blends a smooth sine into a sharp, square-ish one."""
    x = np.sin(2 * np.pi * freq * t)
    sharp = np.tanh(5.0 * x) / np.tanh(5.0)
    return float((1 - jerky) * x + jerky * sharp)


def bed_decompression(p: Poser, t: float, clip, ph) -> dict:
    """Lying on the back across a bed, knees at the edge, lower legs hanging down.

    Gentle rhythmic pumping: small rocking of the pelvis (posterior tilt) with the
    lower legs swinging a little.  Mistake ``jerky_pumping``: the rocking becomes
    large (x2..x4) and jerky (sharp reversals, faster).
    """
    prm = clip.params
    s = clip.settle(t)
    H = clip.bed_height
    env = _env(clip, "jerky_pumping", t)
    mult = 1.0 + _mistake(clip, "jerky_pumping", t) - env  # = 1 + (A - 1) * envelope
    freq = prm.get("pump_hz", 0.45) * (1.0 + 0.9 * env)
    wave = _pump_wave(t - clip.settle.hold_start, freq, env) * s
    amp = prm.get("pump_deg", 3.0) * mult  # pelvis rocking amplitude, deg
    tilt = -amp * (0.5 + 0.5 * wave)  # posterior tilt only (0..-amp)
    lift = 0.004 * amp * (0.5 + 0.5 * wave)
    slide = (
        0.006 * amp * wave
    )  # the whole body rocks along the bed (towards the head = +)
    br = breathing(t, ph[0])
    p.local.update(spine_rotations(-4.0 - 0.25 * tilt, 0.5 * br, neck_flex=12.0))
    hip_z = H + p.lie_offset + lift
    p.set_pelvis(SUPINE @ rot_x(tilt), np.array([0.0, slide, hip_z]))
    posed = p.fk()
    for sd in "LR":
        sx = 1.0 if sd == "L" else -1.0
        l1, l2 = p.leg[sd]
        hip = p.pos(posed, f"upperleg01.{sd}")
        knee = np.array([sx * 0.12, hip[1] - l1 * 0.99, H + 0.055])
        swing = np.deg2rad(
            -6.0 * s + 1.5 * amp * wave
        )  # lower legs hang, swinging with the pumping
        ankle = knee + l2 * np.array([0.0, -np.sin(swing), -np.cos(swing)])
        p.place_leg(sd, ankle, knee - (hip + ankle) / 2, foot_R=rot_x(-25))
    _rest_arms_beside_body(p, H)
    return {}


def _rest_arms_beside_body(p: Poser, surface_h: float) -> None:
    """Lying positions: both arms rest on the surface beside the body."""
    for sd in "LR":
        sx = 1.0 if sd == "L" else -1.0
        sh = p.shoulder(sd)
        tgt = np.array([sx * 0.30, sh[1] - 0.45, surface_h + 0.05])
        p.place_arm(sd, tgt, np.array([sx, 0.0, 0.4]))


def bed_props(p: Poser, clip):
    from formcheck.synth.scene import Box

    l1 = p.leg["L"][0]
    H = clip.bed_height
    edge = -l1 * 0.86  # the foot end of the bed, under the back of the knees
    length = 1.95
    return [
        Box(
            (0.0, edge + length / 2, H / 2),
            (0.95, length, H),
            clip.params.get("bed_color", (0.55, 0.58, 0.70)),
            away=0.25,
        )
    ]


def towel_decompression(p: Poser, t: float, clip, ph) -> dict:
    """Lying on the back on a bed, knees bent, a rolled towel under the low back.

    Starts with the legs straight and bends the knees up (settle).  Correct hold: the
    towel supports a mild lordosis, pelvis resting.  Mistake ``over_extension``: the
    pelvis lifts off (5..12 cm) and the low back arches over the roll.
    """
    prm = clip.params
    s = clip.settle(t)
    H = clip.bed_height
    lift = _mistake(clip, "over_extension", t)
    br = breathing(t, ph[0])
    trunk_len = 0.45
    ang = np.degrees(np.arcsin(min(lift / trunk_len, 0.9)))
    lordosis = prm.get("towel_lordosis_deg", -7.0)
    lumbar = lordosis - 1.3 * ang
    tilt = 0.5 * -lordosis + ang  # pelvis tips (anterior) as the hips rise
    p.local.update(spine_rotations(lumbar, -0.5 * ang + 0.6 * br, neck_flex=10.0))
    hip_z = H + p.lie_offset + 0.012 + lift
    p.set_pelvis(SUPINE @ rot_x(tilt), np.array([0.0, 0.0, hip_z]))
    posed = p.fk()
    for sd in "LR":
        sx = 1.0 if sd == "L" else -1.0
        l1, l2 = p.leg[sd]
        hip = p.pos(posed, f"upperleg01.{sd}")
        hip0 = np.array([hip[0], 0.0, H + p.lie_offset])
        straight = hip0 + np.array(
            [sx * 0.03, -(l1 + l2) * 0.98, -p.lie_offset + p.ankle_height * 0.6]
        )
        hooked = hip0 + np.array(
            [sx * 0.05, -(l1 + l2) * 0.62, -p.lie_offset + p.ankle_height]
        )
        ank = (1 - s) * straight + s * hooked
        p.place_leg(sd, ank, np.array([0, -0.3, 1.0]), foot_R=rot_x(-10 * (1 - s)))
    _rest_arms_beside_body(p, H)
    return {}


def towel_props(p: Poser, clip):
    from formcheck.synth.scene import Box

    H = clip.bed_height
    b = p.b
    # the roll sits under the lumbar spine (between spine05 and spine03, rest lengths)
    y = float(
        np.mean([b.head(n)[2] - p.hip_mid_rest[2] for n in ("spine04", "spine03")])
    )
    towel = Box(
        (0.0, y, H + 0.03),
        (0.5, 0.12, 0.06),
        clip.params.get("towel_color", (0.85, 0.25, 0.25)),
    )
    bed = Box(
        (0.0, -0.2, H / 2),
        (0.95, 2.1, H),
        clip.params.get("bed_color", (0.55, 0.58, 0.70)),
        away=0.2,
    )
    return [bed, towel]


def lying_hamstring(p: Poser, t: float, clip, ph) -> dict:
    """Lying on the back on a mat (or a bed), one leg raised towards the ceiling, held behind the thigh or calf (or
    by a strap: ``grip``); the other leg flat, or bent with its foot flat (``floor_thigh_deg``, its thigh's angle from
    the floor). ``clip.side`` is the raised (working) leg.

    Starts lying with both legs down, then raises the leg until the hamstrings stop it (``raise_deg`` of hip
    flexion, the thigh's angle from the floor) with the pelvis resting. Mistake ``pelvis_curl``: the leg is pulled
    further than the hamstrings let it go, so the pelvis curls up off the floor (posterior tilt about the sacrum's
    contact) by the mistake's size; the thorax stays down, so the low back flexes by as much, the raised thigh turns
    with the pelvis, and the floor leg's thigh lifts by ``floor_follow`` of it (its heel stays down, so its knee
    bends). A correct deepening (``deepen``) raises the leg further with the pelvis down.
    """
    prm = clip.params
    s = clip.settle(t)
    H = clip.bed_height
    curl = _mistake(clip, "pelvis_curl", t)
    br = breathing(t, ph[0])
    work = "L" if clip.side == "left" else "R"
    p.local.update(spine_rotations(prm.get("lumbar_deg", -4.0) + curl, 0.5 * br, neck_flex=10.0 + 0.2 * curl))
    # the pelvis turns about the sacrum's contact with the floor, a little headwards of the hip joints
    tilt = -curl + 0.3 * br
    hip0 = np.array([0.0, 0.0, H + p.lie_offset])
    pivot = hip0 + np.array([0.0, 0.07, -p.lie_offset])
    p.set_pelvis(SUPINE @ rot_x(tilt), pivot + rot_x(tilt) @ (hip0 - pivot))
    posed = p.fk()
    grip = {}
    for sd in "LR":
        sx = 1.0 if sd == "L" else -1.0
        l1, l2 = p.leg[sd]
        hip = p.pos(posed, f"upperleg01.{sd}")
        if sd == work:
            thigh = s * prm.get("raise_deg", 75.0) + curl + _deepen(prm, t)
            shin = thigh - s * prm.get("knee_deg", 8.0)
        else:
            thigh = s * prm.get("floor_thigh_deg", 0.0) + prm.get("floor_follow", 0.5) * curl
            shin = None
        a = np.deg2rad(thigh)
        knee = hip + l1 * np.array([0.0, -np.cos(a), np.sin(a)])
        front_of_knee = np.array([0.0, -np.sin(a), np.cos(a)])
        if shin is None:  # the heel stays on the surface: the knee bends as the thigh lifts
            ank_z = H + p.ankle_height * 0.6
            drop = min(knee[2] - ank_z, 0.99 * l2)
            ankle = knee + np.array([sx * 0.02, -np.sqrt(l2 * l2 - drop * drop), -drop])
            p.place_leg(sd, ankle, front_of_knee, foot_R=rot_x(-10.0))
        else:
            b = np.deg2rad(shin)
            ankle = knee + l2 * np.array([0.0, -np.cos(b), np.sin(b)])
            p.place_leg(sd, ankle, front_of_knee, foot_R=rot_x(-90.0 + thigh))
            back_of_leg = -front_of_knee
            grip = {"thigh": hip + 0.8 * (knee - hip) + 0.07 * back_of_leg,
                    "calf": knee + 0.35 * (ankle - knee) + 0.06 * back_of_leg}
            grip["strap"] = ankle
    hold = prm.get("grip", "thigh")
    for sd in "LR":
        sx = 1.0 if sd == "L" else -1.0
        tgt = grip[hold] + np.array([sx * 0.05, 0.0, 0.0])
        if hold == "strap":  # the arms reach towards the foot, a strap (not drawn) running on around it
            sh = p.shoulder(sd)
            reach = sum(p.arm[sd]) * 0.9
            tgt = sh + reach * (tgt - sh) / max(np.linalg.norm(tgt - sh), 1e-6)
        p.place_arm(sd, tgt, np.array([sx * 1.0, 0.2, -0.4]))
    return {}


def lying_glute(p: Poser, t: float, clip, ph) -> dict:
    """The lying figure-4 glute stretch on a mat (or a bed): on the back, the working leg's ankle crossed over the
    other knee, the crossed knee open to the side; the other (supporting) leg's thigh drawn towards the chest, the
    hands clasped behind it. ``clip.side`` is the crossed (working) leg.

    Starts hook-lying with the ankle already crossed (the supporting foot flat, its thigh ``start_deg`` from the
    floor), then lifts the foot and draws the thigh up to ``draw_deg`` from the floor (past 90: towards the chest)
    with the pelvis resting. Mistakes: ``low_back_lift`` — the thigh pulled further than the hip lets it go, so
    the pelvis curls up off the floor about the sacrum (posterior tilt, the low back flexing by as much, the legs
    turning with the pelvis), as in the lying hamstring stretch; ``pelvis_roll`` — the pelvis and both legs roll
    over to one side about the body's long axis (towards the crossed knee, or away with ``roll_away``) while the
    chest stays flat, so the low back twists by as much. A correct deepening (``deepen``) draws the thigh further
    with the pelvis down.
    """
    prm = clip.params
    s = clip.settle(t)
    H = clip.bed_height
    curl = _mistake(clip, "low_back_lift", t)
    roll = _mistake(clip, "pelvis_roll", t)
    br = breathing(t, ph[0])
    work = "L" if clip.side == "left" else "R"
    stand = OTHER[work]
    wx = 1.0 if work == "L" else -1.0  # the crossed side (+X is the body's left)
    # the roll turns the pelvis about the long axis (+Y, headwards) through the buttock it rolls onto
    sign = -wx if prm.get("roll_away") else wx
    R_roll = rot_y(sign * roll)
    roll_pivot = np.array([sign * 0.08, 0.0, H])

    def rolled(v):
        return roll_pivot + R_roll @ (np.asarray(v, float) - roll_pivot)

    # the chest stays flat: the lumbar and lower thoracic joints twist back what the pelvis rolls
    p.local.update(spine_rotations(prm.get("lumbar_deg", -4.0) + curl, 0.5 * br, twist=-sign * roll,
                                   neck_flex=10.0 + 0.2 * curl))
    tilt = -curl + 0.3 * br
    hip0 = np.array([0.0, 0.0, H + p.lie_offset])
    pivot = hip0 + np.array([0.0, 0.07, -p.lie_offset])
    p.set_pelvis(R_roll @ SUPINE @ rot_x(tilt), rolled(pivot + rot_x(tilt) @ (hip0 - pivot)))
    posed = p.fk()
    l1, l2 = p.leg[stand]
    hip = R_roll.T @ (p.pos(posed, f"upperleg01.{stand}") - roll_pivot) + roll_pivot  # unrolled
    start = prm.get("start_deg", 48.0)
    thigh = start + s * (prm.get("draw_deg", 95.0) - start) + curl + _deepen(prm, t)
    a = np.deg2rad(thigh)
    knee = hip + l1 * np.array([0.0, -np.cos(a), np.sin(a)])
    front_of_knee = np.array([0.0, -np.sin(a), np.cos(a)])
    # the foot flat on the surface at the start; drawn in, the shin about level, the knee bent ``knee_deg``
    ank_z = H + p.ankle_height * 0.8
    drop = min(knee[2] - ank_z, 0.99 * l2)
    on_floor = knee + np.array([0.0, -np.sqrt(max(l2 * l2 - drop * drop, 0.0)), -drop])
    b = np.deg2rad(thigh - prm.get("knee_deg", 90.0))
    lifted = knee + l2 * np.array([0.0, -np.cos(b), np.sin(b)])
    ankle = (1 - s) * on_floor + s * lifted
    # the bent knee juts out along the thigh and away from the shin
    jut = (knee - hip) / l1 - (ankle - knee) / max(np.linalg.norm(ankle - knee), 1e-6)
    p.place_leg(stand, rolled(ankle), R_roll @ jut, foot_R=R_roll @ rot_x(-10.0 + 30.0 * s))
    # the crossed ankle rests on the front of the supporting thigh just short of its knee; the crossed knee opens
    # to the side
    posed = p.fk()
    knee_st = R_roll.T @ (p.pos(posed, f"lowerleg01.{stand}") - roll_pivot) + roll_pivot
    along = (hip - knee_st) / np.linalg.norm(hip - knee_st)
    rest_on = knee_st + 0.07 * along + 0.09 * front_of_knee + np.array([-wx * 0.01, 0.0, 0.0])
    pole = np.array([wx * 1.0, 0.0, 0.3])
    p.place_leg(work, rolled(rest_on), R_roll @ pole)
    # the hands clasp behind the supporting thigh, near the knee
    back_of_thigh = -front_of_knee
    clasp = hip + 0.75 * (knee_st - hip) + 0.07 * back_of_thigh
    for sd in "LR":
        sx = 1.0 if sd == "L" else -1.0
        p.place_arm(sd, rolled(clasp + np.array([sx * 0.05, 0.0, 0.0])), np.array([sx * 1.0, 0.2, -0.4]))
    return {}


def lying_mat_props(p: Poser, clip):
    """The lying hamstring and figure-4 stretches' mat on the floor, or a bed."""
    from formcheck.synth.scene import Box

    H = clip.bed_height
    return [Box((0.0, -0.15, H / 2), (0.95 if H > 0.1 else 0.65, 2.0, H),
                clip.params.get("bed_color", (0.30, 0.45, 0.55)), away=0.15)]


def seat_props(p: Poser, clip):
    """The glute stretch's seat."""
    from formcheck.synth.scene import Box

    h = clip.seat_height
    return [Box((0.0, 0.12, h / 2), (0.45, 0.42, h), clip.params.get("seat_color", (0.45, 0.30, 0.20)))]


def mat_props(p: Poser, clip):
    """The seated hamstring stretch's mat on the floor, or a bed long enough for the legs."""
    from formcheck.synth.scene import Box

    h = clip.seat_height
    return [Box((0.0, -0.45, h / 2), (0.9 if h > 0.1 else 0.65, 1.9, h),
                clip.params.get("seat_color", (0.30, 0.45, 0.55)), away=0.15)]


def no_props(p: Poser, clip):
    return []


MOTIONS = {
    "hamstring": hamstring,
    "hip-flexor": hip_flexor,
    "glute": glute,
    "seated-hamstring": seated_hamstring,
    "standing-hip-flexor": standing_lunge,
    "bed-decompression": bed_decompression,
    "towel-decompression": towel_decompression,
    "lying-hamstring": lying_hamstring,
    "lying-glute": lying_glute,
}
PROPS = {"glute": seat_props, "seated-hamstring": mat_props, "bed-decompression": bed_props,
         "towel-decompression": towel_props, "lying-hamstring": lying_mat_props,
         "lying-glute": lying_mat_props}
LYING = ("bed-decompression", "towel-decompression", "lying-hamstring", "lying-glute")
