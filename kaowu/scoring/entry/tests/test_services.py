"""Score entry services: attendance, the assessors' own sheets (independent, signed, read-only), the leader's
compile with flagged spreads and their settlement, the signed summary's photo, the second check and the
progress the release relies on."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from conftest import make_user
from kaowu.accounts.models import Role
from kaowu.arrangement.models import StationDraw
from kaowu.catalog.models import SubjectPart
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.core.workflow import TransitionRefused
from kaowu.plans.models import Session
from kaowu.scoring.entry import selectors, services
from kaowu.scoring.models import Attendance, ResultRelease, ScoreCheck, ScoreEntry, ScoreSheet, SubjectScore
from kaowu.scoring.tests.factories import entry_world_build, fill_sheet, sign_all
from kaowu.staffing.models import StaffMember

pytestmark = pytest.mark.django_db
A = Attendance.Status


def png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 200, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def room_rows(ew):
    return selectors.session_candidates(ew.practical, room=ew.room)


# --- attendance ------------------------------------------------------------------------------------

def test_an_invigilator_of_the_institution_records_attendance_and_it_is_audited(ew, invigilator):
    rows = room_rows(ew)
    marks = {r.application_id: A.PRESENT for r in rows}
    marks[rows[0].application_id] = A.ABSENT

    changed = services.attendance_record(session=ew.practical, rows=marks, by=invigilator)

    assert changed == 12
    assert Attendance.objects.get(session=ew.practical, application_id=rows[0].application_id).status == A.ABSENT
    event = AuditEvent.objects.get(action="scoring.attendance_record")
    assert event.actor == invigilator and len(event.after["changes"]) == 12
    # The same marks again change nothing and write no new event.
    assert services.attendance_record(session=ew.practical, rows=marks, by=invigilator) == 0
    assert AuditEvent.objects.filter(action="scoring.attendance_record").count() == 1


def test_only_the_plans_institution_records_attendance(ew, chengdu_other_institution, other_institution_clerk,
                                                       chengdu_reviewer):
    other_invigilator = make_user("cd02_invigilator", Role.INVIGILATOR, chengdu_other_institution)
    rows = {room_rows(ew)[0].application_id: A.PRESENT}
    for outsider in (other_invigilator, other_institution_clerk, chengdu_reviewer, ew.leader):
        with pytest.raises(PermissionRefused):
            services.attendance_record(session=ew.practical, rows=rows, by=outsider)
    assert not Attendance.objects.exists()


def test_attendance_before_the_exam_begins_is_refused(ew, institution_clerk):
    Session.objects.filter(pk=ew.practical.pk).update(date=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError, match="考试尚未开始"):
        services.attendance_record(session=ew.practical, rows={room_rows(ew)[0].application_id: A.PRESENT},
                                   by=institution_clerk)


def test_a_stranger_to_the_session_is_refused_and_nothing_is_written(ew, institution_clerk):
    hr_candidate = selectors.session_candidates(ew.theory)[0]
    rows = {room_rows(ew)[0].application_id: A.PRESENT, hr_candidate.application_id: A.PRESENT}
    with pytest.raises(ValidationError, match="不是本场次的考生"):
        services.attendance_record(session=ew.practical, rows=rows, by=institution_clerk)
    assert not Attendance.objects.exists()


def test_the_station_draw_proposes_attendance(ew, institution_clerk):
    rows = room_rows(ew)
    present = [r.application_id for r in rows[:10]]
    StationDraw.objects.create(session=ew.practical, room=ew.room, seed=1, present=present, result=[],
                               drawn_by=institution_clerk, drawn_at=timezone.now())

    proposed = selectors.attendance_from_checkin(ew.practical)

    assert {pk for pk, status in proposed.items() if status == A.PRESENT} == set(present)
    assert {pk for pk, status in proposed.items() if status == A.ABSENT} == {r.application_id for r in rows[10:]}
    assert selectors.attendance_from_checkin(ew.theory) == {}  # nobody checked in: nothing to propose


# --- the assessors' sheets -------------------------------------------------------------------------

def test_r_cq_11_an_assessor_signs_the_sheet_and_it_becomes_read_only(ew):
    sheet = fill_sheet(ew, ew.users[1])
    assert ScoreEntry.objects.filter(sheet=sheet).count() == 12

    services.sheet_sign(sheet=sheet, by=ew.users[1])

    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.SIGNED and sheet.signed_at is not None
    first = room_rows(ew)[0].application_id
    with pytest.raises(RuleViolation) as refused:
        services.sheet_save(sheet=sheet, scores={(first, 0): Decimal(1)}, by=ew.users[1])
    assert refused.value.rule_id == "R-CQ-11"
    assert ScoreEntry.objects.get(sheet=sheet, application_id=first).score == Decimal(70)
    assert AuditEvent.objects.filter(action="scoring.sheet_sign", object_id=str(sheet.pk)).exists()


def test_scores_outside_the_full_marks_or_with_three_decimals_are_refused_in_chinese(ew):
    sheet = services.sheet_open(session=ew.practical, room=ew.room, by=ew.leader)
    a, b, c = (r.application_id for r in room_rows(ew)[:3])
    with pytest.raises(ValidationError) as refused:
        services.sheet_save(sheet=sheet, by=ew.leader, scores={(a, 0): "101", (b, 0): "80.555", (c, 0): "八十"})
    text = " ".join(refused.value.messages)
    assert "超出范围，应在0至100分之间" in text and "最多保留两位小数" in text and "不是数字" in text
    assert not ScoreEntry.objects.filter(sheet=sheet).exists()
    services.sheet_save(sheet=sheet, by=ew.leader, scores={(a, 0): "80.5", (b, 0): "0", (c, 0): "100"})
    assert ScoreEntry.objects.get(sheet=sheet, application_id=a).score == Decimal("80.50")


def test_signing_needs_every_candidate_who_sat_and_absent_ones_are_not_scored(ew, invigilator):
    rows = room_rows(ew)
    absent = rows[-1]
    services.attendance_record(session=ew.practical, rows={absent.application_id: A.ABSENT}, by=invigilator)
    sheet = services.sheet_open(session=ew.practical, room=ew.room, by=ew.leader)
    with pytest.raises(ValidationError, match="不评分"):
        services.sheet_save(sheet=sheet, by=ew.leader, scores={(absent.application_id, 0): Decimal(50)})
    services.sheet_save(sheet=sheet, by=ew.leader, scores={(r.application_id, 0): Decimal(60) for r in rows[1:-1]})
    with pytest.raises(ValidationError, match=f"尚有1项未评分，不能签名：{rows[0].name}"):
        services.sheet_sign(sheet=sheet, by=ew.leader)
    services.sheet_save(sheet=sheet, by=ew.leader, scores={(rows[0].application_id, 0): Decimal(61)})
    services.sheet_sign(sheet=sheet, by=ew.leader)  # 11 scored, the absent one excluded


def test_an_assessor_outside_the_group_cannot_open_or_fill_a_sheet(ew, institution_clerk):
    with pytest.raises(PermissionRefused):
        services.sheet_open(session=ew.practical, room=ew.room, by=ew.outsider)
    sheet = services.sheet_open(session=ew.practical, room=ew.room, by=ew.users[1])
    for intruder in (ew.users[2], ew.outsider, institution_clerk):
        with pytest.raises(PermissionRefused):
            services.sheet_save(sheet=sheet, by=intruder, scores={(room_rows(ew)[0].application_id, 0): 1})


def test_r_fj_19_nobody_reads_another_assessors_scores_until_every_sheet_is_signed(ew, institution_clerk):
    fill_sheet(ew, ew.users[0], lambda n: Decimal("88.25"))
    second = fill_sheet(ew, ew.users[1])
    services.sheet_sign(sheet=second, by=ew.users[1])

    # Before the third signs: each sees only their own, the institution none.
    assert [s.assessor.user for s in selectors.sheets_visible(session=ew.practical, room=ew.room,
                                                             user=ew.users[1])] == [ew.users[1]]
    assert selectors.sheets_visible(session=ew.practical, room=ew.room, user=ew.users[2]) == []
    assert selectors.sheets_visible(session=ew.practical, room=ew.room, user=institution_clerk) == []
    page = selectors.room_page(session=ew.practical, room=ew.room, user=ew.leader)
    assert all(row.by_assessor == [] for row in page["rows"]) and not page["all_signed"]

    services.sheet_sign(sheet=fill_sheet(ew, ew.users[2]), by=ew.users[2])
    services.sheet_sign(sheet=ScoreSheet.objects.get(assessor__user=ew.users[0]), by=ew.users[0])
    seen = selectors.sheets_visible(session=ew.practical, room=ew.room, user=ew.users[2])
    assert {s.assessor.user for s in seen} == set(ew.users)
    assert selectors.sheets_visible(session=ew.practical, room=ew.room, user=ew.outsider) == []


def test_a_subject_with_parts_is_scored_per_part_and_compiled_by_weight(ew):
    subject = ew.practical.subject
    SubjectPart.objects.create(subject=subject, order=1, name="操作", full_marks=Decimal(60), weight=Decimal("0.6"))
    SubjectPart.objects.create(subject=subject, order=2, name="答辩", full_marks=Decimal(40), weight=Decimal("0.4"))
    rows = room_rows(ew)
    for user, (op, oral) in zip(ew.users, [("50", "30"), ("51", "31"), ("52", "31.5")], strict=True):
        sheet = services.sheet_open(session=ew.practical, room=ew.room, by=user)
        scores = {}
        for r in rows:
            scores[(r.application_id, 1)] = op
            scores[(r.application_id, 2)] = oral
        with pytest.raises(ValidationError, match="答辩"):
            services.sheet_save(sheet=sheet, by=user, scores={(rows[0].application_id, 2): "41"})
        services.sheet_save(sheet=sheet, by=user, scores=scores)
        services.sheet_sign(sheet=sheet, by=user)

    scores = services.room_compile(session=ew.practical, room=ew.room, by=ew.leader)

    # 操作 mean 51.00, 答辩 mean 30.8333 → 30.83; subject 81.83; totals 80, 82, 83.5 → spread 3.5.
    score = scores[0]
    assert score.parts == {"1": "51.00", "2": "30.83"}
    assert score.score == Decimal("81.83") and score.spread == Decimal("3.50") and not score.flagged


# --- the leader: compile, settle, summary ----------------------------------------------------------

def test_r_cq_11_compile_is_refused_while_a_sheet_is_unsigned(ew):
    for user in ew.users[:2]:
        services.sheet_sign(sheet=fill_sheet(ew, user), by=user)
    fill_sheet(ew, ew.users[2])
    with pytest.raises(RuleViolation) as refused:
        services.room_compile(session=ew.practical, room=ew.room, by=ew.leader)
    assert refused.value.rule_id == "R-CQ-11" and ew.group[2].staff.name in refused.value.message
    assert not SubjectScore.objects.exists()


def test_compile_takes_the_mean_half_up_and_flags_a_spread_over_the_limit(ew, invigilator):
    rows = room_rows(ew)
    services.attendance_record(session=ew.practical, rows={rows[-1].application_id: A.CANCELLED}, by=invigilator)
    # Candidate 0: 70, 71, 71 → 70.67; candidate 1: 60, 75, 65 → 66.67 with a spread of 15 > 10.
    first = {0: Decimal(70), 1: Decimal(60)}
    second = {0: Decimal(71), 1: Decimal(75)}
    third = {0: Decimal(71), 1: Decimal(65)}
    sign_all(ew, values=(lambda n: first.get(n, Decimal(80)), lambda n: second.get(n, Decimal(80)),
                         lambda n: third.get(n, Decimal(80))))
    for member in ew.users[1:]:
        with pytest.raises(PermissionRefused):
            services.room_compile(session=ew.practical, room=ew.room, by=member)

    scores = {s.application_id: s for s in services.room_compile(session=ew.practical, room=ew.room, by=ew.leader)}

    assert scores[rows[0].application_id].score == Decimal("70.67")
    flagged = scores[rows[1].application_id]
    assert flagged.score == Decimal("66.67") and flagged.spread == Decimal(15) and flagged.flagged
    cancelled = scores[rows[-1].application_id]
    assert cancelled.score is None and cancelled.attendance == A.CANCELLED
    assert scores[rows[2].application_id].score == Decimal(80) and not scores[rows[2].application_id].flagged
    assert all(s.source == "assessors" and s.entered_by == ew.leader for s in scores.values())
    assert AuditEvent.objects.get(action="scoring.room_compile").after["flagged"] == 1


def test_the_leader_settles_a_flagged_score_with_a_reason_and_compiling_again_keeps_it(ew):
    sign_all(ew, values=(lambda n: Decimal(60), lambda n: Decimal(75), lambda n: Decimal(65)))
    scores = services.room_compile(session=ew.practical, room=ew.room, by=ew.leader)
    flagged = scores[0]
    assert flagged.flagged
    with pytest.raises(ValidationError, match="请填写裁定理由"):
        services.spread_settle(subject_score=flagged, score="66", reason="  ", by=ew.leader)
    with pytest.raises(PermissionRefused):
        services.spread_settle(subject_score=flagged, score="66", reason="复议", by=ew.users[1])

    services.spread_settle(subject_score=flagged, score="66", reason="组内复议，按评分细则第3项扣分", by=ew.leader)
    services.room_compile(session=ew.practical, room=ew.room, by=ew.leader)

    flagged.refresh_from_db()
    assert flagged.score == Decimal(66) and flagged.settle_reason.startswith("组内复议")
    event = AuditEvent.objects.get(action="scoring.spread_settle")
    assert event.before["score"] == "66.67" and event.after["score"] == "66.00"


def test_r_fj_10_the_summary_photo_comes_after_every_signature_and_must_be_an_image(ew):
    fill_sheet(ew, ew.leader)
    photo = SimpleUploadedFile("summary.png", png(), content_type="image/png")
    with pytest.raises(RuleViolation) as refused:
        services.summary_upload(session=ew.practical, room=ew.room, photo=photo, by=ew.leader)
    assert refused.value.rule_id == "R-FJ-10"
    ScoreSheet.objects.filter(assessor__user=ew.leader).delete()
    sign_all(ew)
    with pytest.raises(ValidationError, match="签名汇总表的照片"):
        services.summary_upload(session=ew.practical, room=ew.room, by=ew.leader,
                                photo=SimpleUploadedFile("summary.png", b"%PDF-1.4 not a picture"))
    big = SimpleUploadedFile("big.png", b"0" * (services.SUMMARY_MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="照片过大"):
        services.summary_upload(session=ew.practical, room=ew.room, photo=big, by=ew.leader)
    with pytest.raises(PermissionRefused):
        services.summary_upload(session=ew.practical, room=ew.room, photo=photo, by=ew.users[1])

    summary = services.summary_upload(session=ew.practical, room=ew.room, by=ew.leader,
                                      photo=SimpleUploadedFile("summary.png", png(), content_type="image/png"))

    assert summary.photo.name.endswith(".png") and "summary" not in summary.photo.name
    assert AuditEvent.objects.get(action="scoring.summary_upload").after["sha256"]


# --- the second check ------------------------------------------------------------------------------

@pytest.fixture
def compiled(ew):
    sign_all(ew)
    return services.room_compile(session=ew.practical, room=ew.room, by=ew.leader)


def test_r_cq_11_the_person_who_entered_a_score_cannot_check_it(ew, compiled, institution_clerk):
    score = compiled[0]
    with pytest.raises(RuleViolation) as refused:
        score.entered_by = institution_clerk
        score.save()
        services.score_check(subject_score=score, entered=score.score, by=institution_clerk)
    assert refused.value.rule_id == "R-CQ-11" and "录入人" in refused.value.message


def test_r_cq_11_an_assessor_of_the_session_cannot_check_its_scores(ew, compiled, chengdu_institution):
    clerk_assessor = make_user("cd01_clerk_assessor", Role.INSTITUTION_CLERK, chengdu_institution)
    StaffMember.objects.filter(pk=ew.group[2].staff_id).update(user=clerk_assessor)
    with pytest.raises(RuleViolation) as refused:
        services.score_check(subject_score=compiled[0], entered=compiled[0].score, by=clerk_assessor)
    assert refused.value.rule_id == "R-CQ-11"


def test_only_the_institutions_staff_check(ew, compiled, other_institution_clerk, chengdu_reviewer):
    for outsider in (other_institution_clerk, chengdu_reviewer, ew.users[1]):
        with pytest.raises(PermissionRefused):
            services.score_check(subject_score=compiled[0], entered=compiled[0].score, by=outsider)


def test_a_matching_check_verifies_and_a_mismatch_is_corrected_then_checked_again(ew, compiled, institution_clerk,
                                                                                  institution_admin):
    good, bad = compiled[0], compiled[1]
    check = services.score_check(subject_score=good, entered=str(good.score), by=institution_clerk)
    good.refresh_from_db()
    assert check.matches and good.status == SubjectScore.Status.VERIFIED
    with pytest.raises(ValidationError, match="已复核"):
        services.score_check(subject_score=good, entered=good.score, by=institution_admin)

    check = services.score_check(subject_score=bad, entered="12", by=institution_clerk)
    assert not check.matches
    assert selectors.mismatches(plan=ew.plan) == [bad]
    with pytest.raises(PermissionRefused):
        services.mismatch_resolve(subject_score=bad, score="71", reason="核对原始评分表", by=institution_clerk)
    services.mismatch_resolve(subject_score=bad, score=bad.score, reason="核对签名汇总表，原成绩无误", by=ew.leader)

    bad.refresh_from_db()
    assert not ScoreCheck.objects.filter(subject_score=bad).exists() and bad.status == SubjectScore.Status.ENTERED
    assert selectors.mismatches(plan=ew.plan) == []
    services.score_check(subject_score=bad, entered=bad.score, by=institution_admin)
    bad.refresh_from_db()
    assert bad.status == SubjectScore.Status.VERIFIED


def test_a_flagged_score_is_checked_only_once_settled(ew, institution_clerk):
    sign_all(ew, values=(lambda n: Decimal(60), lambda n: Decimal(75), lambda n: Decimal(65)))
    flagged = services.room_compile(session=ew.practical, room=ew.room, by=ew.leader)[0]
    with pytest.raises(ValidationError, match="组长裁定"):
        services.score_check(subject_score=flagged, entered=flagged.score, by=institution_clerk)


def test_cancelling_a_scored_candidate_voids_the_score_and_other_changes_are_refused(ew, compiled, invigilator,
                                                                                    institution_clerk):
    score = compiled[0]
    services.score_check(subject_score=score, entered=score.score, by=institution_clerk)
    with pytest.raises(ValidationError, match="已有成绩"):
        services.attendance_record(session=ew.practical, rows={score.application_id: A.ABSENT}, by=invigilator)

    services.attendance_record(session=ew.practical, rows={score.application_id: A.CANCELLED}, by=invigilator)

    score.refresh_from_db()
    assert score.score is None and score.attendance == A.CANCELLED and score.status == SubjectScore.Status.ENTERED
    assert not ScoreCheck.objects.filter(subject_score=score).exists()


def test_nothing_changes_once_the_results_are_submitted(ew, compiled, institution_clerk):
    ResultRelease.objects.create(plan=ew.plan, status=ResultRelease.Status.SUBMITTED,
                                 exam_end=timezone.localdate(), report_due=timezone.localdate())
    with pytest.raises(ValidationError, match="不能再登记或修改"):
        services.score_check(subject_score=compiled[0], entered=compiled[0].score, by=institution_clerk)
    with pytest.raises(ValidationError, match="不能再登记或修改"):
        services.room_compile(session=ew.practical, room=ew.room, by=ew.leader)


# --- progress --------------------------------------------------------------------------------------

def test_entry_progress_counts_each_step_and_says_what_is_missing(ew, invigilator, institution_clerk):
    def practical():
        return next(p for p in selectors.entry_progress(ew.plan) if p.session.pk == ew.practical.pk)

    start = practical()
    assert start.assessed and start.candidates == 12 and start.sheets_needed == 3 and start.sheets_signed == 0
    assert "到考情况未登记12人" in start.problems() and not start.complete
    services.attendance_record(session=ew.practical, rows={r.application_id: A.PRESENT for r in room_rows(ew)},
                               by=invigilator)
    sign_all(ew)
    scores = services.room_compile(session=ew.practical, room=ew.room, by=ew.leader)
    middle = practical()
    assert (middle.attendance, middle.sheets_signed, middle.compiled, middle.checked) == (12, 3, 12, 0)
    assert middle.problems() == ["签名汇总表照片未上传1个考场（R-FJ-10）", "待复核12人（R-CQ-11）"]
    services.summary_upload(session=ew.practical, room=ew.room, by=ew.leader,
                            photo=SimpleUploadedFile("s.png", png(), content_type="image/png"))
    services.score_check(subject_score=scores[0], entered="1", by=institution_clerk)
    for score in scores[1:]:
        services.score_check(subject_score=score, entered=score.score, by=institution_clerk)
    end = practical()
    assert (end.summaries, end.checked, end.mismatches) == (1, 11, 1)
    assert end.problems() == ["复核不一致待更正1人"]
    theory = next(p for p in selectors.entry_progress(ew.plan) if p.session.pk == ew.theory.pk)
    assert not theory.assessed and "成绩未录入8人" in theory.problems()
    assert any(line.endswith("复核不一致待更正1人") for line in selectors.entry_blockers(ew.plan))


def test_a_ticket_checked_at_the_door_on_the_exam_day_proposes_present(ew, invigilator):
    from kaowu.arrangement.models import AdmissionTicket
    from kaowu.core.services import audit_record

    Session.objects.filter(pk=ew.theory.pk).update(date=timezone.localdate(), start="00:00")
    rows = selectors.session_candidates(ew.theory)
    ticket = AdmissionTicket.objects.get(application_id=rows[0].application_id, status="valid")
    audit_record(action="arrangement.checkin", actor=invigilator, target=ticket,
                 after={"number": ticket.number, "valid": True})
    failed = AdmissionTicket.objects.get(application_id=rows[1].application_id, status="valid")
    audit_record(action="arrangement.checkin", actor=invigilator, target=failed,
                 after={"number": failed.number, "valid": False})

    proposed = selectors.attendance_from_checkin(ew.theory)

    assert proposed[rows[0].application_id] == A.PRESENT
    assert proposed[rows[1].application_id] == A.ABSENT and len(proposed) == 8


def test_an_absence_on_record_needs_no_score(ew, institution_clerk):
    rows = selectors.session_candidates(ew.theory)
    services.attendance_record(session=ew.theory, rows={r.application_id: A.ABSENT for r in rows[:3]},
                               by=institution_clerk)
    theory = next(p for p in selectors.entry_progress(ew.plan) if p.session.pk == ew.theory.pk)
    assert "成绩未录入5人" in theory.problems()


def test_the_group_of_a_real_published_dispatch_scores_and_its_leader_compiles(settings, tmp_path,
                                                                               institution_clerk, chengdu_reviewer):
    settings.MEDIA_ROOT = tmp_path
    ew = entry_world_build(institution_clerk, chengdu_reviewer, solver=True)
    assert [a.leader for a in ew.group] == [True, False, False]
    sign_all(ew)
    scores = services.room_compile(session=ew.practical, room=ew.room, by=ew.leader)
    assert len(scores) == 12 and scores[0].score == Decimal(72)  # 70, 72, 74


# --- the transition tables ------------------------------------------------------------------------

def test_a_signed_sheet_cannot_be_signed_again(ew):
    sheet = ScoreSheet.objects.select_related("session__plan").get(pk=sign_all(ew)[0].pk)

    with pytest.raises(TransitionRefused) as refusal:
        services.score_sheet_transition(sheet=sheet, to=ScoreSheet.Status.SIGNED, by=ew.leader)

    assert "评分表当前状态为“已签名”，不能变为“已签名”" in refusal.value.messages[0]
    assert AuditEvent.objects.filter(action="scoring.sheet_sign", object_id=str(sheet.pk)).count() == 1


def test_a_verified_score_cannot_be_verified_again(ew, compiled, institution_clerk):
    score = compiled[0]
    services.score_check(subject_score=score, entered=score.score, by=institution_clerk)
    score.refresh_from_db()
    assert score.status == SubjectScore.Status.VERIFIED

    with pytest.raises(TransitionRefused) as refusal:
        services.subject_score_transition(subject_score=score, to=SubjectScore.Status.VERIFIED, by=institution_clerk)

    assert "科目成绩当前状态为“已复核”，不能变为“已复核”" in refusal.value.messages[0]
