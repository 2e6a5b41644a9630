"""Arrangement runs and ticket publishing against the database: full and incremental runs, shortages, seeds,
tickets only for paid applications (R-CQ-4), the audit trail."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaowu.arrangement import services
from kaowu.arrangement.models import AdmissionTicket, ArrangementRun, SeatAssignment
from kaowu.arrangement.numbering import ticket_number_parse
from kaowu.arrangement.tests.factories import exam_build
from kaowu.core.errors import PermissionRefused
from kaowu.core.models import AuditEvent
from kaowu.plans.models import Plan, Session
from kaowu.registration.models import Application, Payment

pytestmark = pytest.mark.django_db
Status = Application.Status
FULL, INCREMENTAL = ArrangementRun.Mode.FULL, ArrangementRun.Mode.INCREMENTAL


def seats_of(plan) -> dict[tuple[int, int], tuple[int, int]]:
    return {(s.application_id, s.session_id): (s.room_id, s.seat_number)
            for s in SeatAssignment.objects.filter(session__plan=plan)}


@pytest.fixture
def exam(institution_clerk):
    return exam_build(institution_clerk)


def test_a_full_run_seats_every_paid_candidate_once_per_session_within_the_rooms(exam, institution_clerk):
    exam.add(exam.infant, 3, status=Status.CENTER_APPROVED)  # not paid: not arranged
    run = services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)

    assert run.status == ArrangementRun.Status.DONE
    seats = seats_of(exam.plan)
    paid_infant = Application.objects.filter(item=exam.infant, status=Status.PAID)
    expected = {(a.pk, exam.sessions[s].pk) for a in paid_infant for s in ("infant_theory", "infant_practical")}
    expected |= {(a.pk, exam.sessions["hr_theory"].pk) for a in Application.objects.filter(item=exam.hr)}
    assert set(seats) == expected and run.placed == len(expected) == 12 * 2 + 8
    theory_ids = {r.pk for r in exam.theory_rooms}
    for (_app, session_id), (room_id, seat) in seats.items():
        if session_id == exam.sessions["infant_practical"].pk:
            assert room_id == exam.practical_room.pk and 1 <= seat <= 12
        else:
            assert room_id in theory_ids and 1 <= seat <= 30
    # One candidate per desk (R-CQ-6): no two candidates share a seat in one session.
    places = [(session_id, room_id, seat) for (_a, session_id), (room_id, seat) in seats.items()]
    assert len(places) == len(set(places))


def test_a_run_records_its_seed_timings_and_one_audit_event(exam, institution_clerk):
    run = services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)

    assert 0 <= run.seed < services.SEED_LIMIT and run.finished_at is not None
    assert set(run.stats["timings"]) == {"load_s", "solve_s", "write_s", "total_s"}
    assert run.stats["candidates"] == 20 and run.stats["sessions"] == 3
    event = AuditEvent.objects.get(action="arrangement.run")
    assert event.object_id == str(run.pk) and event.actor == institution_clerk
    assert event.after["seed"] == run.seed and event.after["placed"] == 32 and event.after["mode"] == FULL


def test_the_same_seed_gives_the_same_seats_and_another_seed_another_order(exam, institution_clerk):
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL, seed=20261205)
    first = seats_of(exam.plan)
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL, seed=20261205)
    assert seats_of(exam.plan) == first
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL, seed=7)
    assert seats_of(exam.plan) != first


def test_incremental_keeps_published_tickets_in_place_and_seats_late_payers(institution_clerk):
    exam = exam_build(institution_clerk, stations=16)
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    services.tickets_publish(plan=exam.plan, by=institution_clerk)
    published = seats_of(exam.plan)
    numbers = set(AdmissionTicket.objects.values_list("number", flat=True))
    late = exam.add(exam.infant, 2) + exam.add(exam.hr, 1)

    run = services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=INCREMENTAL)

    assert run.status == ArrangementRun.Status.DONE and run.placed == 2 * 2 + 1
    assert run.stats["kept"] == len(published)
    now = seats_of(exam.plan)
    assert {key: now[key] for key in published} == published  # not one published place moved
    assert {app for app, _session in now} >= {a.pk for a in late}
    places = [(session_id, room_id, seat) for (_a, session_id), (room_id, seat) in now.items()]
    assert len(places) == len(set(places))  # the late payers took free places only
    assert set(AdmissionTicket.objects.filter(status="valid").values_list("number", flat=True)) == numbers
    assert "保留已发布准考证的 32 人次" in services.arrangement_run_summary(run)


def test_a_full_rearrangement_withdraws_the_published_tickets_and_says_so(exam, institution_clerk):
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    services.tickets_publish(plan=exam.plan, by=institution_clerk)

    run = services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)

    assert run.stats["withdrawn_tickets"] == 20
    assert "已作废 20 张已发布的准考证（全部重排）" in services.arrangement_run_summary(run)
    assert not AdmissionTicket.objects.filter(status="valid").exists()
    assert set(AdmissionTicket.objects.values_list("withdrawn_reason", flat=True)) == {"全部重排"}
    assert set(Application.objects.filter(plan=exam.plan).values_list("status", flat=True)) == {Status.PAID}
    back = AuditEvent.objects.filter(action="application.paid", before={"status": "ticketed"})
    assert back.count() == 20
    event = back.first()
    assert event.after["reason"] == "全部重排" and ticket_number_parse(event.after["ticket_withdrawn"])
    assert event.object_type == "registration.Application"
    assert event.object_repr == str(Application.objects.get(pk=event.object_id))
    # Publishing again gives new numbers, continuing the plan's sequence.
    published = services.tickets_publish(plan=exam.plan, by=institution_clerk)
    assert ticket_number_parse(published.first).sequence == 21 and ticket_number_parse(published.last).sequence == 40


def test_too_few_stations_place_nobody_and_the_run_says_how_many_are_missing(institution_clerk):
    exam = exam_build(institution_clerk, infant=14, stations=12)

    run = services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)

    assert run.status == ArrangementRun.Status.SHORT and run.placed == 0
    assert not SeatAssignment.objects.exists()
    [shortage] = run.shortages
    assert shortage["session"] == exam.sessions["infant_practical"].pk
    assert (shortage["room_kind"], shortage["missing"], shortage["rule_id"]) == ("practical", 2, "R-CQ-6")
    assert shortage["room_kind_label"] == "实操考场" and "缺少 2 个工位" in shortage["message"]
    assert "考场不足，未编排任何考生" in services.arrangement_run_summary(run)
    assert AuditEvent.objects.get(action="arrangement.run").after["status"] == "short"


def test_a_shortage_in_an_incremental_run_leaves_published_tickets_and_seats_alone(exam, institution_clerk):
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    services.tickets_publish(plan=exam.plan, by=institution_clerk)
    before = seats_of(exam.plan)
    exam.add(exam.infant, 1)  # the 13th practical candidate for 12 stations

    run = services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=INCREMENTAL)

    assert run.status == ArrangementRun.Status.SHORT and run.shortages[0]["missing"] == 1
    assert seats_of(exam.plan) == before
    assert AdmissionTicket.objects.filter(status="valid").count() == 20


def test_the_site_cap_per_time_slot_is_named_when_it_stops_the_run(institution_clerk):
    # 41 theory candidates at 09:00 in 60 desks: the rooms suffice, the 40-per-site cap (R-SC21-2) does not.
    exam = exam_build(institution_clerk, infant=0, hr=41)

    run = services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)

    assert run.status == ArrangementRun.Status.SHORT
    assert [(s["missing"], s["rule_id"]) for s in run.shortages] == [(1, "R-SC21-2")]
    assert "同一考点同一时段人数上限" in run.shortages[0]["message"]


def test_tickets_go_only_to_paid_applications_with_every_seat(exam, institution_clerk):
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    run = ArrangementRun.objects.get()
    [unpaid] = exam.add(exam.hr, 1, status=Status.CENTER_APPROVED)
    free_seat = 30
    # Even with a seat written for it, an unpaid application gets no ticket (R-CQ-4).
    SeatAssignment.objects.create(run=run, application=unpaid, session=exam.sessions["hr_theory"],
                                  room=exam.theory_rooms[1], seat_number=free_seat)
    [half] = exam.add(exam.infant, 1)  # paid, seated in the theory session only
    SeatAssignment.objects.create(run=run, application=half, session=exam.sessions["infant_theory"],
                                  room=exam.theory_rooms[1], seat_number=free_seat - 1)

    published = services.tickets_publish(plan=exam.plan, by=institution_clerk)

    assert published.issued == 20 and published.unplaced == 1
    assert not AdmissionTicket.objects.filter(application__in=[unpaid, half]).exists()
    unpaid.refresh_from_db()
    assert unpaid.status == Status.CENTER_APPROVED
    tickets = AdmissionTicket.objects.select_related("application")
    assert {t.application.status for t in tickets} == {Status.TICKETED}
    parts = sorted(ticket_number_parse(t.number) for t in tickets)
    assert [p.sequence for p in parts] == list(range(1, 21))
    assert {(p.year, p.city_code, p.plan_id) for p in parts} == {(26, "5101", exam.plan.pk)}


def test_publishing_writes_one_audit_row_per_application_like_a_transition(exam, institution_clerk):
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    services.tickets_publish(plan=exam.plan, by=institution_clerk)

    events = AuditEvent.objects.filter(action="application.ticketed")
    assert events.count() == 20
    ticket = AdmissionTicket.objects.select_related("application__candidate", "application__item__occupation").first()
    event = events.get(object_id=str(ticket.application_id))
    assert event.before == {"status": "paid"} and event.after == {"status": "ticketed", "ticket": ticket.number}
    assert event.object_repr == str(ticket.application) and event.organisation_id == exam.plan.institution_id
    assert event.actor_username == institution_clerk.username
    summary = AuditEvent.objects.get(action="arrangement.tickets_publish")
    assert summary.after["issued"] == 20


def test_publishing_twice_issues_nothing_new(exam, institution_clerk):
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    services.tickets_publish(plan=exam.plan, by=institution_clerk)
    with pytest.raises(ValidationError, match="均已发布准考证"):
        services.tickets_publish(plan=exam.plan, by=institution_clerk)
    assert AdmissionTicket.objects.count() == 20


def test_publishing_before_arranging_is_refused(exam, institution_clerk):
    with pytest.raises(ValidationError, match="20 名已缴费考生尚未编排考场"):
        services.tickets_publish(plan=exam.plan, by=institution_clerk)


def test_only_the_plans_own_staff_may_arrange_and_publish(exam, other_institution_clerk, chengdu_reviewer,
                                                          province_admin):
    for user in (other_institution_clerk, chengdu_reviewer, province_admin):
        with pytest.raises(PermissionRefused):
            services.arrangement_run(plan=exam.plan, by=user, mode=FULL)
        with pytest.raises(PermissionRefused):
            services.tickets_publish(plan=exam.plan, by=user)
    assert not ArrangementRun.objects.exists()


def test_a_plan_before_registration_cannot_be_arranged(exam, institution_clerk):
    Plan.objects.filter(pk=exam.plan.pk).update(status=Plan.Status.APPROVED)
    exam.plan.refresh_from_db()
    with pytest.raises(ValidationError, match="开放报名后才能编排考场"):
        services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)


def test_a_plan_without_paid_applications_needs_no_arrangement(institution_clerk):
    exam = exam_build(institution_clerk, infant=0, hr=0)
    with pytest.raises(ValidationError, match="没有已缴费的报名"):
        services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)


def test_candidates_of_an_item_without_sessions_are_reported_not_placed(exam, institution_clerk):
    Session.objects.filter(item=exam.hr).delete()
    run = services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    assert run.status == ArrangementRun.Status.DONE and run.stats["unscheduled"] == 8
    assert "8 人所报项目尚未安排场次" in services.arrangement_run_summary(run)


def test_another_plan_in_the_same_rooms_at_the_same_time_keeps_its_places(exam, institution_clerk):
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    second = exam_build(institution_clerk, infant=0, hr=15, plan_name="一站第02批次", site=exam.site)

    run = services.arrangement_run(plan=second.plan, by=institution_clerk, mode=FULL)

    # 20 of the first plan and 15 of the second in the 09:00 slot: 35 under the 40 cap, no seat shared.
    assert run.status == ArrangementRun.Status.DONE and run.stats["held_by_other_plans"] == 32
    theory = SeatAssignment.objects.filter(session__start=time(9)).values_list("room_id", "seat_number")
    assert len(theory) == 35 and len(set(theory)) == 35
    third = exam_build(institution_clerk, infant=0, hr=6, plan_name="一站第03批次", site=exam.site)
    short = services.arrangement_run(plan=third.plan, by=institution_clerk, mode=FULL)
    assert short.status == ArrangementRun.Status.SHORT and short.shortages[0]["rule_id"] == "R-SC21-2"


def test_a_payment_made_while_the_run_solves_is_not_missed(exam, institution_clerk):
    """The input is read and solved outside the transaction; if it changed meanwhile the run reads it again."""
    late = []

    def progress(done, total, message):
        if done == 2 and not late:
            late.extend(exam.add(exam.hr, 1))

    run = services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL, progress=progress)

    assert run.stats["retried"] is True and run.placed == 33
    assert SeatAssignment.objects.filter(application=late[0]).count() == 1


def test_progress_is_reported_in_steps_up_to_done(exam, institution_clerk):
    seen = []
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL,
                             progress=lambda done, total, message: seen.append((done, total, message)))
    assert [s[0] for s in seen] == [0, 1, 2, 4] and seen[-1][1] == services.PROGRESS_STEPS
    assert seen[-1][2].startswith("编排完成")


def test_the_seat_export_has_full_id_numbers_and_is_audited(exam, institution_clerk):
    from io import BytesIO

    from openpyxl import load_workbook

    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    content = services.seats_export(plan=exam.plan, by=institution_clerk, session=exam.sessions["hr_theory"])

    rows = list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0] == tuple(services.SEAT_EXPORT_COLUMNS) and len(rows) == 1 + 8
    numbers = {a.candidate.id_number for a in Application.objects.filter(item=exam.hr).select_related("candidate")}
    assert {row[8] for row in rows[1:]} == numbers
    assert AuditEvent.objects.get(action="arrangement.seats_export").after == {
        "rows": 8, "session": exam.sessions["hr_theory"].pk}


def test_a_withdrawn_candidates_ticket_is_withdrawn_and_the_seat_released_by_the_next_run(exam, institution_clerk):
    from kaowu.registration.services import application_withdraw

    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    services.tickets_publish(plan=exam.plan, by=institution_clerk)
    leaving = Application.objects.filter(item=exam.hr).first()
    Payment.objects.create(application=leaving, method=Payment.Method.CASH, amount=100, receipt_number="SC1",
                           paid_at=timezone.now(), recorded_by=institution_clerk)
    application_withdraw(application=leaving, by=institution_clerk, reason="考生放弃")
    kept = {key: value for key, value in seats_of(exam.plan).items() if key[0] != leaving.pk}

    run = services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=INCREMENTAL)

    assert not SeatAssignment.objects.filter(application=leaving).exists()
    ticket = AdmissionTicket.objects.get(application=leaving)
    assert ticket.status == "withdrawn" and ticket.withdrawn_reason == services.RELEASED_REASON
    assert seats_of(exam.plan) == kept and run.placed == 0
    assert "已作废 1 张已撤回报名的准考证" in services.arrangement_run_summary(run)


# --- transitions -------------------------------------------------------------------------------------

def test_a_withdrawn_ticket_cannot_become_valid_again(exam, institution_clerk):
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    services.tickets_publish(plan=exam.plan, by=institution_clerk)
    ticket = AdmissionTicket.objects.filter(application__plan=exam.plan).first()
    services.ticket_transition(ticket=ticket, to=AdmissionTicket.Status.WITHDRAWN, by=institution_clerk,
                               reason="考生证件有误")
    ticket.refresh_from_db()
    assert ticket.status == AdmissionTicket.Status.WITHDRAWN and ticket.withdrawn_reason == "考生证件有误"
    assert ticket.withdrawn_at is not None
    event = AuditEvent.objects.get(action="arrangement.ticket_withdrawn", object_id=str(ticket.pk))
    assert event.before == {"status": "valid"} and event.after == {"status": "withdrawn", "reason": "考生证件有误"}
    with pytest.raises(ValidationError) as refused:
        services.ticket_transition(ticket=ticket, to=AdmissionTicket.Status.VALID, by=institution_clerk)
    assert "准考证当前状态为“已作废”，不能变为“有效”" in str(refused.value)
    with pytest.raises(ValidationError, match="不能变为"):
        services.tickets_transition_bulk(tickets=AdmissionTicket.objects.all(), frm=AdmissionTicket.Status.WITHDRAWN,
                                         to=AdmissionTicket.Status.VALID)


def test_a_bulk_move_of_paid_applications_back_to_approval_is_refused_and_changes_nothing(exam, institution_clerk):
    from kaowu.registration.services import applications_transition_bulk

    paid = Application.objects.filter(plan=exam.plan, status=Status.PAID)
    count = paid.count()
    with pytest.raises(ValidationError) as refused:
        applications_transition_bulk(applications=paid, frm=Status.PAID, to=Status.CENTER_APPROVED,
                                     by=institution_clerk, organisation_id=exam.plan.institution_id, audited=[])
    assert "报名当前状态为“已缴费”，不能变为" in str(refused.value)
    assert Application.objects.filter(plan=exam.plan, status=Status.PAID).count() == count
    assert not AuditEvent.objects.filter(action__startswith="application.").exists()
