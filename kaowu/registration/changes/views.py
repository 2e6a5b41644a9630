"""Changes to a candidate's data (R-LN-5b): the candidate or the institution proposes, the center
that reviews the application decides. Before submission a change applies at once."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kaowu.accounts.models import Role
from kaowu.accounts.roles import CENTER_STAFF_ROLES, INSTITUTION_STAFF_ROLES, OFFICE_ROLES
from kaowu.core.actions import service_action
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.forms import form_add_error
from kaowu.core.permissions import role_required
from kaowu.registration import selectors
from kaowu.registration.changes import selectors as change_selectors
from kaowu.registration.changes import services
from kaowu.registration.changes.forms import CandidateDataForm
from kaowu.registration.models import CandidateChangeRequest

ChangeStatus = CandidateChangeRequest.Status


def _back(request, application_id: int):
    if request.user.role == Role.CANDIDATE:
        return redirect("candidate_application", application_id=application_id)
    return redirect("application_detail", application_id=application_id)


@role_required(Role.CANDIDATE, *INSTITUTION_STAFF_ROLES)
def change_request_new(request, application_id: int):
    application = selectors.application_get_for_user(user=request.user, application_id=application_id)
    candidate = application.candidate
    form = CandidateDataForm(request.POST or None,
                             initial={f: getattr(candidate, f) for f in services.CHANGEABLE_FIELDS})
    locked = services.candidate_data_locked(candidate)
    if request.method == "POST" and form.is_valid():
        proposed = {f: form.cleaned_data[f] for f in services.CHANGEABLE_FIELDS}
        try:
            result = services.candidate_data_change(application=application, by=request.user, proposed=proposed,
                                                   reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form_add_error(form, exc)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        except PermissionRefused as exc:
            form.add_error(None, exc.message)
        else:
            if isinstance(result, CandidateChangeRequest):
                messages.success(request, "已提交信息变更申请，待中心审核；审核通过后以变更后的信息为准。")
            else:
                messages.success(request, "个人信息已修改。")
            return _back(request, application.pk)
    pending = candidate.change_requests.filter(status=ChangeStatus.PENDING).first()
    return render(request, "registration/change_form.html", {
        "application": application, "candidate": candidate, "form": form, "locked": locked, "pending": pending,
    }, status=400 if form.errors else 200)


@role_required(*OFFICE_ROLES)
def change_request_list(request):
    rows, filters = change_selectors.change_requests_filtered(request.user, request.GET)
    status = filters["status"]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "registration/change_list.html", {
        "page": page, "status": status, "statuses": ChangeStatus.choices,
        "rows": [(r, change_selectors.change_rows(r)) for r in page],
    })


def _visible(request, change_request_id: int) -> CandidateChangeRequest:
    return get_object_or_404(change_selectors.change_requests_visible_to(request.user), pk=change_request_id)


@role_required(*OFFICE_ROLES)
def change_request_detail(request, change_request_id: int):
    change_request = _visible(request, change_request_id)
    plan = change_request.application.plan
    user = request.user
    can_decide = change_request.status == ChangeStatus.PENDING and (
        user.role == Role.PROVINCE_ADMIN
        or (user.role == Role.CITY_REVIEWER and user.organisation_id == plan.reviewing_center_id))
    return render(request, "registration/change_detail.html", {
        "change": change_request, "rows": change_selectors.change_rows(change_request), "can_decide": can_decide,
    })


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def change_request_decide(request, change_request_id: int):
    change_request = _visible(request, change_request_id)
    if request.POST.get("decision") == "approve":
        service_action(request, lambda: services.change_request_approve(
            change_request=change_request, by=request.user, note=request.POST.get("reason", "")),
            "已同意变更，考生信息已更新。")
    else:
        service_action(request, lambda: services.change_request_reject(
            change_request=change_request, by=request.user, reason=request.POST.get("reason", "")),
            "已不同意变更，申请人可看到原因。")
    return redirect("change_request_detail", change_request_id=change_request.pk)
