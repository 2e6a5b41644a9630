"""Background dispatch for large plans (more than services.BACKGROUND_ROOM_SESSIONS seated room-sessions):
the solver may take its whole time limit (30 s), too long for a request.

The task reports each phase (reading, solving with the solver's messages, writing) into its JobProgress row
and leaves the run's id and status in JobProgress.result, which the dispatch job page links to.
"""

from django_tasks import task

from kaowu.core.jobs import job_progress_report


@task(takes_context=True)
def dispatch_generate_task(context, *, plan_id: int, user_id: int) -> dict:
    from django.core.exceptions import ValidationError

    from kaowu.accounts.models import User
    from kaowu.core.actions import refusal_messages
    from kaowu.core.errors import PermissionRefused, RuleViolation
    from kaowu.plans.models import Plan
    from kaowu.staffing.dispatch import services

    task_id = str(context.task_result.id)

    def progress(step: int, message: str) -> None:
        job_progress_report(task_id, done=step, total=services.PROGRESS_STEPS, message=message)

    plan = Plan.objects.select_related("institution__parent").get(pk=plan_id)
    try:
        run = services.dispatch_generate(plan=plan, by=User.objects.get(pk=user_id), progress=progress)
    except (RuleViolation, ValidationError, PermissionRefused) as exc:
        message = "；".join(refusal_messages(exc))
        job_progress_report(task_id, message=message, result={"refused": message, "plan": plan_id})
        return {"refused": message}
    summary = {"plan": plan_id, "run": run.pk, "status": run.status}
    job_progress_report(task_id, done=services.PROGRESS_STEPS, total=services.PROGRESS_STEPS, result=summary,
                        message=f"已生成派遣方案（{run.get_status_display()}）")
    return summary
