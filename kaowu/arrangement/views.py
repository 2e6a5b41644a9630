"""考场编排 pages: the plan's arrangement (counts, runs, shortages, buttons), the seat list per room and
session with its Excel export, and the progress of a background arrangement. Thin: selectors and services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.arrangement import selectors, services
from kaowu.arrangement.forms import ArrangementRunForm
from kaowu.arrangement.models import ArrangementRun
from kaowu.arrangement.tasks import arrangement_run_task
from kaowu.core.actions import refusal_messages
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.jobs import job_start, job_status
from kaowu.core.permissions import role_required
from kaowu.core.selectors import job_progress_get_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_GET
@role_required(*OFFICE_ROLES)
def arrangement_plan(request, plan_id: int):
    plan = selectors.arrangement_plan_get_for_user(user=request.user, plan_id=plan_id)
    overview = selectors.arrangement_overview(plan=plan)
    ticketed = overview["counts"]["ticketed"]
    return render(request, "arrangement/plan.html", {
        "plan": plan, **overview, "can_arrange": selectors.can_arrange(request.user, plan),
        "incremental_form": ArrangementRunForm(initial={"mode": ArrangementRun.Mode.INCREMENTAL},
                                               auto_id="inc_%s"),
        "full_form": ArrangementRunForm(initial={"mode": ArrangementRun.Mode.FULL}, valid_tickets=ticketed,
                                        auto_id="full_%s"),
        "background_threshold": services.BACKGROUND_APPLICATIONS,
    })


@require_POST
@role_required(*OFFICE_ROLES)
def arrangement_run_view(request, plan_id: int):
    plan = selectors.arrangement_plan_get_for_user(user=request.user, plan_id=plan_id)
    if not selectors.can_arrange(request.user, plan):
        raise PermissionDenied("只有本机构的管理员或经办人可以在开放报名后编排考场")
    counts = selectors.arrangement_counts(plan=plan)
    form = ArrangementRunForm(request.POST, valid_tickets=counts["ticketed"])
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
        return redirect("arrangement_plan", plan_id=plan.pk)
    mode, seed = form.cleaned_data["mode"], form.cleaned_data["seed"]
    if counts["fee_paid"] > services.BACKGROUND_APPLICATIONS:
        job = job_start(task=arrangement_run_task, title=f"考场编排（{plan.name}）", owner=request.user,
                        total=services.PROGRESS_STEPS, plan_id=plan.pk, user_id=request.user.pk, mode=mode, seed=seed)
        return redirect("arrangement_job", plan_id=plan.pk, task_id=job.task_id)
    try:
        run = services.arrangement_run(plan=plan, by=request.user, mode=mode, seed=seed)
    except (RuleViolation, ValidationError) as exc:
        messages.error(request, "；".join(refusal_messages(exc)))
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    else:
        level = messages.success if run.status == ArrangementRun.Status.DONE else messages.error
        level(request, services.arrangement_run_summary(run))
    return redirect("arrangement_plan", plan_id=plan.pk)


@require_POST
@role_required(*OFFICE_ROLES)
def tickets_publish_view(request, plan_id: int):
    plan = selectors.arrangement_plan_get_for_user(user=request.user, plan_id=plan_id)
    try:
        published = services.tickets_publish(plan=plan, by=request.user)
    except (RuleViolation, ValidationError) as exc:
        messages.error(request, "；".join(refusal_messages(exc)))
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    else:
        text = f"已发布准考证 {published.issued} 张（{published.first} 至 {published.last}）"
        if published.unplaced:
            text += f"；{published.unplaced} 名已缴费考生尚未编排考场，编排后可再次发布"
        messages.success(request, text)
    return redirect("arrangement_plan", plan_id=plan.pk)


@require_GET
@role_required(*OFFICE_ROLES)
def seat_list_view(request, plan_id: int):
    plan = selectors.arrangement_plan_get_for_user(user=request.user, plan_id=plan_id)
    data = selectors.seat_list(plan=plan, session_id=_int(request.GET.get("session")),
                               room_id=_int(request.GET.get("room")))
    return render(request, "arrangement/seats.html", {"plan": plan, **data})


@require_GET
@role_required(*OFFICE_ROLES)
def seat_export_view(request, plan_id: int):
    plan = selectors.arrangement_plan_get_for_user(user=request.user, plan_id=plan_id)
    session = None
    if request.GET.get("session"):
        session = selectors.plan_session_get(plan=plan, session_id=_int(request.GET["session"]))
    content = services.seats_export(plan=plan, by=request.user, session=session)
    response = HttpResponse(content, content_type=XLSX)
    name = f"seats-{plan.pk}{f'-{session.pk}' if session else ''}.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''" + \
        "%E5%BA%A7%E4%BD%8D%E8%A1%A8.xlsx"  # 座位表.xlsx
    return response


def _job(request, plan_id: int, task_id: str):
    plan = selectors.arrangement_plan_get_for_user(user=request.user, plan_id=plan_id)
    job = job_progress_get_for_user(user=request.user, task_id=task_id)
    result = job.result or {}
    run = selectors.plan_run_get(plan=plan, run_id=result["run"]) if result.get("run") else None
    return {"plan": plan, "job": job, "status": job_status(job), "run": run, "refused": result.get("refused", "")}


@require_GET
@role_required(*OFFICE_ROLES)
def arrangement_job(request, plan_id: int, task_id: str):
    return render(request, "arrangement/job.html", _job(request, plan_id, task_id))


@require_GET
@role_required(*OFFICE_ROLES)
def arrangement_job_progress(request, plan_id: int, task_id: str):
    return render(request, "arrangement/_job_progress.html", _job(request, plan_id, task_id))
