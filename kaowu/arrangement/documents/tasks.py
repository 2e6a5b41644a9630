"""Batch admission-ticket PDFs of large plans (over BACKGROUND_TICKETS tickets) as a background task.

The task streams the PDF to a temporary file (`tickets.ticket_pdf_write` draws CHUNK_PAGES tickets at a
time and appends each part to the file, so the worker's memory does not grow with the plan), stores it under MEDIA at
`arrangement/batches/<random>.pdf` (the path carries neither a name nor an ID number) and leaves the
stored name in JobProgress.result; the download view checks that the job is the user's and the plan
still in their scope before serving it.
"""

import secrets
import tempfile

from django.core.files import File
from django.core.files.storage import default_storage
from django_tasks import task

from kaowu.core.jobs import job_progress_report

BACKGROUND_TICKETS = 500
BATCH_DIR = "arrangement/batches"


@task(takes_context=True)
def tickets_batch_pdf(context, *, plan_id: int, user_id: int) -> dict:
    from kaowu.accounts.models import User
    from kaowu.arrangement.documents.selectors import plan_tickets
    from kaowu.arrangement.documents.tickets import ticket_pdf_write
    from kaowu.plans.selectors import plans_visible_to

    task_id = str(context.task_result.id)
    user = User.objects.get(pk=user_id)
    plan = plans_visible_to(user).get(pk=plan_id)
    tickets = plan_tickets(plan)
    total = tickets.count()
    job_progress_report(task_id, done=0, total=total, message="正在生成准考证")

    def progress(done: int) -> None:
        job_progress_report(task_id, done=done, message=f"已生成 {done} / {total} 张")

    with tempfile.TemporaryFile() as handle:
        count = ticket_pdf_write(tickets, handle, title=f"准考证 {plan.name}", progress=progress)
        size = handle.tell()
        handle.seek(0)
        name = default_storage.save(f"{BATCH_DIR}/{secrets.token_urlsafe(16)}.pdf", File(handle))
    result = {"file": name, "count": count, "bytes": size, "plan": plan.pk,
              "download_name": f"准考证-{plan.pk}-全部.pdf"}
    job_progress_report(task_id, done=count, total=max(total, count), result=result,
                        message=f"已生成 {count} 张准考证（{size / 1024 / 1024:.1f} MB）")
    return {"count": count, "bytes": size}
