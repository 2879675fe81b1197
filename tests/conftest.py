import ipaddress
import socket
import sys
from pathlib import Path

import pytest

# Test helpers (builders.py) live beside the tests.
sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO / "sample_videos"


def _is_local(address) -> bool:
    if not isinstance(address, tuple):  # a Unix socket path
        return True
    host = address[0].decode() if isinstance(address[0], bytes) else address[0]
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:  # a host name that would need a DNS lookup
        return False


@pytest.fixture
def network_attempts(monkeypatch) -> list:
    """Blocks every way out of the machine (connect, UDP send, DNS lookup) and lists what was tried; loopback
    stays open. The block raises OSError, as a real offline machine would; the list catches attempts whose
    error the code under test swallowed."""
    attempts: list = []

    def guard(original, address_of):
        def guarded(*args, **kwargs):
            address = address_of(args)
            if not _is_local(address):
                attempts.append(address)
                raise OSError(f"network access blocked by the test: {address!r}")
            return original(*args, **kwargs)

        return guarded

    monkeypatch.setattr(socket.socket, "connect", guard(socket.socket.connect, lambda a: a[1]))
    monkeypatch.setattr(socket.socket, "connect_ex", guard(socket.socket.connect_ex, lambda a: a[1]))
    monkeypatch.setattr(socket.socket, "sendto", guard(socket.socket.sendto, lambda a: a[-1]))
    monkeypatch.setattr(socket, "create_connection", guard(socket.create_connection, lambda a: a[0]))
    monkeypatch.setattr(socket, "getaddrinfo", guard(socket.getaddrinfo, lambda a: (a[0], a[1])))
    return attempts
