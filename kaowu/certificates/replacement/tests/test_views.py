"""补办 pages (R-FJ-15): the holder applies, the center looks at the files and approves; others cannot apply."""


import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaowu.certificates.models import Certificate, ReplacementRequest
from kaowu.certificates.tests.support import photo_jpeg
from kaowu.core.models import AuditEvent
from kaowu.scoring.tests.factories import candidate_login

pytestmark = pytest.mark.django_db


def test_the_holder_applies_for_a_replacement_and_the_center_approves_it(client, login, issued, chengdu_reviewer):
    original = issued[0]
    holder = candidate_login(original.result.application)
    login(holder)
    page = client.get(reverse("replacement_apply", args=[original.pk])).content.decode()
    assert "10" in page and "15 个工作日" in page
    response = client.post(reverse("replacement_apply", args=[original.pk]), {
        "reason": "lost", "note": "搬家遗失",
        "id_document": SimpleUploadedFile("id.jpg", photo_jpeg(), content_type="image/jpeg"),
        "photo": SimpleUploadedFile("photo.jpg", photo_jpeg(), content_type="image/jpeg")}, follow=True)
    assert "补办申请已提交" in response.content.decode()
    replacement = ReplacementRequest.objects.get()
    login(chengdu_reviewer)
    assert client.get(reverse("replacement_file", args=[replacement.pk, "photo"])).status_code == 200
    assert AuditEvent.objects.filter(action="certificates.replacement_file").exists()
    response = client.post(reverse("replacement_decide", args=[replacement.pk]), {"decision": "approve"}, follow=True)
    new = Certificate.objects.get(replaces=original)
    assert new.number in response.content.decode()
    original.refresh_from_db()
    assert original.status == "replaced"


def test_another_candidate_cannot_apply_for_someone_elses_certificate(client, login, issued, candidate):
    login(candidate)
    assert client.get(reverse("replacement_apply", args=[issued[0].pk])).status_code == 404
