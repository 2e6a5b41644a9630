from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema

from kaowu.api.errors import refusals_as_http
from kaowu.registration import selectors, services
from kaowu.registration.models import Application

router = Router(tags=["报名"])


class ApplicationOut(Schema):
    id: int
    plan_id: int
    item_id: int
    candidate_name: str
    status: str
    submitted_at: datetime | None
    eligibility: dict | None

    @staticmethod
    def resolve_candidate_name(obj) -> str:
        return obj.candidate.name


@router.get("/applications", response=list[ApplicationOut], summary="可见的报名（按机构、中心范围）")
def application_list(request, plan_id: int | None = None, status: str | None = None):
    applications = selectors.applications_visible_to(request.auth)
    if plan_id:
        applications = applications.filter(plan_id=plan_id)
    if status:
        applications = applications.filter(status=status)
    return applications


@router.get("/applications/{application_id}", response=ApplicationOut, summary="报名详情")
def application_detail(request, application_id: int):
    return get_object_or_404(selectors.applications_visible_to(request.auth), pk=application_id)


# What submitting reads besides the application (which it saves, so all of it): the candidate's name and
# account, the plan's status, window and institution; the service locks the item and loads what it needs
# of it. The whole candidate, plan and institution rows joined with the item, its occupation and special
# item cost the submission more than any other query (registration_load benchmark): PostgreSQL plans a
# seven-table join, Django builds a hundred-odd columns into objects.
SUBMIT_COLUMNS = (
    *(field.name for field in Application._meta.concrete_fields),
    "candidate__name", "candidate__user", "plan__status", "plan__registration_opens", "plan__registration_closes",
    "plan__institution",
)


class SubmitIn(Schema):
    commitment_accepted: bool


@router.post("/applications/{application_id}/submit", response=ApplicationOut,
             summary="提交报名（考生承诺 R-SC24-7；满额即拒绝）")
def application_submit(request, application_id: int, payload: SubmitIn):
    application = get_object_or_404(
        selectors.applications_visible_to(request.auth).select_related(None).select_related("candidate", "plan")
        .only(*SUBMIT_COLUMNS),
        pk=application_id,
    )
    with refusals_as_http():
        return services.application_submit(application=application, by=request.auth,
                                           commitment_accepted=payload.commitment_accepted,
                                           today=timezone.localdate())
