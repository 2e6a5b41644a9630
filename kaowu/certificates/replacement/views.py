"""补办 pages (R-FJ-15): the holder or the station applies, the issuing center decides, and the request's
ID scan and photo are shown to those who handle it (every look audited)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kaowu.accounts.models import Role
from kaowu.accounts.roles import CENTER_STAFF_ROLES, INSTITUTION_STAFF_ROLES, OFFICE_ROLES
from kaowu.catalog.policy import policy_active
from kaowu.certificates import selectors as sel
from kaowu.certificates.models import ReplacementRequest
from kaowu.certificates.replacement import services
from kaowu.certificates.replacement.forms import DecisionForm, ReplacementForm
from kaowu.certificates.replacement.selectors import replacement_get_for_user, replacements_filtered
from kaowu.core.actions import service_action
from kaowu.core.downloads import private_file_response
from kaowu.core.permissions import role_required


@role_required(*INSTITUTION_STAFF_ROLES, Role.CANDIDATE)
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


@role_required(*OFFICE_ROLES, Role.CANDIDATE)
def replacement_list(request):
    requests, _filters = replacements_filtered(request.user, request.GET)
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(request, "certificates/replacement_list.html", {
        "requests": page, "page": page, "today": timezone.localdate(), "can_export": request.user.role in OFFICE_ROLES,
    })


@role_required(*OFFICE_ROLES, Role.CANDIDATE)
def replacement_detail(request, request_id: int):
    replacement = replacement_get_for_user(user=request.user, request_id=request_id)
    return render(request, "certificates/replacement_detail.html", {
        "replacement": replacement, "today": timezone.localdate(), "form": DecisionForm(),
        "can_decide": replacement.status == ReplacementRequest.Status.PENDING
        and sel.is_numbering_center(request.user, replacement.certificate),
    })


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def replacement_decide(request, request_id: int):
    replacement = replacement_get_for_user(user=request.user, request_id=request_id)
    if request.POST.get("decision") == "approve":
        service_action(request, lambda: services.replacement_approve(request=replacement, by=request.user),
                       "已批准补办，新证书已生成编号")
    else:
        reason = request.POST.get("reason", "")
        service_action(request, lambda: services.replacement_reject(request=replacement, reason=reason,
                                                                    by=request.user), "已不予补办")
    return redirect("replacement_detail", request_id=replacement.pk)


@require_GET
@role_required(*OFFICE_ROLES)
def replacement_file(request, request_id: int, which: str):
    """The ID scan or the photo of a request: personal data, so every look is audited."""
    replacement = replacement_get_for_user(user=request.user, request_id=request_id)
    if which not in ("id_document", "photo"):
        raise Http404()
    field = getattr(replacement, which)
    services.replacement_file_record(request=replacement, which=which, by=request.user)
    name = field.name.rsplit("/", 1)[-1]
    content_type = "application/pdf" if name.lower().endswith(".pdf") else (
        "image/png" if name.lower().endswith(".png") else "image/jpeg")
    return private_file_response(field, filename=name, content_type=content_type)


