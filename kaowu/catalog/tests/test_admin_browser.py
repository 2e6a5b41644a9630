"""The province admin sees the loaded catalogue, schemes and policy profiles in the admin."""

import pytest

from kaowu.catalog.loader import catalogue_load
from kaowu.catalog.models import PolicyProfile, Scheme
from kaowu.catalog.policy import policy_active, policy_presets_load
from kaowu.core.tests.browser_support import ARTIFACTS, log_in, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue(db):
    """Loaded before Chromium starts: the test body must not touch the database (see browser_support)."""
    catalogue_load()
    policy_presets_load()
    policy_active()
    return {
        "scheme": Scheme.objects.get(occupation__name="企业人力资源管理师", level=2).pk,
        "chongqing": PolicyProfile.objects.get(preset="chongqing").pk,
    }


def test_province_admin_reads_catalogue_schemes_and_profiles_in_the_admin(live_server, province_admin, catalogue,
                                                                          browser):
    page, problems = open_page(browser, viewport={"width": 1366, "height": 900})
    log_in(page, live_server, "sc_admin")

    page.goto(f"{live_server.url}/admin/catalog/occupation/")
    body = page.locator("#result_list").inner_text()
    assert "企业人力资源管理师" in body and "育婴员" in body and "劳动关系协调员" in body
    page.screenshot(path=ARTIFACTS / "admin_occupations.png", full_page=True)

    page.goto(f"{live_server.url}/admin/catalog/specialitem/?is_unified__exact=1")
    assert "大数据清洗" in page.locator("#result_list").inner_text()
    page.screenshot(path=ARTIFACTS / "admin_special_items.png", full_page=True)

    page.goto(f"{live_server.url}/admin/catalog/scheme/{catalogue['scheme']}/change/")
    content = page.locator("#content").inner_text()
    assert "综合评审" in content and "专业能力" in content
    page.screenshot(path=ARTIFACTS / "admin_scheme_hr_level2.png", full_page=True)

    page.goto(f"{live_server.url}/admin/catalog/policyprofile/{catalogue['chongqing']}/change/")
    assert "R-CQ-6" in page.locator("#content").inner_text()
    page.screenshot(path=ARTIFACTS / "admin_policy_chongqing.png", full_page=True)
    assert not [p for p in problems if "Content Security Policy" in p], problems
