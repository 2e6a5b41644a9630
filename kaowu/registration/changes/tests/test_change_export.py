"""The change request list's Excel export: pending requests by default as the page shows them, another status
when asked, only those of the user's applications; audited as personal data."""

from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kaowu.core.models import AuditEvent
from kaowu.registration import services
from kaowu.registration.models import CandidateChangeRequest

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_change_request_export_follows_the_page(login, institution_clerk, other_institution_clerk,
                                                    infant_care_item):
    candidate = services.candidate_create(by=institution_clerk, name="张三", education="bachelor",
                                          id_number="11010519491231002X", address="成都", phone="13800138000")
    application = services.application_create(candidate=candidate, item=infant_care_item, by=institution_clerk)
    services.application_submit(application=application, by=institution_clerk, commitment_accepted=True,
                                today=timezone.localdate())
    CandidateChangeRequest.objects.create(application=application, candidate=candidate, reason="换号",
                                          changes={"phone": {"old": "13800138000", "new": "13711112222"}},
                                          requested_by=institution_clerk)
    client = login(institution_clerk)
    assert "导出Excel" in client.get("/registration/changes/").content.decode()
    rows = rows_of(client.get("/registration/changes/export/"))
    assert [row[1] for row in rows[1:]] == ["张三"] and "13711112222" in rows[1][5]
    assert rows_of(client.get("/registration/changes/export/", {"status": "approved"}))[1:] == []
    event = AuditEvent.objects.filter(action="list.export", after__list="change_requests").order_by("pk").first()
    assert event.after["personal"] is True and event.after["filters"] == {"status": "pending"}
    assert rows_of(login(other_institution_clerk).get("/registration/changes/export/"))[1:] == []
