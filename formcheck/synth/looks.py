"""Rooms, outfits, lights and cameras the generated clip sets (``training``) draw from; the labelled sets were drawn
from them too and are stored as data (``spec_data``)."""

from __future__ import annotations

import numpy as np

from formcheck.synth.scene import Box, Camera, Look

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


WARM = (1.0, 0.86, 0.70)  # a table lamp
COOL = (0.84, 0.92, 1.0)  # daylight from a window
WALLS_MORE = [(0.52, 0.42, 0.34), (0.30, 0.33, 0.38), (0.95, 0.93, 0.84), (0.62, 0.70, 0.58)]
