"""Candidate self-service: sign up, apply, upload a photo and documents, submit, follow the reviews.

Every read goes through registration.selectors (a candidate sees only their own applications;
staff only those of their scope); an object outside the scope is a 404, never a 403, so that
ids cannot be probed. ID numbers are shown masked except in the form where they are typed.
"""


from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kaowu.accounts.models import Role
from kaowu.catalog.selectors import eligibility_name_options
from kaowu.core.actions import service_action as _act
from kaowu.core.downloads import private_file_response
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.forms import form_add_error
from kaowu.core.permissions import role_required
from kaowu.portal.candidate.forms import (
    ApplyForm,
    CommitmentForm,
    DocumentForm,
    PhotoForm,
    SignupForm,
    WithdrawForm,
)
from kaowu.portal.candidate.selectors import candidate_of
from kaowu.portal.candidate.services import candidate_sign_up
from kaowu.portal.selectors import announcements_open
from kaowu.registration import services
from kaowu.registration.documents.services import application_document_download_record
from kaowu.registration.models import Application
from kaowu.registration.photos import PhotoError
from kaowu.registration.selectors import (
    application_get_for_user,
    applications_visible_to,
    eligibility_shown,
    refunds_visible_to,
)

Status = Application.Status
# The candidate may still change what they hand in (photo, documents) and submit.
EDITABLE = services.EDITABLE_BY_CANDIDATE
# Reasons are shown to the candidate when the application came back or was refused.
WITH_REASON = {Status.RETURNED, Status.REJECTED}


# --- helpers -----------------------------------------------------------------------------------

def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


# --- sign up -----------------------------------------------------------------------------------

def candidate_signup(request):
    if request.user.is_authenticated:
        return redirect("candidate_home" if request.user.role == Role.CANDIDATE else "home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = candidate_sign_up(data=form.candidate_data(), password=form.cleaned_data["password1"])
        except ValidationError as exc:
            form_add_error(form, exc)
        else:
            # The session needs the request: the one step of the sign-up that stays in the view.
            login(request, user)
            messages.success(request, "注册成功。请选择考核计划报名，并上传照片和材料。")
            return redirect(_safe_next(request) or "candidate_home")
    return render(request, "portal/candidate_signup.html", {"form": form, "next": _safe_next(request)},
                  status=400 if form.errors else 200)


# --- 我的报名 -------------------------------------------------------------------------------------

@role_required(Role.CANDIDATE)
def candidate_home(request):
    today = timezone.localdate()
    candidate = candidate_of(request.user)
    applications = applications_visible_to(request.user).select_related("item__occupation", "item__special_item")
    applied_plans = {a.plan_id for a in applications}
    return render(request, "portal/candidate_home.html", {
        "candidate": candidate, "applications": applications, "with_reason": WITH_REASON,
        "open_plans": list(announcements_open(today=today)), "applied_plans": applied_plans,
    })


@role_required(Role.CANDIDATE)
def candidate_apply(request, plan_id: int):
    plan = get_object_or_404(announcements_open(today=timezone.localdate()), pk=plan_id)
    candidate = candidate_of(request.user)
    if candidate is None:
        messages.error(request, "您的账号没有关联考生信息，请联系报名机构。")
        return redirect("candidate_home")
    items = plan.items.select_related("occupation", "special_item").order_by("pk")
    names = eligibility_name_options([i.occupation.name for i in items if i.occupation_id])
    form = ApplyForm(request.POST or None, items=items, names=names)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                application = services.application_create(candidate=candidate, item=form.cleaned_data["item"],
                                                          by=request.user, profile=form.profile())
        except ValidationError as exc:
            form_add_error(form, exc)
        except PermissionRefused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, "报名已保存为草稿。请上传照片和材料，阅读承诺书后提交。")
            # Saved all the same; the names the catalogue does not know count for nothing (the chosen item's rules).
            for warning in (eligibility_shown(application) or {}).get("warnings", []):
                messages.warning(request, warning)
            return redirect("candidate_application", application_id=application.pk)
    if form.is_bound:
        form.name_warnings()  # marks the fields whose typed name is not in the lists
    return render(request, "portal/candidate_apply.html", {"plan": plan, "form": form, "names": names},
                  status=400 if form.errors else 200)


# --- one application ---------------------------------------------------------------------------

def _application_context(request, application: Application, **forms) -> dict:
    editable = application.status in EDITABLE
    eligibility = eligibility_shown(application)
    unmet = [c for c in (eligibility or {}).get("conditions", []) if not c.get("met")]
    return {
        "application": application, "candidate": application.candidate, "editable": editable,
        "show_reason": application.status in WITH_REASON and application.review_reason,
        "eligibility": eligibility, "unmet": unmet,
        "documents": application.documents.order_by("created_at"),
        "change_requests": application.candidate.change_requests.order_by("-created_at")[:5],
        "photo_locked": application.candidate.applications.filter(status__in=services.HOLDING_PLACE).exists(),
        "can_withdraw": Status.WITHDRAWN in services.APPLICATION_TRANSITIONS[application.status],
        "commitment_text": services.COMMITMENT_TEXT,
        "refunds": refunds_visible_to(request.user).filter(payment__application=application),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "commitment_form": forms.get("commitment_form") or CommitmentForm(),
        "withdraw_form": WithdrawForm(),
    }


def _own_application(request, application_id: int) -> Application:
    return application_get_for_user(user=request.user, application_id=application_id)


@role_required(Role.CANDIDATE)
def candidate_application(request, application_id: int):
    application = _own_application(request, application_id)
    return render(request, "portal/candidate_application.html", _application_context(request, application))


@require_POST
@role_required(Role.CANDIDATE)
def candidate_photo(request, application_id: int):
    application = _own_application(request, application_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.candidate_photo_set(candidate=application.candidate, by=request.user,
                                data=form.cleaned_data["photo"].read())
        except PhotoError as exc:
            form.add_error("photo", f"{exc.message}（规则 {exc.rule_id}）")
        except ValidationError as exc:
            # The page no longer offers the upload form: say why at the top.
            messages.error(request, "；".join(exc.messages))
            return redirect("candidate_application", application_id=application.pk)
        except PermissionRefused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, "照片已上传并按规定格式处理，请核对。")
            return redirect("candidate_application", application_id=application.pk)
    return render(request, "portal/candidate_application.html",
                  _application_context(request, application, photo_form=form), status=400)


@require_POST
@role_required(Role.CANDIDATE)
def candidate_document(request, application_id: int):
    application = _own_application(request, application_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.application_document_add(application=application, by=request.user, kind=form.cleaned_data["kind"],
                                               upload=form.cleaned_data["file"], title=form.cleaned_data["title"])
        except ValidationError as exc:
            form_add_error(form, exc)
        except RuleViolation as exc:
            form.add_error(None, str(exc))
        except PermissionRefused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, "材料已上传。")
            return redirect("candidate_application", application_id=application.pk)
    return render(request, "portal/candidate_application.html",
                  _application_context(request, application, document_form=form), status=400)


@require_POST
@role_required(Role.CANDIDATE)
def candidate_submit(request, application_id: int):
    application = _own_application(request, application_id)
    form = CommitmentForm(request.POST)
    form.is_valid()
    accepted = bool(form.cleaned_data.get("commitment"))
    if not application.candidate.photo and accepted:
        messages.error(request, "提交前请先上传本人照片（规则 R-FJ-4）")
    else:
        _act(request, lambda: services.application_submit(application=application, by=request.user,
                                                          commitment_accepted=accepted, today=timezone.localdate()),
             "报名已提交，请等待报名机构初审。初审时须携带身份证等原件到现场查验。")
    return redirect("candidate_application", application_id=application.pk)


@require_POST
@role_required(Role.CANDIDATE)
def candidate_withdraw(request, application_id: int):
    application = _own_application(request, application_id)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    _act(request, lambda: services.application_withdraw(application=application, by=request.user,
                                                        reason=reason or "考生撤回报名"),
         "报名已撤回。已缴费的，报名机构确认后退费。")
    return redirect("candidate_application", application_id=application.pk)


# --- the photo: scoped, never served from MEDIA_URL ----------------------------------------

@login_required
def candidate_photo_file(request, application_id: int):
    """The photo of an application's candidate: for the candidate themselves (their own applications
    only) and for staff who can see that application; anyone else gets a 404."""
    application = application_get_for_user(user=request.user, application_id=application_id)
    return private_file_response(application.candidate.photo, filename=f"photo-{application.pk}.jpg",
                                 content_type="image/jpeg", missing="照片不存在")


DOCUMENT_CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@login_required
def application_document_file(request, application_id: int, document_id: int):
    """A document of an application, under the name it was handed in with (a thesis under its
    R-SC21-6b name): for the candidate and for staff who can see the application; others get a 404.
    Staff downloads are audited: the documents carry personal data."""
    application = application_get_for_user(user=request.user, application_id=application_id)
    document = get_object_or_404(application.documents, pk=document_id)
    suffix = ("." + document.file.name.rsplit(".", 1)[-1].lower()) if "." in document.file.name else ""
    response = private_file_response(document.file, filename=document.name,
                                     content_type=DOCUMENT_CONTENT_TYPES.get(suffix, "application/octet-stream"))
    application_document_download_record(application=application, document=document, by=request.user)
    return response
