"""Score entry pages: a plan's overview, attendance, an assessor's own sheet, the leader's room page (compile,
settle, summary photo), the blind second check, and the theory score import. Thin: selectors and services;
refusals come back as messages with their rule id.

Who sees what: institution staff of the plan's institution everything of their plans; invigilators the
attendance of their institution's sessions; an assessor only the rooms a published dispatch puts them in
(their own sheet, and the others' once every sheet is signed); centers read."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaowu.accounts.models import Role
from kaowu.accounts.roles import INSTITUTION_STAFF_ROLES, OFFICE_ROLES, is_institution_staff_of
from kaowu.core.actions import service_action
from kaowu.core.downloads import private_file_response
from kaowu.core.errors import PermissionRefused
from kaowu.core.permissions import role_required
from kaowu.registration.imports.services import MAX_BYTES, ImportRefused, import_file_path
from kaowu.scoring.entry import forms, selectors, services
from kaowu.scoring.entry import imports as imports_theory
from kaowu.scoring.entry.import_template import theory_template_build

ENVELOPE_BYTES = 64 * 1024
PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def _session(request, session_id: int):
    return selectors.entry_session_get_for_user(user=request.user, session_id=session_id)


def _room_url(session, room) -> str:
    return reverse("score_room", args=[session.pk, room.pk])


# --- overview --------------------------------------------------------------------------------------

@require_GET
@role_required(*selectors.ENTRY_ROLES)
def entry_home(request):
    if request.user.role == Role.ASSESSOR:
        return render(request, "scoring/entry/home.html", {"rooms": selectors.my_rooms(request.user)})
    return render(request, "scoring/entry/home.html", {"plans": selectors.my_entry_plans(request.user)})


@require_GET
@role_required(*selectors.ATTENDANCE_ROLES)
def entry_plan(request, plan_id: int):
    plan = selectors.entry_plan_get_for_user(user=request.user, plan_id=plan_id)
    staff = is_institution_staff_of(request.user, plan.institution_id)
    return render(request, "scoring/entry/plan.html", {
        "plan": plan, "progress": selectors.entry_progress(plan), "is_staff": staff,
        "may_attendance": selectors.may_record_attendance(request.user, plan),
        "invigilator": request.user.role == Role.INVIGILATOR,
        "mismatches": selectors.mismatches(plan=plan) if staff else [],
    })


# --- attendance ------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@role_required(*selectors.ATTENDANCE_ROLES)
def attendance(request, session_id: int):
    session = _session(request, session_id)
    plan = session.plan
    may_record = selectors.may_record_attendance(request.user, plan)
    candidates = selectors.session_candidates(session)
    typed = None
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("只有本机构的管理员、经办人或监考员可以登记到考情况")
        rows = typed = forms.attendance_parse(request.POST, candidates)
        if service_action(request, lambda: services.attendance_record(session=session, rows=rows, by=request.user),
                          f"已保存{len(rows)}名考生的到考情况"):
            return redirect("score_attendance", session_id=session.pk)
        candidates = selectors.session_candidates(session)
    checkin = selectors.attendance_from_checkin(session) if may_record else {}
    proposed = checkin if request.GET.get("from") == "checkin" else None
    return render(request, "scoring/entry/attendance.html", {
        "session": session, "plan": plan, "label": selectors.session_label(session), "may_record": may_record,
        "rows": forms.attendance_grid(candidates, proposed, typed), "choices": forms.ATTENDANCE_CHOICES,
        "checkin_available": bool(checkin), "proposed": proposed is not None,
        "recorded": sum(1 for c in candidates if c.attendance),
    })


# --- an assessor's sheet ---------------------------------------------------------------------------

def _sheet_context(request, session, room, typed=None):
    page = selectors.sheet_page(session=session, room=room, user=request.user)
    if page.member is None:
        raise Http404("您不在本考场的考评组")
    return {
        "session": session, "room": room, "label": selectors.session_label(session), "page": page,
        "grid": forms.sheet_grid(page, typed), "part_labels": [forms.part_label(p) for p in page.parts],
        "editable": page.sheet is None or page.editable,
        "to_score": sum(1 for c in page.candidates if c.scored),
    }


@require_http_methods(["GET", "POST"])
@role_required(Role.ASSESSOR)
def sheet(request, session_id: int, room_id: int):
    session = _session(request, session_id)
    room = selectors.session_room_get(session=session, room_id=room_id)
    context = _sheet_context(request, session, room)
    if request.method == "POST":
        typed = forms.sheet_parse(request.POST, context["page"])
        if service_action(request, lambda: services.own_sheet_save(session=session, room=room, scores=typed,
                                                                   by=request.user), "评分已保存"):
            return redirect("score_sheet", session_id=session.pk, room_id=room.pk)
        context = _sheet_context(request, session, room, typed)
    return render(request, "scoring/entry/sheet.html", context)


@require_POST
@role_required(Role.ASSESSOR)
def sheet_sign(request, session_id: int, room_id: int):
    session = _session(request, session_id)
    room = selectors.session_room_get(session=session, room_id=room_id)
    service_action(request, lambda: services.own_sheet_sign(session=session, room=room, by=request.user),
                   "评分表已签名，不能再修改")
    return redirect("score_sheet", session_id=session.pk, room_id=room.pk)


# --- the room: compile, settle, summary ------------------------------------------------------------

@require_GET
@role_required(*OFFICE_ROLES, Role.ASSESSOR)
def room(request, session_id: int, room_id: int):
    session = _session(request, session_id)
    place = selectors.session_room_get(session=session, room_id=room_id)
    if not selectors.may_read_room(request.user, session, place):
        raise Http404("不在您的范围内")
    data = selectors.room_page(session=session, room=place, user=request.user)
    return render(request, "scoring/entry/room.html", {
        "session": session, "room": place, "label": selectors.session_label(session), **data,
        "settle_form": forms.SettleForm(), "resolve_form": forms.ResolveForm(), "summary_form": forms.SummaryForm(),
        "is_staff": is_institution_staff_of(request.user, session.plan.institution_id),
    })


@require_POST
@role_required(Role.ASSESSOR)
def room_compile(request, session_id: int, room_id: int):
    session = _session(request, session_id)
    place = selectors.session_room_get(session=session, room_id=room_id)
    service_action(request, lambda: services.room_compile(session=session, room=place, by=request.user),
                   "成绩已汇总：各考评员评分的平均分，评分差超限的请裁定")
    return redirect(_room_url(session, place))


@require_POST
@role_required(Role.ASSESSOR)
def summary_upload(request, session_id: int, room_id: int):
    session = _session(request, session_id)
    place = selectors.session_room_get(session=session, room_id=room_id)
    form = forms.SummaryForm(request.POST, request.FILES)
    if form.is_valid():
        service_action(request, lambda: services.summary_upload(session=session, room=place, by=request.user,
                                                                photo=form.cleaned_data["photo"]),
                       "签名汇总表照片已上传")
    else:
        messages.error(request, "请选择签名汇总表的照片")
    return redirect(_room_url(session, place))


@require_GET
@role_required(*OFFICE_ROLES, Role.ASSESSOR)
def summary_photo(request, session_id: int, room_id: int):
    session = _session(request, session_id)
    place = selectors.session_room_get(session=session, room_id=room_id)
    if not selectors.may_read_room(request.user, session, place):
        raise Http404("不在您的范围内")
    summary = selectors.summary_get(session=session, room=place)
    if summary is None:
        raise Http404("尚未上传签名汇总表照片")
    extension = summary.photo.name.rsplit(".", 1)[-1]
    services.summary_view_record(summary=summary, by=request.user)
    return private_file_response(summary.photo, filename=f"签名汇总表-{session.pk}-{place.pk}.{extension}",
                                 content_type=PHOTO_TYPES.get(extension, "application/octet-stream"))


@require_POST
@role_required(Role.ASSESSOR)
def settle(request, score_id: int):
    score = selectors.subject_score_get_for_user(user=request.user, score_id=score_id)
    place = selectors.subject_score_room(score)
    if place is None:
        raise Http404
    form = forms.SettleForm(request.POST)
    if form.is_valid():
        service_action(request, lambda: services.spread_settle(subject_score=score, by=request.user,
                                                               **form.cleaned_data),
                       f"已裁定{score.application.candidate.name}的成绩")
    else:
        messages.error(request, "请填写裁定成绩和裁定理由")
    return redirect(_room_url(score.session, place))


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES, Role.ASSESSOR)
def resolve(request, score_id: int):
    score = selectors.subject_score_get_for_user(user=request.user, score_id=score_id)
    form = forms.ResolveForm(request.POST)
    if form.is_valid():
        service_action(request, lambda: services.mismatch_resolve(subject_score=score, by=request.user,
                                                                  **form.cleaned_data),
                       f"已更正{score.application.candidate.name}的成绩，请另一名工作人员重新复核")
    else:
        messages.error(request, "请填写更正说明")
    if request.user.role == Role.ASSESSOR:
        place = selectors.subject_score_room(score)
        if place is not None:
            return redirect(_room_url(score.session, place))
    return redirect("score_check", session_id=score.session_id)


# --- the second check ------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@role_required(*INSTITUTION_STAFF_ROLES)
def check(request, session_id: int):
    session = _session(request, session_id)
    if not is_institution_staff_of(request.user, session.plan.institution_id):
        raise PermissionDenied("成绩复核由本计划所属机构的管理员或经办人进行")
    rows = selectors.check_rows(session=session, user=request.user)
    if request.method == "POST":
        entries = forms.check_parse(request.POST, rows)
        by_id = {row.score.pk: row.score for row in rows}
        results = []

        def run():
            results.extend(services.scores_check(entered=entries, scores=by_id, by=request.user))

        if not entries:
            messages.error(request, "请先填写要复核的成绩")
        elif service_action(request, run, f"已复核{len(entries)}人"):
            wrong = sum(1 for r in results if not r.matches)
            if wrong:
                messages.warning(request, f"其中{wrong}人与录入成绩不一致，已列入待更正，"
                                          f"由录入人或考评组长更正后重新复核")
            return redirect("score_check", session_id=session.pk)
    return render(request, "scoring/entry/check.html", {
        "session": session, "plan": session.plan, "label": selectors.session_label(session), "rows": rows,
        "todo": sum(1 for r in rows if r.state == "todo"), "resolve_form": forms.ResolveForm(),
    })


# --- theory import ---------------------------------------------------------------------------------

def _import_session(request, session_id: int):
    session = _session(request, session_id)
    if not is_institution_staff_of(request.user, session.plan.institution_id):
        raise PermissionDenied("只有本计划所属机构的管理员或经办人可以导入成绩")
    return session


def _upload_page(request, session, form=None, error: str = "", status: int = 200):
    if not error:
        try:
            imports_theory.theory_import_require(by=request.user, session=session)
        except ImportRefused as exc:
            error = exc.message
    return render(request, "scoring/entry/import_upload.html", {
        "session": session, "plan": session.plan, "label": selectors.session_label(session),
        "form": form or forms.ImportForm(), "error": error, "columns": imports_theory.COLUMNS,
        "max_mb": MAX_BYTES // 1024 // 1024, "full_marks": selectors.session_full_marks(session),
    }, status=status)


@require_http_methods(["GET", "POST"])
@role_required(*INSTITUTION_STAFF_ROLES)
def import_upload(request, session_id: int):
    session = _import_session(request, session_id)
    if request.method == "GET":
        return _upload_page(request, session)
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > MAX_BYTES + ENVELOPE_BYTES:
        return _upload_page(request, session, status=413, error=(
            f"文件过大（约{declared / 1024 / 1024:.0f} MB），上限为 {MAX_BYTES // 1024 // 1024} MB"))
    form = forms.ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, session, form, "请选择要上传的Excel文件", status=400)
    try:
        token = imports_theory.theory_file_store(upload=form.cleaned_data["file"], session=session, by=request.user)
    except ImportRefused as exc:
        return _upload_page(request, session, form, exc.message, status=400)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    return redirect("score_import_report", token=token)


@require_GET
@role_required(*INSTITUTION_STAFF_ROLES)
def import_template(request, session_id: int):
    session = _import_session(request, session_id)
    response = HttpResponse(theory_template_build(session=session),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (f"attachment; filename=\"scores-{session.pk}.xlsx\"; filename*=UTF-8''"
                                       "%E6%88%90%E7%BB%A9%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx")  # 成绩导入模板
    response["Cache-Control"] = "private, no-store"
    return response


def _token(request, token: str):
    try:
        data = imports_theory.theory_token_read(token, by=request.user)
    except ImportRefused as exc:
        raise Http404(exc.message) from None
    return data, _import_session(request, data["s"])


@require_GET
@role_required(*INSTITUTION_STAFF_ROLES)
def import_report(request, token: str):
    data, session = _token(request, token)
    context = {"session": session, "plan": session.plan, "label": selectors.session_label(session), "token": token,
               "report": None, "error": ""}
    try:
        context["report"] = imports_theory.theory_validate(session=session, path=import_file_path(data["f"]))
    except ImportRefused as exc:
        context["error"] = exc.message
    return render(request, "scoring/entry/import_report.html", context)


@require_POST
@role_required(*INSTITUTION_STAFF_ROLES)
def import_confirm(request, token: str):
    data, session = _token(request, token)
    try:
        report = imports_theory.theory_commit(session=session, path=import_file_path(data["f"]), by=request.user,
                                              file_name=data["f"])
    except ImportRefused as exc:
        messages.error(request, exc.message)
        return redirect("score_import_report", token=token)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, f"导入完成：新增成绩{report.new}人（其中缺考或成绩取消{report.absent}人），"
                              f"已存在{report.existing}人未重复导入。请由另一名工作人员复核（R-CQ-11）。")
    return redirect("score_entry_plan", plan_id=session.plan_id)
