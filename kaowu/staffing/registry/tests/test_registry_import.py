"""Excel import of the staff registry: the template, the per-row report, all-or-none, idempotent re-upload."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaowu.core.models import AuditEvent
from kaowu.staffing.models import AssessorCard, StaffMember
from kaowu.staffing.registry import imports
from kaowu.staffing.registry.tests.factories import HEADER, row, staff_id_number, xlsx

pytestmark = pytest.mark.django_db

UPLOAD = reverse("staff_import_upload")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, content: bytes, name: str = "人员.xlsx"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


def report_of(client, content: bytes) -> tuple[str, dict]:
    response = upload(client, content)
    assert response.status_code == 302, response.content.decode()[:800]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return response["Location"], page.context["summary"]


def good_file() -> bytes:
    """Three people: 甲 with two cards (an occupation and a special item), 乙 a supervisor, 丙 with an expired card."""
    return xlsx([
        row(1, "甲考评", roles="考评员、督导员", card="KP-A1"),
        row(1, "", roles="", item="大数据清洗", level="", card="KP-A2", phone="", employer="", region_code=""),
        row(2, "乙督导", roles="督导员", item="", level="", card="", valid=""),
        row(3, "丙考评", item="4-10-01-02", level="五级", card="KP-C1", valid="2020-06-30"),
    ])


# --- template ----------------------------------------------------------------------------------

def test_the_template_has_the_columns_and_drop_downs_for_roles_and_levels(client, login, chengdu_reviewer, catalogue):
    response = login(chengdu_reviewer).get(reverse("staff_import_template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook[imports.SHEET_NAME]
    assert [c.value for c in sheet[1]] == HEADER
    codes = workbook["代码表"]
    lists = {codes.cell(row=1, column=i).value: [c.value for c in list(codes.iter_cols(min_col=i, max_col=i))[0][1:]
                                                  if c.value] for i in range(1, codes.max_column + 1)}
    assert lists["等级"] == ["一级", "二级", "三级", "四级", "五级"]
    assert "考评员" in lists["角色"] and "考评员、督导员" in lists["角色"]
    assert "监考员" not in "".join(lists["角色"])  # a center's template offers only a center's roles
    assert "育婴员" in lists["考评职业或专项"] and "大数据清洗" in lists["考评职业或专项"]
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    role_col = HEADER.index("角色")
    level_col = HEADER.index("等级")
    assert f"{'ABCDEFGHIJ'[role_col]}2" in validated and f"{'ABCDEFGHIJ'[level_col]}2" in validated


def test_an_institution_template_offers_chief_and_invigilator(client, login, institution_clerk, catalogue):
    response = login(institution_clerk).get(reverse("staff_import_template"))
    codes = load_workbook(io.BytesIO(response.content))["代码表"]
    roles = [c.value for c in list(codes.iter_cols(min_col=1, max_col=1))[0][1:] if c.value]
    assert roles == ["主考", "监考员", "主考、监考员"]


# --- happy path, idempotence -------------------------------------------------------------------

def test_a_good_file_is_reported_then_imported_only_on_confirmation(client, login, chengdu_reviewer, catalogue):
    login(chengdu_reviewer)
    report_url, summary = report_of(client, good_file())
    assert summary["faulty"] == 0
    assert (summary["people_new"], summary["cards_new"], summary["cards_existing"]) == (3, 3, 0)
    assert [w["row"] for w in summary["warnings"]] == [5]  # 丙's card expired: a warning, not an error
    assert not StaffMember.objects.exists()  # nothing written before the clerk confirms
    response = client.post(report_url + "confirm/", follow=True)
    assert "新登记人员3人" in response.content.decode()
    first = StaffMember.objects.get(name="甲考评")
    assert first.organisation == chengdu_reviewer.organisation and first.is_assessor and first.is_supervisor
    assert first.phone == "13800000001" and first.region_code == "510104"
    assert set(first.cards.values_list("number", flat=True)) == {"KP-A1", "KP-A2"}
    assert first.cards.get(number="KP-A2").special_item.name == "大数据清洗"
    assert first.cards.get(number="KP-A1").level == 3
    assert StaffMember.objects.get(name="乙督导").cards.count() == 0
    expired = AssessorCard.objects.get(number="KP-C1")
    assert expired.level == 5 and expired.valid_until.year == 2020
    event = AuditEvent.objects.get(action="staffing.registry_import")
    assert event.after["people_new"] == 3 and event.after["cards_new"] == 3


def test_the_same_file_uploaded_twice_creates_nothing_new(client, login, chengdu_reviewer, catalogue):
    login(chengdu_reviewer)
    report_url, _summary = report_of(client, good_file())
    client.post(report_url + "confirm/")
    assert client.post(report_url + "confirm/").status_code == 404  # a second click: the file is gone
    report_url, summary = report_of(client, good_file())
    assert (summary["people_new"], summary["people_existing"], summary["cards_new"], summary["cards_existing"]) == (
        0, 3, 0, 3)
    page = client.get(report_url).content.decode()
    assert "没有需要新增的记录" in page and "import-confirm" not in page
    client.post(report_url + "confirm/")
    assert StaffMember.objects.count() == 3 and AssessorCard.objects.count() == 3


def test_a_new_card_or_role_of_a_registered_person_is_added_without_a_second_person(client, login, chengdu_reviewer,
                                                                                   center_assessor):
    login(chengdu_reviewer)
    content = xlsx([row(1, "吴考评", roles="考评员、试卷保管员", card="KP-VALID-001", level="三级"),
                    row(1, "吴考评", roles="", item="大数据清洗", level="", card="KP-W-NEW")])
    report_url, summary = report_of(client, content)
    assert (summary["people_new"], summary["people_updated"], summary["cards_new"], summary["cards_existing"]) == (
        0, 1, 1, 1)
    client.post(report_url + "confirm/")
    center_assessor.refresh_from_db()
    assert StaffMember.objects.count() == 1 and center_assessor.is_custodian
    assert set(center_assessor.cards.values_list("number", flat=True)) == {"KP-VALID-001", "KP-OLD-002", "KP-W-NEW"}


def test_an_institution_imports_its_invigilators(client, login, institution_clerk, catalogue):
    login(institution_clerk)
    content = xlsx([row(n, roles="监考员" if n % 2 else "主考、监考员", item="", level="", card="", valid="")
                    for n in range(1, 5)])
    report_url, summary = report_of(client, content)
    assert summary["people_new"] == 4 and summary["faulty"] == 0
    client.post(report_url + "confirm/")
    assert StaffMember.objects.filter(organisation=institution_clerk.organisation, is_invigilator=True).count() == 4
    assert StaffMember.objects.filter(is_chief=True).count() == 2


# --- faulty files ------------------------------------------------------------------------------

def test_faulty_rows_are_reported_by_row_and_column_and_nothing_is_written(client, login, chengdu_reviewer,
                                                                          center_assessor):
    rows = [row(n) for n in range(10, 30)]
    number = rows[15][1]
    rows[15][1] = number[:17] + ("1" if number[17] != "1" else "2")  # Excel row 17
    rows[2][5] = "监考员"  # row 4: an institution's role in a center's registry
    rows[3][6] = "焊工"  # row 5: not in the catalogue
    rows[4][7] = "一级"  # row 6: 育婴员 has no 一级
    rows[5][8] = "KP-VALID-001"  # row 7: a card number of somebody else
    rows[6][9] = "2024-02-30"  # row 8: no such day
    rows[7][5] = "考评员、保安"  # row 9: unknown role
    rows[8][4] = "5101"  # row 10
    rows[9][2] = "0288888"  # row 11
    rows[10][5] = "督导员"  # row 12: a card without the assessor role
    rows.append(row(10, "别人"))  # row 22: same ID number as row 2 under another name (and a repeated card)
    login(chengdu_reviewer)
    report_url, summary = report_of(client, xlsx(rows))
    errors = {(e["row"], e["column"]): e["reason"] for e in summary["errors"]}
    assert "校验位错误" in errors[(17, "身份证号")]
    assert "R-FJ-7" in errors[(4, "角色")]
    assert "不在目录中" in errors[(5, "考评职业或专项")]
    assert "未开设一级" in errors[(6, "等级")]
    assert "已登记在其他人员名下" in errors[(7, "考评员证号")]
    assert "不是有效日期" in errors[(8, "证书有效期至")]
    assert "保安" in errors[(9, "角色")]
    assert "6位数字" in errors[(10, "常住地行政区划代码")]
    assert "11位数字" in errors[(11, "手机号")]
    assert "须包含“考评员”" in errors[(12, "角色")]
    assert "姓名不同" in errors[(22, "姓名")] and "与第2行重复" in errors[(22, "考评员证号")]
    assert summary["faulty"] == 11
    page = client.get(report_url).content.decode()
    assert "未导入任何记录" in page and "import-confirm" not in page
    response = client.post(report_url + "confirm/", follow=True)  # a forced confirmation is refused too
    assert "存在错误，未导入任何记录" in response.content.decode()
    assert StaffMember.objects.count() == 1 and AssessorCard.objects.count() == 2


def test_an_institution_file_with_assessors_is_refused_by_row(client, login, institution_clerk, catalogue):
    login(institution_clerk)
    _url, summary = report_of(client, xlsx([row(1, roles="监考员", item="", level="", card="", valid=""),
                                            row(2, roles="考评员")]))
    assert [(e["row"], e["column"]) for e in summary["errors"]] == [(3, "角色")]
    assert "R-FJ-8" in summary["errors"][0]["reason"]


def test_an_id_number_stored_as_a_number_is_explained(client, login, chengdu_reviewer, catalogue):
    line = row(1)
    line[1] = 510104199301010011
    login(chengdu_reviewer)
    _url, summary = report_of(client, xlsx([line]))
    assert "数字格式" in summary["errors"][0]["reason"]


@pytest.mark.parametrize("content, name, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "staff.csv", "不是Excel工作簿"),  # named .csv, but no text
    (b"name,id\n", "staff.csv", "未找到表头：前10行中没有一行含有“姓名”、“身份证号”、“常住地行政区划代码”等列名"),
    (b"", "empty.xlsx", "文件为空"),
    (b"PK\x03\x04 broken", "broken.xlsx", "无法读取该Excel文件"),
])
def test_a_file_that_is_not_a_workbook_is_refused_with_a_clear_message(client, login, chengdu_reviewer, content,
                                                                        name, message):
    login(chengdu_reviewer)
    response = upload(client, content, name)
    assert response.status_code == 400 and message in response.content.decode()


def test_a_workbook_without_rows_or_with_missing_columns_is_refused(client, login, chengdu_reviewer, catalogue):
    login(chengdu_reviewer)
    response = upload(client, xlsx([]))
    assert response.status_code == 400 and "没有数据行" in response.content.decode()
    response = upload(client, xlsx([["张三", staff_id_number(1)]], header=["姓名", "身份证号"]))
    assert "缺少必需的列：常住地行政区划代码、角色" in response.content.decode()
    card_less = [c for c in HEADER if c not in {"考评员证号", "证书有效期至"}]
    response = upload(client, xlsx([row(1)[:8]], header=card_less))
    assert "缺少必需的列：考评员证号、证书有效期至" in response.content.decode()
    empty = Workbook()
    buffer = io.BytesIO()
    empty.save(buffer)
    response = upload(client, buffer.getvalue())
    assert "文件为空" in response.content.decode()


def test_a_file_of_people_without_cards_needs_no_card_columns(client, login, chengdu_reviewer, catalogue):
    login(chengdu_reviewer)
    header = ["姓名", "身份证号", "常住地行政区划代码", "角色"]
    _url, summary = report_of(client, xlsx([["钱督导", staff_id_number(5), "510104", "督导员"]], header=header))
    assert summary["people_new"] == 1 and summary["faulty"] == 0


# --- who may import ----------------------------------------------------------------------------

def test_a_report_belongs_to_the_user_who_uploaded(client, login, chengdu_reviewer, mianyang_reviewer, province_admin,
                                                  catalogue):
    login(chengdu_reviewer)
    report_url, _summary = report_of(client, good_file())
    for other in (mianyang_reviewer, province_admin):
        login(other)
        assert client.get(report_url).status_code == 404
        assert client.post(report_url + "confirm/").status_code == 404
    assert not StaffMember.objects.exists()
    login(chengdu_reviewer)
    assert client.get(reverse("staff_import_report", args=["not-a-token"])).status_code == 404


@pytest.mark.parametrize("who", ["assessor", "supervisor", "invigilator", "candidate"])
def test_people_without_a_registry_cannot_import(request, client, login, who):
    login(request.getfixturevalue(who))
    assert upload(client, xlsx([row(1)])).status_code == 403
    assert client.get(reverse("staff_import_report", args=["not-a-token"])).status_code == 403
    assert client.post(reverse("staff_import_confirm", args=["not-a-token"])).status_code == 403


# --- size --------------------------------------------------------------------------------------

def test_three_thousand_rows_import_synchronously_in_one_request(client, login, chengdu_reviewer, catalogue):
    login(chengdu_reviewer)
    rows = [row(n, item="育婴员" if n % 2 else "大数据清洗", level="三级" if n % 2 else "") for n in range(3000)]
    report_url, summary = report_of(client, xlsx(rows))
    assert summary["people_new"] == 3000 and summary["cards_new"] == 3000
    client.post(report_url + "confirm/")
    assert StaffMember.objects.count() == 3000 and AssessorCard.objects.count() == 3000


def test_further_rows_of_a_person_must_agree_with_the_first(client, login, chengdu_reviewer, catalogue):
    login(chengdu_reviewer)
    content = xlsx([row(1, "甲", roles="考评员、督导员", card="KP-1"),
                    row(1, "甲", roles="督导员、考评员", card="KP-2", level="四级"),  # same roles, other order
                    row(1, "", roles="", card="KP-3", phone="13900000000", level="五级")])
    _url, summary = report_of(client, content)
    assert [(e["row"], e["column"]) for e in summary["errors"]] == [(4, "手机号")]
    assert "与第2行（同一身份证号）填写的手机号不一致" in summary["errors"][0]["reason"]
