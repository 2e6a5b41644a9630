"""The views of `core.exports`: a list's export (the file at once, or a background job for a large one) and
the job's page, progress fragment and file."""

import io

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from kaowu.core.downloads import private_download
from kaowu.core.exports import (
    XLSX,
    background_threshold,
    filename_of,
    list_export_allowed,
    list_export_get,
    list_export_record,
    list_export_task,
    query_of,
    rows_count,
    workbook_write,
)
from kaowu.core.jobs import job_start, job_status
from kaowu.core.selectors import job_arguments_get_for_user


def list_export_view(export_path: str):
    """The view exporting the list `export_path` names (a ListExport), with the page's filters."""

    @require_http_methods(["GET", "POST"])
    def view(request, **kwargs):
        export = list_export_get(export_path)
        if not export.public:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            list_export_allowed(export, request.user)
        source = request.POST if request.method == "POST" else request.GET
        # the URL's own parts (a plan's id) select rows as the filters do, in the job too
        query = {**query_of(source), **{key: str(value) for key, value in kwargs.items()}}
        rows, filters = export.rows(request.user, query)
        total = rows_count(rows)
        if total > background_threshold() and not export.public:  # a public list is one plan's, never a job
            if request.method != "POST":  # a GET changes nothing: the page asks to start the job
                back = request.META.get("HTTP_REFERER", "")
                if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                    back = ""
                return render(request, "core/export_confirm.html", {
                    "export": export, "total": total, "query": query, "threshold": background_threshold(),
                    "back": back})
            job = job_start(task=list_export_task, title=f"导出{export.title}", owner=request.user, total=total,
                            export_path=export_path, user_id=request.user.pk, query=query)
            return redirect("list_export_job", task_id=job.task_id)
        buffer = io.BytesIO()
        count = workbook_write(export, rows, buffer)
        list_export_record(export=export, by=request.user if request.user.is_authenticated else None, rows=count,
                           filters=filters)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, filename_of(export))
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    view.export_path = export_path
    return view


def _job(request, task_id: str):
    """The user's own export job (another's, or another task's, is a 404) and its export."""
    job, kwargs = job_arguments_get_for_user(user=request.user, task_id=task_id, task=list_export_task)
    export = list_export_get(kwargs["export_path"])
    list_export_allowed(export, request.user)
    return job, export


@require_GET
@login_required
def list_export_job(request, task_id: str):
    job, export = _job(request, task_id)
    return render(request, "core/export_job.html", {"job": job, "export": export, "status": job_status(job)})


@require_GET
@login_required
def list_export_job_progress(request, task_id: str):
    job, export = _job(request, task_id)
    return render(request, "core/_export_progress.html", {"job": job, "export": export, "status": job_status(job)})


@require_GET
@login_required
def list_export_job_file(request, task_id: str):
    """The finished file: only for the user who started the job; each download is audited."""
    job, export = _job(request, task_id)
    result = job.result or {}
    name = result.get("file", "")
    if not name.startswith("exports/") or not default_storage.exists(name):
        raise Http404("导出文件尚未生成或已删除")
    list_export_record(export=export, by=request.user, rows=result.get("count", 0),
                       filters=result.get("filters", {}), background=job.task_id)
    return private_download(default_storage.open(name, "rb"), content_type=XLSX,
                            filename=result.get("download_name") or filename_of(export))
