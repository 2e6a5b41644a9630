"""Pages without a staff login: the published lists (公示, R-CQ-12), the score query by name and ID
number, and the candidate's own results with the recheck request (R-FJ-11).

The public list shows names with masked ID numbers and only from publication on; the query answers the
same for an unknown number and a wrong name, and is limited per client address.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaowu.accounts.models import Role
from kaowu.core.actions import service_action, service_action_form
from kaowu.core.downloads import private_download
from kaowu.core.permissions import role_required
from kaowu.scoring.public import services as public_services
from kaowu.scoring.public.documents import result_notice_pdf
from kaowu.scoring.public.forms import ScoreQueryForm
from kaowu.scoring.release import selectors as sel
from kaowu.scoring.release import services
from kaowu.scoring.release.forms import RecheckRequestForm
from kaowu.scoring.retake.selectors import retake_choices, retake_item_get
from kaowu.scoring.retake.services import retake_apply


def public_release_list(request):
    page = Paginator(sel.public_releases(), 30).get_page(request.GET.get("page"))
    return render(request, "scoring/public/list.html", {"page": page, "today": timezone.localdate()})


def public_release_detail(request, release_id: int):
    release = sel.public_release_get(release_id)
    page = Paginator(sel.release_results(release), 100).get_page(request.GET.get("page"))
    return render(request, "scoring/public/detail.html", {
        "release": release, "plan": release.plan, "page": page, "today": timezone.localdate(),
        "counts": sel.release_counts(release),
    })


def public_plan(request, plan_id: int):
    """The publication of a plan, for links that know the plan rather than the release."""
    release = sel.public_release_of_plan(plan_id)
    if release is None:
        raise Http404("该计划的成绩尚未公示")
    return redirect("scores_public_detail", release_id=release.pk)


def score_query(request):
    form = ScoreQueryForm(request.POST or None)
    context = {"form": form, "asked": False, "results": [], "limited": ""}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            context["results"] = public_services.score_query(name=form.cleaned_data["name"],
                                                      id_number=form.cleaned_data["id_number"])
            context["asked"] = True
        except public_services.QueryLimited as exc:
            context["limited"] = exc.message
            status = 429
    return render(request, "scoring/public/query.html", context, status=status)


@role_required(Role.CANDIDATE)
def my_results(request):
    today = timezone.localdate()
    return render(request, "scoring/public/my_results.html", {
        "candidate": sel.candidate_of(request.user),
        "rows": sel.candidate_results(request.user, today), "notices": sel.candidate_notices(request.user, today),
        "today": today, "retakes": retake_choices(request.user, today),
    })


@require_POST
@role_required(Role.CANDIDATE)
def my_retake(request, result_id: int):
    """Apply for a retake (R-CQ-13): a draft in the chosen open plan, the passed subjects carried over."""
    result = sel.result_get_for_user(user=request.user, result_id=result_id)
    item = retake_item_get(result.application, request.POST.get("item"))
    if item is None:
        messages.error(request, "请选择本机构正在报名的同一项目")
        return redirect("my_results")
    created = []
    ok = service_action(request, lambda: created.append(retake_apply(
        original=result.application, item=item, by=request.user, today=timezone.localdate())),
        "已生成补考报名（已合格科目成绩保留），请核对后提交")
    return redirect("candidate_application", created[0].pk) if ok else redirect("my_results")


@role_required(Role.CANDIDATE)
def my_result_notice(request, result_id: int):
    """成绩通知单 (002 §一(九): candidates are told their scores after the center's confirmation): the
    candidate's own result as a PDF, with the recheck terms (R-FJ-11)."""
    result = sel.result_get_for_user(user=request.user, result_id=result_id)
    return private_download(result_notice_pdf(result), filename=f"成绩通知单-{result.application_id}.pdf")


@role_required(Role.CANDIDATE)
def my_recheck(request, result_id: int):
    result = sel.result_get_for_user(user=request.user, result_id=result_id)
    form = RecheckRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = service_action_form(request, form, lambda: services.recheck_request(
            result=result, kind=form.cleaned_data["kind"], reason=form.cleaned_data["reason"], by=request.user),
            "复查申请已提交，审核中心处理后将在本页告知结果。")
        if done:
            return redirect("my_results")
    return render(request, "scoring/public/my_recheck.html", {
        "result": result, "form": form, "open": sel.recheck_window_open(result.release, timezone.localdate()),
        "scores": sel.result_scores(result),
    }, status=400 if form.errors else 200)
