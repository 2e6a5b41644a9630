from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from kaowu.registration import selectors

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
