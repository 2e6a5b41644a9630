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

from kaowu.accounts.models import Role
from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.core.actions import service_action
from kaowu.core.downloads import private_download
from kaowu.core.permissions import role_required
from kaowu.core.services import audit_record
from kaowu.plans.selectors import plan_get_for_user
from kaowu.registration import commitments, documents
from kaowu.registration.selectors import application_get_for_user

STAFF = (Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK)


def _download(data, filename: str, content_type: str = "application/pdf") -> FileResponse:
    return private_download(data, filename=filename, content_type=content_type)


@login_required
def application_receipt(request, application_id: int):
    """The fee receipt of a paid application: the candidate's own, or for staff who can see it
    (their download of a document with personal data is audited)."""
    application = application_get_for_user(user=request.user, application_id=application_id)
    payment = documents.receipt_payment(application)
    pdf = documents.receipt_pdf(payment)
    if request.user.role != Role.CANDIDATE:
        audit_record(action="application.receipt_download", actor=request.user, target=application,
                     after={"receipt_number": payment.receipt_number})
    return _download(pdf, f"缴费凭证-{application.pk}.pdf")


def _commitment_plan(request, plan_id: int):
    return plan_get_for_user(user=request.user, plan_id=plan_id)


@role_required(*OFFICE_ROLES)
def plan_commitment(request, plan_id: int):
    plan = _commitment_plan(request, plan_id)
    can_upload = request.user.role in STAFF and request.user.organisation_id == plan.institution_id
    return render(request, "registration/commitment_detail.html", {
        "plan": plan, "state": commitments.plan_commitment_state(plan), "can_upload": can_upload,
        "holding_label": commitments.HOLDING_LABEL, "max_mb": commitments.MAX_BYTES // 1024 // 1024,
        "text": commitments.COMMITMENT_TEXT, "text_version": commitments.COMMITMENT_TEXT_VERSION,
    })


@role_required(*OFFICE_ROLES)
def plan_commitment_pdf(request, plan_id: int):
    """The commitment to print, sign and seal, with today's counts."""
    plan = _commitment_plan(request, plan_id)
    pdf = documents.commitment_pdf(plan, commitments.plan_commitment_counts(plan))
    return _download(pdf, f"承诺书-{plan.pk}.pdf")


@require_POST
@role_required(*STAFF)
def plan_commitment_upload(request, plan_id: int):
    plan = _commitment_plan(request, plan_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择已签字盖章的承诺书扫描件")
    else:
        service_action(request, lambda: commitments.plan_commitment_upload(plan=plan, by=request.user, upload=upload),
                       "承诺书已上传。")
    return redirect("plan_commitment", plan_id=plan.pk)


@role_required(*OFFICE_ROLES)
def plan_commitment_file(request, plan_id: int):
    """The signed scan, for the institution, its reviewing center and the province."""
    plan = _commitment_plan(request, plan_id)
    commitment = commitments.plan_commitment_state(plan).commitment
    if commitment is None or not commitment.signed_file:
        raise Http404("尚未上传承诺书")
    try:
        handle = commitment.signed_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("承诺书文件不存在") from exc
    name = commitment.signed_file.name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return _download(handle, f"承诺书-{plan.pk}-已签章{name[name.rfind('.'):]}", content_type)
