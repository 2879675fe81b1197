"""Build PoseFrames and masks geometrically, so metric and rule tests know the true answer."""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from formcheck.pipeline import Observation
from formcheck.pose import N_LANDMARKS, Landmark as L, PoseFrame
from formcheck.rules import RuleEngine, State, Stretch, Verdict

DEG = math.pi / 180


def polar(origin, length: float, angle_from_up_deg: float) -> np.ndarray:
    """Point ``length`` away from ``origin`` at an angle from straight up, positive towards +x (forward)."""
    a = angle_from_up_deg * DEG
    return np.asarray(origin, float) + length * np.array([math.sin(a), math.cos(a)])


def side_pose(*, trunk_tilt: float = 0.0, front_thigh: float = 180.0, back_thigh: float = 180.0,
              knee_bend: float = 0.0, facing: int = 1, scale: float = 150.0, origin=(320.0, 300.0),
              width: int = 640, height: int = 480, yaw: float = 90.0,
              visibility: float = 0.95, t: float = 0.0, n_people: int = 1) -> PoseFrame:
    """A side-view stick figure; angles in degrees from straight up (180 = pointing down), body frame.

    Lengths in torso units: torso 1.0, thigh 0.9, shank 0.9. ``yaw`` turns the body to the camera
    (90 = profile, 0 = facing it), which widens the shoulders and hips on screen.
    """
    hip = np.zeros(2)
    shoulder = polar(hip, 1.0, trunk_tilt)
    ear = polar(shoulder, 0.3, trunk_tilt)
    nose = ear + polar((0, 0), 0.12, trunk_tilt + 90)
    front_knee = polar(hip, 0.9, front_thigh)
    back_knee = polar(hip, 0.9, back_thigh)
    front_ankle = polar(front_knee, 0.9, front_thigh - knee_bend)
    back_ankle = polar(back_knee, 0.9, back_thigh + knee_bend)
    pts = np.zeros((N_LANDMARKS, 2))
    pts[:] = hip
    for idx, p in (
        (L.NOSE, nose), (L.LEFT_EAR, ear), (L.RIGHT_EAR, ear), (L.LEFT_SHOULDER, shoulder),
        (L.RIGHT_SHOULDER, shoulder), (L.LEFT_HIP, hip), (L.RIGHT_HIP, hip),
        (L.LEFT_KNEE, front_knee), (L.RIGHT_KNEE, back_knee), (L.LEFT_ANKLE, front_ankle),
        (L.RIGHT_ANKLE, back_ankle), (L.LEFT_HEEL, front_ankle - (0.08, 0.05)),
        (L.RIGHT_HEEL, back_ankle - (0.08, 0.05)), (L.LEFT_FOOT_INDEX, front_ankle + (0.2, -0.05)),
        (L.RIGHT_FOOT_INDEX, back_ankle + (0.2, -0.05)),
        (L.LEFT_ELBOW, polar(shoulder, 0.5, 180)), (L.RIGHT_ELBOW, polar(shoulder, 0.5, 180)),
        (L.LEFT_WRIST, polar(shoulder, 1.0, 180)), (L.RIGHT_WRIST, polar(shoulder, 1.0, 180)),
    ):
        pts[idx] = p
    # Seen in profile the shoulders/hips overlap; the camera sees their width shrunk by cos(yaw).
    for (left, right), half_width in (((L.LEFT_SHOULDER, L.RIGHT_SHOULDER), 0.36), ((L.LEFT_HIP, L.RIGHT_HIP), 0.26)):
        pts[left, 0] -= half_width * math.cos(yaw * DEG)
        pts[right, 0] += half_width * math.cos(yaw * DEG)
    image = np.zeros((N_LANDMARKS, 3))
    image[:, 0] = origin[0] + facing * pts[:, 0] * scale
    image[:, 1] = origin[1] - pts[:, 1] * scale
    world = np.zeros((N_LANDMARKS, 3))  # formcheck's metrics use image landmarks only
    return PoseFrame(t, width, height, image, world, np.full(N_LANDMARKS, visibility), None, n_people)


def with_mask(pose: PoseFrame, *, bulge: float, depth: float = 0.35) -> PoseFrame:
    """Give ``pose`` a silhouette mask: a torso band behind the hip→shoulder chord whose back edge bows
    out by ``bulge`` torso lengths at the lumbar level (negative bows it in)."""
    mask = np.zeros((pose.height, pose.width), np.float32)
    xy = pose.image[:, :2]
    hip = (xy[L.LEFT_HIP] + xy[L.RIGHT_HIP]) / 2
    shoulder = (xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER]) / 2
    chord = shoulder - hip
    length = np.linalg.norm(chord)
    facing = 1 if xy[L.NOSE, 0] >= xy[L.LEFT_EAR, 0] else -1
    back = facing * np.array([chord[1], -chord[0]]) / length
    s = np.linspace(-0.1, 1.1, 61)
    profile = depth + bulge * np.exp(-((s - 0.35) / 0.15) ** 2)
    back_edge = hip + s[:, None] * chord + (profile * length)[:, None] * back
    front_edge = hip + s[:, None] * chord - (0.25 * length) * back
    polygon = np.vstack([back_edge, front_edge[::-1]]).round().astype(np.int32)
    cv2.fillPoly(mask, [polygon], 1.0)
    return PoseFrame(pose.t, pose.width, pose.height, pose.image, pose.world, pose.visibility, mask, pose.n_people)


def _turn(v: np.ndarray, axis: np.ndarray, deg: float) -> np.ndarray:
    """Rotate 3-D points ``v`` about the unit ``axis`` through the origin (Rodrigues)."""
    a = deg * DEG
    return v * math.cos(a) + np.cross(axis, v) * math.sin(a) + np.outer(v @ axis, axis) * (1 - math.cos(a))


def seated_pose(*, lean: float = 20.0, lumbar_bend: float = 0.0, twist: float = 0.0, camera_yaw: float = 0.0,
                facing: int = 1, scale: float = 150.0, origin=(320.0, 300.0), t: float = 0.0) -> PoseFrame:
    """A seated figure, built in 3-D and seen by an orthographic camera: the glute stretch's geometry.

    Body axes: x forward, y to the person's left, z up; torso units. The trunk leans ``lean`` degrees forward from
    the hips. ``lumbar_bend`` flexes the spine at the lumbar level (0.4 up the trunk): the chest and head pivot
    forward there. ``twist`` turns the chest, shoulders and head about the upper spine. The shoulder joints sit a
    little in front of the spine, as on a real body. ``camera_yaw`` as in the synthetic clips: 0 = square side view,
    + towards the person's front, − behind their side.
    """
    left = np.array([0.0, 1.0, 0.0])
    spine = _turn(np.array([[0.0, 0.0, 1.0]]), left, lean)[0]  # hip → shoulder; a turn about +y leans forward
    lumbar = 0.4 * spine
    upper = {  # chest, shoulders and head, relative to the lumbar pivot, before bending or twisting
        L.LEFT_SHOULDER: 0.6 * spine + 0.08 * np.array([1, 0, 0]) + 0.36 * left,
        L.RIGHT_SHOULDER: 0.6 * spine + 0.08 * np.array([1, 0, 0]) - 0.36 * left,
        L.LEFT_EAR: 0.9 * spine + 0.06 * left,
        L.RIGHT_EAR: 0.9 * spine - 0.06 * left,
        L.NOSE: 0.88 * spine + 0.12 * np.array([math.cos(lean * DEG), 0, -math.sin(lean * DEG)]),
    }
    names = list(upper)
    pts = np.array([upper[n] for n in names])
    pts = _turn(pts, spine, twist)                            # about the upper spine
    pts = _turn(pts, left, lumbar_bend)                       # flexion at the lumbar pivot
    body = {n: lumbar + p for n, p in zip(names, pts)}
    for s, y in (("LEFT", 0.13), ("RIGHT", -0.13)):
        body[L[f"{s}_HIP"]] = np.array([0.0, y, 0.0])
        body[L[f"{s}_KNEE"]] = np.array([0.9, y, 0.0])
        body[L[f"{s}_ANKLE"]] = np.array([0.9, y, -0.9])
        body[L[f"{s}_HEEL"]] = np.array([0.82, y, -0.95])
        body[L[f"{s}_FOOT_INDEX"]] = np.array([1.1, y, -0.95])
    # The camera's screen-right axis: the person's forward at yaw 0, their left at +90 (facing the camera).
    yaw = camera_yaw * DEG
    right = np.array([math.cos(yaw), math.sin(yaw), 0.0])
    image = np.zeros((N_LANDMARKS, 3))
    image[:, :2] = origin  # unlisted landmarks sit at the hips' screen position, as in side_pose
    for idx, p in body.items():
        image[idx, 0] = origin[0] + facing * scale * (p @ right)
        image[idx, 1] = origin[1] - scale * p[2]
    return PoseFrame(t, 640, 480, image, np.zeros((N_LANDMARKS, 3)), np.full(N_LANDMARKS, 0.95), None, 1)


def status_stream(*parts, fps: float = 10.0) -> list[tuple[float, str]]:
    """(status, seconds) parts → (t, status) samples at ``fps``, as a coverage tally reads them."""
    points, t = [], 0.0
    for status, seconds in parts:
        for _ in range(round(seconds * fps)):
            points.append((round(t, 4), status))
            t += 1.0 / fps
    return points


# Metrics of a person seen side-on with the core in view: nothing for the rules to abstain on.
GOOD_VIEW = {"core_visibility": 0.9, "shoulder_width_ratio": 0.2}


def feed_rules(spec: Stretch, timeline, fps: float = 30.0) -> list[Verdict]:
    """Feed ``[(seconds, metrics), ...]`` at ``fps`` to a fresh rule engine of ``spec``, seen side-on; the
    verdicts."""
    engine, verdicts, t = RuleEngine(spec), [], 0.0
    for seconds, metrics in timeline:
        for _ in range(round(seconds * fps)):
            verdicts.append(engine.update(t, {**GOOD_VIEW, **metrics}))
            t += 1 / fps
    return verdicts


def held_still(metrics: dict[str, float], seconds: float, fps: float = 30.0):
    """Observations of one person holding ``metrics`` still (seen side-on, facing right) for ``seconds``, with no
    landmarks or outline: what the pipeline's judge reads."""
    for i in range(round(seconds * fps)):
        pose = replace(PoseFrame.empty(i / fps, 640, 480), n_people=1)
        yield Observation(pose, {**GOOD_VIEW, "facing": 1.0, **metrics}, None)


def flagged_times(verdicts: list[Verdict], mistake: str) -> list[float]:
    return [v.t for v in verdicts if v.states.get(mistake) is State.FLAGGED]
