"""The scoring API: a session's candidates and attendance, theory scores from a marking tool (all or none,
errors per row, the same rows twice create nothing, R-CQ-11 for assessed sessions), an assessor's own sheet
from a tablet (never another assessor's scores), a plan's results for its institution and center, and a
candidate's own results. Every endpoint refuses outsiders: another institution's clerk, another city's
reviewer, a candidate, an assessor outside the group."""

from decimal import Decimal

import pytest

from kaowu.accounts.services import api_token_create
from kaowu.arrangement.models import AdmissionTicket
from kaowu.core.ids import id_mask
from kaowu.core.models import AuditEvent
from kaowu.registration.models import Application
from kaowu.scoring.entry import services as services_entry
from kaowu.scoring.entry.selectors import session_candidates
from kaowu.scoring.models import Attendance, ScoreEntry, ScoreSheet, SubjectScore
from kaowu.scoring.release import services as release_services
from kaowu.scoring.tests.factories import (
    candidate_login,
    entry_world_build,
    fill_sheet,
    release_world_complete,
)

pytestmark = pytest.mark.django_db
A = Attendance.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ew(institution_clerk, chengdu_reviewer, assessor):
    return entry_world_build(institution_clerk, chengdu_reviewer, assessor)


@pytest.fixture
def outsiders(other_institution_clerk, mianyang_reviewer, candidate, assessor):
    """Outside every plan of the world: another institution, another city, a candidate, an assessor whom no
    group of the plan takes in."""
    return [other_institution_clerk, mianyang_reviewer, candidate, assessor]


def call(client, user, method: str, url: str, data=None):
    key = api_token_create(user=user, name="测试")[1]
    send = getattr(client, method)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if data is not None:
        kwargs.update(data=data, content_type="application/json")
    return send(f"/api/v1{url}", **kwargs)


def statuses(client, users, method: str, url: str, data=None) -> dict[str, int]:
    return {user.username: call(client, user, method, url, data).status_code for user in users}


# --- candidates and attendance ---------------------------------------------------------------------

def test_the_institution_lists_a_sessions_candidates_with_masked_id_numbers(client, ew, institution_clerk,
                                                                            invigilator):
    rows = session_candidates(ew.infant_theory)
    services_entry.attendance_record(session=ew.infant_theory, rows={rows[0].application_id: A.ABSENT},
                                     by=institution_clerk)

    response = call(client, institution_clerk, "get", f"/sessions/{ew.infant_theory.pk}/candidates")

    assert response.status_code == 200, response.content
    data = response.json()
    assert [c["application_id"] for c in data] == [r.application_id for r in rows]
    first = data[0]
    application = Application.objects.select_related("candidate").get(pk=first["application_id"])
    assert first["name"] == application.candidate.name and first["ticket_number"] == rows[0].ticket
    assert first["id_masked"] == id_mask(application.candidate.id_number)
    assert application.candidate.id_number not in response.content.decode()
    assert (first["attendance"], first["attendance_label"]) == ("absent", "缺考")
    assert data[1]["attendance"] == "" and first["room_name"]
    # The institution's invigilator reads the list too, to record attendance from it.
    assert call(client, invigilator, "get", f"/sessions/{ew.infant_theory.pk}/candidates").status_code == 200


def test_outsiders_cannot_list_a_sessions_candidates(client, ew, outsiders, chengdu_reviewer):
    url = f"/sessions/{ew.infant_theory.pk}/candidates"
    assert set(statuses(client, outsiders, "get", url).values()) == {404}
    # In scope but not the institution's: the center and an assessor of the plan read no name list here.
    assert statuses(client, [chengdu_reviewer, ew.leader], "get", url) == {"cd_reviewer": 403, "grp0": 403}


def test_an_invigilator_records_attendance_and_it_is_audited(client, ew, invigilator):
    rows = session_candidates(ew.practical, room=ew.room)
    payload = [{"application_id": r.application_id, "status": "present"} for r in rows]
    payload[0]["status"] = "absent"

    response = call(client, invigilator, "post", f"/sessions/{ew.practical.pk}/attendance", payload)

    assert response.status_code == 200, response.content
    assert response.json()["changed"] == len(rows)
    assert response.json()["candidates"][0]["attendance_label"] == "缺考"
    assert Attendance.objects.get(session=ew.practical, application_id=rows[0].application_id).status == A.ABSENT
    event = AuditEvent.objects.get(action="scoring.attendance_record")
    assert event.actor == invigilator and len(event.after["changes"]) == len(rows)
    # The same again changes nothing.
    assert call(client, invigilator, "post", f"/sessions/{ew.practical.pk}/attendance", payload).json()["changed"] == 0


def test_attendance_for_a_stranger_or_twice_for_one_candidate_is_refused_and_nothing_is_written(
        client, ew, institution_clerk):
    row = session_candidates(ew.infant_theory)[0]
    url = f"/sessions/{ew.infant_theory.pk}/attendance"
    stranger = call(client, institution_clerk, "post", url,
                    [{"application_id": row.application_id, "status": "present"},
                     {"application_id": 999999, "status": "present"}])
    twice = call(client, institution_clerk, "post", url,
                 [{"application_id": row.application_id, "status": "present"},
                  {"application_id": row.application_id, "status": "absent"}])

    assert stranger.status_code == 422 and stranger.json()["detail"] == "报名编号999999不是本场次的考生"
    assert twice.status_code == 422 and "只提交一行" in twice.json()["detail"]
    assert not Attendance.objects.exists()


def test_outsiders_cannot_record_attendance(client, ew, outsiders, chengdu_reviewer):
    row = session_candidates(ew.infant_theory)[0]
    url, payload = f"/sessions/{ew.infant_theory.pk}/attendance", [{"application_id": row.application_id,
                                                            "status": "present"}]
    assert set(statuses(client, outsiders, "post", url, payload).values()) == {404}
    assert statuses(client, [chengdu_reviewer, ew.leader], "post", url, payload) == {"cd_reviewer": 403,
                                                                                       "grp0": 403}
    assert not Attendance.objects.exists()


# --- theory scores ---------------------------------------------------------------------------------

def theory_rows(ew) -> tuple[list, list[dict]]:
    """Every candidate of the 育婴员 theory session (12): by ticket, every other one by application id, the last
    absent."""
    rows = session_candidates(ew.infant_theory)
    payload = [{"ticket_number": r.ticket, "score": f"{60 + n}.5"} if n % 2 else
               {"application_id": r.application_id, "score": 60 + n} for n, r in enumerate(rows)]
    payload[-1] = {"application_id": rows[-1].application_id, "absent": True}
    return rows, payload


def test_a_marking_tool_records_every_score_at_once_and_the_same_rows_again_create_nothing(
        client, ew, institution_clerk):
    rows, payload = theory_rows(ew)
    url = f"/sessions/{ew.infant_theory.pk}/scores"

    response = call(client, institution_clerk, "post", url, payload)

    assert response.status_code == 200, response.content
    assert response.json() == {"total": len(rows), "new": len(rows), "existing": 0, "absent": 1}
    scores = {s.application_id: s for s in SubjectScore.objects.filter(session=ew.infant_theory)}
    assert scores[rows[0].application_id].score == Decimal("60.00")
    assert scores[rows[1].application_id].score == Decimal("61.50")
    last = scores[rows[-1].application_id]
    assert last.score is None and last.attendance == A.ABSENT
    # Waiting for a second person's check (R-CQ-11), entered by the caller.
    assert {(s.source, s.status, s.entered_by_id) for s in scores.values()} == {
        (SubjectScore.Source.IMPORT, SubjectScore.Status.ENTERED, institution_clerk.pk)}
    assert Attendance.objects.get(session=ew.infant_theory, application_id=rows[-1].application_id).status == A.ABSENT
    event = AuditEvent.objects.get(action="scoring.theory_import")
    assert event.actor == institution_clerk and event.after["file"] == "成绩接口" and event.after["new"] == len(rows)

    again = call(client, institution_clerk, "post", url, payload)

    assert again.status_code == 200
    assert again.json() == {"total": len(rows), "new": 0, "existing": len(rows), "absent": 0}
    assert SubjectScore.objects.filter(session=ew.infant_theory).count() == len(rows)
    assert AuditEvent.objects.filter(action="scoring.theory_import").count() == 1


def test_a_candidate_without_a_ticket_is_named_by_the_application_id(client, ew, institution_clerk):
    row = session_candidates(ew.infant_theory)[0]
    AdmissionTicket.objects.filter(application_id=row.application_id).update(status=AdmissionTicket.Status.WITHDRAWN)

    response = call(client, institution_clerk, "post", f"/sessions/{ew.infant_theory.pk}/scores",
                    [{"application_id": row.application_id, "score": 75}])

    assert response.status_code == 200, response.content
    assert SubjectScore.objects.get(session=ew.infant_theory, application_id=row.application_id).score == 75


def test_every_faulty_row_is_reported_by_index_and_field_and_nothing_is_recorded(client, ew, institution_clerk):
    rows, payload = theory_rows(ew)
    payload[0]["score"] = 120
    payload[1] = {"ticket_number": "NOSUCHTICKET", "score": 70}
    payload[2] = {"application_id": 999999, "score": 70}
    payload[3] = {"application_id": rows[3].application_id}
    payload[4]["score"] = "78.125"
    payload[5] = {"application_id": rows[6].application_id, "score": 70}  # row 6 names the same candidate
    payload[7] = {"application_id": rows[7].application_id, "ticket_number": rows[8].ticket, "score": 70}
    payload[8]["name"] = "别人"
    payload[9] = {"application_id": rows[9].application_id, "score": 70, "absent": True}

    response = call(client, institution_clerk, "post", f"/sessions/{ew.infant_theory.pk}/scores", payload)

    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "9行存在错误，未登记任何成绩；请修改后重新提交"
    errors = {(e["index"], e["field"]): e["message"] for e in body["errors"]}
    assert errors[(0, "score")] == "120 超出范围，应在0至100分之间"
    assert errors[(1, "ticket_number")] == "准考证号“NOSUCHTICKET”不是本场次考生的有效准考证号"
    assert errors[(2, "application_id")] == "报名编号999999不是本场次的考生"
    assert errors[(3, "score")] == "成绩不能为空（缺考的填写 absent: true）"
    assert errors[(4, "score")] == "78.125 最多保留两位小数"
    assert errors[(6, "ticket_number")] == "与第6条（index 5）是同一名考生"
    assert errors[(7, "ticket_number")] == f"准考证号“{rows[8].ticket}”与报名编号{rows[7].application_id}不是同一名考生"
    assert errors[(8, "name")] == f"姓名与该考生（“{rows[8].name}”）不一致，请核对"
    assert errors[(9, "score")] == "已标为缺考或成绩取消的考生不能同时填写成绩"
    assert len(errors) == 9  # row 5 itself is fine: the row that repeats its candidate is the faulty one
    assert not SubjectScore.objects.exists() and not Attendance.objects.exists()
    assert not AuditEvent.objects.filter(action="scoring.theory_import").exists()


def test_a_different_score_for_a_recorded_candidate_is_an_error_not_an_overwrite(client, ew, institution_clerk):
    rows, payload = theory_rows(ew)
    url = f"/sessions/{ew.infant_theory.pk}/scores"
    assert call(client, institution_clerk, "post", url, payload[:2]).status_code == 200

    response = call(client, institution_clerk, "post", url, [payload[0] | {"score": 99}, *payload[1:]])

    assert response.status_code == 422
    assert response.json()["errors"] == [{"index": 0, "field": "score", "message": (
        "该考生已导入成绩60.00，与本行不一致；已导入的成绩经复核不一致后由录入人更正")}]
    assert SubjectScore.objects.filter(session=ew.infant_theory).count() == 2
    assert SubjectScore.objects.get(session=ew.infant_theory, application_id=rows[0].application_id).score == 60


def test_r_cq_11_a_session_scored_by_an_assessor_group_takes_no_scores_from_a_marking_tool(
        client, ew, institution_clerk):
    row = session_candidates(ew.practical)[0]

    response = call(client, institution_clerk, "post", f"/sessions/{ew.practical.pk}/scores",
                    [{"application_id": row.application_id, "score": 80}])

    assert response.status_code == 422
    assert "评分表为准" in response.json()["detail"] and "R-CQ-11" in response.json()["detail"]
    assert not SubjectScore.objects.exists()


def test_outsiders_cannot_send_theory_scores(client, ew, outsiders, chengdu_reviewer, invigilator):
    rows, payload = theory_rows(ew)
    url = f"/sessions/{ew.infant_theory.pk}/scores"
    assert set(statuses(client, outsiders, "post", url, payload).values()) == {404}
    assert statuses(client, [chengdu_reviewer, invigilator, ew.leader], "post", url, payload) == {
        "cd_reviewer": 403, "cd01_invigilator01": 403, "grp0": 403}
    assert not SubjectScore.objects.exists()


# --- an assessor's sheet ---------------------------------------------------------------------------

def sheet_url(ew, suffix: str = "") -> str:
    return f"/sessions/{ew.practical.pk}/rooms/{ew.room.pk}/sheet{suffix}"


def test_an_assessor_fills_and_signs_their_sheet_from_a_tablet(client, ew):
    rows = session_candidates(ew.practical, room=ew.room)
    me = ew.users[1]

    empty = call(client, me, "get", sheet_url(ew))
    saved = call(client, me, "put", sheet_url(ew), {"scores": [
        {"application_id": r.application_id, "score": 70 + n} for n, r in enumerate(rows[:-1])]})
    early = call(client, me, "post", sheet_url(ew, "/sign"))

    assert empty.status_code == 200 and empty.json()["status"] == "not_started" and empty.json()["scores"] == []
    assert [c["application_id"] for c in empty.json()["candidates"]] == [r.application_id for r in rows]
    assert saved.status_code == 200, saved.content
    assert saved.json()["status"] == "draft" and len(saved.json()["scores"]) == len(rows) - 1
    assert saved.json()["scores"][0] == {"application_id": rows[0].application_id, "part": 0, "score": "70.00"}
    assert early.status_code == 422 and "尚有1项未评分" in early.json()["detail"]
    assert AuditEvent.objects.get(action="scoring.sheet_save").actor == me

    last = call(client, me, "put", sheet_url(ew), {"scores": [{"application_id": rows[-1].application_id,
                                                               "score": "88.5"}]})
    signed = call(client, me, "post", sheet_url(ew, "/sign"))
    late = call(client, me, "put", sheet_url(ew), {"scores": [{"application_id": rows[0].application_id,
                                                               "score": 1}]})

    assert last.status_code == 200 and len(last.json()["scores"]) == len(rows)
    assert signed.status_code == 200 and signed.json()["status"] == "signed" and signed.json()["signed_at"]
    assert late.status_code == 422 and "R-CQ-11" in late.json()["detail"]
    assert ScoreEntry.objects.get(sheet__assessor__user=me, application_id=rows[0].application_id).score == 70


def test_a_score_outside_the_full_marks_is_refused_in_chinese(client, ew):
    row = session_candidates(ew.practical, room=ew.room)[0]

    response = call(client, ew.users[1], "put", sheet_url(ew), {"scores": [{"application_id": row.application_id,
                                                                            "score": 101}]})

    assert response.status_code == 422 and "超出范围" in response.json()["detail"]
    assert not ScoreEntry.objects.exists() and not ScoreSheet.objects.exists()  # the sheet's opening rolled back


def test_r_fj_19_an_assessors_answers_never_carry_another_assessors_scores(client, ew):
    fill_sheet(ew, ew.users[0], lambda n: Decimal("91.25"))
    rows = session_candidates(ew.practical, room=ew.room)
    mine = call(client, ew.users[1], "get", sheet_url(ew))
    assert mine.json()["scores"] == [] and "91.25" not in mine.content.decode()
    assert {m["name"]: m["status_label"] for m in mine.json()["group"]}[ew.group[0].staff.name] == "录入中"

    # Even once every sheet is signed, the API answers with the caller's own sheet alone.
    for n, user in enumerate(ew.users):
        if n:
            fill_sheet(ew, user, lambda i, n=n: Decimal(60 + n))
        services_entry.sheet_sign(sheet=ScoreSheet.objects.get(assessor__user=user), by=user)
    after = call(client, ew.users[1], "get", sheet_url(ew))

    assert after.status_code == 200 and "91.25" not in after.content.decode()
    assert {s["score"] for s in after.json()["scores"]} == {"61.00"} and len(after.json()["scores"]) == len(rows)


def test_outsiders_cannot_read_fill_or_sign_a_sheet(client, ew, outsiders, institution_clerk, chengdu_reviewer):
    row = session_candidates(ew.practical, room=ew.room)[0]
    payload = {"scores": [{"application_id": row.application_id, "score": 80}]}
    others = [*outsiders, institution_clerk, chengdu_reviewer]
    for method, url, data in (("get", sheet_url(ew), None), ("put", sheet_url(ew), payload),
                              ("post", sheet_url(ew, "/sign"), None)):
        assert set(statuses(client, others, method, url, data).values()) == {404}, (method, url)
    # A room the session does not use.
    other_room = next(r for r in ew.exam.theory_rooms if r.pk != ew.room.pk)
    assert call(client, ew.leader, "get", f"/sessions/{ew.practical.pk}/rooms/{other_room.pk}/sheet"
                ).status_code == 404
    assert not ScoreSheet.objects.exists()


# --- results ---------------------------------------------------------------------------------------

@pytest.fixture
def rw(institution_clerk, chengdu_reviewer, chengdu_institution):
    return release_world_complete(institution_clerk, chengdu_reviewer, chengdu_institution)


def test_the_institution_and_its_center_read_the_plans_composed_results(client, rw, institution_clerk,
                                                                        chengdu_reviewer):
    url = f"/plans/{rw.plan.pk}/results"
    before = call(client, institution_clerk, "get", url)
    release_services.results_submit(plan=rw.plan, by=institution_clerk)

    staff = call(client, institution_clerk, "get", url)
    center = call(client, chengdu_reviewer, "get", url)

    assert before.status_code == 200 and before.json()["status"] is None and before.json()["results"] == []
    assert staff.status_code == 200 and center.status_code == 200
    assert staff.json() == center.json()
    data = staff.json()
    assert data["status"] == "submitted" and data["status_label"] == "已上报待审核"
    practical = rw.seated(rw.practical)
    first = next(r for r in data["results"] if r["application_id"] == practical[0])
    application = Application.objects.select_related("candidate").get(pk=practical[0])
    assert first["name"] == application.candidate.name
    assert first["id_masked"] == id_mask(application.candidate.id_number)
    assert application.candidate.id_number not in staff.content.decode()
    assert first["outcome"] == "passed" and first["outcome_label"] == "合格"
    assert [(s["name"], s["score"], s["passed"]) for s in first["subjects"]] == [
        ("理论知识", "70.00", True), ("技能操作", "70.00", True)]
    assert len(data["results"]) == len(practical)


def test_outsiders_cannot_read_a_plans_results(client, rw, institution_clerk, outsiders, invigilator):
    release_services.results_submit(plan=rw.plan, by=institution_clerk)
    assert set(statuses(client, [*outsiders, invigilator], "get", f"/plans/{rw.plan.pk}/results").values()) == {404}


def test_a_candidate_reads_their_own_results_once_the_center_confirmed_them(client, rw, institution_clerk,
                                                                            chengdu_reviewer, candidate):
    application_id = rw.seated(rw.practical)[0]
    application = Application.objects.select_related("candidate").get(pk=application_id)
    own = candidate_login(application)
    release = release_services.results_submit(plan=rw.plan, by=institution_clerk)
    submitted = call(client, own, "get", "/results/mine")
    release_services.results_approve(release=release, by=chengdu_reviewer)
    release_services.results_publish(release=release, by=chengdu_reviewer)

    published = call(client, own, "get", "/results/mine")

    assert submitted.status_code == 200 and submitted.json() == []
    assert published.status_code == 200, published.content
    (row,) = published.json()
    assert row["application_id"] == application_id and row["status_label"] == "公示中"
    assert row["recheck_until"] and row["result"]["outcome"] == "passed"
    assert row["result"]["name"] == application.candidate.name
    # Another candidate sees nothing of it; office staff are told the endpoint is the candidates'.
    assert call(client, candidate, "get", "/results/mine").json() == []
    assert statuses(client, [institution_clerk, chengdu_reviewer], "get", "/results/mine") == {
        "cd01_clerk": 403, "cd_reviewer": 403}


# --- the docs --------------------------------------------------------------------------------------

def test_the_routes_are_in_the_openapi_document_with_chinese_summaries(client, institution_clerk):
    paths = call(client, institution_clerk, "get", "/openapi.json").json()["paths"]
    expected = {
        ("/api/v1/sessions/{session_id}/candidates", "get"), ("/api/v1/sessions/{session_id}/attendance", "post"),
        ("/api/v1/sessions/{session_id}/scores", "post"),
        ("/api/v1/sessions/{session_id}/rooms/{room_id}/sheet", "get"),
        ("/api/v1/sessions/{session_id}/rooms/{room_id}/sheet", "put"),
        ("/api/v1/sessions/{session_id}/rooms/{room_id}/sheet/sign", "post"),
        ("/api/v1/plans/{plan_id}/results", "get"), ("/api/v1/results/mine", "get"),
    }
    for path, method in expected:
        operation = paths[path][method]
        assert operation["tags"] == ["成绩"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in operation["summary"]), path
