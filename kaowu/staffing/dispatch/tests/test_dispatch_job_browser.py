"""A large plan's dispatch in Chromium: the center clicks 生成派遣方案, lands on the job page (排队中), a real
`kaowu worker` process solves it, and the page swaps in the finished state and the link to the proposal."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page
from kaowu.staffing.dispatch import services
from kaowu.staffing.tests.factories import world_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def run_worker_process():
    """Run the queued jobs in a real worker process against the test database."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        url = f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    result = subprocess.run([sys.executable, "-m", "kaowu.cli", "worker", "--batch", "--no-startup-delay"],
                            cwd=settings.BASE_DIR, env={**os.environ, "DATABASE_URL": url}, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def world(institution_clerk, chengdu_reviewer, assessor, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_ROOM_SESSIONS", 0)  # this plan counts as large
    return world_build(institution_clerk, assessor_user=assessor)


def test_the_center_watches_a_background_dispatch_finish(live_server, world, browser):
    page, problems = open_page(browser, viewport={"width": 1280, "height": 800})
    log_in(page, live_server, "cd_reviewer")
    page.goto(f"{live_server.url}/staffing/dispatch/plans/{world.plan.pk}/")
    page.click("#button-generate")
    page.wait_for_url("**/jobs/*/")
    assert "排队中" in page.locator("#job-status").inner_text()
    page.screenshot(path=ARTIFACTS / "dispatch_job_queued.png", full_page=True)
    run_worker_process()
    page.locator("#job-status", has_text="已完成").wait_for(timeout=15_000)
    assert "已生成派遣方案" in page.locator("#job-message").inner_text()
    page.screenshot(path=ARTIFACTS / "dispatch_job_done.png", full_page=True)
    page.click("#job-result")
    page.wait_for_url(f"**/staffing/dispatch/plans/{world.plan.pk}/")
    assert page.locator("#run-status").inner_text() == "待发布"
    assert problems == [], problems
