"""Pages of the bulk import: the template, the upload, the per-row report and the confirmation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaowu.accounts.roles import INSTITUTION_STAFF_ROLES
from kaowu.core.errors import PermissionRefused
from kaowu.core.jobs import job_start, job_status
from kaowu.core.models import JobProgress
from kaowu.core.permissions import role_required
from kaowu.plans.selectors import plan_get_for_user
from kaowu.registration.imports import services as imports
from kaowu.registration.imports.tasks import import_applications_commit
from kaowu.registration.imports.template import import_template_build

# The multipart envelope around the file; a request larger than this cannot hold an acceptable file.
ENVELOPE_BYTES = 64 * 1024


def _plan(request, plan_id):
    try:
        plan = plan_get_for_user(user=request.user, plan_id=int(plan_id))
    except (TypeError, ValueError):
        raise Http404("请指定考核计划") from None
    try:
        imports.import_require_staff(by=request.user, plan=plan)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from None
    return plan


def _upload_page(request, plan, error: str = "", status: int = 200):
    return render(request, "registration/import_upload.html", {
        "plan": plan, "error": error, "columns": imports.COLUMNS, "max_mb": imports.MAX_BYTES // 1024 // 1024,
        "max_rows": imports.MAX_ROWS, "items": list(imports.item_labels(plan)) if plan else [],
    }, status=status)


@require_GET
@role_required(*INSTITUTION_STAFF_ROLES)
def import_template(request):
    plan = _plan(request, request.GET.get("plan"))
    response = HttpResponse(import_template_build(plan=plan),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename=\"import-{plan.pk}.xlsx\"; filename*=UTF-8''" + \
        "%E6%8A%A5%E5%90%8D%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"  # 报名导入模板.xlsx
    return response


@require_http_methods(["GET", "POST"])
@role_required(*INSTITUTION_STAFF_ROLES)
def import_upload(request):
    if request.method == "GET":
        return _upload_page(request, _plan(request, request.GET.get("plan")))
    # Refuse an oversized upload by its declared length, before the body is read into a file.
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > imports.MAX_BYTES + ENVELOPE_BYTES:
        plan = _plan(request, request.GET.get("plan")) if request.GET.get("plan") else None
        return _upload_page(request, plan, status=413, error=(
            f"文件过大（约{declared / 1024 / 1024:.0f} MB），上限为 {imports.MAX_BYTES // 1024 // 1024} MB，"
            f"请分成多个文件导入"))
    plan = _plan(request, request.POST.get("plan") or request.GET.get("plan"))
    upload = request.FILES.get("file")
    if upload is None:
        return _upload_page(request, plan, "请选择要上传的Excel文件", status=400)
    try:
        token, task_id = imports.import_upload(upload=upload, plan=plan, by=request.user)
    except imports.ImportRefused as exc:
        return _upload_page(request, plan, exc.message, status=400)
    return redirect("import_report", token=token)


def _token(request, token: str) -> tuple[dict, object]:
    try:
        data = imports.import_token_read(token, by=request.user)
    except imports.ImportRefused as exc:
        raise Http404(exc.message) from None
    return data, _plan(request, data["p"])


@require_GET
@role_required(*INSTITUTION_STAFF_ROLES)
def import_report(request, token: str):
    data, plan = _token(request, token)
    context = {"plan": plan, "token": token, "summary": None, "error": "", "job": None, "status": ""}
    if data.get("t"):
        job = JobProgress.objects.filter(task_id=data["t"], owner=request.user).first()
        if job is None:
            raise Http404("找不到该导入的校验任务")
        context.update(job=job, status=job_status(job))
        result = job.result or {}
        if result.get("refused"):
            context["error"] = result["refused"]
        elif "total" in result:
            context["summary"] = result
        elif context["status"] == "FAILED":
            context["error"] = ("校验任务中断（处理进程已停止），请重新上传文件" if job.interrupted
                                else "校验任务执行失败，请重新上传文件")
    else:
        try:
            context["summary"] = imports.import_validate(plan=plan, path=imports.import_file_path(data["f"])).as_json(
                errors_limit=None)
        except imports.ImportRefused as exc:
            context["error"] = exc.message
    return render(request, "registration/import_report.html", context)


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def import_confirm(request, token: str):
    data, plan = _token(request, token)
    if data.get("n", 0) > imports.BACKGROUND_ROWS:
        job = job_start(task=import_applications_commit, title=f"批量导入报名（{plan.name}）", owner=request.user,
                        total=data["n"], plan_id=plan.pk, user_id=request.user.pk, file_name=data["f"])
        return redirect("task_progress_page", task_id=job.task_id)
    try:
        report = imports.import_commit(plan=plan, path=imports.import_file_path(data["f"]), by=request.user,
                                       file_name=data["f"])
    except imports.ImportRefused as exc:
        messages.error(request, exc.message)
        return redirect("import_report", token=token)
    warned = f"其中{len(report.warnings)}条所填申报资历不满足申报条件，请在提交前补充。" if report.warnings else ""
    messages.success(request, f"导入完成：新增报名{report.new}条（新登记考生{report.candidates_new}人），"
                              f"已存在{report.existing}条未重复导入。{warned}")
    return redirect(f"{reverse('import_upload')}?plan={plan.pk}")
