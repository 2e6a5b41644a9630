import time

from django_tasks import task

from kaowu.accounts.models import User
from kaowu.accounts.selectors import organisations_visible_to
from kaowu.core.jobs import job_progress_report


@task(takes_context=True)
def organisation_census(context, *, user_id: int, pause_seconds: float = 0.0) -> dict:
    """Count the accounts of every organisation a user can see, by role.

    The demonstration job of the foundation: it reports progress after every organisation.
    `pause_seconds` slows it down so that the progress bar can be seen moving in the demo.
    """
    task_id = str(context.task_result.id)
    user = User.objects.get(pk=user_id)
    organisations = list(organisations_visible_to(user).order_by("path"))
    job_progress_report(task_id, done=0, total=len(organisations), message="开始统计")
    rows = []
    for index, org in enumerate(organisations, start=1):
        counts: dict[str, int] = {}
        for role in org.users.values_list("role", flat=True):
            counts[role] = counts.get(role, 0) + 1
        rows.append({"organisation": org.name, "users": sum(counts.values()), "by_role": counts})
        job_progress_report(task_id, done=index, message=f"已统计：{org.name}")
        if pause_seconds:
            time.sleep(pause_seconds)
    summary = {"organisations": len(rows), "users": sum(r["users"] for r in rows), "rows": rows}
    job_progress_report(task_id, message="统计完成", result=summary)
    return {"organisations": summary["organisations"], "users": summary["users"]}
