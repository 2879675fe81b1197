"""Locate the bundled model files (PoseLandmarker bundles, the lumbar-angle model) and check each against its
recorded SHA-256."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from .errors import ModelError

MODEL_NAMES = ("lite", "full", "heavy")
DEFAULT_MODEL = "full"

# Inside an installed wheel the models sit in formcheck/models/; in a source checkout
# (editable install, tests) they are at the repository's top-level models/.
_SEARCH_DIRS = (
    Path(__file__).resolve().parent / "models",
    Path(__file__).resolve().parent.parent / "models",
)


def _models_dir() -> Path:
    for directory in _SEARCH_DIRS:
        if (directory / "SHA256SUMS").is_file():
            return directory
    raise ModelError("pose models not found; reinstall formcheck or run tools/build_models.py")


def recorded_checksums() -> dict[str, str]:
    """File name → SHA-256 as recorded in models/SHA256SUMS."""
    lines = (_models_dir() / "SHA256SUMS").read_text().splitlines()
    pairs = (line.split() for line in lines if line.strip())
    return {name.lstrip("*"): digest for digest, name in pairs}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_path(name: str = DEFAULT_MODEL) -> Path:
    """Path of the verified ``.task`` bundle for model ``name`` (checked once per process)."""
    if name not in MODEL_NAMES:
        raise ModelError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}")
    return model_file(f"pose_landmarker_{name}.task")


@cache
def model_file(file_name: str) -> Path:
    """Path of the bundled model file ``file_name``, verified against SHA256SUMS (once per process)."""
    path = _models_dir() / file_name
    if not path.is_file():
        raise ModelError(f"model file {file_name} is missing; reinstall formcheck or rebuild it (see models/README.md)")
    expected = recorded_checksums().get(file_name)
    if expected is None or sha256_of(path) != expected:
        raise ModelError(f"model file {file_name} does not match its recorded SHA-256; rebuild it")
    return path
