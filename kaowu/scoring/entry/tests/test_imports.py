"""Theory scores from Excel: the template lists the session's candidates, every faulty cell is reported in
Chinese by row and column, nothing is written until confirmed, all or nothing, and the same file twice
creates nothing new."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kaowu.core.errors import PermissionRefused
from kaowu.core.models import AuditEvent
from kaowu.registration.imports.services import ImportRefused, import_file_path
from kaowu.scoring.entry import imports, services
from kaowu.scoring.entry.import_template import theory_template_build
from kaowu.scoring.entry.selectors import session_candidates
from kaowu.scoring.models import Attendance, SubjectScore
from kaowu.scoring.tests.factories import HEADER, full_rows, xlsx

pytestmark = pytest.mark.django_db



def upload(ew, clerk, data: bytes) -> tuple[str, object]:
    token = imports.theory_file_store(upload=SimpleUploadedFile("成绩.xlsx", data), session=ew.theory, by=clerk)
    data = imports.theory_token_read(token, by=clerk)
    return token, import_file_path(data["f"])



def test_the_template_lists_the_sessions_candidates_without_id_numbers(ew):
    book = load_workbook(io.BytesIO(theory_template_build(session=ew.theory)))
    sheet = book["成绩"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    tickets = {r.ticket: r.name for r in session_candidates(ew.theory)}
    assert {row[0]: row[2] for row in values[1:]} == tickets and len(tickets) == 8
    assert all(not row[1] for row in values[1:])
    assert "满分100分" in "".join(str(c.value) for c in book["说明"]["A"])


def test_a_clean_file_is_reported_then_imported_all_at_once_and_again_creates_nothing(ew, institution_clerk):
    rows, lines = full_rows(ew)
    _token, path = upload(ew, institution_clerk, xlsx(lines))

    report = imports.theory_validate(session=ew.theory, path=path)
    assert (report.total, report.new, report.existing, report.errors) == (8, 8, 0, [])
    assert not SubjectScore.objects.exists()  # nothing written before the confirmation

    imports.theory_commit(session=ew.theory, path=path, by=institution_clerk, file_name="x")

    scores = {s.application_id: s for s in SubjectScore.objects.filter(session=ew.theory)}
    assert scores[rows[0].application_id].score == Decimal(60)
    assert scores[rows[0].application_id].source == "import" and scores[rows[0].application_id].entered_by == \
        institution_clerk
    assert scores[rows[-1].application_id].score is None and scores[rows[-1].application_id].attendance == "absent"
    assert Attendance.objects.get(session=ew.theory, application_id=rows[-1].application_id).status == "absent"
    assert AuditEvent.objects.get(action="scoring.theory_import").after["new"] == 8

    _token, again = upload(ew, institution_clerk, xlsx(lines))
    second = imports.theory_commit(session=ew.theory, path=again, by=institution_clerk)
    assert (second.new, second.existing) == (0, 8) and SubjectScore.objects.count() == 8


def test_every_faulty_cell_is_reported_in_chinese_and_nothing_is_imported(ew, institution_clerk):
    rows, lines = full_rows(ew)
    lines[0][3] = 101  # row 2
    lines[1][3] = "80.555"  # row 3
    lines[2][2] = "别人"  # row 4
    lines[3][0] = "999999999999999"  # row 5
    lines[4][3] = None  # row 6: neither a score nor 缺考
    lines[5][4] = "是"  # row 7: a score and 缺考
    lines.append(list(lines[6]))  # row 10 repeats row 8
    lines.append(["", 510104199301010011, rows[0].name, 50, ""])  # row 11: an ID stored as a number
    _token, path = upload(ew, institution_clerk, xlsx(lines))

    report = imports.theory_validate(session=ew.theory, path=path)

    found = {(e.row, e.column): e.reason for e in report.errors}
    assert "超出范围，应在0至100分之间" in found[(2, "成绩")]
    assert "最多保留两位小数" in found[(3, "成绩")]
    assert "姓名与该考生" in found[(4, "姓名")]
    assert "不是本场次考生的有效准考证号" in found[(5, "准考证号")]
    assert "成绩不能为空" in found[(6, "成绩")]
    assert "不能同时填写成绩" in found[(7, "成绩")]
    assert "与第8行是同一名考生" in found[(10, "准考证号")]
    assert "文本格式" in found[(11, "身份证号")]
    with pytest.raises(ImportRefused, match="未导入任何成绩"):
        imports.theory_commit(session=ew.theory, path=path, by=institution_clerk)
    assert not SubjectScore.objects.exists()


def test_the_id_number_identifies_a_candidate_when_there_is_no_ticket(ew, institution_clerk):
    from kaowu.registration.models import Application

    row = session_candidates(ew.theory)[0]
    id_number = Application.objects.get(pk=row.application_id).candidate.id_number
    _token, path = upload(ew, institution_clerk, xlsx([["", id_number, row.name, "88.5", ""]]))
    report = imports.theory_validate(session=ew.theory, path=path)
    assert report.errors == [] and report.rows[0].application_id == row.application_id
    assert report.rows[0].score == Decimal("88.50")


def test_a_different_score_for_an_imported_candidate_is_an_error_not_an_overwrite(ew, institution_clerk):
    rows, lines = full_rows(ew)
    _token, path = upload(ew, institution_clerk, xlsx(lines))
    imports.theory_commit(session=ew.theory, path=path, by=institution_clerk)
    lines[0][3] = 99
    _token, changed = upload(ew, institution_clerk, xlsx(lines))
    report = imports.theory_validate(session=ew.theory, path=changed)
    assert [(e.row, e.column) for e in report.errors] == [(2, "成绩")] and "已导入成绩60.00" in report.errors[0].reason
    assert SubjectScore.objects.get(application_id=rows[0].application_id, session=ew.theory).score == 60


def test_attendance_on_record_must_agree_with_the_file(ew, institution_clerk):
    rows, lines = full_rows(ew)
    services.attendance_record(session=ew.theory, rows={rows[0].application_id: "absent"}, by=institution_clerk)
    _token, path = upload(ew, institution_clerk, xlsx(lines))
    report = imports.theory_validate(session=ew.theory, path=path)
    assert [(e.row, e.column) for e in report.errors] == [(2, "成绩")]
    assert "到考情况已登记为“缺考”" in report.errors[0].reason


def test_a_file_without_the_needed_columns_or_not_excel_is_refused(ew, institution_clerk):
    with pytest.raises(ImportRefused, match="缺少必需的列：姓名"):
        upload(ew, institution_clerk, xlsx([["1", "", "60"]], header=["准考证号", "性别", "成绩"]))
    with pytest.raises(ImportRefused, match="不是Excel工作簿"):
        upload(ew, institution_clerk, b"name,score\n")


def test_r_cq_11_an_assessed_session_is_not_imported(ew, institution_clerk):
    with pytest.raises(ImportRefused) as refused:
        imports.theory_file_store(upload=SimpleUploadedFile("a.xlsx", xlsx([])), session=ew.practical,
                                  by=institution_clerk)
    assert "R-CQ-11" in refused.value.message


def test_only_the_plans_institution_staff_import(ew, other_institution_clerk, chengdu_reviewer, invigilator):
    for outsider in (other_institution_clerk, chengdu_reviewer, invigilator):
        with pytest.raises(PermissionRefused):
            imports.theory_file_store(upload=SimpleUploadedFile("a.xlsx", xlsx([])), session=ew.theory, by=outsider)
