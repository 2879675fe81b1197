"""The wheel carries the pose models, so a non-editable install works from any directory."""

import subprocess
import sys
import zipfile

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow  # builds the wheel


def test_wheel_ships_models_checksums_and_schema(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(REPO)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("formcheck-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for model in ("lite", "full", "heavy"):
        assert f"formcheck/models/pose_landmarker_{model}.task" in names
    assert "formcheck/models/lumbar_angle.json" in names
    assert "formcheck/models/SHA256SUMS" in names
    assert "formcheck/analysis.schema.json" in names
    assert not any(name.startswith(("tests/", "sample_videos/")) for name in names)
