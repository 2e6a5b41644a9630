"""The application list: partial ID number and phone search (scoped), numbered pages, the shared export
(filters respected, scoped, audited) and a large export as a background job."""

from io import BytesIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from kaowu.core.models import AuditEvent, JobProgress
from kaowu.registration import services
from kaowu.registration.models import Application, Candidate

pytestmark = pytest.mark.django_db


def submitted(clerk, item, id_number="11010519491231002X", name="张三", phone="13800138000"):
    candidate = services.candidate_create(by=clerk, name=name, education="bachelor", id_number=id_number,
                                          address="成都", phone=phone)
    application = services.application_create(candidate=candidate, item=item, by=clerk)
    return services.application_submit(application=application, by=clerk, commitment_accepted=True,
                                       today=timezone.localdate())


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(BytesIO(data)).active.iter_rows(values_only=True))


@pytest.mark.parametrize("typed", ["31002X", "31002x", "19491231", "1380", "8000"])
def test_a_part_of_the_id_number_or_the_phone_finds_the_candidate(login, institution_clerk, infant_care_item,
                                                                 typed):
    submitted(institution_clerk, infant_care_item)
    submitted(institution_clerk, infant_care_item, id_number="110105199003071239", name="李四", phone="13911112222")
    page = login(institution_clerk).get("/registration/applications/", {"q": typed}).content.decode()
    assert "张三" in page and "李四" not in page


def test_partial_search_does_not_find_another_institutions_candidate(login, institution_clerk,
                                                                     other_institution_clerk, infant_care_item):
    submitted(institution_clerk, infant_care_item)
    page = login(other_institution_clerk).get("/registration/applications/", {"q": "31002X"}).content.decode()
    assert "张三" not in page and "没有符合条件的报名" in page


def many_applications(item, count: int) -> None:
    now = timezone.now()
    for n in range(count):
        candidate = Candidate.objects.create(name=f"考生{n:03d}", gender="男", birth_date="1990-01-01",
                                             education="senior", id_type="passport", id_number=f"E{n:08d}",
                                             address="成都", phone="13800000000")
        Application.objects.create(candidate=candidate, plan=item.plan, item=item, status="submitted",
                                   submitted_at=now - timezone.timedelta(minutes=n))


def test_the_pager_shows_numbered_pages_and_page_n_shows_its_rows(login, institution_clerk, infant_care_item):
    many_applications(infant_care_item, 50 * 7 + 3)  # 8 pages, newest first
    client = login(institution_clerk)
    first = client.get("/registration/applications/").content.decode()
    assert 'aria-label="首页"' not in first and "page=8" in first and "末页" in first and "page=2" in first
    fifth = client.get("/registration/applications/", {"page": 5}).content.decode()
    assert "考生200" in fifth and "考生249" in fifth and "考生199" not in fifth and "考生250" not in fifth
    assert 'aria-current="page"><span class="page-link">5<' in fifth
    assert "page=1" in fifth and "page=8" in fifth and "page=4" in fifth and "page=6" in fifth


def test_the_pager_keeps_the_filters(login, institution_clerk, infant_care_item):
    many_applications(infant_care_item, 120)
    page = login(institution_clerk).get("/registration/applications/", {"status": "submitted"}).content.decode()
    assert "status=submitted&amp;page=2" in page


def test_the_export_holds_the_rows_the_filtered_page_shows_and_is_audited(login, institution_clerk,
                                                                         infant_care_item):
    submitted(institution_clerk, infant_care_item)
    submitted(institution_clerk, infant_care_item, id_number="110105199003071239", name="李四", phone="13911112222")
    client = login(institution_clerk)
    page = client.get("/registration/applications/", {"q": "1239"}).content.decode()
    assert "导出Excel" in page and "/registration/applications/export/?q=1239" in page
    rows = sheet_rows(client.get("/registration/applications/export/", {"q": "1239"}))
    assert rows[0][:4] == ("序号", "姓名", "证件类型", "证件号码")
    assert [row[1] for row in rows[1:]] == ["李四"]
    event = AuditEvent.objects.get(action="registration.export", actor=institution_clerk)
    assert event.after["rows"] == 1 and event.after["filters"] == {"q": "1239"} and event.after["personal"]


@pytest.mark.django_db(transaction=True)  # the worker's connection handling needs real commits
def test_a_large_export_becomes_a_background_job_with_a_download(login, institution_clerk, other_institution_clerk,
                                                                 infant_care_item, settings):
    settings.KAOWU_EXPORT_BACKGROUND_ROWS = 5
    many_applications(infant_care_item, 8)
    client = login(institution_clerk)
    asked = client.get("/registration/applications/export/", {"status": "submitted"})
    assert asked["Content-Type"].startswith("text/html") and "共 <strong>8</strong> 行" in asked.content.decode()
    assert not AuditEvent.objects.filter(action="registration.export").exists()  # nothing left the system yet
    started = client.post("/registration/applications/export/", {"status": "submitted"})
    job = JobProgress.objects.get(owner=institution_clerk)
    assert started.status_code == 302 and started["Location"] == f"/exports/{job.task_id}/"
    assert "排队中" in client.get(started["Location"]).content.decode()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    done = client.get(f"/exports/{job.task_id}/progress/").content.decode()
    assert "下载 Excel（8 行）" in done
    rows = sheet_rows(client.get(f"/exports/{job.task_id}/file/"))
    assert len(rows) == 9 and rows[1][1] == "考生000"
    assert AuditEvent.objects.get(action="registration.export").after["job"] == job.task_id
    other = login(other_institution_clerk)
    assert other.get(f"/exports/{job.task_id}/").status_code == 404
    assert other.get(f"/exports/{job.task_id}/file/").status_code == 404
