"""The camera check above the video (formcheck/ui/camera_check.py, our own component, with the page's start button):
the browser's answer turned into words (a table), the live pages holding the video box back with those words when
there is no camera API, no camera or the camera is blocked, the video started and stopped only by a press of the
check's button, and the same in a real chromium with no camera, a blocked one, one in use and a fake one."""

from __future__ import annotations

import re
from contextlib import contextmanager
from unittest import mock

import pytest
from test_app import PAGE, _ack_disclaimer, _app, _texts, data_dir, webrtc  # noqa: F401
from browser_support import CHECK_FRAME, CHROMIUM, WEBRTC_FRAME, server, start_camera  # noqa: F401

from formcheck.ui import camera_check
from formcheck.wording import (CAMERA_CHECK_BUTTONS, CAMERA_ERRORS, CAMERA_NOT_READY, CAMERA_NOTES,
                               CAMERA_CHECKING, CAMERA_SAMPLE_LINK, CAMERA_START, camera_note)

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
            assert quoted in set(CAMERA_CHECK_BUTTONS.values()) | {"Allow"}, (kind, quoted)
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
    assert CAMERA_START not in texts  # no video to start
    assert not any(name in texts for name in ("NotFound", "NotAllowed", "NotReadable"))


@pytest.mark.parametrize("name", ["live", "routine"])
@pytest.mark.parametrize("browser_says, level", [(answer(), None),
                                                 (answer(test="NotReadableError"), "warning"),
                                                 (answer(test="ok"), "success")])
def test_with_a_camera_the_video_box_is_offered_switched_off(webrtc, name, browser_says,  # noqa: F811
                                                                           level):
    at, _ = _page(name, browser_says)
    assert webrtc.called
    assert webrtc.call_args.kwargs["key"] == f"{name}-camera"
    assert not at.error
    assert CAMERA_START in _texts(at)
    assert webrtc.call_args.kwargs["desired_playing_state"] is False  # nothing pressed: the camera stays off
    assert CAMERA_SAMPLE_LINK not in [p.proto.label for p in at.get("page_link")]
    shown = {"warning": at.warning, "success": at.success}
    for kind, note in CAMERA_NOTES.items():
        wanted = level is not None and note is camera_note(browser_says)
        assert any(e.value == f"**{note.what}** {note.do}" for e in shown.get(note.level, [])) is wanted, kind


@pytest.mark.parametrize("name", ["live", "routine"])
def test_before_the_check_has_answered_no_video_box_is_shown(webrtc, name):  # noqa: F811
    at, _ = _page(name, None)
    assert not webrtc.called and not at.error and not at.warning
    assert CAMERA_CHECKING in _texts(at)


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


def test_the_video_starts_and_stops_only_on_a_press_of_the_checks_button(webrtc):  # noqa: F811
    """The box has no START of its own: the check's button turns the camera on and off again first, and only a press
    whose try worked starts the video; each press acts once, though its answer stays until the next."""
    _ack_disclaimer()
    says = {"now": answer()}

    def run(**expected):
        webrtc.reset_mock()
        at.run()
        assert not at.exception
        on = webrtc.call_args.kwargs["desired_playing_state"] if webrtc.called else None
        assert on is expected["on"], (says["now"], on)
        return at

    with mock.patch("formcheck.ui.camera_check.ask_browser", side_effect=lambda key, on=False: says["now"]) as asked:
        at = _app()
        at.switch_page(PAGE.format("live"))
        run(on=False)
        says["now"] = dict(answer(test="NotReadableError"), instance="a", look=2)  # the press found it in use
        in_use = CAMERA_NOTES["in_use"]
        assert [w.value for w in run(on=False).warning] == [f"**{in_use.what}** {in_use.do}"]
        says["now"] = dict(answer(test="ok"), instance="a", look=3, action="start")
        assert not run(on=True).success  # on: no note over the video
        run(on=True)  # the same answer again (any rerun of the page): still on
        assert asked.call_args.kwargs["on"] is True  # the button now offers to stop
        says["now"] = dict(answer(test="ok"), instance="a", look=4, action="stop")
        run(on=False)
        run(on=False)
        says["now"] = dict(answer(test="ok"), instance="b", look=4, action="start")  # a new copy of the check
        run(on=True)
        says["now"] = dict(answer(cameras=0), instance="b", look=5)  # unplugged: the box is held back …
        no_camera = CAMERA_NOTES["no_camera"]
        assert [e.value for e in run(on=None).error] == [f"**{no_camera.what}** {no_camera.do}"]
        says["now"] = dict(answer(cameras=1), instance="b", look=6)  # … and back, off until pressed again
        run(on=False)


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
    if before is not None:  # e.g. a camera permission, a script for every frame
        before(page)
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
        # Trying to start the camera fails with NotFoundError: still words, and still no box.
        check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["start"]).click()
        page.wait_for_timeout(3000)
        check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["start"]).wait_for(timeout=10_000)
        page.get_by_text(note.what).wait_for(timeout=10_000)
        text = _all_text(page)
        print("the page with no camera:", text)
        assert note.do in text
        assert page.locator(WEBRTC_FRAME).count() == 0
        assert not any(name in text for name in ("NotFoundError", "Requested device not found", "Error:"))


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

        page = _open_live(browser, server, before=lambda page: camera("denied"))
        page.get_by_text(blocked.what).wait_for(timeout=30_000)
        page.locator(WEBRTC_FRAME).wait_for(state="detached", timeout=10_000)
        text = _all_text(page)
        print("the page with the camera blocked:", text)
        assert not any(name in text for name in ("NotAllowedError", "Permission denied", "Error:"))
        camera("granted")  # the browser tells the check, which looks again by itself
        page.locator(WEBRTC_FRAME).wait_for(timeout=30_000)
        page.get_by_text(blocked.what).wait_for(state="detached", timeout=10_000)
        start_camera(page)


@pytest.mark.slow
@needs_chromium
def test_with_a_fake_camera_the_video_starts_and_stops_with_the_checks_button(server):  # noqa: F811
    with _chromium("--use-fake-device-for-media-stream") as browser:
        page = _open_live(browser, server)
        page.locator(WEBRTC_FRAME).wait_for(timeout=30_000)
        page.get_by_text(CAMERA_START.split("**")[0].strip()).wait_for(timeout=20_000)
        assert page.frame_locator(WEBRTC_FRAME).get_by_role("button", name="START").count() == 0  # none of its own
        start_camera(page)
        check = page.frame_locator(CHECK_FRAME)
        assert check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["again"]).count() == 0
        assert not any(page.get_by_text(note.what).count() for note in CAMERA_NOTES.values())
        assert "Press Start the camera" not in page.locator("body").inner_text()  # the panel moved on from waiting
        check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["stop"]).click()
        check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["start"]).wait_for(timeout=20_000)
        page.get_by_text(CAMERA_NOTES["works"].what).wait_for(timeout=20_000)


# What a browser does when another program holds the camera: every frame's getUserMedia fails as chromium fails it.
CAMERA_IN_USE_JS = """
if (navigator.mediaDevices) {
  navigator.mediaDevices.getUserMedia = function () {
    return Promise.reject(new DOMException("Could not start video source", "NotReadableError"));
  };
}
"""


@pytest.mark.slow
@needs_chromium
def test_a_camera_in_use_is_said_in_words_and_the_video_is_not_started(server):  # noqa: F811
    in_use = CAMERA_NOTES["in_use"]
    with _chromium("--use-fake-device-for-media-stream") as browser:
        page = _open_live(browser, server, before=lambda page: page.add_init_script(CAMERA_IN_USE_JS))
        check = page.frame_locator(CHECK_FRAME)
        check.get_by_role("button", name=CAMERA_CHECK_BUTTONS["start"]).click()
        page.get_by_text(in_use.what).wait_for(timeout=30_000)
        page.wait_for_timeout(2000)  # the video would have started by now
        text = _all_text(page)
        print("the page with the camera in use:", text)
        assert in_use.do in text
        assert not any(name in text for name in ("NotReadableError", "Could not start video source", "Error:"))
        assert page.locator(WEBRTC_FRAME).count() == 1  # offered: it may work once the other program is closed
        assert not page.get_by_text("frames/s", exact=False).count()  # nothing started


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
def test_a_camera_lost_mid_hold_says_to_restart_it_only_while_the_box_is_offered(webrtc, browser_says,  # noqa: F811
                                                                                   says_start):
    """Unplugged mid-hold: the camera check then finds no camera and holds the box back, so there is nothing to
    restart."""
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
        assert (f"then “{CAMERA_CHECK_BUTTONS['start']}”" in lost) is says_start
        assert "The holds you finished are saved." in lost
    finally:
        coach.close()
