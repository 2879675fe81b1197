"""MediaPipe adapter: one small frozen dataclass of numpy arrays per frame, and a streaming estimator.

Nothing else in formcheck imports mediapipe; everything downstream sees ``PoseFrame``.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from .model_files import DEFAULT_MODEL, model_path
from .offline import keep_native_requests_local

N_LANDMARKS = 33


class Landmark(IntEnum):
    """BlazePose landmark indices used by formcheck (the model has 33)."""

    NOSE = 0
    LEFT_EAR = 7
    RIGHT_EAR = 8
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


# Bones drawn as the skeleton (pairs of landmark indices); face points other than the ears are left out.
SKELETON = (
    (7, 11), (8, 12), (11, 12), (11, 13), (13, 15), (12, 14), (14, 16),
    (11, 23), (12, 24), (23, 24), (23, 25), (25, 27), (24, 26), (26, 28),
    (27, 29), (29, 31), (27, 31), (28, 30), (30, 32), (28, 32),
)


@dataclass(frozen=True, slots=True, eq=False)
class PoseFrame:
    """Pose of one person in one frame; arrays are NaN when nobody was detected.

    ``image``: (33, 3) x, y in pixels and z (MediaPipe's relative depth, scaled like x).
    ``world``: (33, 3) metres, origin between the hips.
    ``visibility``: (33,) in [0, 1].
    ``mask``: (H, W) float32 person probability, only when masks were requested.
    ``n_people``: how many people the detector saw (``count_people``; only the one ``PersonTracker`` follows is
    described here).
    """

    t: float
    width: int
    height: int
    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    mask: np.ndarray | None = None
    n_people: int = 0

    @property
    def detected(self) -> bool:
        return self.n_people > 0

    @classmethod
    def empty(cls, t: float, width: int, height: int) -> PoseFrame:
        nan3 = np.full((N_LANDMARKS, 3), np.nan)
        return cls(t, width, height, nan3, nan3.copy(), np.zeros(N_LANDMARKS))

    @classmethod
    def from_mediapipe(cls, result, t: float, width: int, height: int, person: int = 0) -> PoseFrame:
        """Adapt pose number ``person`` of a ``PoseLandmarkerResult`` to a PoseFrame."""
        if not result.pose_landmarks:
            return cls.empty(t, width, height)
        landmarks = result.pose_landmarks[person]
        normalized = np.array([(p.x, p.y, p.z) for p in landmarks], dtype=np.float64)
        image = normalized * np.array([width, height, width])
        world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks[person]], dtype=np.float64)
        visibility = np.array([p.visibility or 0.0 for p in landmarks], dtype=np.float64)
        mask = None
        if result.segmentation_masks:  # one mask per pose, in the same order
            # numpy_view() borrows memory the result owns: once the result is freed the view dangles (a
            # segfault, first seen at frame widths that are not a multiple of 4, or silently stale values).
            # Copy while the result is alive.
            mask = np.array(result.segmentation_masks[person].numpy_view()[..., 0], dtype=np.float32, copy=True)
        bodies = [np.array([(p.x, p.y) for p in pose]) * (width, height) for pose in result.pose_landmarks]
        return cls(t, width, height, image, world, visibility, mask, count_people(bodies))


TORSO = (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)


# Seen from the front, a folded body is sometimes found twice: whole, and again as its upper half, centred on the
# same torso (the sample front-view hinge: up to a tenth of the body's size apart). Two people side by side stand at
# least a shoulder width apart, about a quarter of their height. A fifth lies between.
SAME_PERSON = 0.2


def count_people(bodies: list[np.ndarray]) -> int:
    """How many people the detected poses are (``bodies``: each pose's (33, 2) landmark pixels): a pose whose torso
    centre lies within ``SAME_PERSON`` of the larger body's size from another pose's is the same person twice."""
    people: list[tuple[np.ndarray, float]] = []  # torso centre and body size of each person counted
    for body in bodies:
        centre, size = body[list(TORSO)].mean(axis=0), float(np.ptp(body, axis=0).max())
        if all(np.linalg.norm(centre - other) > SAME_PERSON * max(size, other_size) for other, other_size in people):
            people.append((centre, size))
    return len(people)


class PersonTracker:
    """Decides which detected pose is *the* person, so one person is followed however many are in view.

    MediaPipe's order of poses is not stable: when a second person stepped into a sample clip, the newcomer became
    pose 0. So the person followed is the pose nearest to where they were last seen; at first, the one with the
    longest torso on screen (the person nearest the camera).
    """

    def __init__(self) -> None:
        self._last_centre: np.ndarray | None = None

    def choose(self, torsos: list[np.ndarray]) -> int:
        """``torsos``: per detected pose, the (4, 2) pixel positions of its shoulders and hips (``TORSO``)."""
        centres = [torso.mean(axis=0) for torso in torsos]
        if self._last_centre is None:
            lengths = [np.linalg.norm(torso[:2].mean(axis=0) - torso[2:].mean(axis=0)) for torso in torsos]
            person = int(np.argmax(lengths))
        else:
            person = int(np.argmin([np.linalg.norm(centre - self._last_centre) for centre in centres]))
        self._last_centre = centres[person]
        return person


@contextmanager
def _native_stderr_silenced():
    """Hide the TFLite/glog chatter that the native library writes straight to fd 2,
    so command-line errors stay one line. Python exceptions still propagate."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class PoseEstimator:
    """Streaming PoseLandmarker in VIDEO mode: feed frames in time order, get PoseFrames.

    One estimator per video or live session (the MediaPipe graph is stateful and not thread-safe).
    """

    def __init__(self, model: str = DEFAULT_MODEL, *, masks: bool = False, max_people: int = 2) -> None:
        from mediapipe.tasks.python.core.base_options import BaseOptions
        from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions
        from mediapipe.tasks.python.vision.core.vision_task_running_mode import VisionTaskRunningMode

        keep_native_requests_local()  # before the graph starts its logging thread
        self.model = model
        options = PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path(model))),
            running_mode=VisionTaskRunningMode.VIDEO,
            # Two, so that a second person in view can be noticed and reported.
            num_poses=max_people,
            output_segmentation_masks=masks,
        )
        with _native_stderr_silenced():
            self._landmarker = PoseLandmarker.create_from_options(options)
        self._last_ms = -1
        self._tracker = PersonTracker()
        # The graph logs a one-time warning on its first detection; keep it off the user's terminal.
        self._seen_person = False

    def __call__(self, rgb: np.ndarray, t: float) -> PoseFrame:
        """Estimate the pose in an (H, W, 3) uint8 RGB frame taken at ``t`` seconds."""
        import mediapipe as mp

        # VIDEO mode rejects timestamps that do not strictly increase (duplicate or VFR stamps).
        stamp_ms = max(int(round(t * 1000)), self._last_ms + 1)
        self._last_ms = stamp_ms
        # mp.Image reads the raw buffer: a strided view (padded rows, BGR→RGB slicing) silently
        # yields zero detections, so always hand it contiguous memory.
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        if self._seen_person:
            result = self._landmarker.detect_for_video(image, stamp_ms)
        else:
            with _native_stderr_silenced():
                result = self._landmarker.detect_for_video(image, stamp_ms)
            self._seen_person = bool(result.pose_landmarks)
        height, width = rgb.shape[:2]
        person = 0
        if result.pose_landmarks:
            scale = np.array([width, height])
            person = self._tracker.choose([np.array([(pose[i].x, pose[i].y) for i in TORSO]) * scale
                                           for pose in result.pose_landmarks])
        return PoseFrame.from_mediapipe(result, t, width, height, person)

    def close(self) -> None:
        with _native_stderr_silenced():  # newer releases log accelerator teardown on fd 2
            self._landmarker.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
