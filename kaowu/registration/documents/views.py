"""Documents of registration: the candidate's fee receipt (R-CQ-4) and the institution's commitment
per plan (R-LN-3, R-SC24-7): its page, the PDF to sign, the upload of the signed scan and the scan.

Scoping comes from the selectors: an application or a plan outside the user's scope is a 404.
"""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kaowu.accounts.roles import INSTITUTION_STAFF_ROLES, OFFICE_ROLES, is_institution_staff_of
from kaowu.core.actions import service_action
from kaowu.core.downloads import private_download
from kaowu.core.permissions import role_required
from kaowu.plans.selectors import plan_get_for_user
from kaowu.registration.documents import pdf, selectors, services
from kaowu.registration.selectors import application_get_for_user


def _download(data, filename: str, content_type: str = "application/pdf") -> FileResponse:
    return private_download(data, filename=filename, content_type=content_type)


@login_required
def application_receipt(request, application_id: int):
    """The fee receipt of a paid application: the candidate's own, or for staff who can see it
    (their download of a document with personal data is audited)."""
    application = application_get_for_user(user=request.user, application_id=application_id)
    payment = selectors.receipt_payment(application)
    receipt = pdf.receipt_pdf(payment)
    services.application_receipt_download_record(application=application, payment=payment, by=request.user)
    return _download(receipt, f"缴费凭证-{application.pk}.pdf")


@login_required
def application_refund_receipt(request, application_id: int):
    """The receipt of a payment that became a refund (R-SC21-5): the payment, the refund (waiting or confirmed
    with method, amount and date), and that it no longer vouches for a ticket. Staff downloads are audited."""
    application = application_get_for_user(user=request.user, application_id=application_id)
    payment = selectors.refund_receipt_payment(application)
    receipt = pdf.receipt_pdf(payment)
    services.application_receipt_download_record(application=application, payment=payment, by=request.user)
    return _download(receipt, f"退费凭证-{application.pk}.pdf")


def _commitment_plan(request, plan_id: int):
    return plan_get_for_user(user=request.user, plan_id=plan_id)


@role_required(*OFFICE_ROLES)
def plan_commitment(request, plan_id: int):
    plan = _commitment_plan(request, plan_id)
    can_upload = is_institution_staff_of(request.user, plan.institution_id)
    return render(request, "registration/commitment_detail.html", {
        "plan": plan, "state": selectors.plan_commitment_state(plan), "can_upload": can_upload,
        "holding_label": services.HOLDING_LABEL, "max_mb": services.MAX_BYTES // 1024 // 1024,
        "text": services.COMMITMENT_TEXT, "text_version": services.COMMITMENT_TEXT_VERSION,
    })


@role_required(*OFFICE_ROLES)
def plan_commitment_pdf(request, plan_id: int):
    """The commitment to print, sign and seal, with today's counts."""
    plan = _commitment_plan(request, plan_id)
    commitment = pdf.commitment_pdf(plan, selectors.plan_commitment_counts(plan))
    return _download(commitment, f"承诺书-{plan.pk}.pdf")


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def plan_commitment_upload(request, plan_id: int):
    plan = _commitment_plan(request, plan_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择已签字盖章的承诺书扫描件")
    else:
        service_action(request, lambda: services.plan_commitment_upload(plan=plan, by=request.user, upload=upload),
                       "承诺书已上传。")
    return redirect("plan_commitment", plan_id=plan.pk)


@role_required(*OFFICE_ROLES)
def plan_commitment_file(request, plan_id: int):
    """The signed scan, for the institution, its reviewing center and the province."""
    plan = _commitment_plan(request, plan_id)
    commitment = selectors.plan_commitment_state(plan).commitment
    if commitment is None or not commitment.signed_file:
        raise Http404("尚未上传承诺书")
    try:
        handle = commitment.signed_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("承诺书文件不存在") from exc
    name = commitment.signed_file.name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return _download(handle, f"承诺书-{plan.pk}-已签章{name[name.rfind('.'):]}", content_type)
