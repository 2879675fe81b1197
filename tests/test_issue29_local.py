"""Issue 29 #14: the live video link is local only. The sockets the server holds while a live session runs (and
while an aiortc peer connection set up as the app sets it up is connected) are listed from /proc: every one is
bound to loopback.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from pathlib import Path

import aiortc.rtcicetransport
import pytest
from aioice import Candidate
from aiortc import RTCPeerConnection
from streamlit_webrtc.config import compile_rtc_configuration

from formcheck.ui import loopback_link
from formcheck.ui.live_view import RTC_CONFIGURATION
from browser_support import CHROMIUM, fake_camera_browser, open_live_practice
from browser_support import server as app_server  # noqa: F401 (a fixture, asked for by name below)

pytestmark = pytest.mark.skipif(not Path("/proc/self/net/udp").exists(), reason="needs Linux /proc")

PROTOCOLS = ("udp", "udp6", "tcp", "tcp6")


def _address(hex_address: str) -> str:
    """An address as /proc/net/{udp,tcp}[6] writes it: the IP as 32-bit words in host (little-endian) order."""
    host, port = hex_address.split(":")
    raw = b"".join(bytes.fromhex(host[i:i + 8])[::-1] for i in range(0, len(host), 8))
    family = socket.AF_INET if len(raw) == 4 else socket.AF_INET6
    return f"{socket.inet_ntop(family, raw)}:{int(port, 16)}"


def _is_loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address.rsplit(":", 1)[0])
    return ip.is_loopback or bool(getattr(ip, "ipv4_mapped", None) and ip.ipv4_mapped.is_loopback)


def _process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it (the app server starts pose processes)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree = [root]
    for pid in tree:
        tree += [child for child, parent in parents.items() if parent == pid]
    return tree


def _fd_targets(pid: int) -> list[str]:
    targets = []
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # the process ended meanwhile
        return targets
    for fd in fds:
        try:
            targets.append(os.readlink(fd))
        except OSError:  # closed meanwhile (e.g. the descriptor that listed the folder)
            pass
    return targets


def internet_sockets(root: int) -> list[tuple[str, str]]:
    """(protocol, local address) of every UDP and TCP socket held by ``root`` and its descendants."""
    inodes = set()
    for pid in _process_tree(root):
        for link in _fd_targets(pid):
            if link.startswith("socket:["):
                inodes.add(link[len("socket:["):-1])
    found = []
    for protocol in PROTOCOLS:
        for line in Path(f"/proc/{root}/net/{protocol}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                found.append((protocol, _address(fields[1])))
    return found


def test_proc_listing_sees_a_socket_on_every_address():
    """The listing itself: a UDP socket bound to the wildcard address is found and is not loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("0.0.0.0", 0))
        port = probe.getsockname()[1]
        listed = internet_sockets(os.getpid())
    assert ("udp", f"0.0.0.0:{port}") in listed
    assert not _is_loopback(f"0.0.0.0:{port}")


def test_a_peer_connection_set_up_as_the_app_does_binds_only_loopback(monkeypatch):
    monkeypatch.setattr(aiortc.rtcicetransport, "Connection", aiortc.rtcicetransport.Connection)  # restored after
    loopback_link.install()
    configuration = compile_rtc_configuration(RTC_CONFIGURATION)

    async def connect_and_list() -> tuple[list[str], list[tuple[str, str]]]:
        browser, app = RTCPeerConnection(configuration), RTCPeerConnection(configuration)
        try:
            channel = browser.createDataChannel("frames")
            opened = asyncio.Event()
            channel.on("open", opened.set)
            await browser.setLocalDescription(await browser.createOffer())
            await app.setRemoteDescription(browser.localDescription)
            await app.setLocalDescription(await app.createAnswer())
            await browser.setRemoteDescription(app.localDescription)
            await asyncio.wait_for(opened.wait(), 20)
            offered = [line.split()[4] for line in app.localDescription.sdp.splitlines()
                       if line.startswith("a=candidate:")]
            return offered, internet_sockets(os.getpid())
        finally:
            await browser.close()
            await app.close()

    offered, listed = asyncio.run(connect_and_list())
    assert offered and set(offered) == {"127.0.0.1"}
    udp = [address for protocol, address in listed if protocol.startswith("udp")]
    assert udp, "the connected peers hold no UDP socket: the listing missed them"
    assert [address for address in udp if not _is_loopback(address)] == []


def test_a_browser_mdns_name_opens_no_wildcard_socket():
    """Browsers may name their own address ``<uuid>.local``; resolving it would bind 0.0.0.0:5353. The browser's
    checks bring its address anyway, so the name is dropped."""
    async def add_and_list() -> tuple[list[Candidate], list[tuple[str, str]]]:
        connection = loopback_link.LoopbackConnection(ice_controlling=False)
        try:
            await connection.add_remote_candidate(Candidate(
                foundation="1", component=1, transport="udp", priority=2130706431,
                host="3f6c2b1e-8d4a-4c0e-9b7a-2f1d5e6a7b8c.local", port=54321, type="host"))
            return connection.remote_candidates, internet_sockets(os.getpid())
        finally:
            await connection.close()

    remote, listed = asyncio.run(add_and_list())
    assert remote == []
    assert [(protocol, address) for protocol, address in listed if not _is_loopback(address)] == []


def _server_pid(url: str) -> int:
    port = url.rsplit(":", 1)[1]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            arguments = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(arguments) and port.encode() in arguments:
            return int(cmdline.parent.name)
    raise AssertionError(f"no app server process on port {port}")


@pytest.mark.slow  # the app in chromium
@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (apt-get install chromium)")
def test_a_live_session_holds_no_socket_beyond_loopback(request, tmp_path):
    """A live practice in chromium with a fake camera (chromium's usual network settings, which offer the
    machine's network addresses): once frames are analysed, the server and its pose processes hold UDP sockets
    for the video link and TCP sockets for the page, all on loopback."""
    url = request.getfixturevalue("app_server")
    with fake_camera_browser(tmp_path) as (browser, _):
        open_live_practice(browser, url)  # returns once frames have been analysed, so the video link is up
        listed = internet_sockets(_server_pid(url))
    print("server sockets during the live session:", sorted(set(listed)))
    assert any(protocol.startswith("udp") for protocol, _ in listed), "no UDP socket: the video link was missed"
    assert [(protocol, address) for protocol, address in listed if not _is_loopback(address)] == []
