"""The API for institutions' own systems: an application from draft to paid, refusals with the rule
id, bulk import (upload, report, confirm), and outsiders refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaowu.core.models import AuditEvent
from kaowu.registration.imports.tests.factories import good_row, xlsx
from kaowu.registration.models import Application
from kaowu.registration.tests.factories import bearer

pytestmark = pytest.mark.django_db
ZHANG = {"name": "张三", "id_number": "11010519491231002X", "education": "bachelor", "address": "成都市锦江区",
         "phone": "13800138000"}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def post(client, url: str, data: dict, user):
    return client.post(url, data, content_type="application/json", **bearer(user))


def test_api_takes_an_application_from_draft_to_paid(client, institution_clerk, chengdu_reviewer, infant_care_item):
    created = post(client, "/api/v1/applications", {"plan_item_id": infant_care_item.pk, "candidate": ZHANG},
                   institution_clerk)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    application_id = created.json()["id"]
    again = post(client, "/api/v1/applications", {"plan_item_id": infant_care_item.pk, "candidate": ZHANG},
                 institution_clerk)
    assert again.status_code == 422 and "已报名此项目" in again.json()["detail"]
    base = f"/api/v1/applications/{application_id}"
    assert post(client, f"{base}/submit", {"commitment_accepted": True}, institution_clerk).status_code == 200
    refused = post(client, f"{base}/institution-review", {"decision": "approve"}, institution_clerk)
    assert refused.status_code == 422 and "R-FJ-4" in refused.json()["detail"]
    approved = post(client, f"{base}/institution-review", {"decision": "approve", "originals_seen": True},
                    institution_clerk)
    assert approved.json()["status"] == "institution_approved"
    # Only the reviewing center decides the 复核.
    assert post(client, f"{base}/center-review", {"decision": "approve"}, institution_clerk).status_code == 403
    assert post(client, f"{base}/center-review", {"decision": "approve"}, chengdu_reviewer).json()["status"] == \
        "center_approved"
    paid = post(client, f"{base}/payment", {"method": "transfer", "receipt_number": "R-001"}, institution_clerk)
    assert paid.status_code == 200 and paid.json()["receipt_number"] == "R-001"
    assert Application.objects.get(pk=application_id).status == Application.Status.PAID
    assert AuditEvent.objects.filter(action="application.paid", actor=institution_clerk).exists()


def test_api_reports_bad_candidate_data_by_field(client, institution_clerk, infant_care_item):
    bad = post(client, "/api/v1/applications",
               {"plan_item_id": infant_care_item.pk, "candidate": {**ZHANG, "id_number": "110105194912310021"}},
               institution_clerk)
    assert bad.status_code == 422 and "id_number" in bad.json()["detail"] and "校验位" in bad.json()["detail"]
    assert not Application.objects.exists()


@pytest.mark.parametrize("outsider", ["other_institution_clerk", "mianyang_reviewer", "candidate"])
def test_api_writes_are_refused_to_outsiders(request, client, institution_clerk, infant_care_item, outsider):
    created = post(client, "/api/v1/applications", {"plan_item_id": infant_care_item.pk, "candidate": ZHANG},
                   institution_clerk).json()
    user = request.getfixturevalue(outsider)
    assert post(client, "/api/v1/applications", {"plan_item_id": infant_care_item.pk,
                                                 "candidate": {**ZHANG, "id_number": "110105199003071239"}},
                user).status_code == 404
    for action, body in (("institution-review", {"decision": "return", "reason": "x"}),
                         ("center-review", {"decision": "reject", "reason": "x"}),
                         ("withdraw", {"reason": "x"})):
        assert post(client, f"/api/v1/applications/{created['id']}/{action}", body, user).status_code == 404
    assert Application.objects.get(pk=created["id"]).status == Application.Status.DRAFT


def test_api_import_upload_report_confirm_and_again_nothing_new(client, institution_clerk, other_institution_clerk,
                                                                infant_care_item):
    plan = infant_care_item.plan
    rows = [good_row(i) for i in range(1, 7)]
    rows[2][2] = rows[2][2][:17] + ("0" if rows[2][2][17] != "0" else "1")  # a wrong check digit in row 4

    def upload(content: bytes, name: str = "名单.xlsx"):
        return client.post("/api/v1/imports", {"plan_id": plan.pk, "file": SimpleUploadedFile(name, content)},
                           **bearer(institution_clerk))

    started = upload(xlsx(rows))
    assert started.status_code == 201 and started.json()["rows"] == 6
    token = started.json()["token"]
    report = post(client, "/api/v1/imports/report", {"token": token}, institution_clerk).json()
    assert report["summary"]["faulty"] == 1
    assert [(e["row"], e["column"]) for e in report["summary"]["errors"]] == [(4, "证件号码")]
    refused = post(client, "/api/v1/imports/confirm", {"token": token}, institution_clerk)
    assert refused.status_code == 422 and not Application.objects.exists()
    # Another clerk cannot use this clerk's import.
    assert post(client, "/api/v1/imports/report", {"token": token}, other_institution_clerk).status_code == 422

    rows[2] = good_row(3)
    token = upload(xlsx(rows)).json()["token"]
    done = post(client, "/api/v1/imports/confirm", {"token": token}, institution_clerk).json()
    assert done["new"] == 6 and Application.objects.count() == 6
    token = upload(xlsx(rows)).json()["token"]
    again = post(client, "/api/v1/imports/confirm", {"token": token}, institution_clerk).json()
    assert (again["new"], again["existing"]) == (0, 6) and Application.objects.count() == 6

    not_excel = upload(b"%PDF-1.4 not a workbook", "名单.pdf")
    assert not_excel.status_code == 422 and "不是Excel" in not_excel.json()["detail"]
    other = client.post("/api/v1/imports", {"plan_id": plan.pk, "file": SimpleUploadedFile("a.xlsx", xlsx(rows))},
                        **bearer(other_institution_clerk))
    assert other.status_code == 404, "another institution cannot even see the plan"
