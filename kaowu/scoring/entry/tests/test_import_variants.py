"""What offices (and computer-exam systems) upload instead of the score template (#15): CSV in UTF-8 or GBK, wrapped
or marked titles, a title row above the header, the data sheet renamed Sheet1 behind 说明, 理论知识成绩 for 成绩.
Each imports exactly the scores and attendance the filled template imports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from kaowu.core.excel import import_file_path
from kaowu.core.testing.tables import VARIANTS, template_filled, variant_files
from kaowu.scoring.entry import imports
from kaowu.scoring.entry.import_template import theory_template_build
from kaowu.scoring.models import Attendance, SubjectScore
from kaowu.scoring.tests.factories import HEADER, full_rows

pytestmark = pytest.mark.django_db

SYNONYMS = {"准考证号": "准考证号码", "身份证号": "证件号码", "姓名": "考生姓名", "成绩": "理论知识成绩",
            "缺考": "是否缺考"}


def scored(ew, clerk, name: str, content: bytes) -> tuple[list, list]:
    """The scores and attendance that uploading and confirming the file records, then undone."""
    with transaction.atomic():
        token = imports.theory_file_store(upload=SimpleUploadedFile(name, content), session=ew.theory, by=clerk)
        path = import_file_path(imports.theory_token_read(token, by=clerk)["f"])
        report = imports.theory_commit(session=ew.theory, path=path, by=clerk)
        assert report.errors == [], report.errors
        scores = sorted(SubjectScore.objects.filter(session=ew.theory).values_list(
            "application_id", "score", "attendance", "source", "entered_by_id"))
        attendance = sorted(Attendance.objects.filter(session=ew.theory).values_list("application_id", "status"))
        transaction.set_rollback(True)
    return scores, attendance


def lines(ew) -> list[list]:
    _rows, out = full_rows(ew)
    out[2][3] = "75.5"
    return out


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_office_variant_imports_the_same_scores_as_the_filled_template(ew, institution_clerk, variant):
    template = template_filled(theory_template_build(session=ew.theory), imports.SHEET_NAME, lines(ew))
    expected = scored(ew, institution_clerk, "成绩.xlsx", template)
    assert len(expected[0]) == 8 and any(status == "absent" for _id, status in expected[1])

    name, content, _first = variant_files(HEADER, lines(ew), synonyms=SYNONYMS)[variant]

    assert scored(ew, institution_clerk, name, content) == expected


@pytest.mark.parametrize("variant", ["csv_gbk", "title_row", "sheet1_after_notes"])
def test_errors_name_the_rows_as_the_spreadsheet_numbers_them(ew, institution_clerk, variant):
    faulty = lines(ew)
    faulty[4][3] = 101
    name, content, first = variant_files(HEADER, faulty, synonyms=SYNONYMS)[variant]
    token = imports.theory_file_store(upload=SimpleUploadedFile(name, content), session=ew.theory,
                                      by=institution_clerk)

    report = imports.theory_validate(session=ew.theory,
                                     path=import_file_path(imports.theory_token_read(token, by=institution_clerk)["f"]))

    assert [(e.row, e.column) for e in report.errors] == [(first + 4, "成绩")]


def test_a_missing_header_is_named_with_its_row_and_the_titles_it_may_have(ew, institution_clerk):
    content = variant_files(["准考证号", "姓名", "分值"], [["1", "张三", "60"]], synonyms={})["title_rows_two"][1]
    with pytest.raises(imports.ImportRefused) as refused:
        imports.theory_file_store(upload=SimpleUploadedFile("成绩.xlsx", content), session=ew.theory,
                                  by=institution_clerk)
    message = refused.value.message
    assert "缺少必需的列：成绩。工作表“Sheet1”第3行未找到表头“成绩”（也可写作：分数、得分" in message


def test_the_upload_page_offers_csv_and_says_what_it_accepts(ew, login, institution_clerk):
    from django.urls import reverse

    page = login(institution_clerk).get(reverse("score_import_upload", args=[ew.theory.pk])).content.decode()
    assert 'accept=".xlsx,.xls,.csv"' in page
    assert "Excel或CSV文件（.xlsx、.xls 或 .csv" in page and "GBK编码" in page and "“理论知识成绩”" in page
