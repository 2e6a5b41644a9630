"""The 补办 list's Excel export: the user's scope only, audited as personal data; a candidate sees the list but
has no export."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kaowu.certificates.replacement import services as replacement
from kaowu.certificates.tests.support import photo_jpeg
from kaowu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_replacement_export_is_scoped_and_audited(login, issued, institution_clerk, mianyang_reviewer):
    certificate = issued[0]
    replacement.replacement_apply(
        certificate=certificate, reason="lost", by=institution_clerk,
        id_document=SimpleUploadedFile("id.pdf", b"%PDF-1.4 scan", content_type="application/pdf"),
        photo=SimpleUploadedFile("p.jpg", photo_jpeg(), content_type="image/jpeg"))
    client = login(institution_clerk)
    assert "导出Excel" in client.get("/certificates/replacements/").content.decode()
    rows = rows_of(client.get("/certificates/replacements/export/"))
    assert [row[1] for row in rows[1:]] == [certificate.number]
    assert rows[1][3] == certificate.candidate.id_number
    assert AuditEvent.objects.get(action="list.export", after__list="replacements").after["personal"] is True
    assert rows_of(login(mianyang_reviewer).get("/certificates/replacements/export/"))[1:] == []
