"""Printing pages: the clerk prints a batch with a calibrated printer, the calibration test page, and
the holder's electronic certificate."""


import pytest
from django.urls import reverse

from kaowu.certificates.models import Certificate, PrinterCalibration
from kaowu.certificates.tests.support import body, pdf_text
from kaowu.core.models import AuditEvent
from kaowu.scoring.tests.factories import candidate_login

pytestmark = pytest.mark.django_db


def test_the_clerk_prints_the_batch_with_a_calibrated_printer_and_it_is_recorded(client, login, issued, final,
                                                                                 institution_clerk, tmp_path):
    login(institution_clerk)
    client.post(reverse("calibration_list"), {"name": "办公室激光打印机", "offset_x_mm": "1.5", "offset_y_mm": "-2"})
    calibration = PrinterCalibration.objects.get()
    assert calibration.organisation_id == institution_clerk.organisation_id
    response = client.post(reverse("certificate_plan_print", args=[final.plan.pk]),
                           {"layout": "preprinted", "calibration": calibration.pk})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    text = pdf_text(body(response), tmp_path)
    assert all(c.number in text and c.holder_name in text for c in issued)
    assert "职业（工种）" not in text  # preprinted stock: the labels are on the paper already
    event = AuditEvent.objects.get(action="certificates.print")
    assert event.after["count"] == 3 and event.after["printer"] == "办公室激光打印机"
    assert set(Certificate.objects.values_list("printed_count", flat=True)) == {1}


def test_another_institutions_calibration_is_not_usable(client, login, issued, final, institution_clerk,
                                                        other_institution_clerk):
    login(other_institution_clerk)
    client.post(reverse("calibration_list"), {"name": "别家打印机", "offset_x_mm": "0", "offset_y_mm": "0"})
    foreign = PrinterCalibration.objects.get()
    login(institution_clerk)
    assert client.get(reverse("calibration_test_page", args=[foreign.pk])).status_code == 404
    response = client.post(reverse("certificate_plan_print", args=[final.plan.pk]),
                           {"layout": "full", "calibration": foreign.pk}, follow=True)
    assert "选择一个有效的选项" in response.content.decode() or "有效" in response.content.decode()
    assert not AuditEvent.objects.filter(action="certificates.print").exists()


def test_the_calibration_test_page_is_a_pdf_with_the_offset(client, login, institution_clerk, tmp_path):
    login(institution_clerk)
    client.post(reverse("calibration_list"), {"name": "A4打印机", "offset_x_mm": "2.5", "offset_y_mm": "-1"})
    calibration = PrinterCalibration.objects.get()
    response = client.get(reverse("calibration_test_page", args=[calibration.pk]))
    assert "2.5" in pdf_text(body(response), tmp_path)


def test_the_holder_downloads_the_electronic_certificate_and_only_their_own(client, login, issued, tmp_path):
    holder = candidate_login(issued[0].result.application)
    other = issued[1]
    login(holder)
    page = client.get(reverse("my_certificates")).content.decode()
    assert issued[0].number in page and other.number not in page
    response = client.get(reverse("my_certificate_pdf", args=[issued[0].pk]))
    text = pdf_text(body(response), tmp_path)
    assert issued[0].number in text and issued[0].holder_name in text
    assert AuditEvent.objects.filter(action="certificates.download", actor=holder).exists()
    assert client.get(reverse("my_certificate_pdf", args=[other.pk])).status_code == 404
