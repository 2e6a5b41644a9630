"""Background tasks for large imports (above imports.BACKGROUND_ROWS rows): validation, then the import.

Each reports progress every PROGRESS_EVERY rows into its JobProgress row and leaves the report (or
the refusal) in JobProgress.result, which the import report page and /tasks/<id>/ show.
"""

from django_tasks import task

from kaowu.core.jobs import job_progress_report


def _reporter(task_id: str):
    def report(done: int, total: int, message: str) -> None:
        job_progress_report(task_id, done=done, total=total, message=message)

    return report


@task(takes_context=True)
def import_applications_validate(context, *, plan_id: int, user_id: int, file_name: str) -> dict:
    """Check every row of a stored import file; nothing is written."""
    from kaowu.accounts.models import User
    from kaowu.plans.models import Plan
    from kaowu.registration.imports import services as imports

    task_id = str(context.task_result.id)
    plan = Plan.objects.get(pk=plan_id)
    imports.import_require_staff(by=User.objects.get(pk=user_id), plan=plan)
    job_progress_report(task_id, done=0, message="正在读取文件")
    try:
        report = imports.import_validate(plan=plan, path=imports.import_file_path(file_name),
                                         progress=_reporter(task_id))
    except imports.ImportRefused as exc:
        job_progress_report(task_id, message=exc.message, result={"refused": exc.message})
        return {"refused": exc.message}
    summary = report.as_json()
    message = (f"校验完成：共{report.total}行，{summary['faulty']}行有错误" if report.errors
               else f"校验完成：共{report.total}行，可新增{report.new}条，已存在{report.existing}条")
    if report.warnings:
        message += f"，{len(report.warnings)}行所填申报资历不满足申报条件（不影响导入）"
    job_progress_report(task_id, done=report.total, total=report.total, message=message, result=summary)
    return {"total": report.total, "new": report.new, "existing": report.existing, "faulty": summary["faulty"]}


@task(takes_context=True)
def import_applications_commit(context, *, plan_id: int, user_id: int, file_name: str) -> dict:
    """Validate again and import all rows or none."""
    from kaowu.accounts.models import User
    from kaowu.plans.models import Plan
    from kaowu.registration.imports import services as imports

    task_id = str(context.task_result.id)
    plan = Plan.objects.get(pk=plan_id)
    user = User.objects.get(pk=user_id)
    path = imports.import_file_path(file_name)
    try:
        # A first pass outside the transaction, so that the progress bar moves while the rows are checked.
        checked = imports.import_validate(plan=plan, path=path, progress=_reporter(task_id))
        if checked.errors:
            raise imports.ImportRefused(f"文件中有{len(checked.faulty_rows)}行存在错误，未导入任何记录")
        job_progress_report(task_id, message="正在写入数据库")
        report = imports.import_commit(plan=plan, path=path, by=user, file_name=file_name)
    except imports.ImportRefused as exc:
        job_progress_report(task_id, message=exc.message, result={"refused": exc.message})
        return {"refused": exc.message}
    summary = {"total": report.total, "new": report.new, "existing": report.existing,
               "candidates_new": report.candidates_new, "warning_count": len(report.warnings)}
    warned = f"，其中{len(report.warnings)}条所填申报资历不满足申报条件（已导入为草稿）" if report.warnings else ""
    job_progress_report(task_id, done=report.total, total=report.total, result=summary,
                        message=f"导入完成：新增报名{report.new}条（新登记考生{report.candidates_new}人），"
                                f"已存在{report.existing}条{warned}")
    return summary
