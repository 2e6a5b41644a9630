"""Chromium through Playwright for browser tests: the `browser` fixture and page helpers.

The root conftest registers this module as a plugin, so any test can ask for `browser`; list it
as the test's last fixture.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from conftest import TEST_PASSWORD

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"
CHROMIUM = os.environ.get("KAOWU_CHROMIUM", "/usr/bin/chromium")
# Flags for a closed network and a root user (see the machine notes in docs/architecture.md).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps",
]

@pytest.fixture
def browser(live_server):
    """Chromium, started after the test's data. List it as a test's LAST fixture.

    Playwright's sync API runs an event loop in this thread. Database work done while that loop
    is running gets a connection of its own that nobody closes (Django keys connections by async
    context), and PostgreSQL then refuses to drop the test database: so fixtures that write come
    first, and a test that needs the database mid-way does that work in a process of its own.
    """
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: run `make system-packages`"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def open_page(browser, **options):
    page = browser.new_page(locale="zh-CN", **options)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # A request cut short by the next navigation (net::ERR_ABORTED) is not a fault; a missing
    # or refused asset shows up as an error status or another failure.
    page.on("requestfailed", lambda req: None if "ERR_ABORTED" in (req.failure or "")
            else problems.append(f"failed: {req.url} {req.failure}"))
    page.on("response", lambda res: problems.append(f"{res.status}: {res.url}") if res.status >= 400 else None)
    return page, problems


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
