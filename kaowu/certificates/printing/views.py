"""Printing pages: a plan's batch and a single certificate as PDF (full design or preprinted stock, with a
printer's calibration), the printer calibrations and their test page, and the holder's electronic certificate."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kaowu.accounts.models import Role
from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.certificates import selectors as sel
from kaowu.certificates.models import Certificate
from kaowu.certificates.printing import services
from kaowu.certificates.printing.forms import CalibrationForm, PrintForm
from kaowu.certificates.printing.selectors import (
    calibration_get_for_user,
    calibrations_of,
    certificate_batch_get_for_user,
)
from kaowu.certificates.printing.tasks import BACKGROUND_CERTIFICATES, certificates_batch_pdf
from kaowu.core.actions import refusal_messages, service_action
from kaowu.core.downloads import job_file_download, private_download
from kaowu.core.jobs import job_start, job_status
from kaowu.core.permissions import role_required
from kaowu.plans.selectors import plan_get_for_user


def _print_response(request, certificates: list[Certificate], *, filename: str):
    form = PrintForm(request.POST or request.GET, calibrations=calibrations_of(request.user))
    if not form.is_valid():
        raise ValidationError("；".join(e for errors in form.errors.values() for e in errors))
    handle = services.certificates_print(certificates=certificates, by=request.user,
                                         layout=form.cleaned_data["layout"],
                                         calibration=form.cleaned_data["calibration"])
    return private_download(handle, filename=filename)


@require_POST
@role_required(*OFFICE_ROLES)
def certificate_plan_print(request, plan_id: int):
    """The plan's valid certificates as one PDF; a batch of more than BACKGROUND_CERTIFICATES is drawn by a
    background job whose page shows the progress and offers the file when it is ready."""
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    certificates = list(sel.certificates_of_plan(user=request.user, plan=plan).filter(status=Certificate.Status.VALID))
    try:
        if len(certificates) > BACKGROUND_CERTIFICATES:
            return _print_in_background(request, plan, len(certificates))
        return _print_response(request, certificates, filename=f"{plan.name}-证书.pdf")
    except ValidationError as exc:
        messages.error(request, "；".join(refusal_messages(exc)))
        return redirect("certificate_plan", plan_id=plan.pk)


def _print_in_background(request, plan, count: int):
    form = PrintForm(request.POST, calibrations=calibrations_of(request.user))
    if not form.is_valid():
        raise ValidationError("；".join(e for errors in form.errors.values() for e in errors))
    calibration = form.cleaned_data["calibration"]
    job = job_start(task=certificates_batch_pdf, title=f"打印证书（{plan.name}）", owner=request.user, total=count,
                    plan_id=plan.pk, user_id=request.user.pk, layout=form.cleaned_data["layout"],
                    calibration_id=calibration.pk if calibration else None)
    return redirect("certificate_batch", task_id=job.task_id)


@require_GET
@role_required(*OFFICE_ROLES)
def certificate_batch(request, task_id: str):
    job, plan = certificate_batch_get_for_user(user=request.user, task_id=task_id)
    return render(request, "certificates/batch.html", {"job": job, "plan": plan, "status": job_status(job)})


@require_GET
@role_required(*OFFICE_ROLES)
def certificate_batch_progress(request, task_id: str):
    job, plan = certificate_batch_get_for_user(user=request.user, task_id=task_id)
    return render(request, "certificates/_batch_progress.html", {"job": job, "plan": plan, "status": job_status(job)})


@require_GET
@role_required(*OFFICE_ROLES)
def certificate_batch_file(request, task_id: str):
    """The stored batch PDF: only for the user who started it, while the plan is in their scope. The print
    itself was recorded (printed_count, audit) when the job drew it, as the request does for a small batch."""
    job, _plan = certificate_batch_get_for_user(user=request.user, task_id=task_id)
    return job_file_download(job.result, default_name="证书.pdf", regenerate="重新打印")


@require_POST
@role_required(*OFFICE_ROLES)
def certificate_print(request, certificate_id: int):
    certificate = sel.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    if certificate.status != Certificate.Status.VALID:
        messages.error(request, f"证书{certificate.number}当前为“{certificate.get_status_display()}”，不能打印")
        return redirect("certificate_detail", certificate_id=certificate.pk)
    return _print_response(request, [certificate], filename=f"证书-{certificate.number}.pdf")


# --- printer calibration --------------------------------------------------------------------------

@role_required(*OFFICE_ROLES)
def calibration_list(request):
    form = CalibrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if service_action(request, lambda: services.calibration_save(by=request.user, **form.cleaned_data),
                          "打印机校准已保存"):
            return redirect("calibration_list")
    return render(request, "certificates/calibrations.html", {
        "calibrations": calibrations_of(request.user), "form": form,
    })


@require_POST
@role_required(*OFFICE_ROLES)
def calibration_update(request, calibration_id: int):
    calibration = calibration_get_for_user(user=request.user, calibration_id=calibration_id)
    form = CalibrationForm(request.POST)
    if form.is_valid():
        service_action(request, lambda: services.calibration_save(by=request.user, calibration=calibration,
                                                                  **form.cleaned_data), "打印机校准已更新")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("calibration_list")


@require_GET
@role_required(*OFFICE_ROLES)
def calibration_test_page(request, calibration_id: int | None = None):
    calibration = (calibration_get_for_user(user=request.user, calibration_id=calibration_id)
                   if calibration_id else None)
    name = calibration.name if calibration else "无偏移"
    return private_download(services.calibration_test_pdf(calibration), filename=f"套打校准测试页-{name}.pdf")


# --- the holder's electronic certificate ---------------------------------------------------------

@require_GET
@role_required(Role.CANDIDATE)
def my_certificate_pdf(request, certificate_id: int):
    """The electronic certificate (R-CQ-14): the full design with the signed QR code, for the holder only."""
    certificate = sel.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    if certificate.status != Certificate.Status.VALID:
        raise Http404("该证书已不再有效")
    handle = services.certificate_electronic(certificate=certificate, by=request.user)
    return private_download(handle, filename=f"电子证书-{certificate.number}.pdf")
