"""The registration step of the demo: `make run` shows applications in every status."""

import pytest

from kaowu.accounts.models import User
from kaowu.registration.changes.selectors import change_requests_visible_to
from kaowu.registration.models import Application, CandidateChangeRequest
from kaowu.registration.selectors import applications_visible_to, refunds_to_confirm
from kaowu.workspace.demo import demo_build

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_demo_has_applications_in_every_status_a_candidate_login_and_a_waiting_change():
    demo_build(scale=1)
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.INSTITUTION_APPROVED, Status.CENTER_APPROVED,
            Status.PAID, Status.WITHDRAWN} <= statuses
    candidate = User.objects.get(username="cd01_candidate001")
    assert applications_visible_to(candidate).exists()
    assert all(a.candidate.photo for a in Application.objects.select_related("candidate"))
    reviewer = User.objects.get(username="cd_reviewer")
    waiting = change_requests_visible_to(reviewer).filter(status=CandidateChangeRequest.Status.PENDING)
    assert waiting.count() == 1
    assert not change_requests_visible_to(User.objects.get(username="my_reviewer")).filter(
        pk=waiting.get().pk).exists()
    # A withdrawal after payment: its refund waits for the institution's clerk (R-SC21-5).
    clerk = User.objects.get(username="cd01_clerk")
    assert refunds_to_confirm(clerk).exists()
