"""三员派遣 pages: the center's plans, a plan's dispatch board (generate, edit, publish, letters), and a
person's own assignments (confirm, decline, letter). Thin: selectors and services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kaowu.accounts.roles import CENTER_STAFF_ROLES, EXAM_STAFF_ROLES, INSTITUTION_STAFF_ROLES
from kaowu.core.actions import service_action
from kaowu.core.downloads import private_download
from kaowu.core.jobs import job_start, job_status
from kaowu.core.permissions import role_required
from kaowu.staffing.dispatch import selectors, services
from kaowu.staffing.dispatch.documents import dispatch_letter_person_pdf, dispatch_letter_site_pdf
from kaowu.staffing.dispatch.tasks import dispatch_generate_task
from kaowu.staffing.models import DispatchRun


@require_GET
@role_required(*CENTER_STAFF_ROLES)
def dispatch_list(request):
    return render(request, "staffing/dispatch/list.html", {"rows": selectors.dispatch_plan_list(user=request.user)})


@require_GET
@role_required(*CENTER_STAFF_ROLES)
def dispatch_plan(request, plan_id: int):
    plan = selectors.dispatch_plan_get_for_user(user=request.user, plan_id=plan_id)
    run = selectors.dispatch_run_current(plan)
    board = selectors.dispatch_board(run) if run else None
    choices = {}
    if run and run.status in (DispatchRun.Status.PROPOSED, DispatchRun.Status.PUBLISHED):
        roles = {post["role"] for post in run.posts}
        choices = {role: selectors.replacement_choices(run, role) for role in roles}
    return render(request, "staffing/dispatch/plan.html", {
        "plan": plan, "run": run, "board": board, "choices": choices,
    })


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def dispatch_generate_view(request, plan_id: int):
    plan = selectors.dispatch_plan_get_for_user(user=request.user, plan_id=plan_id)
    if selectors.dispatch_room_sessions(plan) > services.BACKGROUND_ROOM_SESSIONS:
        if not services.can_dispatch(request.user, plan):
            raise PermissionDenied("只有受理本计划的鉴定中心可以派遣考评员和督导员（R-FJ-8）")
        job = job_start(task=dispatch_generate_task, title=f"生成派遣方案（{plan.name}）", owner=request.user,
                        total=services.PROGRESS_STEPS, plan_id=plan.pk, user_id=request.user.pk)
        return redirect("dispatch_job", plan_id=plan.pk, task_id=job.task_id)
    service_action(request, lambda: services.dispatch_generate(plan=plan, by=request.user), "已生成派遣方案")
    return redirect("dispatch_plan", plan.pk)


def _job(request, plan_id: int, task_id: str) -> dict:
    plan, job, run = selectors.dispatch_job_get_for_user(user=request.user, plan_id=plan_id, task_id=task_id)
    return {"plan": plan, "job": job, "status": job_status(job), "run": run,
            "refused": (job.result or {}).get("refused", "")}


@require_GET
@role_required(*CENTER_STAFF_ROLES)
def dispatch_job(request, plan_id: int, task_id: str):
    return render(request, "staffing/dispatch/job.html", _job(request, plan_id, task_id))


@require_GET
@role_required(*CENTER_STAFF_ROLES)
def dispatch_job_progress(request, plan_id: int, task_id: str):
    return render(request, "staffing/dispatch/_job_progress.html", _job(request, plan_id, task_id))


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def dispatch_publish_view(request, run_id: int):
    run = selectors.dispatch_run_get_for_user(user=request.user, run_id=run_id)
    service_action(request, lambda: services.dispatch_publish(run=run, by=request.user),
                   "派遣方案已发布，人员可在“我的派遣”中确认")
    return redirect("dispatch_plan", run.plan_id)


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def assignment_replace_view(request, assignment_id: int):
    assignment = selectors.dispatch_assignment_get_for_user(user=request.user, assignment_id=assignment_id)
    staff = selectors.replacement_get(assignment.run, assignment.role, request.POST.get("staff"))
    if staff is None:
        messages.error(request, "请从本计划可派遣的人员中选择要调整为的人员")
        return redirect("dispatch_plan", assignment.run.plan_id)
    service_action(request, lambda: services.assignment_replace(assignment=assignment, staff=staff,
                                                                by=request.user),
                   f"已将“{assignment.post_label}”的{assignment.staff.name}调整为{staff.name}")
    return redirect("dispatch_plan", assignment.run.plan_id)


def _letter_response(request, run: DispatchRun, rows, data: bytes, filename: str, what: str):
    # A letter names people and where they go: its download is audited, so it is a POST.
    services.dispatch_letter_record(run=run, by=request.user, letter=what, rows=len(rows))
    return private_download(data, filename=filename)


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def letter_person(request, run_id: int, staff_id: int):
    run = selectors.dispatch_run_get_for_user(user=request.user, run_id=run_id)
    rows = selectors.letter_assignments(run, staff_id=staff_id)
    if not rows:
        raise Http404("该人员在本派遣中没有安排")
    person = rows[0].staff
    data = dispatch_letter_person_pdf(run, person, rows)
    return _letter_response(request, run, rows, data, f"派遣表-{person.name}-{run.plan.name}.pdf", f"staff:{staff_id}")


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def letter_site(request, run_id: int, site_id: int):
    run = selectors.dispatch_run_get_for_user(user=request.user, run_id=run_id)
    rows = selectors.letter_assignments(run, site_id=site_id)
    site = selectors.letter_site_get(rows, site_id)
    data = dispatch_letter_site_pdf(run, site, rows)
    return _letter_response(request, run, rows, data, f"考点派遣表-{site.name}-{run.plan.name}.pdf", f"site:{site_id}")


@require_GET
@role_required(*EXAM_STAFF_ROLES, *INSTITUTION_STAFF_ROLES)
def my_assignments(request):
    rows = list(selectors.assignments_of(request.user))
    teams = selectors.chief_teams(rows)
    for a in rows:
        a.team = teams.get(a.pk)
    return render(request, "staffing/dispatch/mine.html", {"rows": rows})


@require_POST
@role_required(*EXAM_STAFF_ROLES, *INSTITUTION_STAFF_ROLES)
def my_assignment_confirm(request, assignment_id: int):
    assignment = selectors.assignment_get_own(user=request.user, assignment_id=assignment_id)
    service_action(request, lambda: services.assignment_confirm(assignment=assignment, by=request.user),
                   f"已确认：{assignment.post_label}")
    return redirect("my_assignments")


@require_POST
@role_required(*EXAM_STAFF_ROLES, *INSTITUTION_STAFF_ROLES)
def my_assignment_decline(request, assignment_id: int):
    assignment = selectors.assignment_get_own(user=request.user, assignment_id=assignment_id)
    service_action(request, lambda: services.assignment_decline(
        assignment=assignment, by=request.user, reason=request.POST.get("reason", "")),
        f"已谢绝：{assignment.post_label}。中心将另行安排")
    return redirect("my_assignments")


@require_POST
@role_required(*EXAM_STAFF_ROLES, *INSTITUTION_STAFF_ROLES)
def my_letter(request, run_id: int):
    rows = [a for a in selectors.assignments_of(request.user) if a.run_id == run_id]
    if not rows:
        raise Http404("没有该派遣的安排")
    run = rows[0].run
    person = rows[0].staff
    data = dispatch_letter_person_pdf(run, person, rows)
    return _letter_response(request, run, rows, data, f"派遣表-{person.name}-{run.plan.name}.pdf", "own")
