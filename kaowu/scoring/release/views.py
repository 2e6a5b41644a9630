"""Release pages for the institution and its center: the plan's results with what still blocks the
submission (R-FJ-10, R-CQ-11), the evidence the center reviews (scores, signed sheets, summary photos,
spreads, checks), approval, return, publication (R-CQ-12), finality, and rechecks (R-FJ-11).

Every read is scoped through plans_visible_to (an outsider gets 404); the services check who may act
(a clerk cannot approve: 403) and refuse with the rule id.
"""

import mimetypes

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaowu.accounts.roles import (
    CENTER_STAFF_ROLES,
    INSTITUTION_STAFF_ROLES,
    OFFICE_ROLES,
    is_institution_staff_of,
    is_reviewing_center_of,
)
from kaowu.core.actions import service_action, service_action_form
from kaowu.core.downloads import private_file_response
from kaowu.core.permissions import role_required
from kaowu.plans.selectors import plan_get_for_user
from kaowu.scoring.models import RecheckRequest
from kaowu.scoring.release import selectors as sel
from kaowu.scoring.release import services
from kaowu.scoring.release.forms import RecheckDecisionForm, RecheckRequestForm, ReturnForm

Status = sel.Status


@role_required(*OFFICE_ROLES)
def release_list(request):
    rows = sel.plans_with_results(request.user)
    today = timezone.localdate()
    return render(request, "scoring/release/list.html", {
        "rows": rows, "today": today, "overdue": sel.overdue_releases(request.user, today),
        "pending_rechecks": sel.rechecks_visible_to(request.user).filter(
            status=RecheckRequest.Status.PENDING).count(),
    })


@role_required(*OFFICE_ROLES)
def release_plan(request, plan_id: int):
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    release = sel.release_preview(plan)
    user, today = request.user, timezone.localdate()
    is_staff = is_institution_staff_of(user, plan.institution_id)
    is_center = is_reviewing_center_of(user, plan.reviewing_center)
    saved = release is not None and release.pk is not None
    open_for_entry = release is None or release.status in (Status.ENTERING, Status.RETURNED)
    context = {
        "plan": plan, "release": release, "saved": saved, "is_staff": is_staff, "is_center": is_center,
        "today": today, "gaps": sel.submission_gaps(plan) if is_staff and open_for_entry and release else [],
        "evidence": sel.release_evidence(plan) if release else [],
        "return_form": ReturnForm(), "locked": sel.scores_locked(plan),
    }
    if saved:
        page = Paginator(sel.release_results(release), 100).get_page(request.GET.get("page"))
        context.update({
            "results": page, "counts": sel.release_counts(release),
            "rechecks": sel.rechecks_visible_to(user).filter(result__release=release),
        })
        if release.status == Status.APPROVED:
            context["terms"] = services.publication_terms(release, today)
        if release.status == Status.PUBLISHED:
            last = max(release.recheck_until, release.publication_ends)
            context["finalisable_from"] = last
    return render(request, "scoring/release/plan.html", context)


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def release_submit(request, plan_id: int):
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    service_action(request, lambda: services.results_submit(plan=plan, by=request.user),
                   f"成绩已上报{plan.reviewing_center.name}审核。")
    return redirect("release_plan", plan_id=plan.pk)


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def release_approve(request, release_id: int):
    release = sel.release_get_for_user(user=request.user, release_id=release_id)
    service_action(request, lambda: services.results_approve(release=release, by=request.user),
                   "成绩已审核确认，考生可查询本人成绩。请按期公示（R-CQ-12）。")
    return redirect("release_plan", plan_id=release.plan_id)


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def release_return(request, release_id: int):
    release = sel.release_get_for_user(user=request.user, release_id=release_id)
    reason = request.POST.get("reason", "")
    service_action(request, lambda: services.results_return(release=release, reason=reason, by=request.user),
                   "成绩已退回报名考核机构更正。")
    return redirect("release_plan", plan_id=release.plan_id)


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def release_publish(request, release_id: int):
    release = sel.release_get_for_user(user=request.user, release_id=release_id)
    terms = services.publication_terms(release)
    note = (f"已超过最迟公示日期{terms.late_days}天（R-CQ-12），已记录。" if terms.late_days else "")
    service_action(request, lambda: services.results_publish(release=release, by=request.user),
                   f"成绩已公示，公示期至{terms.ends:%Y年%m月%d日}，复查申请截止{terms.recheck_until:%Y年%m月%d日}。{note}")
    return redirect("release_plan", plan_id=release.plan_id)


@require_POST
@role_required(*CENTER_STAFF_ROLES)
def release_finalise(request, release_id: int):
    release = sel.release_get_for_user(user=request.user, release_id=release_id)
    service_action(request, lambda: services.results_finalise(release=release, by=request.user),
                   "成绩已确认为最终成绩，此后不再更改。")
    return redirect("release_plan", plan_id=release.plan_id)


@role_required(*OFFICE_ROLES)
def release_summary_photo(request, summary_id: int):
    """The signed summary's photo: for the plan's institution and its center; every download audited."""
    summary = sel.summary_get_for_user(user=request.user, summary_id=summary_id)
    services.summary_download_record(summary=summary, by=request.user)
    name = summary.photo.name.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1] if "." in name else "jpg"
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return private_file_response(summary.photo, content_type=content_type, missing="汇总表照片不存在",
                                 filename=f"成绩汇总表_{summary.session.date:%Y%m%d}_{summary.room.name}.{extension}")


# --- rechecks -----------------------------------------------------------------------------------

@role_required(*OFFICE_ROLES)
def recheck_list(request):
    rechecks, filters = sel.rechecks_filtered(request.user, request.GET)
    page = Paginator(rechecks, 50).get_page(request.GET.get("page"))
    return render(request, "scoring/release/recheck_list.html", {
        "page": page, "status": filters["status"], "statuses": RecheckRequest.Status.choices})


@role_required(*OFFICE_ROLES)
def recheck_detail(request, recheck_id: int):
    recheck = sel.recheck_get_for_user(user=request.user, recheck_id=recheck_id)
    result = recheck.result
    plan = result.release.plan
    is_center = is_reviewing_center_of(request.user, plan.reviewing_center)
    scores = sel.result_scores(result)
    form = RecheckDecisionForm(request.POST or None, scores=scores)
    if request.method == "POST":
        if not is_center:
            raise PermissionDenied("复查由本计划的审核中心处理")
        if form.is_valid() and _decide(request, recheck, form, scores):
            return redirect("recheck_detail", recheck_id=recheck.pk)
    return render(request, "scoring/release/recheck_detail.html", {
        "recheck": recheck, "result": result, "plan": plan, "scores": scores, "form": form,
        "is_center": is_center,
        "corrections": recheck.corrections.select_related("subject_score__session__subject", "by"),
        "decidable": is_center and result.release.status == Status.PUBLISHED
        and recheck.status != RecheckRequest.Status.UPHELD,
    }, status=400 if form.errors else 200)


def _decide(request, recheck, form: RecheckDecisionForm, scores) -> bool:
    data = form.cleaned_data
    if data["decision"] == form.UPHOLD:
        return service_action_form(request, form, lambda: services.recheck_uphold(
            recheck=recheck, reason=data["reason"], by=request.user), "已维持原成绩，并告知考生。")
    chosen = next((s for s in scores if s.pk == data["subject_score"]), None)
    if chosen is None:
        form.add_error("subject_score", "请选择要更正的科目")
        return False
    return service_action_form(request, form, lambda: services.recheck_correct(
        recheck=recheck, subject_score=chosen, new_score=data["new_score"], reason=data["reason"], by=request.user),
        "成绩已更正，考核结果已重新计算。")


@role_required(*INSTITUTION_STAFF_ROLES)
def result_recheck_request(request, result_id: int):
    """The institution asks a recheck on the candidate's behalf (R-FJ-11: through the station)."""
    result = sel.result_get_for_user(user=request.user, result_id=result_id)
    form = RecheckRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = service_action_form(request, form, lambda: services.recheck_request(
            result=result, kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"], by=request.user),
            "复查申请已提交审核中心。")
        if done:
            return redirect("release_plan", plan_id=result.release.plan_id)
    return render(request, "scoring/release/recheck_request.html", {
        "result": result, "form": form, "open": sel.recheck_window_open(result.release, timezone.localdate()),
    }, status=400 if form.errors else 200)
