"""Batch certificate printing of large plans (over BACKGROUND_CERTIFICATES valid certificates) as a background
task, as the admission tickets do (arrangement.documents.tasks).

The task records the print as the request did (printed_count, the audit event), draws the PDF to a temporary
file in parts, reporting every 50 pages, stores it under MEDIA at `certificates/batches/<random>.pdf` (the path
carries neither a name nor an ID number) and leaves the stored name in JobProgress.result; the download view
serves it only to the user who started it while the plan is still in their scope.
"""

import secrets

from django.core.files import File
from django.core.files.storage import default_storage
from django_tasks import task

from kaowu.core.jobs import job_progress_report

BACKGROUND_CERTIFICATES = 200
BATCH_DIR = "certificates/batches"


@task(takes_context=True)
def certificates_batch_pdf(context, *, plan_id: int, user_id: int, layout: str,
                           calibration_id: int | None = None) -> dict:
    from django.core.exceptions import ValidationError

    from kaowu.accounts.models import User
    from kaowu.certificates import selectors as sel
    from kaowu.certificates.models import Certificate
    from kaowu.certificates.printing import services
    from kaowu.certificates.printing.selectors import calibrations_of
    from kaowu.core.actions import refusal_messages
    from kaowu.plans.selectors import plans_visible_to

    task_id = str(context.task_result.id)
    user = User.objects.get(pk=user_id)
    plan = plans_visible_to(user).get(pk=plan_id)
    certificates = list(sel.certificates_of_plan(user=user, plan=plan).filter(status=Certificate.Status.VALID))
    calibration = calibrations_of(user).filter(pk=calibration_id).first() if calibration_id else None
    total = len(certificates)
    job_progress_report(task_id, done=0, total=total, message="正在生成证书")

    def progress(done: int) -> None:
        job_progress_report(task_id, done=done, message=f"已生成 {done} / {total} 本")

    try:
        handle = services.certificates_print(certificates=certificates, by=user, layout=layout,
                                             calibration=calibration, progress=progress)
    except ValidationError as exc:
        message = "；".join(refusal_messages(exc))
        job_progress_report(task_id, message=message, result={"refused": message, "plan": plan.pk})
        return {"refused": message}
    with handle:
        size = handle.seek(0, 2)
        handle.seek(0)
        name = default_storage.save(f"{BATCH_DIR}/{secrets.token_urlsafe(16)}.pdf", File(handle))
    result = {"file": name, "count": total, "bytes": size, "plan": plan.pk,
              "download_name": f"{plan.name}-证书.pdf"}
    job_progress_report(task_id, done=total, total=total, result=result,
                        message=f"已生成 {total} 本证书（{size / 1024 / 1024:.1f} MB）")
    return {"count": total, "bytes": size}
