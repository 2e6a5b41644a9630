"""Background arrangement for large plans (more than services.BACKGROUND_APPLICATIONS paid applications).

The task reports each phase (reading, solving, writing) into its JobProgress row and leaves the run's
id and status in JobProgress.result, which the arrangement job page shows with a link to the result.
"""

from django_tasks import task

from kaowu.core.jobs import job_progress_report


@task(takes_context=True)
def arrangement_run_task(context, *, plan_id: int, user_id: int, mode: str, seed: int | None = None) -> dict:
    from django.core.exceptions import ValidationError

    from kaowu.accounts.models import User
    from kaowu.arrangement import services
    from kaowu.core.actions import refusal_messages
    from kaowu.core.errors import PermissionRefused, RuleViolation
    from kaowu.plans.models import Plan

    task_id = str(context.task_result.id)

    def progress(done: int, total: int, message: str) -> None:
        job_progress_report(task_id, done=done, total=total, message=message)

    plan = Plan.objects.select_related("institution__parent").get(pk=plan_id)
    try:
        run = services.arrangement_run(plan=plan, by=User.objects.get(pk=user_id), mode=mode, seed=seed,
                                       progress=progress)
    except (RuleViolation, ValidationError, PermissionRefused) as exc:
        message = "；".join(refusal_messages(exc))
        job_progress_report(task_id, message=message, result={"refused": message, "plan": plan_id})
        return {"refused": message}
    summary = {"plan": plan_id, "run": run.pk, "status": run.status, "placed": run.placed}
    job_progress_report(task_id, result=summary)
    return summary
