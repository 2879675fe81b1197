"""The live video's relay keeps only the newest frame (formcheck.ui.latest_frame_relay), where streamlit-webrtc
looks for its relay."""

from types import SimpleNamespace

from aiortc.mediastreams import VideoStreamTrack
from streamlit.runtime.runtime import Runtime
from streamlit_webrtc.relay import get_global_relay

from formcheck.ui import latest_frame_relay


def test_streamlit_webrtc_finds_the_latest_frame_relay_and_its_proxies_do_not_buffer(monkeypatch):
    server = SimpleNamespace()
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: True))
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: server))
    latest_frame_relay.install()
    relay = get_global_relay()
    assert isinstance(relay, latest_frame_relay.LatestFrameRelay)
    latest_frame_relay.install()
    assert get_global_relay() is relay  # installed once per server
    proxy = relay.subscribe(VideoStreamTrack())  # as streamlit-webrtc calls it: no ``buffered`` argument
    assert proxy._buffered is False


def test_without_a_running_server_nothing_is_installed(monkeypatch):
    monkeypatch.setattr(Runtime, "exists", classmethod(lambda cls: False))
    latest_frame_relay.install()  # no error, nothing to replace
