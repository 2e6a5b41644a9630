"""Staff and candidate pages of the certificates' core: the plans with results, a plan (issue; print and
roster buttons of the sub-areas), a certificate (revoke), and the candidate's own certificates. Printing,
replacement, reports and the public verification have their own views in their sub-areas."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kaowu.accounts.models import Role
from kaowu.accounts.roles import CENTER_STAFF_ROLES, OFFICE_ROLES, is_center_staff
from kaowu.certificates import selectors as sel
from kaowu.certificates import services
from kaowu.certificates.forms import RevokeForm
from kaowu.certificates.models import Certificate
from kaowu.certificates.printing.forms import PrintForm
from kaowu.certificates.printing.selectors import calibrations_of
from kaowu.certificates.replacement.selectors import (
    replacements_of,
    replacements_pending_count,
    replacements_visible_to,
)
from kaowu.certificates.reports.selectors import ROSTER_RELEASE_STATES
from kaowu.core.actions import service_action
from kaowu.core.permissions import role_required
from kaowu.plans.selectors import plan_get_for_user
from kaowu.scoring.models import ResultRelease


@role_required(*OFFICE_ROLES)
def certificate_home(request):
    query = (request.GET.get("q") or "").strip()
    found = []
    if query:
        found = list(sel.certificate_search(user=request.user, query=query)[:50])
    return render(request, "certificates/home.html", {
        "plans": sel.plan_rows(request.user), "query": query, "found": found,
        "pending": replacements_pending_count(request.user),
    })


@role_required(*OFFICE_ROLES)
def certificate_plan(request, plan_id: int):
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    summary = sel.plan_certificates_summary(user=request.user, plan=plan)
    return render(request, "certificates/plan.html", {
        "plan": plan, "summary": summary, "certificates": sel.certificates_of_plan(user=request.user, plan=plan),
        "can_issue": is_center_staff(request.user) and sel.can_issue(request.user, plan),
        "final": summary.release is not None and summary.release.status == ResultRelease.Status.FINAL,
        "roster": summary.release is not None and summary.release.status in ROSTER_RELEASE_STATES,
        "print_form": PrintForm(calibrations=calibrations_of(request.user)),
    })


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def certificate_issue(request, plan_id: int):
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    release = sel.release_of(plan)
    if release is None:
        raise Http404("该计划尚无成绩")
    service_action(request, lambda: services.certificates_issue(release=release, by=request.user),
                   lambda issued: f"已核发{len(issued)}本证书，编号 {issued[0].number} 至 {issued[-1].number}")
    return redirect("certificate_plan", plan_id=plan.pk)


@role_required(*OFFICE_ROLES)
def certificate_detail(request, certificate_id: int):
    certificate = sel.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    valid = certificate.status == Certificate.Status.VALID
    return render(request, "certificates/detail.html", {
        "certificate": certificate,
        "can_revoke": sel.is_numbering_center(request.user, certificate) and valid,
        "can_apply": sel.is_station_of(request.user, certificate) and valid,
        "revoke_form": RevokeForm(), "print_form": PrintForm(calibrations=calibrations_of(request.user)),
        "requests": replacements_of(certificate),
        "replaced_by": sel.successor_of(certificate),
    })


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def certificate_revoke(request, certificate_id: int):
    certificate = sel.certificate_get_for_user(user=request.user, certificate_id=certificate_id)
    form = RevokeForm(request.POST)
    reason = form.data.get("reason", "")
    service_action(request, lambda: services.certificate_revoke(certificate=certificate, reason=reason,
                                                                by=request.user), "证书已撤销")
    return redirect("certificate_detail", certificate_id=certificate.pk)


# --- the candidate's own ------------------------------------------------------------------------

@role_required(Role.CANDIDATE)
def my_certificates(request):
    return render(request, "certificates/mine.html", {
        "certificates": sel.certificates_visible_to(request.user).order_by("-issued_on", "-pk"),
        "requests": replacements_visible_to(request.user)[:20],
    })
