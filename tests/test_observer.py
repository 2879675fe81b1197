"""The Observer: pose → metrics for a stream, with what is carried between frames (which way the person faces)."""

from dataclasses import replace

import numpy as np
from builders import side_pose

import formcheck.pipeline as pipeline
from formcheck.metrics import facing_sign, measure
from formcheck.pose import Landmark as L
from formcheck.rules import STRETCHES

FPS = 15


def looking_back(pose):
    """The same body, but its nose and toes point the other way on screen (a head tilted back in a lunge while
    the kneeling foot's toes point back): this frame alone says the person faces the other way."""
    image = pose.image.copy()
    for point, base in ((L.NOSE, L.LEFT_EAR), (L.LEFT_FOOT_INDEX, L.LEFT_HEEL), (L.RIGHT_FOOT_INDEX, L.RIGHT_HEEL)):
        image[point, 0] = 2 * image[base, 0] - image[point, 0]
    return replace(pose, image=image)


class FramesAsPoses:
    """Stands in for the pose model: the "picture" given is already the PoseFrame to return."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __call__(self, pose, t):
        return replace(pose, t=t)

    def close(self) -> None:
        pass


def test_single_frames_pointing_the_other_way_do_not_mirror_the_body(monkeypatch):
    monkeypatch.setattr(pipeline, "PoseEstimator", FramesAsPoses)
    leaning_back = side_pose(trunk_tilt=-15.0, front_thigh=110.0, back_thigh=200.0, facing=-1)
    flicker = looking_back(leaning_back)
    assert facing_sign(flicker.image[:, :2]) == -facing_sign(leaning_back.image[:, :2])
    assert measure(flicker)[0]["trunk_tilt"] == -measure(leaning_back)[0]["trunk_tilt"]  # alone: read mirrored

    observer = pipeline.Observer(STRETCHES["hip-flexor"])
    frames = [flicker if i % 3 == 2 else leaning_back for i in range(3 * FPS)]  # every third frame looks back
    tilts = [observer(pose, i / FPS).metrics["trunk_tilt"] for i, pose in enumerate(frames)]
    np.testing.assert_allclose(tilts, -15.0)

    # Turning round is followed within about half a second.
    turned = side_pose(trunk_tilt=-15.0, front_thigh=110.0, back_thigh=200.0, facing=1)
    facing = [observer(turned, 3 + i / FPS).metrics["facing"] for i in range(FPS)]
    assert facing[-1] == 1.0 and facing.index(1.0) <= 0.6 * FPS
