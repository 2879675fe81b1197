"""Per-frame body metrics from a PoseFrame: pure geometry, no state, no I/O.

All angles are in degrees and computed in a *body frame*: image pixels with y flipped to point up and
x mirrored so the person always faces +x. Left- and right-facing people therefore give the same values,
and using pixels (not normalised coordinates) keeps angles true for any aspect ratio; lengths are
divided by the torso length so image size and distance to the camera do not matter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .geometry import distance_to_segment, joint_angle_deg, midpoint, norm, signed_angle_deg
from .pose import Landmark as L
from .pose import PoseFrame

# Landmarks the sagittal metrics rely on; their mean visibility gates every decision.
CORE_LANDMARKS = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP,
                  L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE)

UP = np.array([0.0, 1.0])
DOWN = np.array([0.0, -1.0])


def facing_evidence(image_xy: np.ndarray) -> float:
    """How far (pixels) the nose lies ahead of the ears and the toes ahead of the heels along image-right: > 0 when
    this frame says the person faces image-right. NaN when none of them was seen."""
    nose_ahead = image_xy[L.NOSE, 0] - midpoint(image_xy[L.LEFT_EAR, 0], image_xy[L.RIGHT_EAR, 0])
    toes_ahead = (midpoint(image_xy[L.LEFT_FOOT_INDEX, 0], image_xy[L.RIGHT_FOOT_INDEX, 0])
                  - midpoint(image_xy[L.LEFT_HEEL, 0], image_xy[L.RIGHT_HEEL, 0]))
    # Summed offsets rather than sign votes: in a deep hinge the face points down and the nose offset
    # shrinks to nothing, while the feet still say clearly which way the person faces.
    parts = np.array([nose_ahead, toes_ahead], float)
    return float(np.nansum(parts)) if np.isfinite(parts).any() else float("nan")


def facing_sign(image_xy: np.ndarray) -> float:
    """+1 if this frame says the person faces image-right, -1 if image-left (see ``facing_evidence``)."""
    return -1.0 if facing_evidence(image_xy) < 0 else 1.0


def to_body_frame(image_xy: np.ndarray, facing: float) -> np.ndarray:
    """Pixels (y down) → body frame (y up, person facing +x)."""
    return np.stack([image_xy[..., 0] * facing, -image_xy[..., 1]], axis=-1)


def _lean_from_up(vector: np.ndarray) -> np.ndarray:
    """Angle of ``vector`` from straight up, positive when it leans forward (+x): clockwise in a y-up frame."""
    return -signed_angle_deg(UP, vector)


def _swing_from_down(vector: np.ndarray) -> np.ndarray:
    """Angle of ``vector`` from straight down, positive when it swings forward (+x): counter-clockwise."""
    return signed_angle_deg(DOWN, vector)


def landmark_metrics(pose: PoseFrame, facing: float | None = None) -> dict[str, float]:
    """Sagittal and rotation metrics of one frame; NaN where the pose gives no answer. ``facing`` (+1 image-right,
    -1 image-left) is the way the person faces, if known from more than this frame (``filters.FacingHold``)."""
    if facing is None:
        facing = facing_sign(pose.image[:, :2])
    p = to_body_frame(pose.image[:, :2], facing)
    shoulder = midpoint(p[L.LEFT_SHOULDER], p[L.RIGHT_SHOULDER])
    hip = midpoint(p[L.LEFT_HIP], p[L.RIGHT_HIP])
    knees = p[[L.LEFT_KNEE, L.RIGHT_KNEE]]
    ankles = p[[L.LEFT_ANKLE, L.RIGHT_ANKLE]]
    hips = p[[L.LEFT_HIP, L.RIGHT_HIP]]
    torso_len = norm(shoulder - hip)

    trunk = shoulder - hip
    thighs = knees - hips
    # The leg whose knee is further forward is the front leg (left/right labels swap in side views).
    front, back = (0, 1) if knees[0, 0] >= knees[1, 0] else (1, 0)
    fold = 180.0 - joint_angle_deg(shoulder, hip, midpoint(knees[0], knees[1]))
    # Each thigh on its own: in a seated figure-4 MediaPipe often misplaces the crossed leg's knee, not the other.
    deeper_fold = np.max(180.0 - joint_angle_deg(shoulder, hip, knees))
    knee_flexion = 180.0 - joint_angle_deg(hips, knees, ankles)

    # Hips above (+) or below the straight line shoulder→knee, in torso lengths: lifted pelvis when lying.
    knee_mid = midpoint(knees[0], knees[1])
    line = knee_mid - shoulder
    rel = hip - shoulder
    lift = (line[0] * rel[1] - line[1] * rel[0]) / np.maximum(norm(line), 1e-9)
    lift = -lift if line[0] < 0 else lift

    # How far the back knee sits below the front one: the kneeling leg of a half-kneeling lunge. Signed, because a
    # crossed leg placed behind the body (seen in seated figure-4s filmed towards the front) has its knee higher.
    knee_drop = knees[front, 1] - knees[back, 1]
    shoulder_width = norm(p[L.LEFT_SHOULDER] - p[L.RIGHT_SHOULDER])
    # The lower trunk: from the hips to the top of the lumbar window along the chord.
    hand_gap = np.min(distance_to_segment(p[[L.LEFT_WRIST, L.RIGHT_WRIST]], hip, hip + LUMBAR_WINDOW[1] * trunk))
    visibility = pose.visibility[list(CORE_LANDMARKS)]
    return {
        "facing": facing,
        "trunk_tilt": float(_lean_from_up(trunk)),
        # Lying positions: how far from upright, whichever way the head points.
        "trunk_abs_tilt": float(abs(_lean_from_up(trunk))),
        "hip_fold": float(fold),
        "deeper_hip_fold": float(deeper_fold),  # the more folded of the two hips
        "front_thigh_tilt": float(_swing_from_down(thighs[front])),
        "back_thigh_tilt": float(_swing_from_down(thighs[back])),
        "knee_flexion": float(np.mean(knee_flexion)),
        "back_knee_drop": float(knee_drop / torso_len) if torso_len > 0 else float("nan"),
        # How far ahead of the hips the front foot stands, torso lengths: it shrinks as the hips glide forward from
        # kneeling tall into a lunge (formcheck.tall).
        "front_foot_reach": float((ankles[front, 0] - hip[0]) / torso_len) if torso_len > 0 else float("nan"),
        "pelvis_lift": float(lift / torso_len) if torso_len > 0 else float("nan"),
        "shoulder_width_ratio": float(shoulder_width / torso_len) if torso_len > 0 else float("nan"),
        # The nearer wrist's distance from the lower trunk: small when a hand rests on the hip or low back.
        "hand_to_low_back": float(hand_gap / torso_len) if torso_len > 0 else float("nan"),
        "core_visibility": float(np.mean(visibility)),
        "torso_px": float(torso_len),
        # The trunk's ends on screen (pixels, y down), for the rule engine's frame-to-frame plausibility check.
        **trunk_ends_px(pose.image[:, :2]),
    }


def trunk_ends_px(image_xy: np.ndarray) -> dict[str, float]:
    hip = midpoint(image_xy[L.LEFT_HIP], image_xy[L.RIGHT_HIP])
    shoulder = midpoint(image_xy[L.LEFT_SHOULDER], image_xy[L.RIGHT_SHOULDER])
    return {"hip_x_px": float(hip[0]), "hip_y_px": float(hip[1]),
            "shoulder_x_px": float(shoulder[0]), "shoulder_y_px": float(shoulder[1])}


def trunk_steps(hip: np.ndarray, shoulder: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How the trunk changed between consecutive frames, in torso lengths: (N, 2) hip and shoulder centres
    (pixels) → ``moved``, the larger displacement of its two ends, and ``stretched``, the change of its length
    on screen, each (N−1,).

    Lengths are divided by the larger of the two frames' torso lengths, which errs on the side of "plausible":
    a torso that suddenly shrinks is not judged by its small self.
    """
    hip, shoulder = np.asarray(hip, float), np.asarray(shoulder, float)
    with np.errstate(all="ignore"):  # absurd landmarks (inf, 1e308) give inf/NaN steps, not warnings
        torso = norm(shoulder - hip)
        scale = np.maximum(torso[1:], torso[:-1])
        moved = np.maximum(norm(np.diff(hip, axis=0)), norm(np.diff(shoulder, axis=0)))
        return np.where(scale > 0, moved / scale, np.nan), np.where(scale > 0, np.abs(np.diff(torso)) / scale, np.nan)


# Back contour: fractions along the hip→shoulder chord. The ends anchor a straight reference line
# (sacrum/buttock level and mid-back); the lumbar window is the lower part between them.
CONTOUR_ANCHORS = (0.05, 0.85)
LUMBAR_WINDOW = (0.15, 0.55)
CONTOUR_S = np.linspace(*CONTOUR_ANCHORS, 17)
_MARCH = np.linspace(0.0, 0.8, 201)  # march distances along the back normal, in torso lengths (0.004 steps)


@dataclass(frozen=True)
class BackContour:
    """The silhouette's back edge, sampled at ``CONTOUR_S`` along the hip→shoulder chord (pixels, y down)."""

    hip: np.ndarray
    chord: np.ndarray
    normal: np.ndarray  # unit vector from the chord towards the back
    offsets: np.ndarray  # chord→edge distance in torso lengths, NaN where no edge was found

    def points(self) -> np.ndarray:
        """Pixel positions of the edge points that were found (for drawing)."""
        length = norm(self.chord)
        points = self.hip + CONTOUR_S[:, None] * self.chord + (self.offsets * length)[:, None] * self.normal
        return points[np.isfinite(points).all(axis=1)]


def back_contour(mask: np.ndarray, hip: np.ndarray, shoulder: np.ndarray, facing: float) -> BackContour | None:
    """March out from the chord along the back normal to the mask's edge; None if the torso is too small."""
    chord = shoulder - hip
    length = norm(chord)
    if not np.isfinite(length) or length < 8:
        return None
    # The back is on the side opposite the face: the chord turned a quarter turn away from it
    # (for a right-facing person, screen-up chord → back to the left; forward chord → back up).
    normal = facing * np.array([chord[1], -chord[0]]) / length
    base = hip + CONTOUR_S[:, None] * chord                                  # (K, 2)
    points = base[:, None, :] + (_MARCH * length)[None, :, None] * normal   # (K, M, 2)
    cols = np.rint(points[..., 0]).astype(int)
    rows = np.rint(points[..., 1]).astype(int)
    height, width = mask.shape
    in_image = (cols >= 0) & (cols < width) & (rows >= 0) & (rows < height)
    inside = np.zeros(cols.shape, dtype=bool)
    inside[in_image] = mask[rows[in_image], cols[in_image]] > 0.5
    first_out = np.argmax(~inside, axis=1)
    found = ~inside.all(axis=1) & inside[:, 0]
    # The edge must lie inside the picture: a march that ran off the image saw no edge.
    edge_in_image = in_image[np.arange(len(first_out)), first_out]
    offsets = np.where(found & edge_in_image, _MARCH[first_out], np.nan)
    return BackContour(hip, chord, normal, offsets)


def anchor_line_deviation(offsets: np.ndarray) -> np.ndarray:
    """(…, K) outline offsets → how far each point lies out (+) or in (−) of the straight line joining the two
    anchor points, in torso lengths (all NaN where an anchor is missing). Vectorised over frames."""
    offsets = np.asarray(offsets, float)
    far = np.interp(CONTOUR_S, CONTOUR_ANCHORS, [0.0, 1.0])  # the far anchor's weight along the back
    return offsets - (offsets[..., :1] * (1 - far) + offsets[..., -1:] * far)


def edge_direction_deg(offsets: np.ndarray, part: tuple[float, float]) -> np.ndarray:
    """(…, K) outline offsets → the back edge's direction against the chord over ``part`` of it (fractions along
    the chord), degrees: its least-squares slope over the points found, NaN where fewer than two were."""
    inside = (CONTOUR_S >= part[0]) & (CONTOUR_S <= part[1])
    values = np.asarray(offsets, float)[..., inside]
    found = np.isfinite(values)
    count = found.sum(axis=-1, keepdims=True)
    s, y = np.where(found, CONTOUR_S[inside], 0.0), np.where(found, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):  # fewer than two points: no direction (NaN)
        s_off = np.where(found, s - s.sum(axis=-1, keepdims=True) / count, 0.0)
        y_off = y - y.sum(axis=-1, keepdims=True) / count
        return np.degrees(np.arctan((s_off * y_off).sum(axis=-1) / (s_off ** 2).sum(axis=-1)))


def back_bulge(offsets: np.ndarray) -> float:
    """How far the lumbar part of the back edge bows out (+) or in (−) of the line joining the anchors."""
    window = (CONTOUR_S >= LUMBAR_WINDOW[0]) & (CONTOUR_S <= LUMBAR_WINDOW[1])
    deviation = anchor_line_deviation(offsets)[window]
    if np.isnan(deviation).mean() > 0.25:
        return float("nan")
    # Report the larger excursion with its sign: rounding bows the back out, arching bows it in.
    high, low = np.nanmax(deviation), np.nanmin(deviation)
    return float(high if high >= -low else low)


# Lower (sacrum→lumbar) and upper (thoracolumbar) stretches of the back edge whose directions give the bend.
LOWER_BACK = (0.05, 0.35)
UPPER_BACK = (0.45, 0.85)


def back_bend(offsets: np.ndarray) -> float:
    """Angle between the lower and upper back-edge directions, degrees: + flexion (bows out), − extension.

    A contour-based stand-in for lumbar flexion: MediaPipe has no spine landmarks.
    """
    for low, high in (LOWER_BACK, UPPER_BACK):
        if (np.isfinite(offsets) & (CONTOUR_S >= low) & (CONTOUR_S <= high)).sum() < 4:
            return float("nan")
    return float(edge_direction_deg(offsets, LOWER_BACK) - edge_direction_deg(offsets, UPPER_BACK))


def measure(pose: PoseFrame, facing: float | None = None) -> tuple[dict[str, float], BackContour | None]:
    """All metrics of one frame, and the back contour when the frame carries a mask."""
    if not pose.detected:
        return {}, None
    values = landmark_metrics(pose, facing)
    if pose.mask is None:
        return values, None
    hip = np.array([values["hip_x_px"], values["hip_y_px"]])
    shoulder = np.array([values["shoulder_x_px"], values["shoulder_y_px"]])
    contour = back_contour(pose.mask, hip, shoulder, values["facing"])
    offsets = contour.offsets if contour is not None else np.full(CONTOUR_S.shape, np.nan)
    values["back_bulge"] = back_bulge(offsets)
    values["back_bend"] = back_bend(offsets)
    return values, contour


def frame_metrics(pose: PoseFrame) -> dict[str, float]:
    return measure(pose)[0]
