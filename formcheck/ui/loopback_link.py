"""Keeps the live video link between the browser and this machine's server on loopback.

aiortc's ICE layer (aioice) binds a UDP socket on every address of every network interface except loopback and
offers each as a candidate, and resolves a browser's ``….local`` (mDNS) candidates through a socket bound to the
wildcard address; aiortc has no setting for either. The browser and the server run on the same machine (the server
listens only on localhost), so one UDP socket on 127.0.0.1 is enough: the browser's checks reach it from whatever
address the browser picked, and it learns that address from them (a peer-reflexive candidate), so the browser's
mDNS names need not be resolved.
"""

from __future__ import annotations

import aiortc.rtcicetransport
from aioice import Candidate, Connection, mdns

LOOPBACK_ADDRESSES = ["127.0.0.1"]


class LoopbackConnection(Connection):
    """An ICE connection whose only local candidate is on loopback and which resolves no mDNS name."""

    async def get_component_candidates(self, component: int, addresses: list[str], timeout: int = 5
                                       ) -> list[Candidate]:
        return await super().get_component_candidates(component, LOOPBACK_ADDRESSES, timeout)

    async def add_remote_candidate(self, remote_candidate: Candidate | None) -> None:
        if remote_candidate is not None and mdns.is_mdns_hostname(remote_candidate.host):
            return
        await super().add_remote_candidate(remote_candidate)


def install() -> None:
    """Every peer connection aiortc makes in this process from now on uses :class:`LoopbackConnection`."""
    aiortc.rtcicetransport.Connection = LoopbackConnection
