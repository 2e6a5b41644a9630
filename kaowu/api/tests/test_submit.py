"""POST /api/v1/applications/{id}/submit: the lean path the registration_load benchmark measures.

The view loads only part of the application's plan and candidate, the service locks the item and counts
its places in plain SQL; these tests pin down that the answer is still the whole one.
"""

from datetime import date

import pytest
from django.utils import timezone

from kaowu.accounts.services import api_token_create
from kaowu.core.ids import id_make
from kaowu.core.models import AuditEvent
from kaowu.registration import services
from kaowu.registration.models import Application
from kaowu.registration.tests import factories as registration_factories

pytestmark = pytest.mark.django_db

# The registration tests' open 成都 plan and its 育婴员 四级 item.
open_plan = registration_factories.open_plan
infant_care_item = registration_factories.infant_care_item

# Token, application, savepoint (the test's transaction), the application re-read under its lock (#15: the
# status it moves from is the one a concurrent request left), item lock, count, update, audit event, release.
SUBMIT_QUERIES = 9
SEQUENCE = iter(range(1, 1000))


def draft(clerk, item, name: str) -> Application:
    candidate = services.candidate_create(by=clerk, name=name, education="bachelor", address="成都",
                                          id_number=id_make("510104", date(1990, 1, 1), next(SEQUENCE)),
                                          phone="13800138000")
    return services.application_create(candidate=candidate, item=item, by=clerk)


def submit(client, application_id: int, headers: dict):
    return client.post(f"/api/v1/applications/{application_id}/submit", {"commitment_accepted": True},
                       content_type="application/json", **headers)


@pytest.fixture
def headers(institution_clerk):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=institution_clerk, name='测试')[1]}"}


def test_submit_counts_only_applications_that_hold_a_place(client, institution_clerk, infant_care_item, headers):
    clerk, item = institution_clerk, infant_care_item
    today = timezone.localdate()
    holding = draft(clerk, item, "张三")
    services.application_submit(application=holding, by=clerk, commitment_accepted=True, today=today)
    returned = draft(clerk, item, "李四")
    services.application_submit(application=returned, by=clerk, commitment_accepted=True, today=today)
    services.application_return(application=returned, by=clerk, reason="照片不清晰")
    withdrawn = draft(clerk, item, "王五")
    services.application_withdraw(application=withdrawn, by=clerk, reason="改报其他项目")
    item.max_candidates = 2
    item.save()
    first = draft(clerk, item, "赵六")
    second = draft(clerk, item, "钱七")

    # One place held (the returned and the withdrawn ones hold none): one left.
    accepted = submit(client, first.pk, headers)
    refused = submit(client, second.pk, headers)

    assert accepted.status_code == 200, accepted.content
    assert refused.status_code == 409 and refused.json()["detail"] == "“育婴员 四级/中级工”报名人数已满（上限2人）"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Application.Status.SUBMITTED, Application.Status.DRAFT)


def test_submit_answers_and_records_what_a_full_load_would(client, institution_clerk, infant_care_item, headers):
    application = draft(institution_clerk, infant_care_item, "张三")

    response = submit(client, application.pk, headers)

    assert response.status_code == 200, response.content
    application = Application.objects.select_related("plan__institution", "item__occupation").get(pk=application.pk)
    data = response.json()
    assert data["candidate_name"] == "张三" and data["status"] == "submitted"
    # The verdict needs the occupation's rules and the plan's closing date, loaded by different queries.
    assert data["eligibility"] is not None and data["eligibility"] == application.eligibility
    assert application.eligibility == services.eligibility_for(application)
    assert application.commitment_version == services.COMMITMENT_VERSION and application.submitted_at
    event = AuditEvent.objects.get(action="application.submitted", object_id=str(application.pk))
    assert event.organisation_id == application.plan.institution_id
    assert event.object_repr == "张三 · 育婴员 四级/中级工"
    assert event.actor_username == institution_clerk.username


def test_submit_runs_a_fixed_number_of_queries(client, institution_clerk, infant_care_item, headers,
                                               django_assert_num_queries):
    accepted = draft(institution_clerk, infant_care_item, "张三")
    refused = draft(institution_clerk, infant_care_item, "李四")
    client.get("/api/v1/applications", **headers)  # the token's first use records it (once in five minutes)
    infant_care_item.max_candidates = 2
    infant_care_item.save()

    with django_assert_num_queries(SUBMIT_QUERIES):
        assert submit(client, accepted.pk, headers).status_code == 200
    infant_care_item.max_candidates = 1
    infant_care_item.save()
    # Refused: no update and no event but a rollback of the savepoint; naming the full item costs no query.
    with django_assert_num_queries(SUBMIT_QUERIES - 1):
        assert submit(client, refused.pk, headers).status_code == 409
