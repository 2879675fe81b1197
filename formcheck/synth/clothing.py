"""Loose clothing: the rendered surface of the shirt (and trousers) sits a few centimetres off the skin.

ANNY is a skin-tight body, so its back outline is the spine's. A loose top is not: it stands off the back by a
varying amount. Here the clothed vertices are pushed out along their rest normals by a smooth random field (a
few random plane waves, 12-35 cm long) and then skinned like the body. Only the rendered surface changes; the
skeleton, and so the truth measured from it, does not.
"""

from __future__ import annotations

import numpy as np

from formcheck.synth.body import vertex_normals
from formcheck.synth.scene import Look
from formcheck.synth.timeline import smoothstep

_SHIRT_BONES = ("spine", "clavicle", "shoulder", "upperarm01", "breast")
_TRUNK_LOW = ("root", "pelvis.L", "pelvis.R")
_LEG_BONES = ("upperleg", "lowerleg")


def _field(v: np.ndarray, rng: np.random.Generator, waves: int = 8) -> np.ndarray:
    """A smooth random field over the rest vertices, scaled to 0..1."""
    dirs = rng.normal(size=(waves, 3))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    k = dirs * (2 * np.pi / rng.uniform(0.12, 0.35, size=(waves, 1)))
    f = np.cos(v @ k.T + rng.uniform(0, 2 * np.pi, waves)).sum(axis=1)
    return (f - f.min()) / (np.ptp(f) + 1e-9)


def _weight(body, prefixes) -> np.ndarray:
    """Share of each vertex's skinning that belongs to bones named with one of ``prefixes`` (smooth at the edges)."""
    cols = [j for j, nm in enumerate(body.names) if nm.startswith(prefixes)]
    return np.asarray(body.lbs)[:, cols].sum(axis=1)


def dressed_identity(body, look: Look, seed: int) -> dict:
    """``body.identity`` with the clothed surface of ``look`` (the body's own identity when nothing is loose)."""
    if not (look.loose_m or look.loose_pants_m):
        return body.identity
    v = np.asarray(body.identity["rest_vertices"], dtype=float)
    n = vertex_normals(v, body.tris)
    rng = np.random.default_rng(seed + 4242)
    waist_z = float(body.head("spine04")[2])
    # the top covers the trunk and hangs a little below the waist; it stands off the skin by 35-100 % of loose_m
    top = _weight(body, _SHIRT_BONES) + _weight(body, _TRUNK_LOW) * smoothstep((v[:, 2] - waist_z + 0.10) / 0.08)
    push = look.loose_m * np.clip(top, 0, 1) * (0.35 + 0.65 * _field(v, rng))
    if look.loose_pants_m:
        legs = _weight(body, _LEG_BONES) + _weight(body, _TRUNK_LOW)
        push += look.loose_pants_m * np.clip(legs, 0, 1) * (1 - np.clip(top, 0, 1)) * (0.4 + 0.6 * _field(v, rng))
    return {**body.identity, "rest_vertices": (v + push[:, None] * n).astype(np.float32)}
