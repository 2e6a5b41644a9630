"""合格人员花名册 (Excel, PDF) and the certificate data for the national platform (CSV, JSON; R-CQ-14,
R-SC24-9): what they hold, who gets them, and that every download is audited."""

import codecs
import csv
import io
import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_user
from kaowu.accounts.models import Role
from kaowu.certificates import services
from kaowu.certificates.models import Certificate
from kaowu.certificates.reports import exports, roster
from kaowu.certificates.tests.support import ISSUE_DAY, evaluation_body_register, final_release_build
from kaowu.core.models import AuditEvent
from kaowu.scoring.models import ResultRelease

pytestmark = pytest.mark.django_db

LATER_DAY = date(2026, 12, 21)
DOCS = Path(__file__).resolve().parents[4] / "docs" / "certificates.md"


@pytest.fixture
def mianyang_issued(mianyang_institution, mianyang_reviewer):
    """A 绵阳 plan's certificates, issued the same day as 成都's."""
    clerk = make_user("my01_clerk", Role.INSTITUTION_CLERK, mianyang_institution, "钱绵")
    evaluation_body_register(mianyang_institution, code="5107", sequence="000456")
    world = final_release_build(clerk, passed=2, failed=0, name="绵阳站第01批次", first_serial=500)
    return services.certificates_issue(release=world.release, by=mianyang_reviewer, today=ISSUE_DAY)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def pdf_text(data: bytes, tmp_path, *pages: int) -> str:
    path = tmp_path / "roster.pdf"
    path.write_bytes(data)
    first_last = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(["pdftotext", "-layout", *first_last, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def poppler(tool: str, data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, str(path)], check=True, capture_output=True, text=True).stdout


def roster_url(plan, kind: str) -> str:
    return reverse(f"certificates_roster_{kind}", args=[plan.pk])


def sheet_rows(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows, start=1) if row[0] == "序号")
    # The table's header: bold, repeated on every printed page, and the rows below it scroll under it.
    assert all(cell.font.bold for cell in sheet[header]) and sheet.print_title_rows == f"${header}:${header}"
    assert sheet.freeze_panes == f"A{header + 1}"
    return rows


# --- the roster -------------------------------------------------------------------------------------

def test_the_roster_workbook_lists_every_passed_candidate_with_full_id_and_certificate_number(
        client, login, final, issued, institution_clerk):
    login(institution_clerk)
    response = client.get(roster_url(final.plan, "xlsx"))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(body(response))
    assert rows[0][0] == "合格人员花名册"
    header_text = "\n".join(str(row[0]) for row in rows[:9])
    for expected in ("考核计划：一站第09批次", "考核机构：成都市职业技能鉴定第一站",
                     "审核（发证）中心：成都市职业技能鉴定指导中心", "合格 3 人，已发证 3 人", "考核日期：2026-10-20"):
        assert expected in header_text
    start = next(i for i, row in enumerate(rows) if row[0] == "序号")
    assert rows[start] == roster.COLUMNS == ("序号", "姓名", "性别", "证件号码", "职业（工种）/专项", "等级", "成绩",
                                             "成绩等级", "证书编号", "考核日期")
    table = rows[start + 1:]
    by_number = {c.number: c for c in issued}
    assert [row[0] for row in table] == [1, 2, 3]  # the failed candidate is not on it
    for row in table:
        certificate = by_number[row[8]]
        assert row[1] == certificate.holder_name and row[3] == certificate.candidate.id_number  # full ID
        assert row[4:6] == ("育婴员", "四级/中级工") and row[6] == 80 and row[9] == "2026-10-20"


def test_a_roster_before_issuing_leaves_the_certificate_number_blank(client, login, final, chengdu_reviewer):
    login(chengdu_reviewer)
    rows = sheet_rows(body(client.get(roster_url(final.plan, "xlsx"))))
    assert any("合格 3 人，证书尚未核发" in str(row[0]) for row in rows)
    start = next(i for i, row in enumerate(rows) if row[0] == "序号")
    assert [row[8] for row in rows[start + 1:]] == [None, None, None]
    assert [row[1] for row in rows[start + 1:]] == ["考生000", "考生001", "考生002"]


def test_r_sc24_9_no_roster_while_the_center_has_not_approved_the_results(client, login, institution_clerk):
    submitted = final_release_build(institution_clerk, status=ResultRelease.Status.SUBMITTED)
    login(institution_clerk)
    response = client.get(roster_url(submitted.plan, "pdf"))
    assert response.status_code == 409
    assert "R-SC24-9" in response.content.decode() and "审核通过成绩后" in response.content.decode()
    assert not AuditEvent.objects.filter(action="certificates.roster_download").exists()


def test_a_revoked_certificate_is_marked_on_the_roster(client, login, final, issued, chengdu_reviewer):
    services.certificate_revoke(certificate=issued[0], reason="提供虚假材料", by=chengdu_reviewer)
    login(chengdu_reviewer)
    rows = sheet_rows(body(client.get(roster_url(final.plan, "xlsx"))))
    assert f"{issued[0].number}（已撤销）" in [row[8] for row in rows]


def test_the_roster_pdf_shows_the_names_ids_and_numbers_on_landscape_pages_in_the_embedded_font(
        client, login, final, issued, province_admin, tmp_path):
    login(province_admin)
    response = client.get(roster_url(final.plan, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = body(response)
    text = pdf_text(data, tmp_path)
    assert "合格人员花名册" in text and "成都市职业技能鉴定第一站" in text
    assert re.search(r"第\s*1\s*页\s*共\s*1\s*页", text)  # pdftotext drops the spaces between CJK
    for certificate in issued:
        assert certificate.holder_name in text and certificate.number in text
        assert certificate.candidate.id_number in text
    assert "考生003" not in text  # failed
    assert re.search(r"Page size:\s+841\.89 x 595\.2\d* pts", poppler("pdfinfo", data, tmp_path))
    fonts = [line.split() for line in poppler("pdffonts", data, tmp_path).splitlines()[2:]]
    assert fonts and all(line[-5] == "yes" for line in fonts)  # every font embedded


def test_a_long_roster_repeats_the_table_header_on_every_page(client, login, institution_clerk, tmp_path):
    big = final_release_build(institution_clerk, passed=45, failed=0)
    login(institution_clerk)
    data = body(client.get(roster_url(big.plan, "pdf")))
    second = pdf_text(data, tmp_path, 2)
    assert "证件号码" in second and "证书编号" in second and re.search(r"第\s*2\s*页\s*共\s*\d\s*页", second)
    assert "考生044" in pdf_text(data, tmp_path)


@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_the_plans_institution_its_center_and_the_province_get_the_roster_and_each_download_is_audited(
        client, login, final, institution_clerk, chengdu_reviewer, province_admin, kind):
    for user in (institution_clerk, chengdu_reviewer, province_admin):
        login(user)
        assert client.get(roster_url(final.plan, kind)).status_code == 200
    events = AuditEvent.objects.filter(action="certificates.roster_download").order_by("pk")
    assert [e.actor for e in events] == [institution_clerk, chengdu_reviewer, province_admin]
    assert all(e.after == {"format": kind, "passed": 3, "issued": 0} and e.object_id == str(final.plan.pk)
               for e in events)


@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_outsiders_do_not_get_the_roster(client, login, final, mianyang_reviewer, other_institution_clerk, candidate,
                                         assessor, kind):
    for user, status in ((mianyang_reviewer, 404), (other_institution_clerk, 404), (candidate, 403),
                         (assessor, 403)):
        login(user)
        assert client.get(roster_url(final.plan, kind)).status_code == status, user.username
    client.logout()
    assert client.get(roster_url(final.plan, kind)).status_code == 302  # to the login page
    assert not AuditEvent.objects.filter(action="certificates.roster_download").exists()


# --- the national-platform export -------------------------------------------------------------------

def export_get(client, fmt: str, issued_from=ISSUE_DAY, issued_to=ISSUE_DAY, **extra):
    return client.get(reverse("certificates_export"), {"issued_from": issued_from.isoformat(),
                                                       "issued_to": issued_to.isoformat(), "format": fmt, **extra})


def csv_rows(response) -> list[list[str]]:
    data = body(response)
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def later(institution_clerk, chengdu_reviewer, issued):
    """A second 成都 plan, issued a month after the first."""
    world = final_release_build(institution_clerk, passed=2, failed=0, name="一站第10批次", first_serial=100)
    return services.certificates_issue(release=world.release, by=chengdu_reviewer, today=LATER_DAY)


def test_the_csv_has_the_documented_header_and_only_the_certificates_issued_in_the_period(
        client, login, issued, later, chengdu_reviewer):
    login(chengdu_reviewer)
    response = export_get(client, "csv", ISSUE_DAY, date(2026, 11, 30))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert tuple(rows[0]) == exports.FIELD_NAMES
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert sorted(r["number"] for r in records) == sorted(c.number for c in issued)  # not the December ones
    first = next(r for r in records if r["number"] == issued[0].number)
    certificate = issued[0]
    assert first["holder_id_number"] == certificate.holder_id_number and first["holder_name"] == certificate.holder_name
    assert (first["kind"], first["status"], first["level"], first["grade"]) == ("skill_level", "valid", "4", "")
    assert (first["item_code"], first["item_name"]) == ("4-10-01-02", "育婴员")
    assert (first["exam_date"], first["issued_on"]) == ("2026-10-20", "2026-11-23")
    assert (first["issuer_code"], first["numbered_by_code"]) == ("510104001", "510100")
    assert first["replaces_number"] == "" and first["status_changed_at"] == ""
    december = export_get(client, "csv", LATER_DAY, LATER_DAY)
    assert sorted(row[0] for row in csv_rows(december)[1:]) == sorted(c.number for c in later)


def test_a_mianyang_reviewer_exports_none_of_chengdus_certificates(client, login, issued, mianyang_issued,
                                                                   mianyang_reviewer, province_admin):
    login(mianyang_reviewer)
    numbers = [row[0] for row in csv_rows(export_get(client, "csv"))[1:]]
    assert sorted(numbers) == sorted(c.number for c in mianyang_issued)
    assert not set(numbers) & {c.number for c in issued}
    login(province_admin)
    everything = [row[0] for row in csv_rows(export_get(client, "csv"))[1:]]
    assert len(everything) == len(issued) + len(mianyang_issued)


def test_the_json_parses_and_matches_the_csv(client, login, issued, chengdu_reviewer, chengdu):
    services.certificate_revoke(certificate=issued[1], reason="提供虚假材料（R-LN-3）", by=chengdu_reviewer)
    login(chengdu_reviewer)
    response = export_get(client, "json")
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(body(response))
    assert document["format"] == exports.FORMAT and document["count"] == 3
    assert document["issuer_scope"] == {"level": "city", "organisation_code": chengdu.code,
                                        "organisation_name": chengdu.name}
    assert document["period"] == {"issued_from": "2026-11-23", "issued_to": "2026-11-23",
                                  "include_status_changes": False}
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$", document["generated_at"])
    records = document["certificates"]
    assert all(tuple(r) == exports.FIELD_NAMES for r in records)
    rows = csv_rows(export_get(client, "csv"))
    as_csv = [{k: "" if v is None else str(v) for k, v in r.items()} for r in records]
    assert as_csv == [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    revoked = next(r for r in records if r["number"] == issued[1].number)
    assert revoked["status"] == "revoked" and revoked["status_reason"] == "提供虚假材料（R-LN-3）"
    assert revoked["status_changed_at"].endswith("+08:00") and revoked["level"] == 4
    assert records[0]["replaces_number"] is None and records[0]["grade"] is None


def test_status_changes_of_earlier_certificates_are_reported_on_request(client, login, issued, chengdu_reviewer):
    services.certificate_revoke(certificate=issued[0], reason="提供虚假材料", by=chengdu_reviewer)
    Certificate.objects.filter(pk=issued[0].pk).update(status_changed_at="2026-12-20T10:00:00+08:00")
    login(chengdu_reviewer)
    december = {"issued_from": date(2026, 12, 16), "issued_to": date(2026, 12, 31)}
    assert json.loads(body(export_get(client, "json", **december)))["count"] == 0
    with_changes = json.loads(body(export_get(client, "json", **december, include_changed="on")))
    assert [r["number"] for r in with_changes["certificates"]] == [issued[0].number]
    assert with_changes["certificates"][0]["status"] == "revoked"


def test_every_export_is_audited_with_its_period_and_count(client, login, issued, province_admin):
    login(province_admin)
    export_get(client, "csv")
    export_get(client, "json", date(2026, 11, 1), date(2026, 11, 15))
    events = list(AuditEvent.objects.filter(action="certificates.export").order_by("pk"))
    assert [(e.actor, e.after["format"], e.after["count"]) for e in events] == [
        (province_admin, "csv", 3), (province_admin, "json", 0)]
    assert (events[1].after["issued_from"], events[1].after["issued_to"]) == ("2026-11-01", "2026-11-15")


def test_only_the_province_and_the_centers_export(client, login, issued, institution_admin, institution_clerk,
                                                  candidate, assessor):
    for user in (institution_admin, institution_clerk, candidate, assessor):
        login(user)
        assert export_get(client, "csv").status_code == 403, user.username
    assert not AuditEvent.objects.filter(action="certificates.export").exists()


def test_the_export_page_proposes_the_last_half_month_and_refuses_a_reversed_period(client, login, chengdu_reviewer):
    login(chengdu_reviewer)
    page = client.get(reverse("certificates_export"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "证书数据报送" in html and 'id="export-csv"' in html and 'id="export-json"' in html
    assert all(f"<code>{name}</code>" in html for name in exports.FIELD_NAMES)
    reversed_period = export_get(client, "csv", date(2026, 11, 30), date(2026, 11, 1))
    assert reversed_period.status_code == 200 and "起始日期不能晚于截止日期" in reversed_period.content.decode()
    too_long = export_get(client, "csv", date(2025, 1, 1), date(2026, 6, 30))
    assert "请分段导出" in too_long.content.decode()
    assert not AuditEvent.objects.filter(action="certificates.export").exists()


@pytest.mark.parametrize(("today", "period"), [
    (date(2026, 11, 23), (date(2026, 11, 1), date(2026, 11, 15))),
    (date(2026, 11, 16), (date(2026, 11, 1), date(2026, 11, 15))),
    (date(2026, 11, 15), (date(2026, 10, 16), date(2026, 10, 31))),
    (date(2027, 1, 3), (date(2026, 12, 16), date(2026, 12, 31))),
    (date(2026, 3, 1), (date(2026, 2, 16), date(2026, 2, 28))),
])
def test_r_sc24_9_the_default_period_is_the_last_complete_half_month(today, period):
    assert exports.half_month_before(today) == period


def test_every_export_field_is_documented_with_its_meaning_and_format():
    text = DOCS.read_text(encoding="utf-8")
    assert "国家平台数据报送 / National export fields" in text
    assert exports.fields_markdown() in text
