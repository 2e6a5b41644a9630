"""What offices upload instead of the template (#15): CSV in UTF-8 or GBK, wrapped or marked titles, a title row
above the header, the data sheet renamed Sheet1 behind 说明, 身份证号 for 证件号码. Each imports exactly the
applications the filled template imports; the refusals that remain say which header was expected where."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import load_workbook

from kaowu.core.excel import workbook_bytes
from kaowu.core.testing.tables import VARIANTS, csv_bytes, template_filled, variant_files
from kaowu.registration.imports import services as imports
from kaowu.registration.imports.template import import_template_build
from kaowu.registration.imports.tests.factories import HEADER, HR, INFANT, PROFILE_KEYS, good_row, xlsx
from kaowu.registration.models import Application

SYNONYMS = {"证件号码": "身份证号", "手机号": "联系电话", "姓名": "考生姓名", "出生日期": "出生年月",
            "文化程度": "学历", "通讯地址": "联系地址", "邮政编码": "邮编", "工作单位": "单位名称"}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def rows() -> list[list]:
    """Five people: blank gender and birth date on one, a declared work start on another."""
    lines = [good_row(i) + [""] * len(PROFILE_KEYS) for i in range(5)]
    lines[1][3] = lines[1][4] = ""
    lines[2][HEADER.index("开始从事本职业时间")] = "2012-03-01"
    lines[3][HEADER.index("邮政编码")] = ""
    return lines


def imported(plan, clerk, name: str, content: bytes) -> list[tuple]:
    """The applications (with their candidates) that uploading and confirming the file creates, then undone."""
    with transaction.atomic():
        token, _task = imports.import_upload(upload=SimpleUploadedFile(name, content), plan=plan, by=clerk)
        path = imports.import_file_path(imports.import_token_read(token, by=clerk)["f"])
        report = imports.import_commit(plan=plan, path=path, by=clerk)
        assert report.errors == [], report.errors
        created = sorted(Application.objects.filter(plan=plan).values_list(
            "candidate__name", "candidate__id_type", "candidate__id_number", "candidate__gender",
            "candidate__birth_date", "candidate__education", "candidate__phone", "candidate__address",
            "candidate__postal_code", "candidate__employer", "item_id", "profile", "status"))
        transaction.set_rollback(True)
    return created


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_office_variant_imports_the_same_applications_as_the_filled_template(
        open_plan, institution_clerk, variant):
    template = template_filled(import_template_build(plan=open_plan), imports.SHEET_NAME, rows())
    expected = imported(open_plan, institution_clerk, "报名.xlsx", template)
    assert len(expected) == 5 and any(e[11] for e in expected)

    name, content, _first = variant_files(HEADER, rows(), synonyms=SYNONYMS)[variant]

    assert imported(open_plan, institution_clerk, name, content) == expected


@pytest.mark.parametrize("variant", ["csv_gbk", "title_rows_two", "sheet1_after_notes"])
def test_errors_name_the_rows_as_the_spreadsheet_numbers_them(open_plan, institution_clerk, tmp_path, variant):
    lines = rows()
    lines[2][6] = "12345"
    name, content, first = variant_files(HEADER, lines, synonyms=SYNONYMS)[variant]
    token, _task = imports.import_upload(upload=SimpleUploadedFile(name, content), plan=open_plan,
                                         by=institution_clerk)
    path = imports.import_file_path(imports.import_token_read(token, by=institution_clerk)["f"])

    report = imports.import_validate(plan=open_plan, path=path)

    assert [(e.row, e.column) for e in report.errors] == [(first + 2, "手机号")]


def test_a_missing_header_is_named_with_its_row_and_the_titles_it_may_have(login, institution_clerk, open_plan):
    header = [t if t != "证件号码" else "号码" for t in HEADER]
    content = variant_files(header, [good_row(1)], synonyms={})["title_row"][1]
    response = login(institution_clerk).post("/registration/import/", {
        "plan": open_plan.pk, "file": SimpleUploadedFile("名单.xlsx", content)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "缺少必需的列：证件号码。工作表“Sheet1”第2行未找到表头“证件号码”（也可写作：身份证号、身份证号码" in page


def test_a_csv_the_clerk_cannot_decode_or_a_binary_file_is_refused_in_chinese(login, institution_clerk, open_plan):
    client = login(institution_clerk)
    for content, message in [(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "文件不是Excel工作簿（.xlsx 或 .xls）或CSV文件"),
                             (csv_bytes(HEADER, []), "没有数据行")]:
        response = client.post("/registration/import/", {"plan": open_plan.pk,
                                                          "file": SimpleUploadedFile("名单.csv", content)})
        assert response.status_code == 400 and message in response.content.decode()


def test_the_sheet_with_the_most_expected_titles_is_the_data_sheet(open_plan, tmp_path):
    book = load_workbook(io.BytesIO(xlsx([good_row(1), good_row(2)])))
    other = book.create_sheet("旧名单", 0)
    other.append(HEADER[:11])
    other.append(good_row(3))
    path = tmp_path / "two.xlsx"
    path.write_bytes(workbook_bytes(book))

    report = imports.import_validate(plan=open_plan, path=path)

    assert [row.id_number for row in report.rows] == [good_row(1)[2], good_row(2)[2]]


def test_the_upload_page_offers_csv_and_says_what_it_accepts(login, institution_clerk, open_plan):
    page = login(institution_clerk).get(f"/registration/import/?plan={open_plan.pk}").content.decode()
    assert 'accept=".xlsx,.xls,.csv"' in page
    assert "Excel或CSV文件（.xlsx、.xls 或 .csv" in page and "GBK编码" in page and "“身份证号”" in page


@pytest.mark.parametrize("variant", ["csv_gbk", "title_row"])
def test_an_occupation_and_a_level_column_instead_of_the_item_import_the_same_applications(
        open_plan, institution_clerk, variant):
    template = template_filled(import_template_build(plan=open_plan), imports.SHEET_NAME, rows())
    expected = imported(open_plan, institution_clerk, "报名.xlsx", template)
    at = HEADER.index("报考项目")
    levels = {INFANT: ("育婴员", "四级"), HR: ("企业人力资源管理师", "三级/高级工")}
    split = [line[:at] + list(levels[line[at]]) + line[at + 1:] for line in rows()]
    header = HEADER[:at] + ["申报职业（工种）", "申报\n等级"] + HEADER[at + 1:]

    name, content, _first = variant_files(header, split, synonyms={})[variant]

    assert imported(open_plan, institution_clerk, name, content) == expected


def test_a_level_that_is_no_level_is_reported_on_the_row(open_plan, tmp_path):
    at = HEADER.index("报考项目")
    line = good_row(1)
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(HEADER[:at] + ["报考职业", "等级"], [line[:at] + ["育婴员", "六级"]]))

    report = imports.import_validate(plan=open_plan, path=path)

    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (2, "报考项目", "申报等级“六级”无效，应为一级至五级（如“四级”“四级/中级工”或4）")]
