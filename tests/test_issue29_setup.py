"""Issue 29 #13: tools/setup.sh says what it is doing and ends with the URL to open.

The script runs on a copy of itself in a scratch folder, with stand-ins for the tools it calls (dpkg, apt-get, sudo
and .venv/bin/python record their arguments and succeed), so nothing is installed. A real run on a fresh clone
(2 min here) is described in its commit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
STAND_IN = '#!/bin/sh\necho "$(basename "$0") $*" >> "{log}"\n'


def _run(tmp_path: Path, *args: str, installed: bool) -> tuple[str, list[str]]:
    """The script's output and the commands it called."""
    (tmp_path / "tools").mkdir()
    shutil.copy(REPO / "tools" / "setup.sh", tmp_path / "tools" / "setup.sh")
    log = tmp_path / "calls.log"
    tools = tmp_path / "stand-ins"
    for name, folder in (("dpkg", tools), ("apt-get", tools), ("sudo", tools), ("python", tmp_path / ".venv/bin")):
        folder.mkdir(parents=True, exist_ok=True)
        script = STAND_IN.format(log=log) + ("" if installed or name != "dpkg" else "exit 1\n")
        (folder / name).write_text(script)
        (folder / name).chmod(0o755)
    env = dict(os.environ, PATH=f"{tools}:{os.environ['PATH']}")
    done = subprocess.run(["bash", str(tmp_path / "tools" / "setup.sh"), *args], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout, log.read_text().splitlines()


@pytest.mark.parametrize("args", [(), ("--test",)])
def test_setup_announces_each_step_and_ends_with_the_url(tmp_path, args):
    out, calls = _run(tmp_path, *args, installed=True)
    steps = [line for line in out.splitlines() if line.startswith("== formcheck set-up, step")]
    assert [line.split(":")[0] for line in steps] == [f"== formcheck set-up, step {n} of 3" for n in (1, 2, 3)]
    assert out.rstrip().splitlines()[-1] == "Then open http://localhost:8501 in your browser."
    assert ("Run the tests: .venv/bin/python -m pytest -q" in out) == bool(args)
    # The long step, the packages, shows pip's own progress: not run quietly.
    install = [call for call in calls if call.startswith("python -m pip install") and " -e " in call]
    assert len(install) == 1 and " -q" not in install[0]


def test_missing_debian_libraries_are_named_and_installed_with_progress(tmp_path):
    out, calls = _run(tmp_path, installed=False)
    assert "Installing libgl1 libglib2.0-0 libegl1 libgles2 with apt-get" in out
    install = [call for call in calls if "apt-get install" in call]
    assert len(install) == 1 and "-qq" not in install[0]
