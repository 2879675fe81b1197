"""The camera check before START (formcheck/ui/camera_check.py, our own component): the browser's answer turned into
words (a table), the live pages holding the video box back with those words when there is no camera API, no camera
or the camera is blocked, and the same in a real chromium with no camera, a blocked one and a fake one."""

from __future__ import annotations

import re
from contextlib import contextmanager
from unittest import mock

import pytest
from test_app import PAGE, _ack_disclaimer, _app, _texts, data_dir, webrtc  # noqa: F401
from browser_support import CHROMIUM, WEBRTC_FRAME, server, start_camera  # noqa: F401

from formcheck.ui import camera_check
from formcheck.wording import (CAMERA_CHECK_BUTTONS, CAMERA_ERRORS, CAMERA_NOT_READY, CAMERA_NOTES,
                               CAMERA_SAMPLE_LINK, camera_note)

CHECK_FRAME = 'iframe[title="formcheck.ui.camera_check.camera_check"]'
# What must never reach the patient: the browser's error names, and paths.
EXCEPTION_NAMES = ("Error", "Exception", "NotFound", "NotAllowed", "NotReadable", "Overconstrained", "TrackStart",
                   "Abort", "Security", "DOMException")


def answer(api=True, cameras=1, permission="prompt", test=None) -> dict:
    return {"api": api, "secure": api, "cameras": cameras, "permission": permission, "test": test}


@pytest.mark.parametrize("given, kind, blocks", [
    (None, None, False),                                        # not answered yet: the box as before
    ("not a dict", None, False),
    (answer(), None, False),                                    # a camera, not asked yet
    (answer(cameras=2, permission="granted"), None, False),
    (answer(permission=None), None, False),                     # Firefox: no permission state
    (answer(cameras=None), None, False),                        # the list could not be read: don't guess
    (answer(api=False, cameras=None), "no_api", True),          # plain http on another address
    (answer(api=False, cameras=0, permission="denied"), "no_api", True),
    (answer(cameras=0), "no_camera", True),
    (answer(cameras=0, permission="granted"), "no_camera", True),
    (answer(permission="denied"), "blocked", True),
    (answer(cameras=0, permission="denied"), "blocked", True),  # allowing it comes first, then plugging it in
    (answer(test="ok"), "works", False),
    (answer(cameras=0, test="ok"), "works", False),             # a browser that lists none before it is allowed
    (answer(test="NotFoundError"), "no_camera", True),
    (answer(test="DevicesNotFoundError"), "no_camera", True),
    (answer(test="OverconstrainedError"), "no_camera", True),
    (answer(test="NotAllowedError"), "blocked", True),          # dismissed or blocked at the prompt
    (answer(test="PermissionDeniedError"), "blocked", True),
    (answer(test="SecurityError"), "blocked", True),
    (answer(permission="denied", test="ok"), "blocked", True),  # blocked since the test
    (answer(test="NotReadableError"), "in_use", False),         # START may work once the other program is closed
    (answer(test="TrackStartError"), "in_use", False),
    (answer(test="AbortError"), "in_use", False),
    (answer(test="TypeError"), "no_api", True),
    (answer(test="SomethingNewError"), "failed", False),
    (answer(test="Error"), "failed", False),
    ({}, None, False),
])
def test_the_browsers_answer_in_words(given, kind, blocks):
    note = camera_note(given)
    if kind is None:
        assert note is None
        return
    assert note is CAMERA_NOTES[kind]
    assert note.kind == kind
    assert note.blocks is blocks


def test_every_camera_note_says_what_happened_and_what_to_do_without_error_names():
    assert set(CAMERA_ERRORS.values()) <= set(CAMERA_NOTES)
    for kind, note in CAMERA_NOTES.items():
        assert note.kind == kind and note.level in ("error", "warning", "success")
        assert note.what.endswith(".") and len(note.do) > 10
        text = note.what + note.do
        assert not any(name in text for name in EXCEPTION_NAMES), kind
        assert not re.search(r"[\\/]\w+[\\/]", text.replace("http://", "").replace("https://", "")), kind
        # The buttons a note names are the ones the check offers.
        for quoted in re.findall(r"“([^”]+)”", note.do):
            assert quoted in set(CAMERA_CHECK_BUTTONS.values()) | {"START", "Allow"}, (kind, quoted)
    blocking = {kind for kind, note in CAMERA_NOTES.items() if note.blocks}
    assert blocking == {"no_api", "no_camera", "blocked"}
    for kind in blocking:  # each says how to get the box back
        assert CAMERA_CHECK_BUTTONS["again"] in CAMERA_NOTES[kind].do or kind == "no_api"


def test_the_component_ships_its_page():
    page = camera_check.FRONTEND / "index.html"
    assert page.is_file()
    text = page.read_text()
    for message in ("streamlit:componentReady", "streamlit:render", "streamlit:setComponentValue",
                    "streamlit:setFrameHeight", "enumerateDevices", "getUserMedia"):
        assert message in text


# -- the pages (AppTest; the component and the video box patched) ----------------------------------------------------

def _page(name: str, browser_says: dict | None):
    _ack_disclaimer()
    with mock.patch("formcheck.ui.camera_check.ask_browser", return_value=browser_says) as asked:
        at = _app()
        at.switch_page(PAGE.format(name)).run()
    assert not at.exception
    return at, asked


@pytest.mark.parametrize("name", ["live", "routine"])
@pytest.mark.parametrize("kind, browser_says", [("no_camera", answer(cameras=0)),
                                                ("blocked", answer(permission="denied")),
                                                ("no_api", answer(api=False, cameras=None))])
def test_with_no_usable_camera_the_page_says_so_and_offers_no_video_box(webrtc, name, kind,  # noqa: F811
                                                                        browser_says):
    at, asked = _page(name, browser_says)
    assert asked.call_args.args == (f"{name}-camera-check",)
    assert not webrtc.called  # no box to print the browser's error in
    note = CAMERA_NOTES[kind]
    assert [e.value for e in at.error] == [f"**{note.what}** {note.do}"]
    links = [p.proto.label for p in at.get("page_link")]
    assert CAMERA_SAMPLE_LINK in links  # still useful without a camera
    texts = _texts(at)
    assert CAMERA_NOT_READY in texts
    assert "Press **START**" not in texts  # no START to press
    assert not any(name in texts for name in ("NotFound", "NotAllowed", "NotReadable"))


@pytest.mark.parametrize("name", ["live", "routine"])
@pytest.mark.parametrize("browser_says, level", [(None, None), (answer(), None),
                                                 (answer(test="NotReadableError"), "warning"),
                                                 (answer(test="ok"), "success")])
def test_with_a_camera_or_no_answer_yet_the_video_box_is_offered_as_before(webrtc, name, browser_says,  # noqa: F811
                                                                           level):
    at, _ = _page(name, browser_says)
    assert webrtc.called
    assert webrtc.call_args.kwargs["key"] == f"{name}-camera"
    assert not at.error
    assert "Press **START**" in _texts(at)
    assert CAMERA_SAMPLE_LINK not in [p.proto.label for p in at.get("page_link")]
    shown = {"warning": at.warning, "success": at.success}
    for kind, note in CAMERA_NOTES.items():
        wanted = level is not None and note is camera_note(browser_says)
        assert any(e.value == f"**{note.what}** {note.do}" for e in shown.get(note.level, [])) is wanted, kind


def test_the_check_again_button_is_offered_only_while_the_box_is_held_back(webrtc):  # noqa: F811
    _ack_disclaimer()
    calls = []
    real = camera_check.components.declare_component

    def recording(*args, **kwargs):
        component = real(*args, **kwargs)
        return lambda **given: calls.append(given) or component(**given)

    with mock.patch.object(camera_check.components, "declare_component", recording):
        at = _app(**{"live-camera-check": answer(cameras=0)})
        at.switch_page(PAGE.format("live")).run()
        held_back = calls[-1]
        at.session_state["live-camera-check"] = answer(cameras=1)
        at.run()
        offered = calls[-1]
    assert held_back["again"] is True and offered["again"] is False
    assert held_back["words"] == CAMERA_CHECK_BUTTONS and held_back["key"] == "live-camera-check"


# -- a real browser --------------------------------------------------------------------------------------------------

@contextmanager
def _chromium(*args: str):
    """Debian's chromium, allowing the camera by itself (no prompt), with ``args`` (e.g. a fake camera)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--use-fake-ui-for-media-stream", "--no-sandbox",
                                                                    *args])
        try:
            yield browser
        finally:
            browser.close()


def _all_text(page) -> str:
    """The page's text and that of every frame in it (the components' iframes included)."""
    return "\n".join(frame.locator("body").inner_text() for frame in page.frames if frame.locator("body").count())


def _open_live(browser, server_url: str, before=None):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1300})
    if before is not None:
        before()
    page.goto(server_url + "/live")
    page.get_by_role("heading", name="Live coaching").wait_for(timeout=30_000)
    return page


needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (apt-get install chromium)")


@pytest.mark.slow
@needs_chromium
def test_with_no_camera_the_page_says_so_in_words_and_shows_no_error_name(server):  # noqa: F811
    note = CAMERA_NOTES["no_camera"]
    with _chromium() as browser:  # no fake camera: the browser lists none
        page = _open_live(browser, server)
        page.get_by_text(note.what).wait_for(timeout=30_000)
        page.get_by_text(CAMERA_NOT_READY[:40]).wait_for(timeout=10_000)
        page.get_by_role("link", name=CAMERA_SAMPLE_LINK).wait_for(timeout=10_000)
        # The box of the first run (before the check answered) goes once the run with the answer ends.
        page.locator(WEBRTC_FRAME).wait_for(state="detached", timeout=10_000)
        check = page.frame_locator(CHECK_FRAME)
        check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["again"]).wait_for(timeout=10_000)
        # Turning the camera on fails with NotFoundError: still words, and still no box.
        check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["test"]).click()
        page.wait_for_timeout(3000)
        check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["test"]).wait_for(timeout=10_000)
        page.get_by_text(note.what).wait_for(timeout=10_000)
        text = _all_text(page)
        print("the page with no camera:", text)
        assert note.do in text
        assert page.locator(WEBRTC_FRAME).count() == 0
        assert not any(name in text for name in ("NotFoundError", "Requested device not found", "Error:"))
        assert "START" not in text


@pytest.mark.slow
@needs_chromium
def test_a_blocked_camera_is_said_in_words_and_the_box_comes_back_once_allowed(server):  # noqa: F811
    blocked = CAMERA_NOTES["blocked"]
    with _chromium("--use-fake-device-for-media-stream") as browser:
        cdp = browser.new_browser_cdp_session()

        def camera(setting: str) -> None:  # what the address bar's camera icon sets, in the page's context
            for context in cdp.send("Target.getBrowserContexts")["browserContextIds"]:
                cdp.send("Browser.setPermission", {"permission": {"name": "camera"}, "setting": setting,
                                                   "origin": server, "browserContextId": context})

        page = _open_live(browser, server, before=lambda: camera("denied"))
        page.get_by_text(blocked.what).wait_for(timeout=30_000)
        page.locator(WEBRTC_FRAME).wait_for(state="detached", timeout=10_000)
        text = _all_text(page)
        print("the page with the camera blocked:", text)
        assert not any(name in text for name in ("NotAllowedError", "Permission denied", "Error:"))
        camera("granted")  # the browser tells the check, which looks again by itself
        page.frame_locator(WEBRTC_FRAME).get_by_role("button", name="START").wait_for(timeout=30_000)
        page.get_by_text(blocked.what).wait_for(state="detached", timeout=10_000)


@pytest.mark.slow
@needs_chromium
def test_with_a_fake_camera_the_video_box_is_offered_and_the_camera_test_works(server):  # noqa: F811
    with _chromium("--use-fake-device-for-media-stream") as browser:
        page = _open_live(browser, server)
        box = page.frame_locator(WEBRTC_FRAME)
        box.get_by_role("button", name="START").wait_for(timeout=30_000)
        check = page.frame_locator(CHECK_FRAME)
        check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["test"]).click()
        page.get_by_text(CAMERA_NOTES["works"].what).wait_for(timeout=20_000)
        assert check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["again"]).count() == 0
        assert not any(page.get_by_text(note.what).count() for note in CAMERA_NOTES.values() if note.blocks)
        # The box kept its place through the check's answers: START still turns the camera on.
        start_camera(page)
        assert "Press START" not in page.locator("body").inner_text()  # the panel moved on from waiting


def test_a_running_camera_outdates_what_a_test_said(webrtc):  # noqa: F811
    webrtc.return_value.state.playing = True
    at, _ = _page("live", answer(test="NotReadableError"))
    assert webrtc.called and not at.warning and not at.success
    at, _ = _page("live", answer(cameras=0))  # but nothing hides that there is no camera
    assert [e.value for e in at.error] == [f"**{CAMERA_NOTES['no_camera'].what}** {CAMERA_NOTES['no_camera'].do}"]


@pytest.mark.slow
def test_the_wheel_ships_the_components_page(tmp_path):
    import subprocess
    import sys
    import zipfile

    from conftest import REPO

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(REPO)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("formcheck-*.whl")
    assert "formcheck/ui/camera_check/index.html" in zipfile.ZipFile(wheel).namelist()


@pytest.mark.parametrize("browser_says, says_start", [(answer(), True), (answer(cameras=0), False)])
def test_a_camera_lost_mid_hold_says_to_press_start_only_while_the_box_is_offered(webrtc, browser_says,  # noqa: F811
                                                                                   says_start):
    """Unplugged mid-hold: the camera check then finds no camera and holds the box back, so there is no START."""
    from test_app import LIVE_PLAN, FakeClock, _feed, _live_coach

    _ack_disclaimer()
    clock = FakeClock()
    coach, saver = _live_coach(lambda t: "good", clock=clock, max_fps=1000)
    try:
        _feed(coach, clock, 16.0)  # the countdown, then a few seconds of the hold
        clock.now += 6.0  # no frame for 6 s
        with mock.patch("formcheck.ui.camera_check.ask_browser", return_value=browser_says):
            at = _app(fc_coach_live=(LIVE_PLAN, coach, saver))
            at.switch_page(PAGE.format("live")).run()
        assert not at.exception
        (lost,) = [w.value for w in at.warning if "camera stopped sending pictures" in w.value]
        assert ("press START again" in lost) is says_start
        assert "The holds you finished are saved." in lost
    finally:
        coach.close()
