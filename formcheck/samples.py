"""The rendered sample clips that ship with a source checkout (sample_videos/ beside the package)."""

from __future__ import annotations

import json
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_videos"


def sample_clips(directory: Path | None = None) -> list[Path]:
    """Sample mp4s, sorted by name; empty when formcheck runs from an installed wheel."""
    directory = SAMPLE_DIR if directory is None else directory
    return sorted(directory.glob("*.mp4")) if directory.is_dir() else []


def truth_of(clip: Path) -> dict | None:
    """The clip's ground-truth sidecar, if it has one."""
    sidecar = clip.with_name(clip.stem + ".truth.json")
    return json.loads(sidecar.read_text()) if sidecar.is_file() else None
