"""Staff and candidate pages of certificates: per plan (issue, print, roster), a certificate (revoke,
replace, print), replacement requests, printer calibrations, and the candidate's own certificates."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kaowu.accounts.models import Role
from kaowu.catalog.policy import policy_active
from kaowu.certificates import selectors as sel
from kaowu.certificates import services
from kaowu.certificates.forms import CalibrationForm, DecisionForm, PrintForm, ReplacementForm, RevokeForm
from kaowu.certificates.models import Certificate, ReplacementRequest
from kaowu.certificates.printing import calibration_test_pdf, certificates_pdf_file
from kaowu.core.actions import refusal_messages, service_action
from kaowu.core.downloads import private_download, private_file_response
from kaowu.core.permissions import role_required
from kaowu.plans.selectors import plan_get_for_user
from kaowu.scoring.models import ResultRelease

OFFICE = sel.OFFICE_ROLES
CENTERS = (Role.PROVINCE_ADMIN, Role.CITY_REVIEWER)


@role_required(*OFFICE)
def certificate_home(request):
    query = (request.GET.get("q") or "").strip()
    found = []
    if query:
        found = list(sel.certificate_search(user=request.user, query=query)[:50])
    return render(request, "certificates/home.html", {
        "plans": sel.plan_rows(request.user), "query": query, "found": found,
        "pending": sel.replacements_visible_to(request.user).filter(
            status=ReplacementRequest.Status.PENDING).count(),
    })


@role_required(*OFFICE)
def certificate_plan(request, plan_id: int):
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    summary = sel.plan_certificates_summary(user=request.user, plan=plan)
    return render(request, "certificates/plan.html", {
        "plan": plan, "summary": summary, "certificates": sel.certificates_of_plan(user=request.user, plan=plan),
        "can_issue": request.user.role in CENTERS and sel.can_issue(request.user, plan),
        "final": summary.release is not None and summary.release.status == ResultRelease.Status.FINAL,
        "roster": summary.release is not None and summary.release.status in sel.ROSTER_RELEASE_STATES,
        "print_form": PrintForm(calibrations=sel.calibrations_of(request.user)),
    })


@require_POST
@role_required(*CENTERS)
def certificate_issue(request, plan_id: int):
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    release = sel.release_of(plan)
    if release is None:
        raise Http404("该计划尚无成绩")
    service_action(request, lambda: services.certificates_issue(release=release, by=request.user),
                   lambda issued: f"已核发{len(issued)}本证书，编号 {issued[0].number} 至 {issued[-1].number}")
    return redirect("certificate_plan", plan_id=plan.pk)


def _print_response(request, certificates: list[Certificate], *, filename: str):
    form = PrintForm(request.POST or request.GET, calibrations=sel.calibrations_of(request.user))
    if not form.is_valid():
        raise ValidationError("；".join(e for errors in form.errors.values() for e in errors))
    layout = form.cleaned_data["layout"]
    calibration = form.cleaned_data["calibration"]
    if not certificates:
        raise ValidationError("没有可打印的有效证书")
    services.certificates_print_record(certificates=certificates, by=request.user, layout=layout,
                                       calibration=calibration)
    handle = certificates_pdf_file(certificates, layout=layout, calibration=calibration)
    return private_download(handle, filename=filename)


@require_POST
@role_required(*OFFICE)
def certificate_plan_print(request, plan_id: int):
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    certificates = list(sel.certificates_of_plan(user=request.user, plan=plan).filter(status=Certificate.Status.VALID))
    try:
        return _print_response(request, certificates, filename=f"{plan.name}-证书.pdf")
    except ValidationError as exc:
        messages.error(request, "；".join(refusal_messages(exc)))
        return redirect("certificate_plan", plan_id=plan.pk)


@role_required(*OFFICE)
def certificate_detail(request, certificate_id: int):
    certificate = sel.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    return render(request, "certificates/detail.html", {
        "certificate": certificate,
        "can_revoke": sel.is_numbering_center(request.user, certificate) and certificate.status == "valid",
        "can_apply": sel.is_station_of(request.user, certificate) and certificate.status == "valid",
        "revoke_form": RevokeForm(), "print_form": PrintForm(calibrations=sel.calibrations_of(request.user)),
        "requests": sel.replacements_of(certificate),
        "replaced_by": sel.successor_of(certificate),
    })


@require_POST
@role_required(*OFFICE)
def certificate_print(request, certificate_id: int):
    certificate = sel.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    if certificate.status != Certificate.Status.VALID:
        messages.error(request, f"证书{certificate.number}当前为“{certificate.get_status_display()}”，不能打印")
        return redirect("certificate_detail", certificate_id=certificate.pk)
    return _print_response(request, [certificate], filename=f"证书-{certificate.number}.pdf")


@require_POST
@role_required(*CENTERS)
def certificate_revoke(request, certificate_id: int):
    certificate = sel.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    form = RevokeForm(request.POST)
    reason = form.data.get("reason", "")
    service_action(request, lambda: services.certificate_revoke(certificate=certificate, reason=reason,
                                                                by=request.user), "证书已撤销")
    return redirect("certificate_detail", certificate_id=certificate.pk)


# --- replacement ----------------------------------------------------------------------------------

@role_required(Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK, Role.CANDIDATE)
def replacement_apply(request, certificate_id: int):
    certificate = sel.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    if not (sel.is_holder(request.user, certificate) or sel.is_station_of(request.user, certificate)):
        raise PermissionDenied("只有持证人本人或其报名考核机构可以申请补办")
    form = ReplacementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        created: list[ReplacementRequest] = []

        def call():
            created.append(services.replacement_apply(
                certificate=certificate, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"],
                id_document=form.cleaned_data["id_document"], photo=form.cleaned_data["photo"], by=request.user))

        if service_action(request, call, "补办申请已提交"):
            return redirect("replacement_detail", request_id=created[0].pk)
    policy = policy_active()
    return render(request, "certificates/replacement_apply.html", {
        "certificate": certificate, "form": form, "fee": policy.certificate_replacement_fee,
        "workdays": policy.certificate_replacement_workdays,
    })


@role_required(*OFFICE, Role.CANDIDATE)
def replacement_list(request):
    requests = sel.replacements_visible_to(request.user)
    return render(request, "certificates/replacement_list.html", {
        "requests": requests[:200], "today": timezone.localdate(),
    })


@role_required(*OFFICE, Role.CANDIDATE)
def replacement_detail(request, request_id: int):
    replacement = sel.replacement_get_for_user(user=request.user, request_id=request_id)
    return render(request, "certificates/replacement_detail.html", {
        "replacement": replacement, "today": timezone.localdate(), "form": DecisionForm(),
        "can_decide": replacement.status == ReplacementRequest.Status.PENDING
        and sel.is_numbering_center(request.user, replacement.certificate),
    })


@require_POST
@role_required(*CENTERS)
def replacement_decide(request, request_id: int):
    replacement = sel.replacement_get_for_user(user=request.user, request_id=request_id)
    if request.POST.get("decision") == "approve":
        service_action(request, lambda: services.replacement_approve(request=replacement, by=request.user),
                       "已批准补办，新证书已生成编号")
    else:
        reason = request.POST.get("reason", "")
        service_action(request, lambda: services.replacement_reject(request=replacement, reason=reason,
                                                                    by=request.user), "已不予补办")
    return redirect("replacement_detail", request_id=replacement.pk)


@require_GET
@role_required(*CENTERS, Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK)
def replacement_file(request, request_id: int, which: str):
    """The ID scan or the photo of a request: personal data, so every look is audited."""
    replacement = sel.replacement_get_for_user(user=request.user, request_id=request_id)
    if which not in ("id_document", "photo"):
        raise Http404()
    field = getattr(replacement, which)
    services.replacement_file_record(request=replacement, which=which, by=request.user)
    name = field.name.rsplit("/", 1)[-1]
    content_type = "application/pdf" if name.lower().endswith(".pdf") else (
        "image/png" if name.lower().endswith(".png") else "image/jpeg")
    return private_file_response(field, filename=name, content_type=content_type)


# --- printer calibration --------------------------------------------------------------------------

@role_required(*OFFICE)
def calibration_list(request):
    form = CalibrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if service_action(request, lambda: services.calibration_save(by=request.user, **form.cleaned_data),
                          "打印机校准已保存"):
            return redirect("calibration_list")
    return render(request, "certificates/calibrations.html", {
        "calibrations": sel.calibrations_of(request.user), "form": form,
    })


@require_POST
@role_required(*OFFICE)
def calibration_update(request, calibration_id: int):
    calibration = sel.calibration_get_for_user(user=request.user, calibration_id=calibration_id)
    form = CalibrationForm(request.POST)
    if form.is_valid():
        service_action(request, lambda: services.calibration_save(by=request.user, calibration=calibration,
                                                                  **form.cleaned_data), "打印机校准已更新")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("calibration_list")


@require_GET
@role_required(*OFFICE)
def calibration_test_page(request, calibration_id: int | None = None):
    calibration = (sel.calibration_get_for_user(user=request.user, calibration_id=calibration_id)
                   if calibration_id else None)
    name = calibration.name if calibration else "无偏移"
    return private_download(calibration_test_pdf(calibration), filename=f"套打校准测试页-{name}.pdf")


# --- the candidate's own ------------------------------------------------------------------------

@role_required(Role.CANDIDATE)
def my_certificates(request):
    return render(request, "certificates/mine.html", {
        "certificates": sel.certificates_visible_to(request.user).order_by("-issued_on", "-pk"),
        "requests": sel.replacements_visible_to(request.user)[:20],
    })


@require_GET
@role_required(Role.CANDIDATE)
def my_certificate_pdf(request, certificate_id: int):
    """The electronic certificate (R-CQ-14): the full design with the signed QR code, for the holder only."""
    certificate = sel.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    if certificate.status != Certificate.Status.VALID:
        raise Http404("该证书已不再有效")
    services.certificates_print_record(certificates=[certificate], by=request.user, layout="full", electronic=True)
    handle = certificates_pdf_file([certificate], title="电子证书")
    return private_download(handle, filename=f"电子证书-{certificate.number}.pdf")

