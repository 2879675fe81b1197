"""Camera, room, props and offscreen rendering (pyrender on OSMesa).

World frame: Z up, floor at z = 0.  The person moves in the X-Z plane (their
sagittal plane is X-Z when they face +X or -X).  A "side view" camera sits on the
-Y side looking towards +Y; its yaw turns it about the vertical through the person.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from formcheck.synth.body import vertex_normals

os.environ.setdefault("PYOPENGL_PLATFORM", "osmesa")


def _import_pyrender():
    # pyrender 0.1.45 still refers to ``np.infty``, which numpy 2 removed; give it
    # the alias back before importing it (harmless on numpy 1).
    if not hasattr(np, "infty"):
        np.infty = np.inf
    import pyrender

    return pyrender


@dataclass
class Camera:
    view: str  # "side" | "oblique" | "front"
    yaw_deg: float  # rotation of the camera about the vertical, 0 = square side view
    height_m: float
    distance_m: float
    target: tuple = (0.0, 0.0, 0.9)  # point looked at
    yfov_deg: float = (
        46.0  # vertical FOV of a typical webcam at 4:3 (~58 deg horizontal)
    )
    fill: float = 0.8  # the distance is chosen so the person's motion fills this much of the frame
    mirror: bool = False  # person faces image-left: the yaw is mirrored so + always turns towards their front

    def project(self, pts: np.ndarray, width: int, height: int) -> np.ndarray:
        """Pixel coordinates (u right, v down) of world points."""
        M = np.linalg.inv(self.pose_matrix())
        pc = pts @ M[:3, :3].T + M[:3, 3]
        f = 0.5 * height / np.tan(np.deg2rad(self.yfov_deg) / 2)
        z = -pc[:, 2]
        return np.stack(
            [width / 2 + f * pc[:, 0] / z, height / 2 - f * pc[:, 1] / z], axis=1
        )

    def position(self) -> np.ndarray:
        t = np.deg2rad(-self.yaw_deg if self.mirror else self.yaw_deg)
        tx, ty, _ = self.target
        return np.array(
            [
                tx + self.distance_m * np.sin(t),
                ty - self.distance_m * np.cos(t),
                self.height_m,
            ]
        )

    def pose_matrix(self) -> np.ndarray:
        """Camera-to-world 4x4 in OpenGL convention (looks along its -Z, +Y up)."""
        eye = self.position()
        tgt = np.asarray(self.target, float)
        f = tgt - eye
        f /= np.linalg.norm(f)
        right = np.cross(f, [0, 0, 1.0])
        right /= np.linalg.norm(right)
        up = np.cross(right, f)
        M = np.eye(4)
        M[:3, 0], M[:3, 1], M[:3, 2], M[:3, 3] = right, up, -f, eye
        return M

    def to_json(self) -> dict:
        return {
            "view": self.view,
            "yaw_deg": float(self.yaw_deg),
            "yaw_convention": "0 = square side view; + turns the camera towards the person's front",
            "height_m": float(self.height_m),
            "distance_m": float(self.distance_m),
            "yfov_deg": float(self.yfov_deg),
            "fill": float(self.fill),
            "target": [float(x) for x in self.target],
        }


@dataclass
class Box:
    """An axis-aligned box prop (bed, seat, furniture, clutter)."""

    center: tuple
    size: tuple
    color: tuple
    away: float = (
        0.0  # extra shift away from the camera side (world +Y) after placement
    )


@dataclass
class Look:
    """Appearance: clothes, skin, room, light."""

    shirt: tuple = (0.20, 0.35, 0.65)
    pants: tuple = (0.15, 0.15, 0.18)
    skin: tuple = (0.80, 0.62, 0.50)
    shoes: tuple | None = None  # None = barefoot (skin)
    hair: tuple = (0.12, 0.09, 0.07)
    floor: tuple = (0.55, 0.50, 0.45)
    wall: tuple = (0.85, 0.85, 0.82)
    light_intensity: float = 3.0
    light_dir: tuple = (-0.4, -0.6, -1.0)  # direction the key light travels
    ambient: float = 0.35
    clutter: list[Box] = field(default_factory=list)
    light_color: tuple = (1.0, 1.0, 1.0)  # of the key light (warm lamp, cool daylight)
    loose_m: float = 0.0  # a loose top stands off the skin by up to this much (see clothing.py)
    loose_pants_m: float = 0.0  # loose trousers, likewise

    def to_json(self) -> dict:
        out = {
            "shirt": list(self.shirt),
            "pants": list(self.pants),
            "skin": list(self.skin),
            "shoes": list(self.shoes) if self.shoes else None,
            "floor": list(self.floor),
            "wall": list(self.wall),
            "light_intensity": self.light_intensity,
            "ambient": self.ambient,
            "clutter_boxes": len(self.clutter),
        }
        # only written when used, so the truth of clips made before these existed stays as it was
        if self.light_color != (1.0, 1.0, 1.0):
            out["light_color"] = list(self.light_color)
        if self.loose_m or self.loose_pants_m:
            out["loose_m"] = self.loose_m
            out["loose_pants_m"] = self.loose_pants_m
        return out


# bones whose vertices are clothed by the shirt / the trousers
_SHIRT = ("spine", "clavicle", "shoulder", "upperarm", "breast", "pelvis")
_PANTS = ("root", "pelvis", "upperleg", "lowerleg")
_SHOES = ("foot", "toe")


def vertex_colors(body, look: Look) -> np.ndarray:
    """Per-vertex RGB from the dominant skinning bone (a simple outfit)."""
    dom = np.argmax(body.lbs, axis=1)
    names = body.names
    col = np.tile(np.asarray(look.skin, float), (len(dom), 1))
    verts = np.asarray(body.identity["rest_vertices"])
    waist_z = body.head("spine04")[2]  # shirt/trouser boundary (rest pose)
    for j, nm in enumerate(names):
        sel = dom == j
        if not sel.any():
            continue
        if nm.startswith(_SHIRT) and not nm.startswith("pelvis"):
            col[sel] = look.shirt
        elif nm.startswith(_PANTS):
            col[sel] = look.pants
        elif nm.startswith(_SHOES) and look.shoes is not None:
            col[sel] = look.shoes
    # trunk vertices around the waist: below the waist line -> trousers
    trunk = np.isin(
        dom,
        [body.index[n] for n in ("root", "spine05", "spine04", "pelvis.L", "pelvis.R")],
    )
    col[trunk & (verts[:, 2] < waist_z)] = look.pants
    col[trunk & (verts[:, 2] >= waist_z)] = look.shirt
    # a short sleeve: the lower half of the upper arm shows skin
    for side in ("L", "R"):
        ua = body.index[f"upperarm02.{side}"]
        col[dom == ua] = look.skin
    # hair cap: head vertices above and behind the brow
    head_i = [i for i, n in enumerate(names) if n in ("head",)]
    if head_i:
        h = body.head("head")
        sel = (
            np.isin(dom, head_i)
            & (verts[:, 2] > h[2] + 0.09)
            & (verts[:, 1] > h[1] - 0.06)
        )
        col[sel] = look.hair
    return col


class Renderer:
    """Holds a pyrender scene: static room and props, a body mesh replaced per frame."""

    def __init__(
        self,
        width: int,
        height: int,
        camera: Camera,
        look: Look,
        props: list[Box],
        body,
    ):
        pr = _import_pyrender()
        self.pr = pr
        self.width, self.height = width, height
        self.scene = pr.Scene(
            bg_color=np.array([*look.wall, 1.0]), ambient_light=np.full(3, look.ambient)
        )
        self.tris = body.tris.astype(np.uint32)
        self.colors = np.concatenate(
            [vertex_colors(body, look), np.ones((body.lbs.shape[0], 1))], axis=1
        ).astype(np.float32)
        self.material = pr.MetallicRoughnessMaterial(
            baseColorFactor=np.array([1.0, 1.0, 1.0, 1.0]),
            metallicFactor=0.0,
            roughnessFactor=0.8,
        )
        # floor, back wall
        self._add_box(Box((0, 0, -0.05), (14.0, 14.0, 0.1), look.floor))
        self._add_box(Box((0, 3.0, 1.5), (14.0, 0.1, 3.0), look.wall))
        for b in list(props) + list(look.clutter):
            self._add_box(b)
        cam = pr.PerspectiveCamera(
            yfov=np.deg2rad(camera.yfov_deg), aspectRatio=width / height
        )
        self.scene.add(cam, pose=camera.pose_matrix())
        d = np.asarray(look.light_dir, float)
        d /= np.linalg.norm(d)
        z = -d
        x = np.cross([0, 0, 1.0], z)
        if np.linalg.norm(x) < 1e-6:
            x = np.array([1.0, 0, 0])
        x /= np.linalg.norm(x)
        y = np.cross(z, x)
        L = np.eye(4)
        L[:3, 0], L[:3, 1], L[:3, 2] = x, y, z
        self.scene.add(
            pr.DirectionalLight(color=np.asarray(look.light_color, float), intensity=look.light_intensity),
            pose=L,
        )
        # a soft fill light from the camera side
        self.scene.add(
            pr.DirectionalLight(
                color=np.ones(3), intensity=look.light_intensity * 0.35
            ),
            pose=camera.pose_matrix(),
        )
        self.body_node = None
        self.r = pr.OffscreenRenderer(width, height)
        self._stable_program_cache()

    def _stable_program_cache(self):
        """Work around a leak: pyrender keys its shader cache by ``OpenGL.contextdata.getContext()``,
        which on OSMesa returns a new pointer object every call, so every frame compiled new
        shader programs (~2 MB each, never freed).  Memoise the programs by shader + defines."""
        cache = self.r._renderer._program_cache
        original = cache.get_program
        memo = {}

        def get_program(
            vertex_shader, fragment_shader, geometry_shader=None, defines=None
        ):
            key = (
                vertex_shader,
                fragment_shader,
                geometry_shader,
                tuple(sorted((defines or {}).items())),
            )
            if key not in memo:
                memo[key] = original(
                    vertex_shader,
                    fragment_shader,
                    geometry_shader=geometry_shader,
                    defines=defines,
                )
            return memo[key]

        cache.get_program = get_program

    def _add_box(self, b: Box):
        import trimesh

        m = trimesh.creation.box(extents=b.size)
        m.apply_translation(b.center)
        mat = self.pr.MetallicRoughnessMaterial(
            baseColorFactor=np.array([*map(float, b.color), 1.0]),
            metallicFactor=0.0,
            roughnessFactor=0.9,
        )
        self.scene.add(self.pr.Mesh.from_trimesh(m, material=mat, smooth=False))

    def render(self, verts: np.ndarray) -> np.ndarray:
        pr = self.pr
        normals = vertex_normals(verts, self.tris).astype(np.float32)
        pos = verts.astype(np.float32)
        if self.body_node is None:
            self.prim = pr.Primitive(
                positions=pos,
                normals=normals,
                color_0=self.colors,
                indices=self.tris,
                material=self.material,
            )
            self.body_node = self.scene.add(pr.Mesh([self.prim]))
        else:
            # Update the vertex buffer in place.  Replacing the mesh every frame (new GL
            # buffers each time) leaked ~45 MB per frame with OSMesa here.
            from OpenGL import GL

            self.prim.positions = pos
            self.prim.normals = normals
            data = np.ascontiguousarray(
                np.hstack((pos, normals, self.colors)).astype(np.float32).ravel()
            )
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.prim._buffers[0])
            GL.glBufferSubData(GL.GL_ARRAY_BUFFER, 0, data.nbytes, data)
            GL.glBindBuffer(GL.GL_ARRAY_BUFFER, 0)
        rgb, _ = self.r.render(self.scene)
        return np.ascontiguousarray(rgb[:, :, :3])

    def close(self):
        self.r.delete()
