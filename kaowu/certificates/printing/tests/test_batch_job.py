"""A large plan's certificates are printed by a background job: its page shows the progress, the PDF it makes
is the one the request made (same pages, same print record), and only the clerk who started it gets it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from kaowu.certificates.models import Certificate, PrinterCalibration
from kaowu.certificates.printing import views
from kaowu.certificates.tests.support import body, pdf_text
from kaowu.core.models import AuditEvent, JobProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(views, "BACKGROUND_CERTIFICATES", 0)  # three certificates count as a large batch


def start(client, final, **data):
    response = client.post(reverse("certificate_plan_print", args=[final.plan.pk]), {"layout": "full", **data})
    job = JobProgress.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("certificate_batch", args=[job.task_id])
    return job


@pytest.mark.django_db(transaction=True)
def test_the_clerk_prints_a_large_batch_in_the_background(client, login, issued, final, institution_clerk, large,
                                                          tmp_path):
    login(institution_clerk)
    client.post(reverse("calibration_list"), {"name": "办公室激光打印机", "offset_x_mm": "1.5", "offset_y_mm": "-2"})
    calibration = PrinterCalibration.objects.get()
    job = start(client, final, layout="preprinted", calibration=calibration.pk)
    page = client.get(reverse("certificate_batch", args=[job.task_id])).content.decode()
    assert "打印证书" in page and "排队中" in page and 'hx-trigger="every 1s"' in page
    assert not AuditEvent.objects.filter(action="certificates.print").exists()

    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload")
    fragment = client.get(reverse("certificate_batch_progress", args=[job.task_id])).content.decode()
    assert "已完成" in fragment and "下载证书 PDF（3 本）" in fragment and "hx-trigger" not in fragment
    response = client.get(reverse("certificate_batch_file", args=[job.task_id]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    text = pdf_text(body(response), tmp_path)
    assert all(c.number in text and c.holder_name in text for c in issued)
    assert "职业（工种）" not in text  # preprinted stock, as asked
    event = AuditEvent.objects.get(action="certificates.print")
    assert event.actor == institution_clerk
    assert event.after["count"] == 3 and event.after["printer"] == "办公室激光打印机"
    assert set(Certificate.objects.values_list("printed_count", flat=True)) == {1}


def test_a_small_batch_is_still_printed_in_the_request(client, login, issued, final, institution_clerk):
    login(institution_clerk)
    response = client.post(reverse("certificate_plan_print", args=[final.plan.pk]), {"layout": "full"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not JobProgress.objects.exists()


def test_a_bad_form_starts_no_job(client, login, issued, final, institution_clerk, large):
    login(institution_clerk)
    response = client.post(reverse("certificate_plan_print", args=[final.plan.pk]), {"layout": "sideways"},
                           follow=True)
    assert "选择一个有效的选项" in response.content.decode()
    assert not JobProgress.objects.exists()


def test_outsiders_cannot_see_or_download_the_batch(client, login, issued, final, institution_clerk, large,
                                                    other_institution_clerk, mianyang_reviewer, candidate):
    job = start(login(institution_clerk), final)
    urls = [reverse(name, args=[job.task_id])
            for name in ("certificate_batch", "certificate_batch_progress", "certificate_batch_file")]
    for outsider in (other_institution_clerk, mianyang_reviewer):
        for url in urls:
            assert login(outsider).get(url).status_code == 404, url
        assert login(outsider).post(reverse("certificate_plan_print", args=[final.plan.pk]),
                                    {"layout": "full"}).status_code == 404
    for url in urls:
        assert login(candidate).get(url).status_code == 403, url
    assert JobProgress.objects.count() == 1
