"""Ground truth measured from the posed rig, and the sidecar JSON writer.

All angles come from the bone rotations of the skinned body (never from a pose
detector):

* ``lumbar_flexion_deg``: sagittal angle between the pelvis (root bone) and the
  bottom of the thorax (the frame after spine05/04/03), + flexion, - extension,
  0 = the rig's rest (anatomical neutral) lumbar curve.
* ``trunk_twist_deg``: axial rotation of the upper thorax (spine01) against the
  pelvis, + = chest turned towards the body's left.
* ``hip_flexion_deg``: sagittal angle of the working thigh in the pelvis frame
  relative to its rest angle (+ flexion, - extension); for two-legged positions the
  mean of both legs.
* ``pelvis_lift_m``: height of the pelvis (root joint) above its reference height
  (the settled, correct position of this clip; see ``pelvis_lift_ref_m``).

Extra per-frame keys: ``pelvis_tilt_deg`` (sagittal pitch of the pelvis, change
since the start of the hold; + = tipping forwards/anterior) and ``pelvis_shift_m``
(pelvis displacement along the body's front-back axis, in the body's rest frame,
since the start of the hold; + = forwards, which for the lying positions means
towards the feet), useful for the pumping of the bed position.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

SCHEMA = "formcheck.truth/1"


def _sagittal(v: np.ndarray) -> float:
    """Angle (deg) of a vector in the body's sagittal plane, measured from +Z towards the front (-Y)."""
    return float(np.degrees(np.arctan2(-v[1], v[2])))


def measure(body, posed, side: str | None) -> dict:
    i = body.index
    W0 = posed.rot[i["root"]]
    rel_l = W0.T @ posed.rot[i["spine03"]]
    up = rel_l @ np.array([0.0, 0.0, 1.0])
    lumbar = _sagittal(up)
    rel_t = W0.T @ posed.rot[i["spine01"]]
    x = rel_t @ np.array([1.0, 0.0, 0.0])
    twist = float(np.degrees(np.arctan2(x[1], x[0])))
    sides = [side] if side in ("L", "R") else ["L", "R"]
    flex = []
    for s in sides:
        hip = posed.pos[i[f"upperleg01.{s}"]]
        knee = posed.pos[i[f"lowerleg01.{s}"]]
        d = W0.T @ (knee - hip)
        d0 = body.head(f"lowerleg01.{s}") - body.head(f"upperleg01.{s}")
        # thigh angle: measured from straight down, towards the front
        a = np.degrees(np.arctan2(-d[1], -d[2]))
        a0 = np.degrees(np.arctan2(-d0[1], -d0[2]))
        flex.append(a - a0)
    pel_up = W0 @ np.array([0.0, 0.0, 1.0])
    return {
        "pelvis_tilt_deg": _sagittal(pel_up),
        "pelvis_y": float(posed.pos[i["root"]][1]),
        "lumbar_flexion_deg": lumbar,
        "trunk_twist_deg": twist,
        "hip_flexion_deg": float(np.mean(flex)),
        "pelvis_z": float(posed.pos[i["root"]][2]),
    }


def intervals(t: np.ndarray, on: np.ndarray) -> list[list[float]]:
    """[[start, end], ...] in seconds of runs where ``on`` is true (inclusive frame times)."""
    out = []
    start = None
    for k, v in enumerate(on):
        if v and start is None:
            start = k
        if not v and start is not None:
            out.append([round(float(t[start]), 4), round(float(t[k - 1]), 4)])
            start = None
    if start is not None:
        out.append([round(float(t[start]), 4), round(float(t[-1]), 4)])
    return out


def write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=1) + "\n")


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text())
