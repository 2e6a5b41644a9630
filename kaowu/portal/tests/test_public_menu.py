"""The public pages share one menu, so that a candidate on a phone gets from the announcements to the score
list (成绩公示), the score query and the certificate check without going through the login page."""

import re

import pytest
from django.urls import reverse

from kaowu.core.tests.browser_support import ARTIFACTS, open_page
from kaowu.portal.menu import PUBLIC_MENU

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [name for _label, name, _names in PUBLIC_MENU]


def _menu(html: str) -> str:
    match = re.search(r'<nav class="[^"]*public-menu".*?</nav>', html, re.S)
    assert match, "no public menu on the page"
    return match.group(0)


@pytest.mark.parametrize("name", [*PUBLIC_PAGES, "login"])
def test_each_public_page_answers_anonymously_and_links_to_the_others(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    menu = _menu(response.content.decode())
    for label, other, _names in PUBLIC_MENU:
        assert f'href="{reverse(other)}"' in menu and label in menu
    if name != "login":
        assert re.search(r'aria-current="page">[^<]+</a>', menu)  # the page itself is marked


def test_the_announcements_page_links_to_the_score_list(client):
    menu = _menu(client.get(reverse("announcement_list")).content.decode())
    assert f'href="{reverse("scores_public_list")}"' in menu and "成绩公示" in menu


def test_a_logged_in_candidate_also_finds_her_own_results_there(client, login, candidate):
    login(candidate)
    menu = _menu(client.get(reverse("scores_public_list")).content.decode())
    assert f'href="{reverse("my_results")}"' in menu


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("viewport", "suffix"), [({"width": 390, "height": 844}, "phone"),
                                                   ({"width": 1366, "height": 900}, "desktop")])
def test_the_public_menu_on_a_phone_and_a_desktop(live_server, viewport, suffix, browser):
    page, problems = open_page(browser, viewport=viewport)
    page.goto(f"{live_server.url}{reverse('announcement_list')}")
    assert page.is_visible("#nav-public a:has-text('成绩公示')")  # in sight at once, on a phone too
    page.screenshot(path=str(ARTIFACTS / f"public-menu-{suffix}.png"), full_page=True)
    page.click("#nav-public a:has-text('成绩公示')")
    page.wait_for_url(f"**{reverse('scores_public_list')}")
    assert page.locator("#nav-public a[aria-current=page]").inner_text() == "成绩公示"
    page.screenshot(path=str(ARTIFACTS / f"public-scores-{suffix}.png"), full_page=True)
    assert problems == []
