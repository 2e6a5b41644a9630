from datetime import date, time

from django.utils import timezone
from ninja import Router, Schema

from kaowu.api.errors import refusals_as_http
from kaowu.plans import selectors, services

router = Router(tags=["考核计划"])


class PlanOut(Schema):
    id: int
    name: str
    kind: str
    assessment_type: str
    status: str
    institution_id: int
    reviewing_center_id: int
    registration_opens: date
    registration_closes: date


class SessionOut(Schema):
    id: int
    item_id: int
    subject_id: int | None
    date: date
    start: time
    end: time


@router.get("/plans", response=list[PlanOut], summary="可见的考核计划")
def plan_list(request, status: str | None = None):
    plans = selectors.plans_visible_to(request.auth)
    return plans.filter(status=status) if status else plans


@router.get("/plans/{plan_id}", response=PlanOut, summary="考核计划详情")
def plan_detail(request, plan_id: int):
    return selectors.plan_get_for_user(user=request.auth, plan_id=plan_id)


@router.get("/plans/{plan_id}/sessions", response=list[SessionOut], summary="计划的考试场次")
def plan_sessions(request, plan_id: int):
    return selectors.plan_get_for_user(user=request.auth, plan_id=plan_id).sessions.all()


@router.post("/plans/{plan_id}/file", response=PlanOut, summary="报备计划（R-CQ-1 等规则校验）")
def plan_file(request, plan_id: int):
    plan = selectors.plan_get_for_user(user=request.auth, plan_id=plan_id)
    with refusals_as_http():
        return services.plan_file(plan=plan, by=request.auth, today=timezone.localdate())
