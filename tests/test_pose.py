"""Model files and the MediaPipe adapter."""

import shutil
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import SAMPLE_DIR

from formcheck import lumbar, model_files
from formcheck.errors import ModelError
from formcheck.pose import N_LANDMARKS, TORSO, PersonTracker, PoseEstimator, PoseFrame
from formcheck.video import VideoReader

CLIPS = sorted(SAMPLE_DIR.glob("*.mp4"))


@pytest.mark.parametrize("name", model_files.MODEL_NAMES)
def test_bundled_models_match_their_recorded_checksums(name):
    path = model_files.model_path(name)
    assert path.stat().st_size > 1_000_000
    assert model_files.sha256_of(path) == model_files.recorded_checksums()[path.name]


def test_the_lumbar_model_is_verified_and_loads():
    path = model_files.model_file("lumbar_angle.json")
    assert model_files.sha256_of(path) == model_files.recorded_checksums()[path.name]
    models = lumbar.load_models()
    assert set(models) == {"hamstring", "hip-flexor", "glute"}
    assert all(len(model.coef) == len(lumbar.FEATURES) for model in models.values())


def test_a_tampered_model_is_refused(tmp_path, monkeypatch):
    source = model_files.model_path("lite").parent
    shutil.copy(source / "SHA256SUMS", tmp_path)
    data = bytearray((source / "pose_landmarker_lite.task").read_bytes())
    data[1000] ^= 0xFF
    (tmp_path / "pose_landmarker_lite.task").write_bytes(bytes(data))
    monkeypatch.setattr(model_files, "_SEARCH_DIRS", (tmp_path,))
    model_files.model_file.cache_clear()
    try:
        with pytest.raises(ModelError, match="SHA-256"):
            model_files.model_path("lite")
        with pytest.raises(ModelError, match="missing"):
            model_files.model_path("heavy")
        with pytest.raises(ModelError, match="unknown model"):
            model_files.model_path("huge")
    finally:
        model_files.model_file.cache_clear()


def test_adapter_with_no_pose_gives_an_empty_frame():
    empty = SimpleNamespace(pose_landmarks=[], pose_world_landmarks=[], segmentation_masks=None)
    frame = PoseFrame.from_mediapipe(empty, 1.5, 640, 480)
    assert not frame.detected and frame.t == 1.5
    assert frame.image.shape == (N_LANDMARKS, 3) and np.isnan(frame.image).all()


def test_adapter_scales_normalised_landmarks_to_pixels():
    point = SimpleNamespace(x=0.5, y=0.25, z=-0.1, visibility=0.9)
    world = SimpleNamespace(x=0.1, y=-0.2, z=0.3)
    result = SimpleNamespace(pose_landmarks=[[point] * N_LANDMARKS, [point] * N_LANDMARKS],
                             pose_world_landmarks=[[world] * N_LANDMARKS] * 2, segmentation_masks=None)
    frame = PoseFrame.from_mediapipe(result, 0.0, 640, 480)
    assert frame.detected and frame.n_people == 1  # the same pose found twice is one person
    assert frame.image[0] == pytest.approx([320.0, 120.0, -64.0])
    assert frame.world[0] == pytest.approx([0.1, -0.2, 0.3])
    assert frame.visibility[0] == pytest.approx(0.9)


def test_adapter_describes_the_chosen_person_with_their_own_mask():
    def pose(x):
        return [SimpleNamespace(x=x, y=0.5, z=0.0, visibility=0.9)] * N_LANDMARKS

    masks = [SimpleNamespace(numpy_view=lambda v=v: np.full((2, 2, 1), v, np.float32)) for v in (0.0, 1.0)]
    world = [[SimpleNamespace(x=0.0, y=0.0, z=0.0)] * N_LANDMARKS] * 2
    result = SimpleNamespace(pose_landmarks=[pose(0.2), pose(0.7)], pose_world_landmarks=world,
                             segmentation_masks=masks)
    frame = PoseFrame.from_mediapipe(result, 0.0, 100, 100, person=1)
    assert frame.image[0, 0] == pytest.approx(70.0) and frame.mask.max() == 1.0 and frame.n_people == 2


def _torso(x: float, length: float) -> np.ndarray:
    """Shoulders ``length`` px above the hips, all at ``x`` (the order of ``TORSO``)."""
    assert len(TORSO) == 4
    return np.array([(x, 100.0), (x, 100.0), (x, 100.0 + length), (x, 100.0 + length)])


def test_tracker_follows_the_same_person_whatever_order_mediapipe_reports():
    tracker = PersonTracker()
    assert tracker.choose([_torso(500, 80), _torso(150, 160)]) == 1  # at first: the nearest the camera
    assert tracker.choose([_torso(152, 160)]) == 0
    # A second person steps in and MediaPipe lists them first: still the one who was followed.
    assert tracker.choose([_torso(480, 200), _torso(155, 158)]) == 1
    assert tracker.choose([_torso(158, 160), _torso(470, 200)]) == 0


@pytest.fixture(scope="module")
def person_frames():
    if not CLIPS:
        pytest.fail("no sample clip of a person in sample_videos/")
    with VideoReader(CLIPS[0]) as reader:
        return [rgb for _, rgb in zip(range(30), (rgb for _, rgb in reader.frames()))]


@pytest.mark.parametrize("model", model_files.MODEL_NAMES)
def test_every_model_finds_the_person_with_landmarks_world_and_mask(person_frames, model):
    with PoseEstimator(model, masks=True) as estimator:
        frames = [estimator(rgb, i / 30) for i, rgb in enumerate(person_frames[:10])]
    assert all(f.detected for f in frames)
    last = frames[-1]
    assert np.isfinite(last.image).all() and np.isfinite(last.world).all()
    assert last.mask is not None and last.mask.shape == person_frames[0].shape[:2]
    # Pixel coordinates inside the image, world coordinates in metres around the hips.
    assert (0 <= last.image[:, 0]).all() and (last.image[:, 0] <= last.width).all()
    assert np.abs(last.world).max() < 2.0


def test_strided_and_odd_width_frames_give_the_same_pose(person_frames):
    """mp.Image reads raw memory: a non-contiguous view must be copied, or detection silently fails."""
    odd = [np.ascontiguousarray(rgb[:, :639]) for rgb in person_frames[:8]]
    views = [rgb[:, :639] for rgb in person_frames[:8]]                      # padded rows
    flipped_twice = [np.ascontiguousarray(rgb[..., ::-1])[..., ::-1] for rgb in odd]  # negative strides
    results = []
    for frames in (odd, views, flipped_twice):
        with PoseEstimator("lite") as estimator:
            results.append([estimator(rgb, i / 30) for i, rgb in enumerate(frames)])
    for other in results[1:]:
        for a, b in zip(results[0], other):
            assert b.detected
            np.testing.assert_allclose(a.image, b.image, atol=1e-3)


def test_timestamps_that_do_not_increase_are_accepted(person_frames):
    with PoseEstimator("lite") as estimator:
        for t in (0.0, 0.0, 0.033, 0.02):
            assert estimator(person_frames[0], t).detected
