"""Bulk import of applications from Excel: the per-row report, all-or-none, idempotent re-upload."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from kaowu.core.models import AuditEvent, JobProgress
from kaowu.registration.imports import services as imports
from kaowu.registration.imports.tests.factories import (
    HEADER,
    HR,
    INFANT,
    OLD_HEADER,
    PROFILE_KEYS,
    good_row,
    resident_id,
    xlsx,
)
from kaowu.registration.models import Application, Candidate
from kaowu.registration.services import eligibility_for


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def faulty_rows(count: int) -> tuple[list[list], dict[int, str]]:
    """`count` good rows with 37 spoilt in eight ways; returns the rows and {Excel row number: kind}."""
    rows = [good_row(i) for i in range(count)]
    kinds = (["check_digit"] * 5 + ["impossible_date"] * 5 + ["gender"] * 5 + ["id_type"] * 4 + ["item"] * 5
             + ["duplicate"] * 4 + ["name"] * 5 + ["phone"] * 4)
    spoilt: dict[int, str] = {}
    for n, kind in enumerate(kinds):
        index = 50 + n * (count - 100) // len(kinds)
        row = rows[index]
        if kind == "check_digit":
            row[2] = row[2][:17] + ("0" if row[2][17] != "0" else "1")
        elif kind == "impossible_date":
            row[4] = "1990-02-30"
        elif kind == "gender":
            row[3] = "女" if row[3] == "男" else "男"
        elif kind == "id_type":
            row[1] = "身份证明卡"
        elif kind == "item":
            row[10] = "焊工 五级/初级工"
        elif kind == "duplicate":
            earlier = rows[index - 7]
            row[0], row[2:5], row[10] = earlier[0], earlier[2:5], earlier[10]
        elif kind == "name":
            row[0] = ""
        elif kind == "phone":
            row[6] = "0288888"
        spoilt[index + 2] = kind
    assert len(spoilt) == 37
    return rows, spoilt


def stored(content: bytes, tmp_path, name="upload.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


# --- the 10,000-row acceptance -----------------------------------------------------------------

def test_ten_thousand_rows_with_37_faults_report_exactly_those_rows_and_import_nothing(
        open_plan, institution_clerk, tmp_path):
    rows, spoilt = faulty_rows(10_000)
    path = stored(xlsx(rows), tmp_path)

    report = imports.import_validate(plan=open_plan, path=path)

    assert report.total == 10_000
    assert report.faulty_rows == sorted(spoilt)
    assert all(e.reason for e in report.errors)
    by_row = {e.row: e for e in report.errors}
    expected_column = {"check_digit": "证件号码", "impossible_date": "出生日期", "gender": "性别",
                       "id_type": "证件类型", "item": "报考项目", "duplicate": "证件号码", "name": "姓名",
                       "phone": "手机号"}
    for row, error in by_row.items():
        assert error.column == expected_column[spoilt[row]], (row, error)
    duplicate = next(e for e in report.errors if spoilt[e.row] == "duplicate")
    assert f"第{duplicate.row - 7}行" in duplicate.reason and f"第{duplicate.row}行" in duplicate.reason
    assert "校验位" in next(e.reason for e in report.errors if spoilt[e.row] == "check_digit")

    with pytest.raises(imports.ImportRefused, match="37行存在错误"):
        imports.import_commit(plan=open_plan, path=path, by=institution_clerk)
    assert Application.objects.count() == 0 and Candidate.objects.count() == 0


def test_the_fixed_file_imports_all_ten_thousand_and_the_same_file_again_imports_nothing_new(
        open_plan, institution_clerk, tmp_path):
    path = stored(xlsx([good_row(i) for i in range(10_000)]), tmp_path)

    report = imports.import_commit(plan=open_plan, path=path, by=institution_clerk, file_name="x.xlsx")

    assert (report.new, report.existing, report.candidates_new) == (10_000, 0, 10_000)
    assert Candidate.objects.count() == 10_000
    assert Application.objects.filter(plan=open_plan, status=Application.Status.DRAFT).count() == 10_000
    event = AuditEvent.objects.get(action="registration.import")
    assert event.after["applications_new"] == 10_000 and event.object_id == str(open_plan.pk)
    sample = Candidate.objects.get(id_number=resident_id(7))
    assert (sample.name, sample.education, sample.birth_date.isoformat()) == ("考生00007", "senior", good_row(7)[4])

    again = imports.import_validate(plan=open_plan, path=path)
    assert (again.new, again.existing, again.errors) == (0, 10_000, [])
    imports.import_commit(plan=open_plan, path=path, by=institution_clerk)
    assert Application.objects.count() == 10_000 and Candidate.objects.count() == 10_000


# --- row rules ---------------------------------------------------------------------------------

def test_blank_gender_and_birth_date_are_filled_from_the_resident_id(open_plan, institution_clerk, tmp_path):
    row = good_row(1)
    row[3] = row[4] = ""
    imports.import_commit(plan=open_plan, path=stored(xlsx([row]), tmp_path), by=institution_clerk)
    candidate = Candidate.objects.get()
    assert candidate.birth_date.isoformat() == good_row(1)[4] and candidate.gender == good_row(1)[3]


def test_an_existing_candidate_is_reused_for_a_new_item_and_a_different_name_is_an_error(
        open_plan, institution_clerk, tmp_path):
    imports.import_commit(plan=open_plan, path=stored(xlsx([good_row(1)]), tmp_path, "a.xlsx"), by=institution_clerk)
    other_item = good_row(1)
    other_item[10] = HR if other_item[10] == INFANT else INFANT
    report = imports.import_validate(plan=open_plan, path=stored(xlsx([good_row(1), other_item]), tmp_path))
    assert (report.existing, report.new, report.errors) == (1, 1, [])
    renamed = good_row(1)
    renamed[0] = "改名者"
    report = imports.import_validate(plan=open_plan, path=stored(xlsx([renamed]), tmp_path, "c.xlsx"))
    assert [(e.row, e.column) for e in report.errors] == [(2, "姓名")]
    assert "已登记为考生“考生00001”" in report.errors[0].reason


def test_an_id_number_stored_as_a_number_is_refused_with_a_reason(open_plan, tmp_path):
    row = good_row(1)
    row[2] = 510104197001021234
    report = imports.import_validate(plan=open_plan, path=stored(xlsx([row]), tmp_path))
    assert [e.column for e in report.errors] == ["证件号码"] and "文本格式" in report.errors[0].reason


def test_the_template_has_the_columns_drop_downs_and_an_explanation_sheet(login, institution_clerk, open_plan):
    response = login(institution_clerk).get(f"/registration/import/template/?plan={open_plan.pk}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == imports.SHEET_NAME and "说明" in workbook.sheetnames
    sheet = workbook[imports.SHEET_NAME]
    assert [c.value for c in sheet[1]] == HEADER
    ranges = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    letter = {c.title: chr(ord("A") + i) for i, c in enumerate(imports.COLUMNS)}
    assert set(ranges) == {f"{letter[t]}2" for t in ("证件类型", "性别", "文化程度", "报考项目", "学历层次", "学习状态",
                                                     "证书等级", "证书类别", "学徒期满")}
    codes = workbook["代码表"]
    assert {codes.cell(row=r, column=4).value for r in range(2, 4)} == {INFANT, HR}
    drop_downs = {codes.cell(row=1, column=c).value: [codes.cell(row=r, column=c).value for r in range(2, 12)]
                  for c in range(1, codes.max_column + 1)}
    assert drop_downs["学历层次"][:2] == ["技工学校", "中等职业学校"] and "大学本科" in drop_downs["学历层次"]
    assert drop_downs["证书等级"][:5] == ["五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "一级/高级技师"]
    assert drop_downs["学习状态"][:3] == ["毕业", "应届", "在校"]
    work_start = sheet.cell(row=1, column=HEADER.index("开始从事本职业时间") + 1)
    assert "报名截止日" in work_start.comment.text, "each header cell carries its note"
    notes = workbook["说明"]
    assert {"证件号码", "开始从事本职业时间", "证书等级", "发证日期"} <= {c.value for c in notes["A"]}
    assert any("不影响导入" in str(c.value) for c in notes["A"])


# --- the pages ---------------------------------------------------------------------------------

def upload(client, plan, content: bytes, name="报名.xlsx"):
    return client.post("/registration/import/", {"plan": plan.pk, "file": SimpleUploadedFile(name, content)})


def test_clerk_uploads_sees_the_report_confirms_and_a_second_upload_imports_nothing_new(
        login, institution_clerk, open_plan):
    client = login(institution_clerk)
    content = xlsx([good_row(i) for i in range(30)])
    response = upload(client, open_plan, content)
    assert response.status_code == 302
    report = client.get(response["Location"]).content.decode()
    assert 'id="count-new">30<' in report and "确认导入" in report
    assert Application.objects.count() == 0, "nothing is imported before the clerk confirms"

    done = client.post(response["Location"] + "confirm/")
    assert done.status_code == 302
    assert Application.objects.filter(plan=open_plan).count() == 30
    assert "新增报名30条" in client.get(done["Location"]).content.decode()

    again = client.get(upload(client, open_plan, content)["Location"]).content.decode()
    assert 'id="count-new">0<' in again and 'id="count-existing">30<' in again and "确认导入" not in again
    assert Application.objects.count() == 30


def test_a_report_with_errors_lists_row_column_and_reason_and_offers_no_confirmation(
        login, institution_clerk, open_plan):
    client = login(institution_clerk)
    rows = [good_row(i) for i in range(5)]
    rows[2][6] = "12345"
    page = client.get(upload(client, open_plan, xlsx(rows))["Location"]).content.decode()
    assert "<td class=\"text-end\">4</td><td>手机号</td><td>手机号“12345”应为以1开头的11位数字</td>" in page
    assert "确认导入" not in page


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"%PDF-1.4 not a workbook", "报名.xlsx", "文件不是Excel工作簿"),
    (b"", "报名.xlsx", "文件为空"),
    (b"PK\x03\x04 but not a real zip", "报名.xlsx", "无法读取该Excel文件"),
])
def test_a_file_that_is_not_a_readable_workbook_gets_a_clear_message(
        login, institution_clerk, open_plan, content, name, message):
    response = upload(login(institution_clerk), open_plan, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Application.objects.count() == 0


def test_a_header_only_file_is_refused_as_having_no_data_rows(login, institution_clerk, open_plan):
    response = upload(login(institution_clerk), open_plan, xlsx([]))
    assert response.status_code == 400 and "没有数据行" in response.content.decode()


def test_missing_columns_are_named(login, institution_clerk, open_plan):
    header = [t for t in HEADER if t not in {"手机号", "报考项目"}]
    response = upload(login(institution_clerk), open_plan, xlsx([["张三"] * len(header)], header=header))
    assert response.status_code == 400
    assert "缺少必需的列：手机号、报考项目" in response.content.decode()


def test_a_50_mb_upload_is_refused_by_its_size_before_it_is_read(login, institution_clerk, open_plan):
    client = login(institution_clerk)
    response = client.post(f"/registration/import/?plan={open_plan.pk}",
                           {"plan": open_plan.pk, "file": SimpleUploadedFile("big.xlsx", b"PK\x03\x04" * (50 << 18))})
    assert response.status_code == 413
    assert "文件过大" in response.content.decode() and "上限为 20 MB" in response.content.decode()


def test_more_rows_than_the_limit_are_refused(open_plan, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    with pytest.raises(imports.ImportRefused, match="数据行过多（4行）"):
        imports.import_validate(plan=open_plan, path=stored(xlsx([good_row(i) for i in range(4)]), tmp_path))


def test_a_closed_plan_takes_no_import(open_plan, institution_clerk, tmp_path):
    # Closing is the plans workflow's business; here the plan simply is closed.
    type(open_plan).objects.filter(pk=open_plan.pk).update(status=open_plan.Status.REGISTRATION_CLOSED)
    open_plan.refresh_from_db()
    with pytest.raises(imports.ImportRefused, match="不接受报名"):
        imports.import_commit(plan=open_plan, path=stored(xlsx([good_row(1)]), tmp_path), by=institution_clerk)


# --- outsiders ---------------------------------------------------------------------------------

def test_another_institutions_clerk_cannot_import_into_the_plan(login, other_institution_clerk, open_plan):
    client = login(other_institution_clerk)
    assert client.get(f"/registration/import/template/?plan={open_plan.pk}").status_code == 404
    assert upload(client, open_plan, xlsx([good_row(1)])).status_code == 404
    assert Application.objects.count() == 0


def test_a_candidate_and_a_center_reviewer_are_refused(login, candidate, chengdu_reviewer, open_plan):
    assert upload(login(candidate), open_plan, xlsx([good_row(1)])).status_code == 403
    reviewer = login(chengdu_reviewer)
    assert reviewer.get(f"/registration/import/?plan={open_plan.pk}").status_code == 403
    assert upload(reviewer, open_plan, xlsx([good_row(1)])).status_code == 403


def test_another_clerk_cannot_confirm_an_upload_that_is_not_theirs(
        login, institution_clerk, institution_admin, open_plan):
    location = upload(login(institution_clerk), open_plan, xlsx([good_row(1)]))["Location"]
    assert login(institution_admin).post(location + "confirm/").status_code == 404
    assert Application.objects.count() == 0


def test_a_forged_token_is_not_found(login, institution_clerk, open_plan):
    client = login(institution_clerk)
    assert client.get("/registration/import/not-a-token/").status_code == 404
    assert client.post("/registration/import/not-a-token/confirm/").status_code == 404


# --- large files in the background -------------------------------------------------------------

def run_worker_once():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_imported_in_the_background_with_progress(
        login, institution_clerk, open_plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = login(institution_clerk)
    content = xlsx([good_row(i) for i in range(imports.BACKGROUND_ROWS + 500)])
    location = upload(client, open_plan, content)["Location"]
    waiting = client.get(location).content.decode()
    assert "正在后台逐行校验" in waiting and 'hx-trigger="every 1s"' in waiting

    run_worker_once()
    checked = client.get(location).content.decode()
    assert 'id="count-new">2500<' in checked and "确认导入" in checked and "hx-trigger" not in checked

    started = client.post(location + "confirm/")
    assert started["Location"].startswith("/tasks/")
    run_worker_once()
    assert Application.objects.filter(plan=open_plan).count() == 2500
    job = JobProgress.objects.get(task_id=started["Location"].split("/")[2])
    assert (job.done, job.total) == (2500, 2500) and "新增报名2500条" in job.message
    assert "导入完成" in client.get(started["Location"]).content.decode()


# --- the declared profile (申报资历) -------------------------------------------------------------

def with_profile(row: list, **values) -> list:
    """A row of the full template: the person and item, then the 申报资历 columns by key."""
    assert set(values) <= set(PROFILE_KEYS)
    return row + [values.get(key, "") for key in PROFILE_KEYS]


def years_ago(years: int) -> str:
    today = date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28)).isoformat()


def infant_row(index: int, **values) -> list:
    row = good_row(index)
    row[10] = INFANT
    return with_profile(row, **values)


def test_a_row_with_a_profile_creates_an_application_whose_profile_the_engine_accepts(
        open_plan, institution_clerk, tmp_path):
    hr = good_row(2)
    hr[10] = HR
    certified = date.fromisoformat(years_ago(2))
    rows = [
        # 育婴员 四级 条件(2): seven years of work in the occupation by the registration close date.
        infant_row(1, work_start=years_ago(7)),
        # 企业人力资源管理师 三级 条件(4): 本科 in the same major + 四级 certificate + a year of work since.
        with_profile(hr, school="大学本科", major="人力资源管理", graduated_on="2010-07-01", work_start="2011-03-01",
                     cert_level="四级/中级工",
                     cert_issued_on=f"{certified.year}年{certified.month}月{certified.day}日"),
    ]
    path = stored(xlsx(rows), tmp_path)

    report = imports.import_commit(plan=open_plan, path=path, by=institution_clerk)

    assert (report.new, report.errors, report.warnings) == (2, [], [])
    infant = Application.objects.get(candidate__id_number=resident_id(1))
    assert infant.status == Application.Status.DRAFT
    assert infant.profile == {"work": [{"occupation": "育婴员", "start": years_ago(7), "end": None}]}
    hr_application = Application.objects.get(candidate__id_number=resident_id(2))
    assert hr_application.profile == {
        "education": [{"school": "大学本科", "major": "人力资源管理", "status": "毕业", "graduated_on": "2010-07-01"}],
        "work": [{"occupation": "企业人力资源管理师", "start": "2011-03-01", "end": None}],
        "certificates": [{"occupation": "企业人力资源管理师", "level": 4, "issued_on": certified.isoformat(),
                          "kind": "技能等级"}],
    }
    verdicts = {a.pk: eligibility_for(a) for a in (infant, hr_application)}
    assert verdicts[infant.pk]["eligible"] and verdicts[infant.pk]["matched"].startswith("四级 条件(2)")
    assert verdicts[hr_application.pk]["eligible"] and verdicts[hr_application.pk]["matched"].startswith("三级 条件(4)")
    assert AuditEvent.objects.get(action="registration.import").after["with_profile"] == 2


def test_a_row_whose_facts_fall_short_is_imported_with_a_warning_that_says_what_is_missing(
        open_plan, institution_clerk, tmp_path):
    rows = [infant_row(1, work_start=years_ago(7)),
            infant_row(2, work_start=years_ago(3), cert_level=5, cert_issued_on=years_ago(2)),
            infant_row(3)]  # no profile: checked on submit, not here
    path = stored(xlsx(rows), tmp_path)

    checked = imports.import_validate(plan=open_plan, path=path)

    assert checked.errors == []
    assert [(w.row, w.column) for w in checked.warnings] == [(3, "")]
    reason = checked.warnings[0].reason
    assert "不满足育婴员四级的申报条件" in reason and "四级 条件(1)" in reason and "需4年（含）以上" in reason

    report = imports.import_commit(plan=open_plan, path=path, by=institution_clerk)
    assert report.new == 3 and len(report.warnings) == 1, "a shortfall never blocks the import"
    short = Application.objects.get(candidate__id_number=resident_id(2))
    assert short.profile["certificates"][0]["level"] == 5 and eligibility_for(short)["eligible"] is False
    assert Application.objects.get(candidate__id_number=resident_id(3)).profile == {}
    assert AuditEvent.objects.get(action="registration.import").after["eligibility_warnings"] == 1


@pytest.mark.parametrize(("values", "column", "reason"), [
    ({"school": "大学本科", "major": "人力资源管理", "graduated_on": "2015-13-45"}, "毕业时间", "不是有效日期"),
    ({"work_start": "2012-03"}, "开始从事本职业时间", "须填写到日"),
    ({"work_start": 2012}, "开始从事本职业时间", "只填写了年份"),
    ({"work_start": "1960-01-01"}, "开始从事本职业时间", "早于出生日期"),
    ({"cert_level": "6", "cert_issued_on": "2016-06-01"}, "证书等级", "应为1至5"),
    ({"cert_level": 4}, "发证日期", "发证日期不能为空"),
    ({"cert_level": 4, "cert_issued_on": "2016-06-01", "cert_kind": "上岗证"}, "证书类别", "不在代码表中"),
    ({"school": "大学本科", "major": "人力资源管理"}, "毕业时间", "须填写毕业时间"),
    ({"school": "夜大", "graduated_on": "2015-07-01"}, "学历层次", "不在代码表中"),
    ({"apprenticeship": "满了"}, "学徒期满", "应为“是”或“否”"),
])
def test_a_faulty_profile_cell_is_reported_with_row_and_column(open_plan, institution_clerk, tmp_path,
                                                               values, column, reason):
    rows = [infant_row(1, work_start=years_ago(7)), infant_row(2, **values)]
    path = stored(xlsx(rows), tmp_path)

    report = imports.import_validate(plan=open_plan, path=path)

    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert reason in report.errors[0].reason and column in report.errors[0].reason
    with pytest.raises(imports.ImportRefused):
        imports.import_commit(plan=open_plan, path=path, by=institution_clerk)
    assert Application.objects.count() == 0


def test_profile_cells_accept_excel_dates_level_names_and_a_related_occupation(open_plan, tmp_path):
    row = infant_row(1, work_start=date(2012, 3, 1), work_occupation="保育员", cert_level="五级",
                     cert_kind="职业资格", cert_issued_on=date(2013, 5, 2), school="中等职业学校", major="学前教育",
                     study_status="应届", apprenticeship="是")
    report = imports.import_validate(plan=open_plan, path=stored(xlsx([row]), tmp_path))
    assert report.errors == [] and report.warnings == []
    assert report.rows[0].profile == {
        "education": [{"school": "中等职业学校", "major": "学前教育", "status": "应届", "graduated_on": None}],
        "work": [{"occupation": "保育员", "start": "2012-03-01", "end": None}],
        "certificates": [{"occupation": "育婴员", "level": 5, "issued_on": "2013-05-02", "kind": "职业资格"}],
        "apprenticeship_completed": True,
    }


def test_an_old_format_file_without_the_profile_columns_still_imports(open_plan, institution_clerk, tmp_path):
    rows = [good_row(i) for i in range(3)]
    path = stored(xlsx(rows, header=OLD_HEADER), tmp_path)

    report = imports.import_commit(plan=open_plan, path=path, by=institution_clerk)

    assert (report.new, report.errors, report.warnings) == (3, [], [])
    assert list(Application.objects.values_list("profile", flat=True)) == [{}, {}, {}]


def test_the_report_page_shows_the_warning_and_still_offers_the_import(login, institution_clerk, open_plan):
    client = login(institution_clerk)
    content = xlsx([infant_row(1, work_start=years_ago(7)), infant_row(2, work_start=years_ago(1))])
    location = upload(client, open_plan, content)["Location"]
    page = client.get(location).content.decode()
    assert 'id="import-warnings"' in page and "不影响导入" in page and "确认导入" in page
    assert '<td class="text-end">3</td><td>所填申报资历不满足育婴员四级的申报条件' in page

    done = client.post(location + "confirm/")
    assert Application.objects.count() == 2
    assert "其中1条所填申报资历不满足申报条件" in client.get(done["Location"]).content.decode()
