"""What offices upload instead of the staff template (#15): CSV in UTF-8 or GBK, wrapped or marked titles, a title
row above the header, the data sheet renamed Sheet1 behind 说明, 证件号码 for 身份证号. Each registers exactly the
people and cards the filled template registers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from kaowu.core.testing.tables import VARIANTS, template_filled, variant_files
from kaowu.staffing.models import AssessorCard, StaffMember
from kaowu.staffing.registry import imports
from kaowu.staffing.registry.import_template import registry_template_build
from kaowu.staffing.registry.tests.factories import HEADER, row

pytestmark = pytest.mark.django_db

SYNONYMS = {"身份证号": "证件号码", "手机号": "联系电话", "常住地行政区划代码": "行政区划代码",
            "考评员证号": "证书编号", "证书有效期至": "有效期至", "等级": "考评等级",
            "考评职业或专项": "考评职业（工种）", "工作单位": "单位名称"}
PERSON_FIELDS = ("name", "id_number", "phone", "employer_name", "employer_id", "region_code", "is_assessor",
                 "is_supervisor", "is_chief", "is_invigilator", "is_custodian")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def rows() -> list[list]:
    """甲 with two cards (an occupation and a special item), 乙 a supervisor, 丙 with an expired card."""
    return [
        row(1, "甲考评", roles="考评员、督导员", card="KP-A1"),
        row(1, "", roles="", item="大数据清洗", level="", card="KP-A2", phone="", employer="", region_code=""),
        row(2, "乙督导", roles="督导员", item="", level="", card="", valid=""),
        row(3, "丙考评", item="4-10-01-02", level="五级", card="KP-C1", valid="2020-06-30"),
    ]


def registered(organisation, by, name: str, content: bytes) -> tuple[list, list]:
    """The people and cards that uploading and confirming the file registers, then undone."""
    with transaction.atomic():
        token = imports.registry_import_upload(upload=SimpleUploadedFile(name, content), organisation=organisation,
                                               by=by)
        stored = imports.registry_import_token_read(token, by=by)["f"]
        report = imports.registry_import_commit(organisation=organisation, path=imports.import_file_path(stored),
                                                by=by, file_name=stored)
        assert report.errors == [], report.errors
        people = list(StaffMember.objects.filter(organisation=organisation).order_by("id_number")
                      .values_list(*PERSON_FIELDS))
        cards = list(AssessorCard.objects.filter(staff__organisation=organisation).order_by("number").values_list(
            "staff__id_number", "occupation_id", "level", "special_item_id", "number", "valid_until"))
        transaction.set_rollback(True)
    return people, cards


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_office_variant_registers_the_same_people_and_cards_as_the_filled_template(
        chengdu_reviewer, catalogue, variant):
    organisation = chengdu_reviewer.organisation
    template = template_filled(registry_template_build(organisation=organisation), imports.SHEET_NAME, rows())
    expected = registered(organisation, chengdu_reviewer, "人员.xlsx", template)
    assert (len(expected[0]), len(expected[1])) == (3, 3)

    name, content, _first = variant_files(HEADER, rows(), synonyms=SYNONYMS)[variant]

    assert registered(organisation, chengdu_reviewer, name, content) == expected


@pytest.mark.parametrize("variant", ["csv_utf8_bom", "title_rows_two", "synonym_headers"])
def test_errors_name_the_rows_as_the_spreadsheet_numbers_them(chengdu_reviewer, catalogue, variant):
    lines = rows()
    lines[2][HEADER.index("手机号")] = "12345"
    name, content, first = variant_files(HEADER, lines, synonyms=SYNONYMS)[variant]
    token = imports.registry_import_upload(upload=SimpleUploadedFile(name, content),
                                           organisation=chengdu_reviewer.organisation, by=chengdu_reviewer)
    path = imports.import_file_path(imports.registry_import_token_read(token, by=chengdu_reviewer)["f"])

    report = imports.registry_import_validate(organisation=chengdu_reviewer.organisation, path=path)

    assert [(e.row, e.column) for e in report.errors] == [(first + 2, "手机号")]


def test_a_missing_header_is_named_with_its_row_and_the_titles_it_may_have(chengdu_reviewer, catalogue):
    header = [t if t != "身份证号" else "号码" for t in HEADER]
    content = variant_files(header, rows(), synonyms={})["csv_gbk"][1]
    with pytest.raises(imports.ImportRefused) as refused:
        imports.registry_import_upload(upload=SimpleUploadedFile("人员.csv", content),
                                       organisation=chengdu_reviewer.organisation, by=chengdu_reviewer)
    assert "缺少必需的列：身份证号。第1行未找到表头“身份证号”（也可写作：证件号码、身份证号码" in refused.value.message


def test_the_upload_page_offers_csv_and_says_what_it_accepts(client, login, chengdu_reviewer, catalogue):
    from django.urls import reverse

    page = login(chengdu_reviewer).get(reverse("staff_import_upload")).content.decode()
    assert 'accept=".xlsx,.xls,.csv"' in page
    assert "Excel或CSV文件（.xlsx、.xls 或 .csv" in page and "GBK编码" in page and "“证件号码”" in page
