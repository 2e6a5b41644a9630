"""Facility filing pages: the flow through the pages, scope (404 outside it), scoped attachment downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaowu.sites.models import FacilityFiling, ReviewStatus
from kaowu.sites.tests.factories import PNG

pytestmark = pytest.mark.django_db


def test_the_filing_flow_through_the_pages(login, institution_clerk, chengdu_reviewer, equipped_site, special_item):
    client = login(institution_clerk)
    assert client.get(reverse("filing_create") + f"?site={equipped_site.pk}").status_code == 200
    response = client.post(reverse("filing_create"), {"site": equipped_site.pk, "special_item": special_item.pk,
                                                      "assessor_opinion": "符合", "station_opinion": "同意"})
    filing = FacilityFiling.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("filing_detail", args=[filing.pk])

    # Submitting without a photo: the rule's message comes back on the filing page.
    response = client.post(reverse("filing_submit", args=[filing.pk]), follow=True)
    assert "R-FJ-2" in response.content.decode()
    filing.refresh_from_db()
    assert filing.status == ReviewStatus.DRAFT

    upload = SimpleUploadedFile("全景.png", PNG, content_type="image/png")
    response = client.post(reverse("filing_attach", args=[filing.pk]),
                           {"kind": "photo", "file": upload, "caption": "考场全景"})
    assert response.status_code == 302
    response = client.post(reverse("filing_submit", args=[filing.pk]), follow=True)
    filing.refresh_from_db()
    assert filing.status == ReviewStatus.SUBMITTED

    # The institution itself has no review form and may not post one.
    assert client.post(reverse("filing_review", args=[filing.pk]), {"decision": "approve"}).status_code == 403

    reviewer = login(chengdu_reviewer)
    assert "待审核" in reviewer.get(reverse("filing_list")).content.decode()
    page = reviewer.get(reverse("filing_review", args=[filing.pk]))
    assert page.status_code == 200 and "提交审核结果" in page.content.decode()
    response = reviewer.post(reverse("filing_review", args=[filing.pk]), {"decision": "return", "reason": ""})
    assert response.status_code == 400 and "退回须填写原因" in response.content.decode()
    response = reviewer.post(reverse("filing_review", args=[filing.pk]), {"decision": "approve", "reason": "符合"})
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.status == ReviewStatus.APPROVED and filing.reviewed_by == chengdu_reviewer


def test_mianyang_reviewer_gets_404_for_a_chengdu_filing(login, mianyang_reviewer, submitted_filing):
    client = login(mianyang_reviewer)
    assert client.get(reverse("filing_detail", args=[submitted_filing.pk])).status_code == 404
    assert client.get(reverse("filing_review", args=[submitted_filing.pk])).status_code == 404
    response = client.post(reverse("filing_review", args=[submitted_filing.pk]), {"decision": "approve"})
    assert response.status_code == 404
    assert str(submitted_filing.site.name) not in client.get(reverse("filing_list")).content.decode()
    submitted_filing.refresh_from_db()
    assert submitted_filing.status == ReviewStatus.SUBMITTED


def test_attachment_download_is_scoped(
    login, complete_filing, institution_clerk, chengdu_reviewer, mianyang_reviewer, other_institution_clerk,
    candidate,
):
    attachment = complete_filing.attachments.get()
    url = reverse("filing_attachment", args=[attachment.pk])
    for user in (institution_clerk, chengdu_reviewer):
        response = login(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Type"] == "image/png"
    for user in (mianyang_reviewer, other_institution_clerk):
        assert login(user).get(url).status_code == 404
    assert login(candidate).get(url).status_code == 403
