"""The web page in a real browser: Debian's chromium driven by Playwright (no browser is
downloaded: `executable_path` points at the system one; ./scripts/test installs chromium with
apt-get when missing), against `expunge serve` running as a user starts it.

The flow of issue 17: search the planted person -> strong matches -> file a removal -> log in as
maintainer -> approve -> watch it finish -> the certificate -> search again: no strong match in
the new version. On the way: hostile strings in the dataset and in the search are text (no
script runs, no dialog opens, no <img> is made), every page at 375 px and desktop width is
saved as a screenshot (test-artifacts/web/), every field has a label, the keyboard reaches the
search, and the server's output never holds what was searched.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
playwright_api = pytest.importorskip("playwright.sync_api")

from web_fixtures import EMAIL, NAME, write_dataset

from expunge.index import build_index

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("EXPUNGE_TEST_ARTIFACTS", "test-artifacts")) / "web"
WIDTHS = {"phone": 375, "desktop": 1100}
CONTACT = "amara.answer@example.org"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (./scripts/test installs it)")
    root = tmp_path_factory.mktemp("web")
    data = write_dataset(root)
    build_index(str(data), root / "idx", workers=1)
    port = _free_port()
    out = open(root / "server.log", "w+", encoding="utf-8")  # noqa: SIM115 - read after the run
    proc = subprocess.Popen(
        [sys.executable, "-m", "expunge.cli", "serve", "--index", str(root / "idx"), "--dataset",
         str(data), "--state", str(root / "state"), "--port", str(port)],
        stdout=out, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    token = None
    for _ in range(300):
        out.seek(0)
        found = re.search(r"maintainer token \(shown once[^)]*\): (\S+)", out.read())
        if found:
            token = found.group(1)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                if token:
                    break
        except OSError:
            time.sleep(0.1)
    assert token and proc.poll() is None, "the server did not start"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        yield {"base": base, "token": token, "log": out, "proc": proc}
    finally:
        proc.send_signal(signal.SIGINT)  # the server started here: ended by its own PID
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.close()


@pytest.fixture(scope="module")
def browser(server: dict[str, Any]) -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _page(browser: Any, width: int) -> Any:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _no_markup_from_data(page: Any) -> None:
    """Nothing the dataset or the search held became markup: no script, no image, no dialog."""
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.images.length") == 0
    assert page.dialogs == []


def _every_field_labelled(page: Any) -> None:
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
              .filter(e => !e.id || !document.querySelector(`label[for="${e.id}"]`))
              .map(e => e.name)"""
    )
    assert unlabelled == []


def _search(page: Any, base: str) -> None:
    page.goto(base + "/")
    page.fill("#names", NAME + '\n"><img src=y onerror=alert(2)>')
    page.fill("#emails", EMAIL)
    page.click("form[action='/search'] button")


def test_the_whole_removal_flow_in_a_browser(server: dict[str, Any], browser: Any) -> None:
    base = server["base"]
    person = _page(browser, WIDTHS["desktop"])
    person.goto(base + "/")
    _every_field_labelled(person)
    person.keyboard.press("Tab")  # the first stop is the skip link, then the navigation
    assert person.evaluate("document.activeElement.textContent") == "Skip to the content"
    _shot(person, "search-desktop")
    _search(person, base)
    verdict = person.inner_text(".verdict")
    assert "You are in it: 2 records with strong evidence." in verdict
    snippets = person.inner_text("ol.snippets")
    assert "<script>alert(" in snippets and '"><img src=x onerror=' in snippets  # shown as text
    assert EMAIL not in snippets
    assert "<img src=y onerror=alert(2)>" in person.inner_text("details")  # the search, as text
    _no_markup_from_data(person)
    _every_field_labelled(person)
    _shot(person, "results-desktop")
    person.fill("#contact", CONTACT)
    person.click("text=File a removal request")
    assert "Waiting for the maintainer." in person.inner_text(".verdict")
    status_url = person.url
    _shot(person, "status-filed-desktop")

    desk = _page(browser, WIDTHS["desktop"])
    desk.goto(base + "/maintainer")
    _every_field_labelled(desk)
    _shot(desk, "login-desktop")
    desk.fill("#token", "not the token")
    desk.click("form[action='/maintainer/login'] button")
    assert "That is not the maintainer token." in desk.inner_text("main")
    desk.fill("#token", server["token"])
    desk.click("form[action='/maintainer/login'] button")
    assert "Removal queue" in desk.inner_text("h1")
    _shot(desk, "queue-desktop")
    desk.click("a[href^='/maintainer/requests/']")
    assert CONTACT in desk.inner_text("dl.facts") and "email 1" in desk.inner_text("dl.facts")
    _shot(desk, "request-new-desktop")
    desk.click("text=Approve and remove")
    _shot(desk, "request-running-desktop")
    for _ in range(120):  # the page refreshes itself while the removal runs
        if "Removal certificate" in desk.inner_text("main"):
            break
        desk.wait_for_timeout(500)
    certificate = desk.inner_text(".verdict")
    assert "Removal certificate: PASS" in certificate and "2 records dropped" in certificate
    _shot(desk, "request-done-desktop")
    desk.goto(base + "/maintainer/stats")
    assert "1 removals" in desk.inner_text("dl.facts")
    _shot(desk, "stats-desktop")

    person.goto(status_url)
    assert "Removed." in person.inner_text(".verdict")
    _shot(person, "status-done-desktop")
    _search(person, base)
    assert "No strong match." in person.inner_text(".verdict")
    assert re.search(r"current version: v1-R-", person.inner_text("main"))
    _no_markup_from_data(person)

    phone = _page(browser, WIDTHS["phone"])
    for path, name in (("/", "search"), ("/guides", "guides"), ("/letter", "letter"),
                       (status_url.removeprefix(base), "status")):  # fmt: skip
        phone.goto(base + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTHS["phone"], f"{name} scrolls sideways at 375 px ({width})"
        _shot(phone, f"{name}-phone")
    _search(phone, base)
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTHS["phone"]
    _shot(phone, "results-phone")

    server["log"].seek(0)
    said = server["log"].read()
    assert "POST /search 200" in said
    for secret in (EMAIL, NAME, CONTACT, status_url.rsplit("/", 1)[-1], "onerror"):
        assert secret not in said, secret
