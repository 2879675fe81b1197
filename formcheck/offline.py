"""Keep MediaPipe's own usage logging on this machine.

MediaPipe 1.2's native library posts usage logs to https://play.googleapis.com/log with the curl it bundles, from a
background thread, and its Python API has no switch to turn that off (found by tracing the system calls of an
analysis in a network namespace: a DNS lookup from ``CurlClient::Post``; see tests/test_netns.py). curl sends every
request through the proxy named in the environment, so naming a closed loopback port as the proxy makes the
request fail on this machine, before any name lookup. Set for the whole process (and the pose processes, which
inherit it), which suits formcheck: it makes no request to another machine on purpose.
"""

from __future__ import annotations

import os

DEAD_PROXY = "http://127.0.0.1:9"  # the discard port; nothing listens there
# The logs go to an https address; only its proxy variables are set, to leave plain-http settings alone.
PROXY_VARIABLES = ("https_proxy", "HTTPS_PROXY")
LOCAL = "localhost,127.0.0.1,::1"  # loopback stays direct (the app's own server, tests)


def keep_native_requests_local() -> None:
    """Point the https proxy at a closed loopback port (also over a user's own proxy: it would forward the logs)."""
    for name in PROXY_VARIABLES:
        os.environ[name] = DEAD_PROXY
    for name in ("no_proxy", "NO_PROXY"):
        os.environ[name] = LOCAL
