"""Pages of the staff registry (考务人员库): the list, a person, create and edit, and the Excel import.

Thin: a selector finds the person in the user's scope (404 outside it), a service writes. Write pages
answer 403 to a user who may read the registry but not edit it (a center looking at an institution's
registry); a service's refusal is shown next to the form it came from.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaowu.accounts.roles import OFFICE_ROLES
from kaowu.core.actions import service_action
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.forms import form_add_error
from kaowu.core.permissions import role_required
from kaowu.staffing.registry import imports, selectors, services
from kaowu.staffing.registry.forms import AvailabilityForm, CardForm, RelationForm, StaffForm, TrainingClassForm
from kaowu.staffing.registry.import_template import registry_template_build
from kaowu.staffing.registry.services import ROLE_LABELS, ROLES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The multipart envelope around the file; a request larger than this cannot hold an acceptable file.
ENVELOPE_BYTES = 64 * 1024


def _run(form, call):
    """Call a service; put a refusal on the form. Returns the result (True for None), or None when refused."""
    try:
        result = call()  # every registry service is atomic itself
    except RuleViolation as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        form_add_error(form, exc)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    else:
        return True if result is None else result
    return None


def _staff(request, staff_id: int, *, edit: bool = False):
    staff = selectors.staff_get_for_user(user=request.user, staff_id=staff_id)
    if edit and not selectors.staff_can_edit(user=request.user, staff=staff):
        raise PermissionDenied("只能修改本机构的考务人员库")
    return staff


def _registry(request):
    if request.user.organisation is None:
        raise PermissionDenied("您不属于任何机构")
    return request.user.organisation


# --- list, person ------------------------------------------------------------------------------

@require_GET
@role_required(*OFFICE_ROLES)
def staff_list(request):
    get = request.GET
    staff, filters = selectors.staff_filtered(request.user, get)
    page = Paginator(staff, 50).get_page(get.get("page"))
    selectors.staff_rows_label(page.object_list)
    query = get.copy()
    query.pop("page", None)
    own = request.user.organisation
    return render(request, "staffing/registry/staff_list.html", {
        "page": page, "filters": filters, "query": query.urlencode(), "roles": [(k, lbl) for k, _f, lbl in ROLES],
        "registries": selectors.registry_options(request.user), "own": own,
        "own_roles": [ROLE_LABELS[key] for key in services.roles_allowed(own)],
    })


def _detail(request, staff, *, status: int = 200, **forms):
    can_edit = selectors.staff_can_edit(user=request.user, staff=staff)
    context = {
        "staff": staff, "can_edit": can_edit, "role_labels": selectors.role_labels(staff),
        "region_label": selectors.region_name(staff.region_code), "today": timezone.localdate(),
        **selectors.staff_detail_parts(staff=staff),
    }
    if can_edit:
        context.update({
            "card_form": forms.get("card_form") or CardForm(),
            "availability_form": forms.get("availability_form") or AvailabilityForm(),
            "training_form": forms.get("training_form") or TrainingClassForm(
                institutions=selectors.institutions_for_training(request.user)),
            "relation_form": forms.get("relation_form") or RelationForm(),
        })
    return render(request, "staffing/registry/staff_detail.html", context, status=status)


@require_GET
@role_required(*OFFICE_ROLES)
def staff_detail(request, staff_id: int):
    return _detail(request, _staff(request, staff_id))


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE_ROLES)
def staff_create(request):
    registry = _registry(request)
    form = StaffForm(request.POST or None, organisation=registry,
                     employers=selectors.employers_for(request.user),
                     initial={"region_code": registry.region_code})
    if request.method == "POST" and form.is_valid():
        staff = _run(form, lambda: services.staff_create(by=request.user, organisation=registry, **form.cleaned_data))
        if staff is not None:
            messages.success(request, f"已登记考务人员“{staff.name}”。")
            return redirect("staff_detail", staff_id=staff.pk)
    return render(request, "staffing/registry/staff_form.html", {
        "form": form, "title": "登记考务人员", "registry": registry,
        "crumbs": [("考务人员库", reverse("staff_list"))],
    })


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE_ROLES)
def staff_update(request, staff_id: int):
    staff = _staff(request, staff_id, edit=True)
    initial = {"name": staff.name, "id_number": staff.id_number, "phone": staff.phone, "employer": staff.employer,
               "employer_name": staff.employer_name, "region_code": staff.region_code,
               "roles": services.staff_roles(staff), "is_active": staff.is_active}
    form = StaffForm(request.POST or None, organisation=staff.organisation, initial=initial, with_active=True,
                     employers=selectors.employers_for(request.user))
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda: services.staff_update(staff=staff, by=request.user, **form.cleaned_data)):
            messages.success(request, "人员信息已保存。")
            return redirect("staff_detail", staff_id=staff.pk)
    return render(request, "staffing/registry/staff_form.html", {
        "form": form, "title": f"修改人员信息 · {staff.name}", "registry": staff.organisation,
        "crumbs": [("考务人员库", reverse("staff_list")), (staff.name, reverse("staff_detail", args=[staff.pk]))],
    })


# --- cards, availability, training classes, relations (forms on the person page) ---------------

@require_POST
@role_required(*OFFICE_ROLES)
def staff_card_add(request, staff_id: int):
    staff = _staff(request, staff_id, edit=True)
    form = CardForm(request.POST)
    if form.is_valid():
        card = _run(form, lambda: services.card_add(staff=staff, by=request.user, **form.cleaned_data))
        if card is not None:
            if services.card_is_valid(card):
                messages.success(request, f"已登记考评员证{card.number}。")
            else:
                messages.warning(request, f"已登记考评员证{card.number}；该证已于{card.valid_until:%Y-%m-%d}过期，"
                                          f"显示为已过期，派遣时不会选用（R-SC24-8）。")
            return redirect("staff_detail", staff_id=staff.pk)
    return _detail(request, staff, card_form=form)


@require_POST
@role_required(*OFFICE_ROLES)
def staff_card_remove(request, staff_id: int):
    staff = _staff(request, staff_id, edit=True)
    card_id = request.POST.get("card", "")
    if not card_id.isdigit():
        raise Http404("请指定考评员证")
    card = selectors.card_get_for_user(user=request.user, staff=staff, card_id=int(card_id))
    service_action(request, lambda: services.card_remove(card=card, by=request.user), f"已删除考评员证{card.number}。")
    return redirect("staff_detail", staff_id=staff.pk)


@require_POST
@role_required(*OFFICE_ROLES)
def staff_availability_set(request, staff_id: int):
    staff = _staff(request, staff_id, edit=True)
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        entry = _run(form, lambda: services.availability_set(staff=staff, by=request.user, **form.cleaned_data))
        if entry is not None:
            said = "可以工作" if entry.available else "不能工作"
            messages.success(request, f"已记录：{entry.date:%Y-%m-%d} {said}。")
            return redirect("staff_detail", staff_id=staff.pk)
    return _detail(request, staff, availability_form=form)


@require_POST
@role_required(*OFFICE_ROLES)
def staff_training_add(request, staff_id: int):
    staff = _staff(request, staff_id, edit=True)
    form = TrainingClassForm(request.POST, institutions=selectors.institutions_for_training(request.user))
    if form.is_valid():
        data = form.cleaned_data
        training = _run(form, lambda: services.training_class_add(
            staff=staff, by=request.user, name=data["name"], institution=data["institution"],
            starts_on=data["starts_on"], ends_on=data["ends_on"], candidate_id_numbers=data["candidates"]))
        if training is not None:
            messages.success(request, f"已登记培训班“{training.name}”（学员{training.candidates.count()}人）。")
            return redirect("staff_detail", staff_id=staff.pk)
    return _detail(request, staff, training_form=form)


@require_POST
@role_required(*OFFICE_ROLES)
def staff_relation_add(request, staff_id: int):
    staff = _staff(request, staff_id, edit=True)
    form = RelationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        relation = _run(form, lambda: services.relation_add(
            staff=staff, by=request.user, candidate_id_number=data["candidate"], kind=data["kind"],
            note=data["note"]))
        if relation is not None:
            messages.success(request, f"已登记与考生{relation.candidate.name}的回避关系。")
            return redirect("staff_detail", staff_id=staff.pk)
    return _detail(request, staff, relation_form=form)


@require_POST
@role_required(*OFFICE_ROLES)
def staff_relation_remove(request, staff_id: int):
    staff = _staff(request, staff_id, edit=True)
    relation_id = request.POST.get("relation", "")
    if not relation_id.isdigit():
        raise Http404("请指定回避关系")
    relation = selectors.relation_get_for_user(user=request.user, staff=staff, relation_id=int(relation_id))
    service_action(request, lambda: services.relation_remove(relation=relation, by=request.user), "已删除该回避关系。")
    return redirect("staff_detail", staff_id=staff.pk)


# --- Excel import ------------------------------------------------------------------------------

def _upload_page(request, error: str = "", status: int = 200):
    registry = _registry(request)
    return render(request, "staffing/registry/import_upload.html", {
        "registry": registry, "error": error, "columns": imports.COLUMNS, "max_rows": imports.MAX_ROWS,
        "max_mb": imports.MAX_BYTES // 1024 // 1024,
        "roles": [ROLE_LABELS[key] for key in services.roles_allowed(registry)],
    }, status=status)


@require_GET
@role_required(*OFFICE_ROLES)
def staff_import_template(request):
    registry = _registry(request)
    response = HttpResponse(registry_template_build(organisation=registry), content_type=XLSX)
    response["Content-Disposition"] = ("attachment; filename=\"staff-import.xlsx\"; filename*=UTF-8''"
                                       "%E8%80%83%E5%8A%A1%E4%BA%BA%E5%91%98%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx")
    return response  # 考务人员导入模板.xlsx


@require_http_methods(["GET", "POST"])
@role_required(*OFFICE_ROLES)
def staff_import_upload(request):
    if request.method == "GET":
        return _upload_page(request)
    # Refuse an oversized upload by its declared length, before the body is read into a file.
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > imports.MAX_BYTES + ENVELOPE_BYTES:
        return _upload_page(request, status=413, error=(
            f"文件过大（约{declared / 1024 / 1024:.0f} MB），上限为 {imports.MAX_BYTES // 1024 // 1024} MB，"
            f"请分成多个文件导入"))
    upload = request.FILES.get("file")
    if upload is None:
        return _upload_page(request, "请选择要上传的Excel文件", status=400)
    try:
        token = imports.registry_import_upload(upload=upload, organisation=_registry(request), by=request.user)
    except imports.ImportRefused as exc:
        return _upload_page(request, exc.message, status=400)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    return redirect("staff_import_report", token=token)


def _token(request, token: str) -> dict:
    try:
        return imports.registry_import_token_read(token, by=request.user)
    except imports.ImportRefused as exc:
        raise Http404(exc.message) from None


@require_GET
@role_required(*OFFICE_ROLES)
def staff_import_report(request, token: str):
    data = _token(request, token)
    registry = _registry(request)
    context = {"registry": registry, "token": token, "summary": None, "error": ""}
    try:
        context["summary"] = imports.registry_import_validate(
            organisation=registry, path=imports.import_file_path(data["f"])).as_json()
    except imports.ImportRefused as exc:
        context["error"] = exc.message
    return render(request, "staffing/registry/import_report.html", context)


@require_POST
@role_required(*OFFICE_ROLES)
def staff_import_confirm(request, token: str):
    data = _token(request, token)
    try:
        report = imports.registry_import_commit(organisation=_registry(request), by=request.user,
                                                path=imports.import_file_path(data["f"]), file_name=data["f"])
    except imports.ImportRefused as exc:
        messages.error(request, exc.message)
        return redirect("staff_import_report", token=token)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, f"导入完成：新登记人员{report.people_new}人，已有人员{report.people_existing}人"
                              f"（其中补充角色{report.people_updated}人），新增考评员证{report.cards_new}本，"
                              f"已登记的考评员证{report.cards_existing}本未重复导入。")
    return redirect("staff_list")
