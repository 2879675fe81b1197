"""Privacy beyond Python's socket module: run an analysis, and the app with an analysis in it, inside a network
namespace that has only loopback, with every connect/send system call of every process and thread traced (strace).
MediaPipe's C++ code and FFmpeg inside PyAV are covered too, which the socket-patching tests cannot see.

Needs root (``unshare -n``), ``ip`` and ``strace``; CI runs as root. Skipped otherwise, saying why.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_DIR

TOOLS = {name: shutil.which(name) for name in ("unshare", "ip", "strace")}
pytestmark = [pytest.mark.slow,  # analyses and the app, traced in a network namespace
              pytest.mark.skipif(os.geteuid() != 0 or not all(TOOLS.values()),
                                 reason="needs root, unshare, ip and strace (apt-get install strace)")]

CLIP = SAMPLE_DIR / "bed_gentle_01.mp4"
# A traced call naming an internet address: connect/sendto/sendmsg with an AF_INET/AF_INET6 socket address.
INET = re.compile(r'sa_family=AF_INET6?, .*?(?:inet_addr|inet_pton\(AF_INET6?,) ?\(?"([^"]+)"')


def _in_namespace(command: list[str], trace: Path, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``command`` in a fresh network namespace (loopback up, nothing else) under strace."""
    inner = (f"ip link set lo up && exec strace -f -qq --seccomp-bpf -e trace=connect,sendto,sendmsg "
             f"-o {trace} " + " ".join(map(_quote, command)))
    return subprocess.run(["unshare", "--net", "sh", "-c", inner], capture_output=True, text=True, timeout=900,
                          cwd=cwd)


def _quote(arg: str) -> str:
    return "'" + str(arg).replace("'", "'\\''") + "'"


def _outbound(trace: Path) -> list[str]:
    """Every non-loopback internet address any traced process tried to reach."""
    addresses = []
    for line in trace.read_text().splitlines():
        for address in INET.findall(line):
            if not (address.startswith("127.") or address in ("::1", "0.0.0.0", "::")):
                addresses.append(line.strip())
    return addresses


def test_the_namespace_and_the_trace_would_see_an_outbound_connection(tmp_path):
    """The check must bite: a connection attempt to another machine shows in the trace (and fails: no route)."""
    probe = ("import socket\ntry:\n    socket.create_connection(('192.0.2.1', 443), timeout=1)\n"
             "except OSError:\n    pass")
    result = _in_namespace([sys.executable, "-c", probe], tmp_path / "trace", tmp_path)
    assert result.returncode == 0, result.stderr
    assert any("192.0.2.1" in line for line in _outbound(tmp_path / "trace"))


@pytest.mark.skipif(not CLIP.is_file(), reason="no sample clip")
def test_an_analysis_in_a_namespace_without_network_reaches_nothing(tmp_path):
    report = tmp_path / "r.json"
    result = _in_namespace([sys.executable, "-m", "formcheck.cli", "analyze", str(CLIP), "--json", str(report),
                            "--annotated", str(tmp_path / "a.mp4")], tmp_path / "trace", tmp_path)
    assert result.returncode == 0, result.stderr
    assert report.is_file() and (tmp_path / "a.mp4").is_file()
    assert _outbound(tmp_path / "trace") == []


def test_the_app_with_an_analysis_in_a_namespace_without_network_reaches_nothing(tmp_path):
    """The app test that analyses a video (AppTest, every page opened), run inside the namespace."""
    result = _in_namespace([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            str(REPO / "tests" / "test_app.py"), "-k", "analyzes_a_video_with_the_network_blocked"],
                           tmp_path / "trace", REPO)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
    assert _outbound(tmp_path / "trace") == []
