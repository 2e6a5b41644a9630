"""统考报名机构 application pages: the flow through the pages, from the clerk's draft to the center's return."""

import pytest
from django.urls import reverse

from kaowu.sites.models import ReviewStatus

pytestmark = pytest.mark.django_db


def test_the_unified_application_flow_through_the_pages(login, institution_clerk, chengdu_reviewer, equipped_site):
    client = login(institution_clerk)
    response = client.post(reverse("unified_application_create"), {
        "site": equipped_site.pk, "equipment_summary": "电脑30台", "staff_summary": "考务人员6人",
        "rules_summary": "考务管理制度",
    })
    assert response.status_code == 302
    application = equipped_site.unifiedexamapplication_set.get()
    client.post(reverse("unified_application_submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == ReviewStatus.SUBMITTED
    reviewer = login(chengdu_reviewer)
    response = reviewer.post(reverse("unified_application_review", args=[application.pk]),
                             {"decision": "return", "reason": "规章制度不全"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ReviewStatus.RETURNED and application.review_reason == "规章制度不全"
