"""Writes to the staff registry (考务人员库): people, their cards, availability, training classes, relations.

A registry belongs to one organisation. Centers (province or city) register assessors, supervisors and
paper custodians, whom they dispatch (R-FJ-8); an institution registers its own chief examiners and
invigilators (R-FJ-7). Only the registry's own organisation edits it; everybody above only reads.
Every change writes an AuditEvent.
"""

import re
from collections.abc import Collection, Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaowu.accounts.models import Organisation, User
from kaowu.accounts.roles import is_office
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.ids import id_check, id_mask
from kaowu.core.services import audit_record, snapshot
from kaowu.registration.models import Candidate
from kaowu.staffing.audit import StaffingAction
from kaowu.staffing.models import AssessorCard, StaffAvailability, StaffMember, StaffRelation, TrainingClass

# (key, model flag, label) in the order pages and the import list them.
ROLES: tuple[tuple[str, str, str], ...] = (
    ("assessor", "is_assessor", "考评员"),
    ("supervisor", "is_supervisor", "督导员"),
    ("custodian", "is_custodian", "试卷保管员"),
    ("chief", "is_chief", "主考"),
    ("invigilator", "is_invigilator", "监考员"),
)
ROLE_FLAGS = {key: flag for key, flag, _label in ROLES}
ROLE_LABELS = {key: label for key, _flag, label in ROLES}
ROLE_BY_LABEL = {label: key for key, _flag, label in ROLES}
# The posts a registry holds people for (not user roles: a person in the registry need not log in).
CENTER_POSTS = ("assessor", "supervisor", "custodian")  # R-FJ-8: the center registers and dispatches them
INSTITUTION_POSTS = ("chief", "invigilator")  # R-FJ-7: the station's own head and invigilators
CENTER_KINDS = {Organisation.Kind.PROVINCE, Organisation.Kind.CITY}

PHONE_RE = re.compile(r"^1\d{10}$")
REGION_RE = re.compile(r"^\d{6}$")
ID_SPLIT_RE = re.compile(r"[\s,，、;；]+")
STAFF_FIELDS = ["name", "id_number", "phone", "employer", "employer_name", "region_code", "is_assessor",
                "is_supervisor", "is_invigilator", "is_chief", "is_custodian", "is_active"]


def _staff_audit(staff: StaffMember) -> dict:
    """The audit snapshot of a person, with the ID number and the phone masked (the audit log is widely read)."""
    data = snapshot(staff, STAFF_FIELDS)
    data["id_number"] = id_mask(staff.id_number)
    data["phone"] = staff.phone[:3] + "****" + staff.phone[-4:] if staff.phone else ""
    return data


def roles_allowed(organisation: Organisation) -> tuple[str, ...]:
    """The roles a registry of this organisation may hold."""
    return CENTER_POSTS if organisation.kind in CENTER_KINDS else INSTITUTION_POSTS


def staff_roles(staff: StaffMember) -> list[str]:
    """The role keys the person holds, in ROLES order."""
    return [key for key, flag, _label in ROLES if getattr(staff, flag)]


def card_is_valid(card: AssessorCard, *, on: date | None = None) -> bool:
    """R-SC24-8: a card counts up to and including its last valid day."""
    return card.valid_until >= (on or timezone.localdate())


def registry_require_editor(*, by: User, organisation: Organisation) -> None:
    """Only the registry's own center or institution changes it (R-FJ-8: centers register their assessors)."""
    # The office keeps registries; assessors, supervisors, invigilators and candidates keep none.
    if not is_office(by) or by.organisation_id != organisation.pk:
        raise PermissionRefused("只能修改本机构的考务人员库：上级中心可以查看，但不能修改下级机构登记的人员")


def roles_check(*, organisation: Organisation, roles: Collection[str]) -> None:
    """Refuse roles this kind of registry may not hold, naming the rule that gives them to the other kind."""
    unknown = [role for role in roles if role not in ROLE_FLAGS]
    if unknown:
        raise ValidationError({"roles": f"未知的角色：{'、'.join(unknown)}"})
    if not roles:
        raise ValidationError({"roles": "请至少选择一个角色（考评员、督导员、监考员、主考、试卷保管员）"})
    allowed = roles_allowed(organisation)
    refused = [ROLE_LABELS[role] for role in roles if role not in allowed]
    if not refused:
        return
    if organisation.kind in CENTER_KINDS:
        raise RuleViolation("R-FJ-7", f"{'、'.join(refused)}由报名考核机构在本机构人员库中登记；"
                                      f"中心的人员库只登记考评员、督导员和试卷保管员")
    raise RuleViolation("R-FJ-8", f"{'、'.join(refused)}由职业技能鉴定中心登记和派遣，报名考核机构不能登记；"
                                  f"机构的人员库只登记本机构的主考和监考员")


def _staff_clean(*, organisation: Organisation, instance: StaffMember | None, name: str, id_number: str,
                 phone: str, employer: Organisation | None, employer_name: str, region_code: str,
                 roles: Collection[str]) -> dict:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "姓名不能为空"
    elif len(name) > 40:
        errors["name"] = f"姓名过长（{len(name)}字，最多40字）"
    id_number = (id_number or "").strip().replace(" ", "").upper()
    check = id_check(id_number, today=timezone.localdate())
    if not check.valid:
        errors["id_number"] = check.error
    else:
        twin = StaffMember.objects.filter(organisation=organisation, id_number=id_number)
        if instance is not None:
            twin = twin.exclude(pk=instance.pk)
        other = twin.first()
        if other is not None:
            errors["id_number"] = (f"本机构人员库中已有身份证号为{id_mask(id_number)}的人员“{other.name}”，"
                                   f"同一人只登记一次，请修改该人员的角色或证件")
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = f"手机号“{phone}”应为以1开头的11位数字"
    region_code = (region_code or "").strip()
    if not REGION_RE.match(region_code):
        errors["region_code"] = "常住地行政区划代码应为6位数字，如 510104"
    employer_name = (employer_name or "").strip()
    if len(employer_name) > 120:
        errors["employer_name"] = "工作单位过长（最多120字）"
    if errors:
        raise ValidationError(errors)
    roles_check(organisation=organisation, roles=list(dict.fromkeys(roles)))
    data = {"name": name, "id_number": id_number, "phone": phone, "employer": employer,
            "employer_name": employer_name or (employer.name if employer else ""), "region_code": region_code}
    data.update({flag: key in roles for key, flag, _label in ROLES})
    return data


@transaction.atomic
def staff_create(*, by: User, name: str, id_number: str, region_code: str, roles: Collection[str],
                 phone: str = "", employer: Organisation | None = None, employer_name: str = "",
                 organisation: Organisation | None = None) -> StaffMember:
    """Register a person in the registry of `organisation` (the user's own by default)."""
    organisation = organisation or by.organisation
    if organisation is None:
        raise PermissionRefused("您不属于任何机构，不能登记考务人员")
    registry_require_editor(by=by, organisation=organisation)
    data = _staff_clean(organisation=organisation, instance=None, name=name, id_number=id_number, phone=phone,
                        employer=employer, employer_name=employer_name, region_code=region_code, roles=roles)
    try:
        with transaction.atomic():
            staff = StaffMember.objects.create(organisation=organisation, **data)
    except IntegrityError:  # another clerk registered the same number a moment ago
        raise ValidationError({"id_number": "本机构人员库中已有该身份证号的人员"}) from None
    audit_record(action=StaffingAction.STAFF_CREATE, actor=by, target=staff, organisation=organisation,
                 after=_staff_audit(staff))
    return staff


@transaction.atomic
def staff_update(*, staff: StaffMember, by: User, name: str, id_number: str, region_code: str,
                 roles: Collection[str], phone: str = "", employer: Organisation | None = None,
                 employer_name: str = "", is_active: bool = True) -> StaffMember:
    """Change a person's data and roles. Cards stay when the assessor role is dropped (history), but the
    dispatch only picks people who hold the role."""
    staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
    registry_require_editor(by=by, organisation=staff.organisation)
    before = _staff_audit(staff)
    data = _staff_clean(organisation=staff.organisation, instance=staff, name=name, id_number=id_number,
                        phone=phone, employer=employer, employer_name=employer_name, region_code=region_code,
                        roles=roles)
    for field, value in data.items():
        setattr(staff, field, value)
    staff.is_active = bool(is_active)
    staff.save()
    audit_record(action=StaffingAction.STAFF_UPDATE, actor=by, target=staff, organisation=staff.organisation,
                 before=before, after=_staff_audit(staff))
    return staff


# --- cards -------------------------------------------------------------------------------------

def card_item_check(*, occupation: Occupation | None, level: int | None, special_item: SpecialItem | None) -> None:
    """A card is for an occupation up to a level the occupation offers, or for a special item (no level)."""
    if occupation is not None and special_item is not None:
        raise ValidationError({"special_item": "一张考评员证只对应一个职业或一个专项项目，请只选择其一"})
    if occupation is None and special_item is None:
        raise ValidationError({"occupation": "请选择考评职业（及等级）或专项职业能力考核项目"})
    if special_item is not None:
        if level:
            raise ValidationError({"level": "专项职业能力考核项目不分等级，等级请留空"})
        return
    if not level or level not in LEVEL_LABELS:
        raise ValidationError({"level": f"请选择{occupation.name}的最高考评等级（一级至五级）"})
    if occupation.levels and level not in occupation.levels:
        offered = "、".join(LEVEL_LABELS[lv] for lv in sorted(occupation.levels, reverse=True))
        raise ValidationError({"level": f"{occupation.name}未开设{LEVEL_LABELS[level]}，开设等级为：{offered}"})


@transaction.atomic
def card_add(*, staff: StaffMember, by: User, number: str, valid_until: date, occupation: Occupation | None = None,
             level: int | None = None, special_item: SpecialItem | None = None) -> AssessorCard:
    """Record a 考评员证. A card past its date is kept (shown 已过期) but never dispatched (R-SC24-8)."""
    registry_require_editor(by=by, organisation=staff.organisation)
    if not staff.is_assessor:
        raise ValidationError("只有考评员可以登记考评员证：请先在人员信息中勾选“考评员”角色")
    card_item_check(occupation=occupation, level=level, special_item=special_item)
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": "考评员证号不能为空"})
    if len(number) > 40:
        raise ValidationError({"number": "考评员证号过长（最多40位）"})
    if valid_until is None:
        raise ValidationError({"valid_until": "请填写证书有效期至"})
    if AssessorCard.objects.filter(number=number).exists():
        raise ValidationError({"number": f"考评员证号{number}已登记，证号不能重复"})
    try:
        with transaction.atomic():
            card = AssessorCard.objects.create(staff=staff, occupation=occupation, special_item=special_item,
                                               level=level if occupation else None, number=number,
                                               valid_until=valid_until)
    except IntegrityError:
        raise ValidationError({"number": f"考评员证号{number}已登记，证号不能重复"}) from None
    audit_record(action=StaffingAction.CARD_ADD, actor=by, target=card, organisation=staff.organisation,
                 after=snapshot(card) | {"staff_name": staff.name})
    return card


@transaction.atomic
def card_remove(*, card: AssessorCard, by: User) -> None:
    registry_require_editor(by=by, organisation=card.staff.organisation)
    before = snapshot(card) | {"staff_name": card.staff.name}
    audit_record(action=StaffingAction.CARD_REMOVE, actor=by, target=card, organisation=card.staff.organisation,
                 before=before)
    card.delete()


# --- availability, training classes, relations ------------------------------------------------

@transaction.atomic
def availability_set(*, staff: StaffMember, by: User, date: date, available: bool,
                     note: str = "") -> StaffAvailability:
    """Say whether the person can work on a date (one entry per date; setting it again replaces it)."""
    registry_require_editor(by=by, organisation=staff.organisation)
    if date is None:
        raise ValidationError({"date": "请选择日期"})
    note = (note or "").strip()
    if len(note) > 120:
        raise ValidationError({"note": "说明过长（最多120字）"})
    entry = StaffAvailability.objects.filter(staff=staff, date=date).first()
    before = snapshot(entry, ["date", "available", "note"]) if entry else None
    if entry is None:
        entry = StaffAvailability(staff=staff, date=date)
    entry.available, entry.note = bool(available), note
    entry.save()
    audit_record(action=StaffingAction.AVAILABILITY_SET, actor=by, target=staff, organisation=staff.organisation,
                 before=before, after=snapshot(entry, ["date", "available", "note"]))
    return entry


def id_numbers_parse(text: str | Iterable[str]) -> list[str]:
    """ID numbers from a pasted list (one a line, or separated by commas, 、 or spaces), de-duplicated."""
    parts = ID_SPLIT_RE.split(text) if isinstance(text, str) else list(text)
    return list(dict.fromkeys(p.strip().upper() for p in parts if p and p.strip()))


def candidates_by_id_number(numbers: list[str], *, field: str) -> dict[str, Candidate]:
    """The known candidates of the numbers; a ValidationError on `field` names every unknown number."""
    found = {c.id_number: c for c in Candidate.objects.filter(id_number__in=numbers)}
    unknown = [n for n in numbers if n not in found]
    if unknown:
        raise ValidationError({field: [f"身份证号 {n} 不是已登记的考生，请核对" for n in unknown]})
    return found


@transaction.atomic
def training_class_add(*, staff: StaffMember, by: User, name: str, candidate_id_numbers: str | Iterable[str],
                       institution: Organisation | None = None, starts_on: date | None = None,
                       ends_on: date | None = None) -> TrainingClass:
    """Record a class the person taught, with its candidates (考培分离, R-FJ-7: the dispatch keeps a trainer
    away from every batch those candidates sit)."""
    registry_require_editor(by=by, organisation=staff.organisation)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "培训班名称不能为空"})
    if len(name) > 120:
        raise ValidationError({"name": "培训班名称过长（最多120字）"})
    if institution is not None and institution.kind != Organisation.Kind.INSTITUTION:
        raise ValidationError({"institution": "培训机构应为报名考核机构"})
    if starts_on and ends_on and starts_on > ends_on:
        raise ValidationError({"ends_on": "结业日期不能早于开班日期"})
    numbers = id_numbers_parse(candidate_id_numbers)
    if not numbers:
        raise ValidationError({"candidates": "请填写学员的身份证号（每行一个）"})
    found = candidates_by_id_number(numbers, field="candidates")
    training = TrainingClass.objects.create(staff=staff, institution=institution, name=name, starts_on=starts_on,
                                            ends_on=ends_on)
    training.candidates.set(found.values())
    audit_record(action=StaffingAction.TRAINING_CLASS_ADD, actor=by, target=training, organisation=staff.organisation,
                 after=snapshot(training) | {"staff_name": staff.name, "candidate_ids": sorted(c.pk for c in
                                                                                               found.values())})
    return training


@transaction.atomic
def relation_add(*, staff: StaffMember, by: User, candidate_id_number: str, kind: str,
                 note: str = "") -> StaffRelation:
    """Declare a relation to a candidate (回避, R-FJ-19): the dispatch never sends the person to assess or
    supervise that candidate."""
    registry_require_editor(by=by, organisation=staff.organisation)
    if kind not in StaffRelation.Kind.values:
        raise ValidationError({"kind": "请选择关系类别"})
    note = (note or "").strip()
    if len(note) > 120:
        raise ValidationError({"note": "说明过长（最多120字）"})
    numbers = id_numbers_parse(candidate_id_number or "")
    if len(numbers) != 1:
        raise ValidationError({"candidate": "请填写一名考生的身份证号"})
    candidate = candidates_by_id_number(numbers, field="candidate")[numbers[0]]
    if StaffRelation.objects.filter(staff=staff, candidate=candidate).exists():
        raise ValidationError({"candidate": f"已登记{staff.name}与考生{candidate.name}的关系"})
    relation = StaffRelation.objects.create(staff=staff, candidate=candidate, kind=kind, note=note)
    audit_record(action=StaffingAction.RELATION_ADD, actor=by, target=staff, organisation=staff.organisation,
                 after={"relation_id": relation.pk, "candidate_id": candidate.pk, "candidate_name": candidate.name,
                        "kind": kind, "note": note})
    return relation


@transaction.atomic
def relation_remove(*, relation: StaffRelation, by: User) -> None:
    staff = relation.staff
    registry_require_editor(by=by, organisation=staff.organisation)
    audit_record(action=StaffingAction.RELATION_REMOVE, actor=by, target=staff, organisation=staff.organisation,
                 before={"relation_id": relation.pk, "candidate_id": relation.candidate_id,
                         "candidate_name": relation.candidate.name, "kind": relation.kind, "note": relation.note})
    relation.delete()
