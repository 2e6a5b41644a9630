"""The 考场编排 pages: counts and buttons for the institution, read-only for its center, nothing for outsiders;
runs, the confirmation a full re-arrangement needs, publishing, the shortage report, the seat list and its
export, and the background run of a large plan."""

from io import BytesIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kaowu.arrangement import services
from kaowu.arrangement.models import AdmissionTicket, ArrangementRun, SeatAssignment
from kaowu.arrangement.tests.factories import exam_build
from kaowu.core.models import AuditEvent, JobProgress
from kaowu.registration.models import Application

pytestmark = pytest.mark.django_db
FULL, INCREMENTAL = ArrangementRun.Mode.FULL, ArrangementRun.Mode.INCREMENTAL


@pytest.fixture
def exam(institution_clerk):
    return exam_build(institution_clerk)


def page_urls(plan, session=None):
    base = f"/arrangement/plans/{plan.pk}/"
    return {"overview": base, "seats": base + "seats/", "export": base + "seats/export/",
            "job": base + "jobs/not-a-task/"}


def test_the_clerk_sees_counts_and_the_three_buttons(login, exam, institution_clerk):
    html = login(institution_clerk).get(f"/arrangement/plans/{exam.plan.pk}/").content.decode()
    assert 'id="count-fee-paid">20<' in html and 'id="count-placed">0<' in html and 'id="count-ticketed">0<' in html
    assert "增量编排" in html and "全部重排" in html and "发布准考证" in html
    assert 'id="button-publish" disabled' in html  # nothing arranged yet


def test_the_plan_page_links_to_the_arrangement(login, exam, institution_clerk):
    html = login(institution_clerk).get(f"/plans/{exam.plan.pk}/").content.decode()
    assert f'href="/arrangement/plans/{exam.plan.pk}/"' in html


@pytest.mark.parametrize("outsider", ["other_institution_clerk", "mianyang_reviewer"])
def test_another_institution_or_city_gets_404_on_every_arrangement_page(request, login, exam, outsider):
    client = login(request.getfixturevalue(outsider))
    for url in page_urls(exam.plan).values():
        assert client.get(url).status_code == 404, url
    for url in (f"/arrangement/plans/{exam.plan.pk}/run/", f"/arrangement/plans/{exam.plan.pk}/publish/"):
        assert client.post(url, {"mode": FULL}).status_code == 404, url
    assert not ArrangementRun.objects.exists()


@pytest.mark.parametrize("outsider", ["candidate", "assessor"])
def test_candidates_and_assessors_are_refused(request, login, exam, outsider):
    client = login(request.getfixturevalue(outsider))
    for url in page_urls(exam.plan).values():
        assert client.get(url).status_code == 403, url
    assert client.post(f"/arrangement/plans/{exam.plan.pk}/run/", {"mode": FULL}).status_code == 403


@pytest.mark.parametrize("reviewer", ["chengdu_reviewer", "province_admin"])
def test_the_center_and_the_province_see_the_arrangement_but_cannot_run_or_publish(request, login, exam,
                                                                                  institution_clerk, reviewer):
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    client = login(request.getfixturevalue(reviewer))
    html = client.get(f"/arrangement/plans/{exam.plan.pk}/").content.decode()
    assert 'id="count-placed">20<' in html and "此处只能查看" in html and 'id="button-incremental"' not in html
    assert client.get(f"/arrangement/plans/{exam.plan.pk}/seats/").status_code == 200
    assert client.post(f"/arrangement/plans/{exam.plan.pk}/run/", {"mode": FULL}).status_code == 403
    assert client.post(f"/arrangement/plans/{exam.plan.pk}/publish/").status_code == 403
    assert ArrangementRun.objects.count() == 1 and not AdmissionTicket.objects.exists()


def test_the_clerk_arranges_and_publishes_through_the_page(login, exam, institution_clerk):
    client = login(institution_clerk)
    response = client.post(f"/arrangement/plans/{exam.plan.pk}/run/", {"mode": INCREMENTAL, "seed": "424242"},
                           follow=True)
    html = response.content.decode()
    assert "编排完成：新编排 32 人次" in html and 'id="last-seed">424242<' in html
    assert 'id="count-placed">20<' in html and SeatAssignment.objects.count() == 32

    html = client.post(f"/arrangement/plans/{exam.plan.pk}/publish/", follow=True).content.decode()
    assert "已发布准考证 20 张" in html and 'id="count-ticketed">20<' in html
    assert set(Application.objects.values_list("status", flat=True)) == {Application.Status.TICKETED}


def test_a_full_rearrangement_with_published_tickets_needs_the_confirmation(login, exam, institution_clerk):
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    services.tickets_publish(plan=exam.plan, by=institution_clerk)
    client = login(institution_clerk)
    page = client.get(f"/arrangement/plans/{exam.plan.pk}/").content.decode()
    assert "已发布的 20 张准考证将全部作废" in page

    html = client.post(f"/arrangement/plans/{exam.plan.pk}/run/", {"mode": FULL}, follow=True).content.decode()
    assert "请勾选确认" in html and AdmissionTicket.objects.filter(status="valid").count() == 20

    html = client.post(f"/arrangement/plans/{exam.plan.pk}/run/", {"mode": FULL, "confirm": "on"},
                       follow=True).content.decode()
    assert "已作废 20 张已发布的准考证（全部重排），须重新发布" in html
    assert not AdmissionTicket.objects.filter(status="valid").exists()


def test_the_shortage_report_names_session_room_kind_and_rule(login, institution_clerk):
    exam = exam_build(institution_clerk, infant=15, stations=12)
    client = login(institution_clerk)
    html = client.post(f"/arrangement/plans/{exam.plan.pk}/run/", {"mode": FULL}, follow=True).content.decode()
    assert "考场不足，未编排任何考生" in html
    report = html[html.index('id="shortages"'):]
    assert "育婴员 四级/中级工" in report and "实操考场" in report and ">3<" in report and "R-CQ-6" in report
    assert not SeatAssignment.objects.exists()


def test_the_seat_list_masks_id_numbers_and_its_queries_do_not_grow_with_the_room(login, exam, institution_clerk):
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    services.tickets_publish(plan=exam.plan, by=institution_clerk)
    client = login(institution_clerk)
    url = f"/arrangement/plans/{exam.plan.pk}/seats/"
    small = (exam.sessions["hr_theory"], SeatAssignment.objects.filter(session=exam.sessions["hr_theory"]).first())
    large = (exam.sessions["infant_practical"], SeatAssignment.objects.filter(
        session=exam.sessions["infant_practical"]).first())
    counts = []
    for session, seat in (small, large):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url, {"session": session.pk, "room": seat.room_id}).content.decode()
        counts.append(len(queries))
        rows = html.count("<tr>") - 1
        assert rows == SeatAssignment.objects.filter(session=session, room_id=seat.room_id).count()
    assert counts[0] == counts[1]
    candidate = Application.objects.select_related("candidate").filter(
        seats__session=exam.sessions["infant_practical"]).first().candidate
    assert candidate.id_number not in html and f"{candidate.id_number[:6]}********{candidate.id_number[-4:]}" in html
    assert "工位号" in html and AdmissionTicket.objects.get(application__candidate=candidate).number in html


def test_the_seat_export_is_excel_with_full_id_numbers_and_audited(login, exam, institution_clerk):
    services.arrangement_run(plan=exam.plan, by=institution_clerk, mode=FULL)
    response = login(institution_clerk).get(f"/arrangement/plans/{exam.plan.pk}/seats/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 32 and rows[0][8] == "证件号码" and len(rows[1][8]) == 18
    event = AuditEvent.objects.get(action="arrangement.seats_export")
    assert event.actor == institution_clerk and event.after["rows"] == 32
    assert login(institution_clerk).get(f"/arrangement/plans/{exam.plan.pk}/seats/export/",
                                        {"session": "999999"}).status_code == 404


def run_worker_once():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


@pytest.mark.django_db(transaction=True)
def test_a_large_plan_is_arranged_in_the_background_with_progress(login, institution_clerk, monkeypatch):
    exam = exam_build(institution_clerk)
    monkeypatch.setattr(services, "BACKGROUND_APPLICATIONS", 5)
    client = login(institution_clerk)
    started = client.post(f"/arrangement/plans/{exam.plan.pk}/run/", {"mode": FULL})
    assert started.status_code == 302 and "/jobs/" in started["Location"]
    waiting = client.get(started["Location"]).content.decode()
    assert "排队中" in waiting and 'hx-trigger="every 1s"' in waiting and not SeatAssignment.objects.exists()

    run_worker_once()
    done = client.get(started["Location"] + "progress/").content.decode()
    assert "已完成" in done and "编排完成：新编排 32 人次" in done and "查看编排结果" in done
    assert "hx-trigger" not in done
    job = JobProgress.objects.get(task_id=started["Location"].rstrip("/").split("/")[-1])
    assert (job.done, job.total) == (services.PROGRESS_STEPS, services.PROGRESS_STEPS)
    assert SeatAssignment.objects.count() == 32 and ArrangementRun.objects.get().status == "done"


def test_someone_elses_job_is_not_found(login, exam, institution_clerk, institution_admin):
    from kaowu.arrangement.tasks import arrangement_run_task
    from kaowu.core.jobs import job_start

    job = job_start(task=arrangement_run_task, title="考场编排", owner=institution_clerk, plan_id=exam.plan.pk,
                    user_id=institution_clerk.pk, mode=FULL)
    client = login(institution_admin)
    assert client.get(f"/arrangement/plans/{exam.plan.pk}/jobs/{job.task_id}/").status_code == 404
    assert login(institution_clerk).get(f"/arrangement/plans/{exam.plan.pk}/jobs/{job.task_id}/").status_code == 200
