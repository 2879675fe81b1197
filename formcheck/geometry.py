"""Pure, vectorised 2-D geometry helpers (no MediaPipe, no I/O). Arrays broadcast over leading axes."""

from __future__ import annotations

import numpy as np


def signed_angle_deg(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Signed angle from 2-D vector ``u`` to ``v`` in degrees, in (-180, 180], via atan2(cross, dot).

    Positive is counter-clockwise in a y-up frame (clockwise on screen, where y points down).
    """
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = (u * v).sum(axis=-1)
    return np.degrees(np.arctan2(cross, dot))


def joint_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Unsigned interior angle a-b-c at ``b`` in degrees, in [0, 180]."""
    return np.abs(signed_angle_deg(a - b, c - b))


def midpoint(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a + b) / 2.0


def norm(v: np.ndarray) -> np.ndarray:
    return np.sqrt((v * v).sum(axis=-1))


def distance_to_segment(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N, 2) points' distances from the segment a→b."""
    ab = b - a
    along = np.clip(((points - a) @ ab) / max(float(ab @ ab), 1e-12), 0.0, 1.0)
    return norm(points - (a + along[:, None] * ab))
