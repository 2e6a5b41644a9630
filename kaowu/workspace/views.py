from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kaowu.accounts.models import Role
from kaowu.accounts.roles import AUDIT_ROLES, OFFICE_ROLES
from kaowu.core.jobs import job_rerun, job_start, job_status
from kaowu.core.permissions import role_required
from kaowu.core.selectors import job_progress_get_for_user, job_progress_recent
from kaowu.scoring.release.selectors import overdue_releases
from kaowu.workspace import selectors
from kaowu.workspace.tasks import organisation_census


@login_required
def home(request):
    if request.user.role == Role.CANDIDATE:
        return redirect("candidate_home")  # a candidate's home is their own applications
    today: date = timezone.localdate()
    overview = selectors.home_overview(user=request.user, today=today)
    return render(request, "workspace/home.html", {"overview": overview, "Role": Role,
                                                   "overdue": overdue_releases(request.user, today)})


@role_required(*AUDIT_ROLES)
def audit_list(request):
    events, form, _filters = selectors.audit_events_filtered(request.user, request.GET)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "workspace/audit_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "actions": selectors.audit_actions_known(request.user),
    })


@role_required(*OFFICE_ROLES)
def task_demo(request):
    jobs = job_progress_recent(user=request.user)
    return render(request, "workspace/task_demo.html", {"jobs": jobs})


@require_POST
@role_required(*OFFICE_ROLES)
def task_demo_start(request):
    progress = job_start(
        task=organisation_census, title="机构人员统计", owner=request.user,
        user_id=request.user.pk, pause_seconds=0.3,
    )
    return redirect("task_progress_page", task_id=progress.task_id)


@role_required(*OFFICE_ROLES)
def task_progress_page(request, task_id: str):
    progress = job_progress_get_for_user(user=request.user, task_id=task_id)
    return render(request, "workspace/task_progress_page.html", {"job": progress, "status": job_status(progress)})


@role_required(*OFFICE_ROLES)
def task_progress(request, task_id: str):
    """The htmx fragment the progress page polls; it stops polling once the job has finished."""
    progress = job_progress_get_for_user(user=request.user, task_id=task_id)
    return render(request, "workspace/_task_progress.html", {"job": progress, "status": job_status(progress)})


@require_POST
@role_required(*OFFICE_ROLES)
def task_rerun(request, task_id: str):
    """Run the user's own failed or interrupted job again; back to the page it was shown on, now for the new job."""
    progress = job_progress_get_for_user(user=request.user, task_id=task_id)
    target = request.POST.get("next", "")
    if not (target and task_id in target
            and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())):
        target = ""
    try:
        again = job_rerun(progress=progress, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(target or "task_progress_page", **({} if target else {"task_id": task_id}))
    messages.success(request, f"已重新开始：{again.title}")
    if target:
        return redirect(target.replace(task_id, again.task_id))
    return redirect("task_progress_page", task_id=again.task_id)
