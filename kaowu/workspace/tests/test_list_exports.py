"""Every list's 导出Excel (core.exports): the file holds the rows the page shows with its filters, an outsider's
export holds only their own scope (or is refused), and every export writes an audit event. The pages carry the
shared button and pager."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from conftest import make_user
from kaowu.accounts.models import Role
from kaowu.catalog.loader import catalogue_load
from kaowu.core.models import AuditEvent
from kaowu.plans.tests.factories import make_plan
from kaowu.sites.models import Site
from kaowu.sites.tests.factories import site_of
from kaowu.staffing.registry.tests.factories import staff_make

pytestmark = pytest.mark.django_db


def sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def column(rows: list[tuple], title: str) -> list:
    index = rows[0].index(title)
    return [row[index] for row in rows[1:]]


def exported(user, key: str) -> AuditEvent:
    return AuditEvent.objects.filter(action="list.export", actor=user, after__list=key).get()


def test_sites_export_the_filtered_page_and_only_the_own_institutions(login, institution_clerk,
                                                                     other_institution_clerk):
    site_of(institution_clerk.organisation, institution_clerk, name="第一考点")
    site_of(institution_clerk.organisation, institution_clerk, name="第二考点")
    site_of(other_institution_clerk.organisation, other_institution_clerk, name="他校考点")
    client = login(institution_clerk)
    page = client.get("/sites/", {"q": "第二"}).content.decode()
    assert "导出Excel" in page and 'href="/sites/export/?q=%E7%AC%AC%E4%BA%8C"' in page
    assert column(sheet(client.get("/sites/export/", {"q": "第二"})), "考点名称") == ["第二考点"]
    assert sorted(column(sheet(client.get("/sites/export/")), "考点名称")) == ["第一考点", "第二考点"]
    events = AuditEvent.objects.filter(action="list.export", actor=institution_clerk, after__list="sites")
    assert sorted(event.after["rows"] for event in events) == [1, 2]
    assert {"q": "第二"} in [event.after["filters"] for event in events]
    assert column(sheet(login(other_institution_clerk).get("/sites/export/")), "考点名称") == ["他校考点"]


def test_plans_export_respects_the_status_filter_and_the_scope(login, institution_clerk, other_institution_clerk,
                                                              mianyang_reviewer):
    catalogue_load()
    site = site_of(institution_clerk.organisation, institution_clerk)
    plan = make_plan(institution_clerk, site)
    client = login(institution_clerk)
    assert column(sheet(client.get("/plans/export/")), "计划名称") == [plan.name]
    assert column(sheet(client.get("/plans/export/", {"status": "approved"})), "计划名称") == []
    assert column(sheet(client.get("/plans/export/", {"status": plan.status})), "状态") == [plan.get_status_display()]
    assert sheet(login(other_institution_clerk).get("/plans/export/"))[1:] == []
    assert sheet(login(mianyang_reviewer).get("/plans/export/"))[1:] == []
    assert AuditEvent.objects.filter(action="list.export", after__list="plans").count() == 5


def test_organisations_and_users_export_the_own_subtree(login, institution_admin, other_institution_clerk,
                                                        chengdu_reviewer, mianyang_reviewer):
    clerk = make_user("cd01_clerk9", Role.INSTITUTION_CLERK, institution_admin.organisation, "吴九")
    clerk.phone = "13712345678"
    clerk.save(update_fields=["phone"])
    client = login(institution_admin)
    organisations = column(sheet(client.get("/organisations/export/")), "名称")
    assert organisations == [institution_admin.organisation.name]
    city = column(sheet(login(chengdu_reviewer).get("/organisations/export/", {"kind": "institution"})), "名称")
    assert institution_admin.organisation.name in city and other_institution_clerk.organisation.name in city
    assert mianyang_reviewer.organisation.name not in city
    client = login(institution_admin)
    users = sheet(client.get("/users/export/", {"text": "5678"}))  # part of the phone
    assert column(users, "用户名") == ["cd01_clerk9"] and column(users, "手机号") == ["13712345678"]
    assert "cd02_clerk" not in column(sheet(client.get("/users/export/")), "用户名")
    first, second = AuditEvent.objects.filter(action="list.export", after__list="users").order_by("pk")
    assert first.actor == institution_admin and first.after["personal"] is True
    assert (first.after["rows"], first.after["filters"]) == (1, {"text": "5678"}) and second.after["filters"] == {}


def test_the_audit_log_export_masks_id_numbers_as_the_page_does(login, institution_admin, candidate,
                                                                 other_institution_clerk):
    login(institution_admin)  # a login of its own writes an event
    client = login(institution_admin)
    rows = sheet(client.get("/audit/export/", {"actor": "cd01_admin"}))
    assert rows[0][:4] == ("序号", "时间", "操作人账号", "操作") and len(rows) > 1
    assert set(column(rows, "操作人账号")) == {"cd01_admin"}
    assert exported(institution_admin, "audit").after["filters"] == {"actor": "cd01_admin"}
    assert login(other_institution_clerk).get("/audit/export/").status_code == 403  # a clerk reads no audit log
    assert login(candidate).get("/audit/export/").status_code == 403


def test_the_staff_registry_export_holds_the_filtered_registry_only(login, institution_clerk,
                                                                    other_institution_clerk):
    staff_make(institution_clerk.organisation, 1, "甲考评", is_assessor=True)
    staff_make(institution_clerk.organisation, 2, "乙监考", is_invigilator=True)
    staff_make(other_institution_clerk.organisation, 3, "他校员", is_invigilator=True)
    client = login(institution_clerk)
    assert "导出Excel" in client.get("/staffing/registry/").content.decode()
    rows = sheet(client.get("/staffing/registry/export/", {"role": "invigilator"}))
    assert column(rows, "姓名") == ["乙监考"] and len(column(rows, "身份证号")[0]) == 18
    assert exported(institution_clerk, "staff").after["personal"] is True
    assert column(sheet(login(other_institution_clerk).get("/staffing/registry/export/")), "姓名") == ["他校员"]


@pytest.mark.parametrize("url", ["/sites/export/", "/plans/export/", "/organisations/export/", "/users/export/",
                                 "/staffing/registry/export/", "/staffing/dispatch/export/",
                                 "/staffing/custody/export/", "/registration/changes/export/",
                                 "/scores/release/rechecks/export/", "/sites/filings/export/",
                                 "/certificates/replacements/export/", "/registration/applications/export/"])
def test_a_candidate_cannot_export_a_staff_list(login, candidate, url):
    assert login(candidate).get(url).status_code == 403


@pytest.mark.parametrize("url", ["/sites/", "/plans/", "/organisations/", "/users/", "/audit/",
                                 "/staffing/registry/", "/staffing/dispatch/", "/staffing/custody/",
                                 "/registration/changes/", "/scores/release/rechecks/", "/sites/filings/",
                                 "/certificates/replacements/", "/registration/applications/"])
def test_every_list_page_has_the_export_button_in_its_title_row(login, province_admin, url):
    page = login(province_admin).get(url).content.decode()
    assert 'id="list-export"' in page and "导出Excel" in page
    head = page[page.index("<h1"):page.index('id="list-export"')]
    assert "<table" not in head  # beside the title, above the list


def test_the_site_list_has_the_shared_numbered_pager(login, institution_clerk):
    Site.objects.bulk_create([Site(institution=institution_clerk.organisation, name=f"考点{n:03d}", address="成都",
                                   region_code="510104") for n in range(120)])
    client = login(institution_clerk)
    first = client.get("/sites/", {"q": "考点"}).content.decode()
    assert "q=%E8%80%83%E7%82%B9&amp;page=3" in first and "末页" in first
    third = client.get("/sites/", {"q": "考点", "page": 3}).content.decode()
    assert "考点100" in third and "考点119" in third and "考点099" not in third
    assert 'aria-current="page"><span class="page-link">3<' in third
    assert len(sheet(client.get("/sites/export/", {"q": "考点"}))) == 1 + 120  # the export is not one page
