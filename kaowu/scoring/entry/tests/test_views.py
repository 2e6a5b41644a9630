"""Score entry pages: what each role sees and may do, the independence of the sheets on the page, the blind
check, the import flow, and outsiders refused on every page."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from conftest import make_user
from kaowu.accounts.models import Role
from kaowu.arrangement.models import StationDraw
from kaowu.scoring.entry import services
from kaowu.scoring.entry.selectors import session_candidates
from kaowu.scoring.models import Attendance, ScoreCheck, ScoreEntry, ScoreSheet, ScoreSummary, SubjectScore
from kaowu.scoring.tests.factories import fill_sheet, full_rows, sign_all, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsiders(mianyang_reviewer, other_institution_clerk, candidate):
    return {"mianyang_reviewer": mianyang_reviewer, "other_institution_clerk": other_institution_clerk,
            "candidate": candidate}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (250, 250, 250)).save(buffer, "PNG")
    return buffer.getvalue()


def refused(login, users, url, method="get", data=None):
    """Each user's status code for the url: every one must be 403 or 404."""
    codes = {}
    for name, user in users.items():
        client = login(user)
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        codes[name] = response.status_code
    assert all(code in (403, 404) for code in codes.values()), codes
    return codes


def texts(response) -> str:
    return response.content.decode()


# --- the plan overview -----------------------------------------------------------------------------

def test_the_plan_overview_shows_progress_and_links_to_each_step(ew, login, institution_clerk):
    response = login(institution_clerk).get(reverse("score_entry_plan", args=[ew.plan.pk]))
    html = texts(response)
    assert response.status_code == 200
    assert reverse("score_attendance", args=[ew.practical.pk]) in html
    assert reverse("score_import_upload", args=[ew.theory.pk]) in html
    assert reverse("score_import_upload", args=[ew.practical.pk]) not in html  # scored by the group
    assert reverse("score_room", args=[ew.practical.pk, ew.room.pk]) in html
    assert "到考情况未登记12人" in html and "评分表签名 <strong>0/3</strong>" in html


def test_the_center_reads_the_overview_without_the_staffs_actions(ew, login, chengdu_reviewer):
    html = texts(login(chengdu_reviewer).get(reverse("score_entry_plan", args=[ew.plan.pk])))
    assert "评分表签名" in html and reverse("score_import_upload", args=[ew.theory.pk]) not in html


def test_outsiders_cannot_open_the_plan_overview(ew, login, outsiders):
    codes = refused(login, outsiders | {"assessor": ew.outsider, "leader": ew.leader},
                    reverse("score_entry_plan", args=[ew.plan.pk]))
    assert codes["mianyang_reviewer"] == 404 and codes["other_institution_clerk"] == 404


def test_the_home_page_lists_only_plans_in_scope(ew, login, mianyang_reviewer, other_institution_clerk, candidate,
                                                invigilator):
    url = reverse("score_entry_home")
    plan_url = reverse("score_entry_plan", args=[ew.plan.pk])
    assert plan_url in texts(login(invigilator).get(url))
    for outsider in (mianyang_reviewer, other_institution_clerk):
        assert plan_url not in texts(login(outsider).get(url))
    assert login(candidate).get(url).status_code == 403


def test_an_assessors_home_lists_only_their_rooms(ew, login):
    html = texts(login(ew.users[1]).get(reverse("score_entry_home")))
    assert reverse("score_sheet", args=[ew.practical.pk, ew.room.pk]) in html
    html = texts(login(ew.outsider).get(reverse("score_entry_home")))
    assert reverse("score_sheet", args=[ew.practical.pk, ew.room.pk]) not in html and "暂无需要评分的考场" in html


# --- attendance ------------------------------------------------------------------------------------

def test_an_invigilator_records_attendance_on_the_page_with_masked_ids(ew, login, invigilator):
    rows = session_candidates(ew.practical)
    client = login(invigilator)
    url = reverse("score_attendance", args=[ew.practical.pk])
    html = texts(client.get(url))
    from kaowu.registration.models import Application
    full_id = Application.objects.get(pk=rows[0].application_id).candidate.id_number
    assert rows[0].id_masked in html and full_id not in html
    data = {f"a_{r.application_id}": "present" for r in rows}
    data[f"a_{rows[0].application_id}"] = "absent"

    response = client.post(url, data, follow=True)

    assert "已保存12名考生的到考情况" in texts(response)
    assert Attendance.objects.get(application_id=rows[0].application_id, session=ew.practical).status == "absent"
    assert 'value="absent" checked' in texts(client.get(url))


def test_the_checkin_button_proposes_attendance_from_the_station_draw(ew, login, invigilator, institution_clerk):
    url = reverse("score_attendance", args=[ew.practical.pk])
    client = login(invigilator)
    assert "按签到生成" not in texts(client.get(url))
    rows = session_candidates(ew.practical)
    StationDraw.objects.create(session=ew.practical, room=ew.room, seed=1, result=[], drawn_by=institution_clerk,
                               present=[r.application_id for r in rows[:11]], drawn_at=timezone.now())
    assert "按签到生成" in texts(client.get(url))
    html = texts(client.get(url + "?from=checkin"))
    assert "尚未保存" in html and f'id="a_{rows[11].application_id}_absent" value="absent" checked' in html
    assert not Attendance.objects.exists()


def test_the_center_reads_attendance_but_cannot_record_it(ew, login, chengdu_reviewer):
    client = login(chengdu_reviewer)
    url = reverse("score_attendance", args=[ew.practical.pk])
    assert "只读" in texts(client.get(url))
    row = session_candidates(ew.practical)[0]
    assert client.post(url, {f"a_{row.application_id}": "present"}).status_code == 403
    assert not Attendance.objects.exists()


def test_outsiders_cannot_see_or_record_attendance(ew, login, outsiders, chengdu_other_institution):
    other_invigilator = make_user("cd02_invigilator", Role.INVIGILATOR, chengdu_other_institution)
    url = reverse("score_attendance", args=[ew.practical.pk])
    users = outsiders | {"other_invigilator": other_invigilator, "assessor": ew.outsider, "leader": ew.leader}
    codes = refused(login, users, url)
    assert codes["other_invigilator"] == 404
    refused(login, users, url, "post", {f"a_{session_candidates(ew.practical)[0].application_id}": "present"})
    assert not Attendance.objects.exists()


# --- the sheet -------------------------------------------------------------------------------------

def test_an_assessor_fills_saves_and_signs_their_sheet_on_the_page(ew, login):
    client = login(ew.users[1])
    url = reverse("score_sheet", args=[ew.practical.pk, ew.room.pk])
    rows = session_candidates(ew.practical, room=ew.room)
    assert texts(client.get(url)).count('class="form-control form-control-sm score-input"') == 12
    data = {f"s_{r.application_id}_0": "75" for r in rows}
    data[f"s_{rows[0].application_id}_0"] = "120"

    html = texts(client.post(url, data))

    assert "超出范围" in html and 'value="120"' in html  # the typed value stays on the page
    assert not ScoreEntry.objects.exists()
    data[f"s_{rows[0].application_id}_0"] = "75.5"
    assert "评分已保存" in texts(client.post(url, data, follow=True))
    response = client.post(reverse("score_sheet_sign", args=[ew.practical.pk, ew.room.pk]), {"confirm": "on"},
                           follow=True)
    html = texts(response)
    assert "评分表已签名" in html and "score-input" not in html and "75.5" in html
    assert ScoreSheet.objects.get(assessor__user=ew.users[1]).status == "signed"


def test_r_fj_19_the_pages_do_not_reveal_another_assessors_scores_before_every_signature(ew, login,
                                                                                         institution_clerk):
    fill_sheet(ew, ew.users[0], lambda n: Decimal("88.25"))
    services.sheet_sign(sheet=ScoreSheet.objects.get(assessor__user=ew.users[0]), by=ew.users[0])
    fill_sheet(ew, ew.users[1], lambda n: Decimal("61.75"))
    sheet_url = reverse("score_sheet", args=[ew.practical.pk, ew.room.pk])
    room_url = reverse("score_room", args=[ew.practical.pk, ew.room.pk])
    for user in (ew.users[1], ew.users[2], institution_clerk):
        client = login(user)
        pages = texts(client.get(room_url)) + (texts(client.get(sheet_url)) if user.role == Role.ASSESSOR else "")
        assert "88.25" not in pages, user
    assert "61.75" not in texts(login(ew.users[2]).get(sheet_url))
    assert "已签名" in texts(login(ew.users[2]).get(sheet_url))  # the status shows, not the scores

    services.sheet_sign(sheet=ScoreSheet.objects.get(assessor__user=ew.users[1]), by=ew.users[1])
    services.sheet_sign(sheet=fill_sheet(ew, ew.users[2]), by=ew.users[2])
    assert "88.25" in texts(login(ew.users[2]).get(room_url))


def test_outsiders_cannot_open_or_post_a_sheet(ew, login, outsiders, institution_clerk):
    url = reverse("score_sheet", args=[ew.practical.pk, ew.room.pk])
    users = outsiders | {"assessor": ew.outsider, "institution_clerk": institution_clerk}
    codes = refused(login, users, url)
    assert codes["assessor"] == 404
    row = session_candidates(ew.practical, room=ew.room)[0]
    refused(login, users, url, "post", {f"s_{row.application_id}_0": "70"})
    refused(login, users, reverse("score_sheet_sign", args=[ew.practical.pk, ew.room.pk]), "post")
    assert not ScoreSheet.objects.exists()


# --- the room: compile, settle, summary ------------------------------------------------------------

def test_the_leader_compiles_settles_and_uploads_the_summary_on_the_room_page(ew, login):
    sign_all(ew, values=(lambda n: Decimal(60 if n == 0 else 80), lambda n: Decimal(75 if n == 0 else 80),
                         lambda n: Decimal(65 if n == 0 else 80)))
    client = login(ew.leader)
    url = reverse("score_room", args=[ew.practical.pk, ew.room.pk])
    assert 'id="compile"' in texts(client.get(url))

    html = texts(client.post(reverse("score_room_compile", args=[ew.practical.pk, ew.room.pk]), follow=True))

    assert "成绩已汇总" in html and html.count('class="table-danger flagged"') == 1
    flagged = SubjectScore.objects.get(flagged=True)
    html = texts(client.post(reverse("score_settle", args=[flagged.pk]), {"score": "66", "reason": "组内复议"},
                             follow=True))
    assert "已裁定" in html and "组长裁定：组内复议" in html and "table-danger flagged" not in html
    response = client.post(reverse("score_summary_upload", args=[ew.practical.pk, ew.room.pk]),
                           {"photo": io.BytesIO(png())}, follow=True)
    assert "签名汇总表照片已上传" in texts(response)
    assert ScoreSummary.objects.filter(session=ew.practical, room=ew.room).exists()
    photo = client.get(reverse("score_summary_photo", args=[ew.practical.pk, ew.room.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"


def test_a_member_who_is_not_the_leader_cannot_compile(ew, login):
    sign_all(ew)
    client = login(ew.users[1])
    html = texts(client.get(reverse("score_room", args=[ew.practical.pk, ew.room.pk])))
    assert 'id="compile"' not in html
    assert client.post(reverse("score_room_compile", args=[ew.practical.pk, ew.room.pk])).status_code == 403
    assert not SubjectScore.objects.exists()


def test_compile_before_every_signature_shows_the_rule(ew, login):
    fill_sheet(ew, ew.leader)
    html = texts(login(ew.leader).post(reverse("score_room_compile", args=[ew.practical.pk, ew.room.pk]),
                                       follow=True))
    assert "R-CQ-11" in html and "尚未签名" in html


def test_outsiders_cannot_see_the_room_or_its_summary(ew, login, outsiders, invigilator):
    sign_all(ew)
    services.room_compile(session=ew.practical, room=ew.room, by=ew.leader)
    from django.core.files.uploadedfile import SimpleUploadedFile
    services.summary_upload(session=ew.practical, room=ew.room, by=ew.leader,
                            photo=SimpleUploadedFile("s.png", png(), content_type="image/png"))
    users = outsiders | {"assessor": ew.outsider, "invigilator": invigilator}
    codes = refused(login, users, reverse("score_room", args=[ew.practical.pk, ew.room.pk]))
    assert codes["assessor"] == 404 and codes["mianyang_reviewer"] == 404
    refused(login, users, reverse("score_summary_photo", args=[ew.practical.pk, ew.room.pk]))
    refused(login, users, reverse("score_room_compile", args=[ew.practical.pk, ew.room.pk]), "post")
    refused(login, users, reverse("score_summary_upload", args=[ew.practical.pk, ew.room.pk]), "post")
    score = SubjectScore.objects.first()
    refused(login, users, reverse("score_settle", args=[score.pk]), "post", {"score": "1", "reason": "x"})
    refused(login, users, reverse("score_resolve", args=[score.pk]), "post", {"score": "1", "reason": "x"})


# --- the second check ------------------------------------------------------------------------------

@pytest.fixture
def imported(ew, institution_clerk):
    """The 人力资源 theory scores, imported by the clerk (60, 61, … and the last absent)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kaowu.registration.imports.services import import_file_path
    from kaowu.scoring.entry import imports as imports_theory

    _rows, lines = full_rows(ew)
    token = imports_theory.theory_file_store(upload=SimpleUploadedFile("t.xlsx", xlsx(lines)), session=ew.theory,
                                             by=institution_clerk)
    path = import_file_path(imports_theory.theory_token_read(token, by=institution_clerk)["f"])
    imports_theory.theory_commit(session=ew.theory, path=path, by=institution_clerk)
    return list(SubjectScore.objects.filter(session=ew.theory).select_related("application__candidate"))


def test_the_check_page_is_blind_and_a_second_person_verifies(ew, login, imported, institution_admin,
                                                              institution_clerk):
    url = reverse("score_check", args=[ew.theory.pk])
    mine = texts(login(institution_clerk).get(url))
    assert "您录入或评分，须由他人复核" in mine and " check-input" not in mine

    client = login(institution_admin)
    html = texts(client.get(url))
    assert html.count(" check-input") == 8
    table = html[html.index('id="check"'):]
    assert not re.search(r"\b6[0-7]\.00\b|>6[0-7]<", table)  # no entered score on the page
    data = {}
    for score in imported:
        if score.score is None:
            data[f"x_{score.pk}"] = "1"
        else:
            data[f"c_{score.pk}"] = str(score.score)
    wrong = next(s for s in imported if s.score is not None)
    data[f"c_{wrong.pk}"] = "1"

    html = texts(client.post(url, data, follow=True))

    assert "已复核8人" in html and "其中1人与录入成绩不一致" in html
    assert SubjectScore.objects.filter(session=ew.theory, status="verified").count() == 7
    assert ScoreCheck.objects.get(subject_score=wrong).matches is False
    # The clerk who entered it corrects it on the same page; then it waits for a new check.
    client = login(institution_clerk)
    html = texts(client.get(url))
    assert "复核不一致" in html and "复核录入：1.00" in html
    html = texts(client.post(reverse("score_resolve", args=[wrong.pk]),
                             {"score": str(wrong.score), "reason": "核对成绩单，原录入无误"}, follow=True))
    assert "请另一名工作人员重新复核" in html
    assert not ScoreCheck.objects.filter(subject_score=wrong).exists()


def test_outsiders_cannot_open_the_check_page(ew, login, outsiders, imported, chengdu_reviewer, invigilator):
    url = reverse("score_check", args=[ew.theory.pk])
    codes = refused(login, outsiders | {"assessor": ew.outsider, "leader": ew.leader, "center": chengdu_reviewer,
                                        "invigilator": invigilator}, url)
    assert codes["other_institution_clerk"] == 404
    refused(login, outsiders | {"center": chengdu_reviewer}, url, "post", {f"c_{imported[0].pk}": "60"})
    assert not ScoreCheck.objects.exists()


# --- theory import ---------------------------------------------------------------------------------

def test_the_import_pages_upload_report_and_confirm(ew, login, institution_clerk):
    client = login(institution_clerk)
    template = client.get(reverse("score_import_template", args=[ew.theory.pk]))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")
    _rows, lines = full_rows(ew)
    response = client.post(reverse("score_import_upload", args=[ew.theory.pk]),
                           {"file": io.BytesIO(xlsx(lines))}, follow=True)
    html = texts(response)
    assert 'id="count-new">8<' in html and not SubjectScore.objects.exists()
    token = response.redirect_chain[-1][0].rstrip("/").split("/")[-1]

    html = texts(client.post(reverse("score_import_confirm", args=[token]), follow=True))

    assert "导入完成：新增成绩8人" in html and SubjectScore.objects.count() == 8
    again = texts(client.post(reverse("score_import_upload", args=[ew.theory.pk]),
                              {"file": io.BytesIO(xlsx(lines))}, follow=True))
    assert 'id="import-nothing"' in again


def test_the_import_page_of_an_assessed_session_says_why_not(ew, login, institution_clerk):
    html = texts(login(institution_clerk).get(reverse("score_import_upload", args=[ew.practical.pk])))
    assert "R-CQ-11" in html


def test_outsiders_cannot_import(ew, login, outsiders, institution_clerk, chengdu_reviewer):
    users = outsiders | {"assessor": ew.outsider, "center": chengdu_reviewer}
    refused(login, users, reverse("score_import_upload", args=[ew.theory.pk]))
    refused(login, users, reverse("score_import_template", args=[ew.theory.pk]))
    refused(login, users, reverse("score_import_upload", args=[ew.theory.pk]), "post",
            {"file": io.BytesIO(xlsx([]))})
    # Someone else's token is not theirs either.
    _rows, lines = full_rows(ew)
    response = login(institution_clerk).post(reverse("score_import_upload", args=[ew.theory.pk]),
                                             {"file": io.BytesIO(xlsx(lines))})
    token = response["Location"].rstrip("/").split("/")[-1]
    refused(login, users, reverse("score_import_report", args=[token]))
    refused(login, users, reverse("score_import_confirm", args=[token]), "post")
    assert not SubjectScore.objects.exists()
