from datetime import timedelta

import pytest
from django.utils import timezone

from kaowu.accounts.services import api_token_create
from kaowu.core.workdays import workdays_add
from kaowu.plans.tests.factories import make_plan

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='测试')[1]}"}


def test_api_lists_plans_in_scope_only(client, catalogue, site, institution_clerk, mianyang_reviewer,
                                       chengdu_reviewer):
    plan = make_plan(institution_clerk, site, sessions=[timezone.localdate() + timedelta(days=60)])
    assert [p["id"] for p in client.get("/api/v1/plans", **bearer(chengdu_reviewer)).json()] == [plan.pk]
    assert client.get("/api/v1/plans", **bearer(mianyang_reviewer)).json() == []
    assert client.get(f"/api/v1/plans/{plan.pk}", **bearer(mianyang_reviewer)).status_code == 404
    sessions = client.get(f"/api/v1/plans/{plan.pk}/sessions", **bearer(institution_clerk)).json()
    assert len(sessions) == 1


def test_r_cq_1_api_filing_too_late_is_422_with_the_rule(client, catalogue, site, institution_clerk):
    plan = make_plan(institution_clerk, site, sessions=[workdays_add(timezone.localdate(), 9)])
    response = client.post(f"/api/v1/plans/{plan.pk}/file", **bearer(institution_clerk))
    assert response.status_code == 422 and "R-CQ-1" in response.json()["detail"]


def test_api_filing_by_a_reviewer_is_refused(client, catalogue, site, institution_clerk, chengdu_reviewer):
    plan = make_plan(institution_clerk, site, sessions=[timezone.localdate() + timedelta(days=60)])
    assert client.post(f"/api/v1/plans/{plan.pk}/file", **bearer(chengdu_reviewer)).status_code == 403
