"""Every page: no src/href to another host, and a Content-Security-Policy header.

The list of pages comes from the URL configuration itself, so a page added later is checked
too; a route with a parameter this test cannot fill makes it fail until one is given below.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kaowu.core.jobs import job_start
from kaowu.core.tests.html import external_links
from kaowu.workspace.tasks import organisation_census

pytestmark = pytest.mark.django_db


def route_templates(resolver=None, prefix="") -> list[str]:
    resolver = resolver or get_resolver()
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if prefix + str(entry.pattern) == "admin/":
                continue  # Django's own admin is checked through its index page below
            routes += route_templates(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            routes.append(prefix + str(entry.pattern))
    return routes


@pytest.fixture
def objects(settings, tmp_path, chengdu_institution, institution_clerk):
    """One of each object a page shows, so that every page renders with real content."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from kaowu.catalog.loader import catalogue_load
    from kaowu.catalog.models import SpecialItem
    from kaowu.plans import services as plan_services
    from kaowu.plans.models import Plan
    from kaowu.plans.tests.factories import make_plan
    from kaowu.sites.models import (
        FacilityFiling,
        FacilityFilingAttachment,
        Room,
        RoomKind,
        Site,
        UnifiedExamApplication,
    )

    settings.MEDIA_ROOT = tmp_path
    catalogue_load()
    site = Site.objects.create(institution=chengdu_institution, name="一站考点", address="锦江区东大街100号",
                               region_code="510104", contact_name="陈录", contact_phone="02800000000",
                               safety_officer="王安")
    Room.objects.create(site=site, name="第1考场", kind=RoomKind.THEORY, capacity=30, desks=30)
    filing = FacilityFiling.objects.create(institution=chengdu_institution, site=site,
                                           special_item=SpecialItem.objects.get(name="大数据清洗"))
    attachment = FacilityFilingAttachment(filing=filing, kind="photo", caption="考场全景")
    attachment.file.save("site.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    application = UnifiedExamApplication.objects.create(
        institution=chengdu_institution, site=site, equipment_summary="电脑60台", staff_summary="考务人员8名",
        rules_summary="考务管理制度",
    )
    plan = make_plan(institution_clerk, site, sessions=[timezone.localdate() + timedelta(days=70)])
    # The approval itself is tested in plans; here the page only needs an approved, announced plan.
    Plan.objects.filter(pk=plan.pk).update(announced_at=timezone.now(), status=Plan.Status.APPROVED)
    plan.refresh_from_db()
    change = plan_services.plan_change_request(
        plan=plan, by=institution_clerk, reason="考场检修",
        sessions=[{"id": plan.sessions.get().pk, "date": "2027-03-01", "start": "09:00", "end": "10:00"}],
    )
    return {"site": site, "filing": filing, "attachment": attachment, "application": application, "plan": plan,
            "change": change}


@pytest.fixture
def pages(province_admin, chengdu_institution, institution_clerk, objects):
    job = job_start(task=organisation_census, title="统计", owner=province_admin, user_id=province_admin.pk)
    values = {
        "<int:organisation_id>": str(chengdu_institution.pk),
        "<int:user_id>": str(institution_clerk.pk),
        "<str:task_id>": job.task_id,
        "<int:year>": "2024",
        "<int:month>": "10",
        "<int:plan_id>": str(objects["plan"].pk),
        "<int:site_id>": str(objects["site"].pk),
        "<int:filing_id>": str(objects["filing"].pk),
        "<int:attachment_id>": str(objects["attachment"].pk),
        "<int:application_id>": str(objects["application"].pk),
        "<int:change_id>": str(objects["change"].pk),
        "<int:session_id>": str(objects["plan"].sessions.first().pk),  # station lottery
        "<int:room_id>": str(objects["site"].rooms.first().pk),
        "<int:draw_id>": "999999",
        "<int:run_id>": "999999",  # staffing: dispatch runs, people, assignments, paper packages
        "<int:staff_id>": "999999",
        "<int:assignment_id>": "999999",
        "<int:package_id>": "999999",
        "<int:report_id>": "999999",
        "<int:card_id>": "999999",
        "<int:relation_id>": "999999",
        "<int:class_id>": "999999",
        "<int:availability_id>": "999999",
        "<int:release_id>": "999999",  # scoring
        "<int:summary_id>": "999999",
        "<int:recheck_id>": "999999",
        "<int:result_id>": "999999",
        "<int:score_id>": "999999",
        "<site_id>": str(objects["site"].pk),  # ninja's routes
        "<session_id>": str(objects["plan"].sessions.first().pk),
        "<room_id>": str(objects["site"].rooms.first().pk),
        "<plan_id>": str(objects["plan"].pk),
        "<application_id>": "999999",  # the API's 404 carries the CSP too
        "<int:candidate_id>": "999999",
        "<int:document_id>": "999999",
        "<int:change_request_id>": "999999",
        "<int:refund_id>": "999999",  # refunds, on the page and in the API
        "<refund_id>": "999999",
        "<str:token>": "not-a-token",
        "<int:certificate_id>": "999999",  # certificates
        "<int:request_id>": "999999",
        "<int:calibration_id>": "999999",
        "<str:which>": "photo",
        "<str:number>": "S510151000123264000001",
        "<organisation_id>": str(chengdu_institution.pk),  # ninja's routes
        "<user_id>": str(institution_clerk.pk),
        "<task_id>": job.task_id,
    }
    urls = []
    for template in route_templates():
        path = "/" + template
        for key, value in values.items():
            path = path.replace(key, value)
        if "<" in path:
            pytest.fail(f"no sample value for the route {template}: add one to this test")
        urls.append(path)
    return sorted(set(urls)) + ["/admin/"]


def test_no_page_points_to_another_host_and_every_response_has_a_csp(client, login, province_admin, pages):
    anonymous = [client.get("/login/"), client.get("/no-such-page/")]
    signed_in = login(province_admin)
    responses = anonymous + [signed_in.get(url) for url in pages if url not in {"/logout/", "/tasks/start/"}]
    failures = [(r.request["PATH_INFO"], r.status_code) for r in responses if r.status_code >= 500]
    assert failures == []
    for response in responses:
        where = response.request["PATH_INFO"]
        assert "Content-Security-Policy" in response, where
        assert "default-src 'self'" in response["Content-Security-Policy"], where
        if "html" in response.get("Content-Type", ""):
            assert external_links(response.content.decode()) == [], where
    checked = {r.request["PATH_INFO"] for r in responses}
    assert {"/", "/organisations/", "/users/", "/audit/", "/tasks/", "/api/v1/docs", "/admin/"} <= checked


def test_the_csp_forbids_inline_scripts_and_other_hosts(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_templates_carry_no_inline_script_or_style(client, login, province_admin):
    html = login(province_admin).get("/").content.decode()
    assert "<script>" not in html and "style=" not in html and "<style" not in html


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"
