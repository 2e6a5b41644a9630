from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kaowu.accounts.models import Role
from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.accounts.selectors import organisations_visible_to
from kaowu.core import selectors
from kaowu.core.context_processors import AUDIT_ROLES
from kaowu.core.forms import AuditFilterForm
from kaowu.core.jobs import job_start, job_status
from kaowu.core.permissions import role_required
from kaowu.core.tasks import organisation_census


@require_GET
def healthz(request):
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "time": timezone.now().isoformat()})


@login_required
def home(request):
    if request.user.role == Role.CANDIDATE:
        return redirect("candidate_home")  # a candidate's home is their own applications
    today: date = timezone.localdate()
    overview = selectors.home_overview(user=request.user, today=today)
    # Overdue results (R-FJ-10) come from the scoring app, which builds on core: imported here, not at the top.
    from kaowu.scoring.release.selectors import overdue_releases

    return render(request, "core/home.html", {"overview": overview, "Role": Role,
                                              "overdue": overdue_releases(request.user, today)})


@role_required(*AUDIT_ROLES)
def audit_list(request):
    form = AuditFilterForm(request.GET or None, organisations=organisations_visible_to(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events_filter(
        user=request.user,
        action=filters.get("action") or "",
        actor=filters.get("actor") or "",
        organisation_id=filters["organisation"].pk if filters.get("organisation") else None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        object_text=filters.get("object_text") or "",
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/audit_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "actions": selectors.audit_actions_known(request.user),
    })


@role_required(*OFFICE_ROLES)
def task_demo(request):
    jobs = selectors.job_progress_recent(user=request.user)
    return render(request, "core/task_demo.html", {"jobs": jobs})


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
    progress = selectors.job_progress_get_for_user(user=request.user, task_id=task_id)
    return render(request, "core/task_progress_page.html", {"job": progress, "status": job_status(progress)})


@role_required(*OFFICE_ROLES)
def task_progress(request, task_id: str):
    """The htmx fragment the progress page polls; it stops polling once the job has finished."""
    progress = selectors.job_progress_get_for_user(user=request.user, task_id=task_id)
    return render(request, "core/_task_progress.html", {"job": progress, "status": job_status(progress)})
