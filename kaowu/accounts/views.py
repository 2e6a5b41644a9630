from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kaowu.accounts import selectors
from kaowu.accounts.forms import LoginForm, UserFilterForm
from kaowu.accounts.models import Organisation
from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.accounts.security import LoginRefused, login_with_password, logout_record
from kaowu.core.permissions import role_required


def login_view(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        try:
            login_with_password(
                request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except LoginRefused as refused:
            form.add_error(None, refused.message)
        else:
            if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                return redirect(next_url)
            return redirect("home")
    return render(request, "accounts/login.html", {
        "form": form, "next": next_url,
        "lockout_failures": settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES, "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
    })


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        logout_record(user=request.user)
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("login")


@role_required(*OFFICE_ROLES)
def organisation_list(request):
    organisations, filters = selectors.organisations_filtered(request.user, request.GET)
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/organisation_list.html", {
        "organisations": page, "page": page, "kind": filters["kind"], "kinds": Organisation.Kind.choices,
    })


@role_required(*OFFICE_ROLES)
def organisation_detail(request, organisation_id: int):
    org = selectors.organisation_get_for_user(user=request.user, organisation_id=organisation_id)
    return render(request, "accounts/organisation_detail.html", {
        "org": org, **selectors.organisation_detail_data(user=request.user, organisation=org),
    })


@role_required(*OFFICE_ROLES)
def user_list(request):
    form = UserFilterForm(request.GET or None)
    form.is_valid()  # for its errors and values; the rows are the export's (users_filtered)
    users, _filters = selectors.users_filtered(request.user, request.GET)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/user_list.html", {"form": form, "page": page, "query": query.urlencode()})


@role_required(*OFFICE_ROLES)
def user_detail(request, user_id: int):
    person = selectors.user_get_for_user(user=request.user, user_id=user_id)
    return render(request, "accounts/user_detail.html", {"person": person})
