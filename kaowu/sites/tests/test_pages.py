"""Site pages: who may see what (404 outside the scope, 403 for the wrong role), forms that show a
rule's refusal next to them, and every page of the app (filings' and applications' too) for each office role."""

import pytest
from django.urls import reverse

from kaowu.core.models import AuditEvent
from kaowu.sites.models import Site
from kaowu.sites.unified import services as application_services

pytestmark = pytest.mark.django_db


def test_candidate_is_refused_every_site_page(login, candidate, chengdu_site):
    client = login(candidate)
    for url in [reverse("site_list"), reverse("site_create"), reverse("site_detail", args=[chengdu_site.pk]),
                reverse("filing_list"), reverse("filing_create"), reverse("unified_application_list")]:
        assert client.get(url).status_code == 403, url


def test_anonymous_visitor_is_sent_to_login(client, chengdu_site):
    response = client.get(reverse("site_detail", args=[chengdu_site.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_mianyang_reviewer_cannot_see_chengdu_sites(login, mianyang_reviewer, chengdu_site, mianyang_site):
    client = login(mianyang_reviewer)
    html = client.get(reverse("site_list")).content.decode()
    assert mianyang_site.name in html and chengdu_site.name not in html
    assert client.get(reverse("site_detail", args=[chengdu_site.pk])).status_code == 404


def test_chengdu_reviewer_sees_the_sites_of_chengdu_institutions(login, chengdu_reviewer, chengdu_site, mianyang_site):
    client = login(chengdu_reviewer)
    html = client.get(reverse("site_list")).content.decode()
    assert chengdu_site.name in html and mianyang_site.name not in html
    assert client.get(reverse("site_detail", args=[chengdu_site.pk])).status_code == 200


def test_other_institution_clerk_cannot_see_or_edit_another_institutions_site(
    login, other_institution_clerk, chengdu_site
):
    client = login(other_institution_clerk)
    assert chengdu_site.name not in client.get(reverse("site_list")).content.decode()
    assert client.get(reverse("site_detail", args=[chengdu_site.pk])).status_code == 404
    response = client.post(reverse("room_create", args=[chengdu_site.pk]),
                           {"name": "偷加考场", "kind": "theory", "capacity": 20, "desks": 20})
    assert response.status_code == 404
    assert client.post(reverse("site_update", args=[chengdu_site.pk]), {"name": "改名"}).status_code == 404
    assert not chengdu_site.rooms.exists()


def test_clerk_adds_a_site_through_the_form(login, institution_clerk):
    client = login(institution_clerk)
    assert client.get(reverse("site_create")).status_code == 200
    response = client.post(reverse("site_create"), {
        "name": "锦江考点", "address": "锦江区东大街100号", "region_code": "510104", "contact_name": "陈录",
        "contact_phone": "13800138000", "safety_officer": "刘安", "safety_officer_phone": "",
    })
    site = Site.objects.get(name="锦江考点")
    assert response.status_code == 302 and response["Location"] == reverse("site_detail", args=[site.pk])
    assert site.institution == institution_clerk.organisation
    assert AuditEvent.objects.filter(action="site.create", actor=institution_clerk).exists()


def test_r_cq_6_refusal_is_shown_next_to_the_room_form(login, institution_clerk, chengdu_site):
    client = login(institution_clerk)
    response = client.post(reverse("room_create", args=[chengdu_site.pk]),
                           {"name": "理论考场1", "kind": "theory", "capacity": 31, "desks": 31})
    assert response.status_code == 200
    html = response.content.decode()
    assert "R-CQ-6" in html and "30" in html
    assert not chengdu_site.rooms.exists()


def test_clerk_adds_rooms_with_stations_and_equipment_and_sees_them_on_the_site(
    login, institution_clerk, chengdu_site
):
    client = login(institution_clerk)
    response = client.post(reverse("room_create", args=[chengdu_site.pk]),
                           {"name": "实操车间", "kind": "practical", "capacity": 12, "desks": 0, "station_count": 12})
    assert response.status_code == 302
    room = chengdu_site.rooms.get()
    assert room.stations.count() == 12
    response = client.post(reverse("equipment_add", args=[chengdu_site.pk]),
                           {"name": "数控车床", "model": "CK6140", "count": 12, "room": room.pk})
    assert response.status_code == 302
    html = client.get(reverse("site_detail", args=[chengdu_site.pk])).content.decode()
    assert "实操车间" in html and "CK6140" in html and "R-FJ-6" in html
    assert "style=" not in html and "<script>" not in html


def test_site_pages_render_for_every_office_role(
    login, institution_clerk, chengdu_reviewer, province_admin, submitted_filing
):
    site = submitted_filing.site
    application = application_services.unified_application_create(
        site=site, by=institution_clerk, equipment_summary="电脑30台", staff_summary="考务人员6人",
        rules_summary="考务管理制度",
    )
    urls = [reverse("site_list"), reverse("site_detail", args=[site.pk]), reverse("filing_list"),
            reverse("filing_detail", args=[submitted_filing.pk]), reverse("unified_application_list"),
            reverse("unified_application_detail", args=[application.pk])]
    for user in (institution_clerk, chengdu_reviewer, province_admin):
        client = login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (user.username, url)
            html = response.content.decode()
            assert "style=" not in html and "<script>" not in html
