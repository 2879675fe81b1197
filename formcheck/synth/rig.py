"""Posing helpers on top of :class:`~formcheck.synth.body.Body`.

Everything here works in the *body frame* (X = the body's left, -Y = forward,
Z = up, floor at z = 0) before the whole figure is turned to face left or right
in the world.  Limbs are placed by analytic two-bone inverse kinematics so that
feet, knees and hands land where the script puts them (floor, box, bed, thigh).
"""

from __future__ import annotations

import numpy as np

from formcheck.synth.body import Body, frame_from, rot_x, rot_y, rot_z

FORWARD = np.array([0.0, -1.0, 0.0])
BACK = -FORWARD
UP = np.array([0.0, 0.0, 1.0])

# how a lumbar flexion angle is shared by the three lumbar joints (sums to 1)
LUMBAR_SHARE = {"spine05": 0.30, "spine04": 0.36, "spine03": 0.34}
LUMBAR_JOINTS = tuple(LUMBAR_SHARE)
THORACIC_SHARE = {"spine02": 0.45, "spine01": 0.55}


def spine_rotations(
    lumbar_flex: float,
    thoracic_flex: float = 0.0,
    twist: float = 0.0,
    side_bend: float = 0.0,
    neck_flex: float = 0.0,
) -> dict[str, np.ndarray]:
    """Local rotations for the spine chain.

    ``lumbar_flex`` (deg, + = flexion/rounding, - = extension/arching) is split over
    spine05/04/03; ``twist`` (deg, axial rotation, + turns the chest towards the
    body's left) is split over the lumbar and lower thoracic joints like a real
    spine (which rotates mostly in the thoracic part).
    """
    out = {}
    tw_share = {
        "spine05": 0.10,
        "spine04": 0.15,
        "spine03": 0.20,
        "spine02": 0.30,
        "spine01": 0.25,
    }
    for j in ("spine05", "spine04", "spine03", "spine02", "spine01"):
        fl = lumbar_flex * LUMBAR_SHARE.get(
            j, 0.0
        ) + thoracic_flex * THORACIC_SHARE.get(j, 0.0)
        # twist about the segment's long axis (rest-aligned Z), flexion about X
        out[j] = rot_z(twist * tw_share[j]) @ rot_y(side_bend * 0.2) @ rot_x(fl)
    out["neck01"] = rot_x(neck_flex * 0.5)
    out["neck02"] = rot_x(neck_flex * 0.3)
    out["head"] = rot_x(neck_flex * 0.2)
    return out


def two_bone(
    hip: np.ndarray, target: np.ndarray, l1: float, l2: float, pole: np.ndarray
):
    """Knee (elbow) position for a two-bone chain reaching ``target``, bending towards ``pole``."""
    d = target - hip
    dist = float(np.linalg.norm(d))
    u = d / max(dist, 1e-9)
    dist = float(np.clip(dist, abs(l1 - l2) + 1e-3, (l1 + l2) * 0.9995))
    cos_a = (l1 * l1 + dist * dist - l2 * l2) / (2 * l1 * dist)
    a = np.arccos(np.clip(cos_a, -1, 1))
    v = pole - u * (pole @ u)
    nv = np.linalg.norm(v)
    v = v / nv if nv > 1e-9 else np.cross(u, [1.0, 0, 0])
    mid = hip + l1 * (np.cos(a) * u + np.sin(a) * v)
    end = hip + dist * u
    return mid, end


class Poser:
    """Builds the local-rotation dict for one frame, step by step."""

    def __init__(self, body: Body):
        self.b = body
        self.local: dict[str, np.ndarray] = {}
        self.root_R = np.eye(3)
        self.root_p = np.zeros(3)
        h = body.head
        self.leg = {}
        for s in "LR":
            hip, knee, ank = h(f"upperleg01.{s}"), h(f"lowerleg01.{s}"), h(f"foot.{s}")
            self.leg[s] = (np.linalg.norm(knee - hip), np.linalg.norm(ank - knee))
        self.arm = {}
        for s in "LR":
            sh, el, wr = h(f"upperarm01.{s}"), h(f"lowerarm01.{s}"), h(f"wrist.{s}")
            self.arm[s] = (np.linalg.norm(el - sh), np.linalg.norm(wr - el))
        # rest geometry used for placement
        v = np.asarray(body.identity["rest_vertices"])
        self.sole_z = float(v[:, 2].min())
        self.ankle_height = float(
            h("foot.L")[2] - self.sole_z
        )  # ankle joint above the floor when standing
        self.hip_mid_rest = 0.5 * (h("upperleg01.L") + h("upperleg01.R"))
        self.root_rest = h("root")
        self.seat_offset = 0.0

    def reset(self):
        self.local = {}
        self.root_R = np.eye(3)
        self.root_p = np.zeros(3)

    def calibrate_lying(self):
        """Height of the hip joints above a surface the body lies on (supine, flat)."""
        self.reset()
        self.set_pelvis(rot_x(-90), np.zeros(3))
        posed = self.b.skin(self.local, self.root_R, self.root_p)
        dom = np.argmax(self.b.lbs, axis=1)
        idx = [
            self.b.index[n]
            for n in ("root", "pelvis.L", "pelvis.R", "spine05", "spine04", "spine03")
        ]
        self.lie_offset = float(-posed.verts[np.isin(dom, idx), 2].min())
        self.reset()
        return self.lie_offset

    def calibrate_seat(self):
        """Height of the hip joints above a seat when sitting (thighs horizontal)."""
        self.reset()
        self.set_pelvis(np.eye(3), np.zeros(3))
        for s in "LR":
            self.local[f"upperleg01.{s}"] = rot_x(-90)
        posed = self.b.skin(self.local, self.root_R, self.root_p)
        dom = np.argmax(self.b.lbs, axis=1)
        idx = [
            self.b.index[n]
            for n in (
                "root",
                "pelvis.L",
                "pelvis.R",
                "upperleg01.L",
                "upperleg01.R",
                "upperleg02.L",
                "upperleg02.R",
            )
        ]
        sel = np.isin(dom, idx)
        v = posed.verts[sel]
        near = np.abs(v[:, 1]) < 0.25  # under the hips, not the knees
        self.seat_offset = float(-v[near, 2].min())
        self.reset()
        return self.seat_offset

    # -- root
    def set_pelvis(self, R: np.ndarray, hip_mid: np.ndarray):
        """Place the pelvis by its orientation and the midpoint of the two hip joints."""
        self.root_R = R
        self.root_p = hip_mid - R @ (self.hip_mid_rest - self.root_rest)

    def fk(self):
        return self.b.fk(self.local, self.root_R, self.root_p)

    def world_rot(self, posed, name):
        return posed.rot[self.b.index[name]]

    def pos(self, posed, name):
        return posed.pos[self.b.index[name]]

    # -- limbs
    def _bone_frame(self, a: str, b: str, rest_pole: np.ndarray):
        h = self.b.head
        return frame_from(h(b) - h(a), rest_pole)

    def place_leg(
        self,
        side: str,
        ankle: np.ndarray,
        knee_pole: np.ndarray,
        foot_R: np.ndarray | None = None,
    ):
        """Two-bone IK: hip fixed by the pelvis, ankle to ``ankle``, knee towards ``knee_pole``.

        ``foot_R`` is the world (body-frame) rotation of the foot relative to its rest
        orientation (identity = flat on the floor, toes forward).
        """
        s = side
        foot_R = np.eye(3) if foot_R is None else foot_R
        return self._place_chain(f"pelvis.{s}", (f"upperleg01.{s}", f"lowerleg01.{s}", f"foot.{s}"),
                                 self.leg[s], ankle, knee_pole, FORWARD, foot_R)

    def place_arm(
        self,
        side: str,
        wrist: np.ndarray,
        elbow_pole: np.ndarray,
        hand_R: np.ndarray | None = None,
    ):
        s = side
        return self._place_chain(f"shoulder01.{s}", (f"upperarm01.{s}", f"lowerarm01.{s}", f"wrist.{s}"),
                                 self.arm[s], wrist, elbow_pole, BACK, hand_R)

    def _place_chain(self, parent: str, bones: tuple[str, str, str], lengths, target, pole, rest_pole,
                     end_R: np.ndarray | None):
        """Two-bone IK shared by legs and arms: ``bones`` = (upper, lower, end); the upper bone's root stays where
        ``parent`` holds it, the chain's tip goes to ``target`` with the middle joint bending towards ``pole``;
        ``end_R`` (world rotation of the end bone vs its rest) is left unchanged when None."""
        upper, lower, end = bones
        posed = self.fk()
        root = self.pos(posed, upper)
        l1, l2 = lengths
        mid, tip = two_bone(root, np.asarray(target, float), l1, l2, np.asarray(pole, float))
        W_upper = frame_from(mid - root, pole) @ self._bone_frame(upper, lower, rest_pole).T
        W_lower = frame_from(tip - mid, pole) @ self._bone_frame(lower, end, rest_pole).T
        self.local[upper] = self.world_rot(posed, parent).T @ W_upper
        self.local[lower] = W_upper.T @ W_lower
        if end_R is not None:
            self.local[end] = W_lower.T @ end_R
        return mid, tip

    def shoulder(self, side: str) -> np.ndarray:
        return self.pos(self.fk(), f"upperarm01.{side}")
