"""Registration workflow: candidates, applications, reviews at two levels, fees and refunds.

Every transition goes through `application_transition`, which knows the allowed moves and writes
the audit event; each service checks that the right role of the right organisation acts.
"""

import secrets
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kaowu.accounts.models import Role, User
from kaowu.accounts.roles import require_institution_staff_of
from kaowu.catalog.eligibility import LevelNotOffered, ProfileError, UnknownOccupation, eligibility_evaluate
from kaowu.catalog.models import Subject, SubjectKind
from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.catalog.policy import policy_active
from kaowu.catalog.selectors import CatalogueOccupations, fee_for
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.ids import id_check
from kaowu.core.services import AuditRow, audit_record, audit_record_many, snapshot
from kaowu.core.workflow import row_lock, transition_check
from kaowu.plans.models import Plan, PlanItem
from kaowu.registration.audit import APPLICATION_ACTIONS, RegistrationAction
from kaowu.registration.models import Application, ApplicationDocument, Candidate, IdType, Payment, Refund
from kaowu.registration.photos import photo_normalise

Status = Application.Status
COMMITMENT_VERSION = "2024-1"
COMMITMENT_TEXT = (
    "本人承诺：所提交的身份证件、学历、证书、工作经历等材料真实、准确、有效；如有虚假，"
    "自愿承担取消考核资格、作废考核成绩等一切后果（双承诺，R-SC24-7）。"
)

# The one list of allowed transitions (DESIGN.md §5); later issues add ticketed, sat, ...
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.SUBMITTED: {Status.INSTITUTION_APPROVED, Status.RETURNED, Status.WITHDRAWN},
    Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.INSTITUTION_APPROVED: {Status.CENTER_APPROVED, Status.REJECTED, Status.WITHDRAWN},
    Status.CENTER_APPROVED: {Status.PAID, Status.WITHDRAWN},
    Status.REJECTED: set(),
    Status.PAID: {Status.TICKETED, Status.WITHDRAWN},
    # A full re-arrangement withdraws the ticket: the application is paid and waits for a new one.
    Status.TICKETED: {Status.PAID, Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.REFUNDED},
    Status.REFUNDED: set(),
}


class PlacesFull(ValidationError):
    """The item has no place left; a refusal of its own so that the API can answer 409."""


# Applications that hold a place on an item with a maximum.
HOLDING_PLACE = {Status.SUBMITTED, Status.INSTITUTION_APPROVED, Status.CENTER_APPROVED, Status.PAID,
                 Status.TICKETED}
# Applications whose fee has been paid and not refunded.
FEE_PAID = {Status.PAID, Status.TICKETED}
OPEN_PLAN = {Plan.Status.REGISTRATION_OPEN}


def application_transition(*, application: Application, to: str, by: User | None, reason: str = "",
                           locked: bool = False) -> Application:
    """Move one application to `to`, from the status its row holds under a lock: a caller that decided on a
    status another request has changed since is refused, not allowed to overwrite it. The services lock and
    re-read the row first (`_locked_in`, before they read anything they decide on) and pass `locked=True`."""
    if locked:
        before = application.status
    else:
        before = (Application.objects.select_for_update().filter(pk=application.pk)
                  .values_list("status", flat=True).get())
    transition_check(table=APPLICATION_TRANSITIONS, status=Status, current=before, to=to, noun="报名")
    application.status = to
    application.save()
    # By key: a plan loaded without its institution (the API's submit) needs no query for it.
    audit_record(action=APPLICATION_ACTIONS[to], actor=by, target=application,
                 organisation_id=application.plan.institution_id,
                 before={"status": before}, after={"status": to, **({"reason": reason} if reason else {})})
    return application


class ApplicationMoved(NamedTuple):
    """One application of a bulk move, as its audit event names it: "<candidate> · <item>", plus what the
    caller adds to the event's `after` (the ticket number, ...)."""

    application_id: int
    candidate_name: str
    item_label: str
    extra: dict


def applications_transition_bulk(*, applications: QuerySet[Application], frm: str, to: str, by: User | None,
                                 organisation_id: int | None, audited: Iterable[ApplicationMoved],
                                 reason: str = "") -> int:
    """Move every application of `applications` that is in `frm` to `to` in ONE UPDATE, with one audit event
    per `audited` row (in bulk inserts), shaped as `application_transition` writes them. For services that move
    thousands at once (tickets published or withdrawn); returns how many rows the UPDATE moved, for the caller
    to check against what it expected."""
    transition_check(table=APPLICATION_TRANSITIONS, status=Status, current=frm, to=to, noun="报名")
    moved = applications.filter(status=frm).update(status=to, updated_at=timezone.now())
    after = {"status": to, **({"reason": reason} if reason else {})}
    audit_record_many(action=APPLICATION_ACTIONS[to], actor=by, model=Application, organisation_id=organisation_id,
                      rows=(AuditRow(object_id=row.application_id,
                                     object_repr=f"{row.candidate_name} · {row.item_label}",
                                     before={"status": frm}, after={**after, **row.extra})
                            for row in audited))
    return moved


# --- candidates --------------------------------------------------------------------------------

def _candidate_clean(data: dict) -> dict:
    """Check the ID number of a resident ID and that birth date and gender agree with it (R-FJ-4)."""
    data = dict(data)
    if data.get("id_type", IdType.RESIDENT) == IdType.RESIDENT:
        check = id_check(data.get("id_number", ""))
        if not check.valid:
            raise ValidationError({"id_number": check.error})
        data["id_number"] = data["id_number"].strip().upper()
        for field, derived, label in (("birth_date", check.birth_date, "出生日期"), ("gender", check.gender, "性别")):
            given = data.get(field)
            if given in (None, ""):
                data[field] = derived
            elif given != derived:
                raise ValidationError({field: f"{label}与身份证号不符：身份证号显示为{derived}"})
    return data


@transaction.atomic
def candidate_create(*, by: User | None, **data) -> Candidate:
    """Register a person; one per ID type and number."""
    data = _candidate_clean(data)
    if Candidate.objects.filter(id_type=data.get("id_type", IdType.RESIDENT), id_number=data["id_number"]).exists():
        raise ValidationError({"id_number": "该证件号码已登记为考生，请直接为其报名"})
    candidate = Candidate(**data)
    candidate.full_clean()
    candidate.save()
    audit_record(action=RegistrationAction.CANDIDATE_CREATE, actor=by, target=candidate,
                 after=snapshot(candidate, ["name", "id_type", "education", "employer"]))
    return candidate


# --- applications ------------------------------------------------------------------------------

def _locked(application: Application) -> Application:
    """Lock the application's row and re-read it (`row_lock`), keeping the candidate, plan and item the caller
    loaded with it when they are still the application's (re-reading them would cost a query each)."""
    related = [(field, field.get_cached_value(application)) for field in Application._meta.concrete_fields
               if field.is_relation and field.is_cached(application)]
    row_lock(application)
    for field, value in related:
        if value is not None and getattr(application, field.attname) == value.pk:
            field.set_cached_value(application, value)
    return application


def _locked_in(application: Application, to: str) -> None:
    """Lock and re-read the application, then refuse at once a move its status no longer allows (another
    request moved it since the caller loaded it), before any other check or write."""
    _locked(application)
    transition_check(table=APPLICATION_TRANSITIONS, status=Status, current=application.status, to=to, noun="报名")


def _require_staff_of(by: User, plan: Plan) -> None:
    require_institution_staff_of(by, plan.institution_id, "只有本机构的管理员或经办人可以办理本机构的报名")


def _require_candidate_or_staff(by: User, application: Application) -> None:
    if by.role == Role.CANDIDATE:
        if application.candidate.user_id != by.pk:
            raise PermissionRefused("只能办理本人的报名")
        return
    _require_staff_of(by, application.plan)


@transaction.atomic
def application_create(*, candidate: Candidate, item: PlanItem, by: User, profile: dict | None = None) -> Application:
    """A draft application; the plan must be open for registration."""
    plan = item.plan
    if by.role == Role.CANDIDATE:
        if candidate.user_id != by.pk:
            raise PermissionRefused("只能为本人报名")
    else:
        _require_staff_of(by, plan)
    if plan.status not in OPEN_PLAN:
        raise ValidationError(f"该计划当前为“{plan.get_status_display()}”，不接受报名")
    if Application.objects.filter(candidate=candidate, plan=plan, item=item).exists():
        raise ValidationError("该考生已报名此项目")
    application = Application.objects.create(candidate=candidate, plan=plan, item=item, profile=profile or {})
    audit_record(action=RegistrationAction.APPLICATION_CREATE, actor=by, target=application,
                 organisation=plan.institution)
    return application


def eligibility_for(application: Application) -> dict | None:
    """The engine's verdict for an occupation with rules (R-LN-7); None for items without rules."""
    item = application.item
    if not item.occupation_id or not item.occupation.eligibility_rules:
        return None
    data = {"as_of": application.plan.registration_closes.isoformat(), **(application.profile or {})}
    try:
        verdict = eligibility_evaluate(item.occupation.name, item.level, data,
                                       catalogue=CatalogueOccupations())
    except (UnknownOccupation, LevelNotOffered) as exc:
        return {"error": str(exc)}
    except ProfileError as exc:
        raise ValidationError(f"申报资历填写有误：{exc}") from None
    return {**verdict.as_json(), "notes": sorted({n for c in verdict.conditions for n in c.notes}),
            "rule_id": verdict.rule_id}


@transaction.atomic
def application_submit(*, application: Application, by: User, commitment_accepted: bool, today: date) -> Application:
    """Submit for review: the candidate's commitment (R-SC24-7), the deadline, the eligibility
    verdict recorded for both reviewers, and a place on the item if it has a maximum."""
    _require_candidate_or_staff(by, application)
    _locked_in(application, Status.SUBMITTED)
    plan = application.plan
    if not commitment_accepted:
        raise RuleViolation("R-SC24-7", "提交报名须由考生承诺所提交材料真实有效（双承诺）")
    if plan.status not in OPEN_PLAN or not (plan.registration_opens <= today <= plan.registration_closes):
        raise ValidationError(
            f"不在报名时间内（{plan.registration_opens:%Y年%m月%d日}至{plan.registration_closes:%Y年%m月%d日}）"
        )
    # Lock the item's row so that concurrent submissions for its last places are counted one at a time;
    # the count is a statement of its own after the lock, so in READ COMMITTED it sees every submission
    # committed by whoever held the lock before. The item comes with what the verdict and the names in
    # the refusal and the audit event need (of=self: only the item's row is locked).
    item = (PlanItem.objects.select_for_update(of=("self",)).select_related("occupation", "special_item")
            .only("plan_id", "level", "max_candidates", "occupation__name", "occupation__eligibility_rules",
                  "special_item__name")
            .get(pk=application.item_id))
    application.item = item
    if item.max_candidates is not None:
        # The item's other submissions wait while this runs, so the count is plain SQL: building the
        # ORM's COUNT query cost more than running it (registration_load benchmark). Same rows as
        # item.applications.filter(status__in=HOLDING_PLACE).exclude(pk=application.pk).
        holding = sorted(HOLDING_PLACE)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {connection.ops.quote_name(Application._meta.db_table)} "
                f"WHERE item_id = %s AND id <> %s AND status IN ({', '.join(['%s'] * len(holding))})",
                [item.pk, application.pk, *holding],
            )
            (taken,) = cursor.fetchone()
        if taken >= item.max_candidates:
            raise PlacesFull(f"“{item}”报名人数已满（上限{item.max_candidates}人）")
    application.eligibility = eligibility_for(application)
    application.commitment_version = COMMITMENT_VERSION
    application.commitment_accepted_at = timezone.now()
    application.submitted_at = timezone.now()
    return application_transition(application=application, to=Status.SUBMITTED, by=by, locked=True)


@transaction.atomic
def application_institution_approve(*, application: Application, by: User, originals_seen: bool) -> Application:
    """初审: the institution has seen the originals (R-FJ-4, R-FJ-5)."""
    _require_staff_of(by, application.plan)
    _locked_in(application, Status.INSTITUTION_APPROVED)
    if not originals_seen:
        raise RuleViolation("R-FJ-4", "初审通过前须现场查验身份证等原件")
    application.originals_seen = True
    application.institution_reviewed_by, application.institution_reviewed_at = by, timezone.now()
    return application_transition(application=application, to=Status.INSTITUTION_APPROVED, by=by, locked=True)


@transaction.atomic
def application_return(*, application: Application, by: User, reason: str) -> Application:
    _require_staff_of(by, application.plan)
    _locked_in(application, Status.RETURNED)
    if not reason.strip():
        raise ValidationError("退回须写明原因")
    application.review_reason = reason.strip()
    return application_transition(application=application, to=Status.RETURNED, by=by, reason=reason.strip(),
                                  locked=True)


def _require_center_of(by: User, application: Application) -> None:
    plan = application.plan
    if by.role == Role.PROVINCE_ADMIN:
        return
    if by.role != Role.CITY_REVIEWER or by.organisation_id != plan.reviewing_center_id:
        raise PermissionRefused(f"该报名由{plan.reviewing_center.name}复核，您无权复核")


@transaction.atomic
def application_center_approve(*, application: Application, by: User) -> Application:
    """复核 by the center that reviews the plan (R-SC24-7, R-FJ-5)."""
    _require_center_of(by, application)
    _locked_in(application, Status.CENTER_APPROVED)
    application.center_reviewed_by, application.center_reviewed_at = by, timezone.now()
    return application_transition(application=application, to=Status.CENTER_APPROVED, by=by, locked=True)


@transaction.atomic
def application_center_reject(*, application: Application, by: User, reason: str) -> Application:
    _require_center_of(by, application)
    _locked_in(application, Status.REJECTED)
    if not reason.strip():
        raise ValidationError("复核不通过须写明原因")
    application.center_reviewed_by, application.center_reviewed_at = by, timezone.now()
    application.review_reason = reason.strip()
    return application_transition(application=application, to=Status.REJECTED, by=by, reason=reason.strip(),
                                  locked=True)


@transaction.atomic
def applications_review_bulk(*, applications: list[Application], action: str, by: User, reason: str = "") -> None:
    """Review the selected applications the same way (the list's bulk action): all succeed or none changes.
    An institution's bulk approval stands for having seen every candidate's originals (R-FJ-4). The rows are
    locked in id order, so that two bulk reviews of overlapping selections wait for each other, never deadlock."""
    for application in sorted(applications, key=lambda a: a.pk):
        if action == "institution_approve":
            application_institution_approve(application=application, by=by, originals_seen=True)
        elif action == "return":
            application_return(application=application, by=by, reason=reason)
        elif action == "center_approve":
            application_center_approve(application=application, by=by)
        elif action == "center_reject":
            application_center_reject(application=application, by=by, reason=reason)
        else:
            raise ValidationError("请选择批量操作")


def application_fee(application: Application, *, on: date) -> Decimal:
    """The fee from the schedule: the item's subjects, or the whole item (R-SC24-11)."""
    item = application.item
    region = application.plan.institution.region_code
    if item.special_item_id:
        fee = fee_for(region_code=region, special_item=item.special_item, on=on)
        return fee.amount if fee else Decimal("0")
    total = Decimal("0")
    fees = [fee_for(region_code=region, occupation=item.occupation, level=item.level, subject_kind=kind, on=on)
            for kind in ("theory", "practical", "review")]
    for fee in fees:
        if fee is not None:
            total += fee.amount
    return total


@transaction.atomic
def payment_record(*, application: Application, by: User, method: str, receipt_number: str,
                   amount: Decimal | None = None) -> Payment:
    """Fees are paid after approval (R-CQ-4); the receipt is the voucher for the ticket."""
    _require_staff_of(by, application.plan)
    _locked(application)
    if application.status != Status.CENTER_APPROVED:
        raise RuleViolation("R-CQ-4", "须在资格复核通过后缴费")
    if not receipt_number.strip():
        raise ValidationError("请填写票据号")
    live = application.payments.filter(refunded=False).first()
    if live is not None:
        raise ValidationError(f"该报名已缴费（票据号{live.receipt_number}，{live.amount}元），不能重复缴费；"
                              "如需重新缴费，须先办理退费")
    due = application_fee(application, on=timezone.localdate())
    payment = Payment.objects.create(application=application, method=method, amount=due if amount is None else amount,
                                     receipt_number=receipt_number.strip(), paid_at=timezone.now(), recorded_by=by)
    audit_record(action=RegistrationAction.PAYMENT_RECORD, actor=by, target=payment,
                 organisation=application.plan.institution,
                 after=snapshot(payment))
    application_transition(application=application, to=Status.PAID, by=by, locked=True)
    return payment


@transaction.atomic
def application_withdraw(*, application: Application, by: User, reason: str) -> Application:
    """The candidate withdraws; a paid fee becomes a refund for the institution to confirm (R-SC21-5)."""
    _require_candidate_or_staff(by, application)
    _locked_in(application, Status.WITHDRAWN)
    was_paid = application.status in FEE_PAID
    application_transition(application=application, to=Status.WITHDRAWN, by=by, reason=reason, locked=True)
    # The one live payment (a constraint allows no second) is to be refunded.
    payment = application.payments.filter(refunded=False).first() if was_paid else None
    if payment is not None:
        payment.refunded = True
        payment.save(update_fields=["refunded", "updated_at"])
        refund = Refund.objects.create(payment=payment, amount=payment.amount, reason=reason or "考生撤回报名")
        audit_record(action=RegistrationAction.REFUND_REQUEST, actor=by, target=refund,
                     organisation=application.plan.institution,
                     after={"amount": str(refund.amount), "receipt_number": payment.receipt_number})
    return application


@transaction.atomic
def refund_confirm(*, refund: Refund, by: User, method: str, amount: Decimal | None = None,
                   refunded_on: date | None = None, note: str = "", today: date | None = None) -> Refund:
    """The institution's clerk confirms that the fee went back (R-SC21-5): how (`Refund.Method`), how much (the
    paid amount unless less was returned, never more) and when. Once the application's every refund is
    confirmed, a withdrawn application becomes refunded."""
    application = refund.payment.application
    _require_staff_of(by, application.plan)
    # The application first, as a withdrawal (which creates refunds) locks it; then the refund itself.
    _locked(application)
    row_lock(refund)
    if refund.confirmed_at:
        raise ValidationError("该退费已确认")
    today = today or timezone.localdate()
    paid = refund.payment.amount
    amount = paid if amount is None else Decimal(amount)
    note = note.strip()
    errors = {}
    if method not in Refund.Method.values:
        errors["method"] = "请选择退费方式"
    if amount <= 0:
        errors["amount"] = "退费金额须大于0元"
    elif amount > paid:
        errors["amount"] = f"退费金额不能超过实缴金额{paid}元（票据号{refund.payment.receipt_number}）"
    elif amount < paid and not note:
        errors["note"] = f"退费金额少于实缴金额{paid}元，请在备注中写明原因"
    refunded_on = refunded_on or today
    paid_on = timezone.localdate(refund.payment.paid_at)
    if refunded_on > today:
        errors["refunded_on"] = "退费日期不能晚于今天"
    elif refunded_on < paid_on:
        errors["refunded_on"] = f"退费日期不能早于缴费日期{paid_on:%Y年%m月%d日}"
    if errors:
        raise ValidationError(errors)
    refund.method, refund.amount, refund.refunded_on, refund.note = method, amount, refunded_on, note
    refund.confirmed_by, refund.confirmed_at = by, timezone.now()
    refund.save()
    audit_record(action=RegistrationAction.REFUND_CONFIRM, actor=by, target=refund,
                 organisation=application.plan.institution,
                 after={"method": method, "amount": str(amount), "paid": str(paid),
                        "refunded_on": refunded_on.isoformat(), "receipt_number": refund.payment.receipt_number,
                        **({"note": note} if note else {})})
    waiting = Refund.objects.filter(payment__application=application, confirmed_at__isnull=True)
    if application.status == Status.WITHDRAWN and not waiting.exists():
        application_transition(application=application, to=Status.REFUNDED, by=by, locked=True)
    return refund


def item_places_taken(item: PlanItem) -> int:
    return item.applications.filter(status__in=HOLDING_PLACE).count()


def plan_counts_by_item(plan: Plan) -> dict[int, int]:
    rows = (PlanItem.objects.filter(plan=plan)
            .annotate(n=Count("applications", filter=Q(applications__status__in=HOLDING_PLACE))))
    return {row.pk: row.n for row in rows}


# --- photo and documents -------------------------------------------------------------------------

# The candidate may still change what they hand in (photo, documents) and submit.
EDITABLE_BY_CANDIDATE = {Status.DRAFT, Status.RETURNED}


def candidate_applications_lock(candidate: Candidate) -> list[str]:
    """Lock every application of the candidate until the transaction ends; their statuses, read under the lock.
    For a write that depends on whether any of them was submitted (the photo, the data): a submission waits."""
    return list(Application.objects.select_for_update().filter(candidate_id=candidate.pk)
                .order_by("pk").values_list("status", flat=True))


@transaction.atomic
def candidate_photo_set(*, candidate: Candidate, by: User, data: bytes) -> Candidate:
    """Store the photo normalised to the policy's R-FJ-4 format; raises PhotoError with the reason."""
    if candidate.user_id != by.pk:
        raise PermissionRefused("只能上传本人的照片")
    # Locked: a submission at the same moment would otherwise take the old photo to review unnoticed.
    if HOLDING_PLACE & set(candidate_applications_lock(candidate)):
        raise ValidationError("照片已随报名提交审核，不能自行更换；如需更换请联系报名机构")
    policy = policy_active()
    jpeg = photo_normalise(data, width=policy.photo_width_px, height=policy.photo_height_px,
                           max_kb=policy.photo_max_kb)
    old = candidate.photo.name if candidate.photo else ""
    # A random name: the file name must not carry the ID number or the name.
    candidate.photo.save(f"{candidate.pk}-{secrets.token_hex(8)}.jpg", ContentFile(jpeg), save=True)
    if old:
        name = old
        transaction.on_commit(lambda: candidate.photo.storage.delete(name))
    audit_record(action=RegistrationAction.CANDIDATE_PHOTO, actor=by, target=candidate,
                 after={"bytes": len(jpeg), "width": policy.photo_width_px, "height": policy.photo_height_px})
    return candidate


THESIS_TITLE_MAX = 60
# Characters a file name cannot carry on the systems the theses are passed on to.
_FILE_NAME_FORBIDDEN = str.maketrans({c: None for c in '\\/:*?"<>|\r\n\t'})


def item_has_review(item: PlanItem) -> bool:
    """综合评审 applies to 技师 and 高级技师 (levels 2 and 1) and to any scheme with a review subject."""
    if not item.occupation_id:
        return False
    if item.level is not None and item.level <= 2:
        return True
    return Subject.objects.filter(scheme__occupation_id=item.occupation_id, scheme__level=item.level,
                                  scheme__is_active=True, kind=SubjectKind.REVIEW).exists()


def thesis_file_name(application: Application, title: str) -> str:
    """R-SC21-6b: 级别+身份证号+姓名+题目, e.g. 二级510104198001011234张三数控车床加工精度的控制.pdf."""
    level = LEVEL_LABELS[application.item.level].split("/")[0]
    candidate = application.candidate
    return f"{level}{candidate.id_number}{candidate.name}{title}.pdf"


@transaction.atomic
def application_document_add(*, application: Application, by: User, kind: str, upload,
                             title: str = "") -> ApplicationDocument:
    """Store a document; a thesis must be a PDF with a title and is named per R-SC21-6b."""
    _require_candidate_or_staff(by, application)
    _locked(application)
    if application.status not in EDITABLE_BY_CANDIDATE:
        raise ValidationError(f"报名当前状态为“{application.get_status_display()}”，不能再上传材料")
    original = PurePath(upload.name).name[:200]
    name = original
    if kind == ApplicationDocument.Kind.THESIS:
        if not item_has_review(application.item):
            raise RuleViolation("R-SC21-6b", "论文仅用于技师、高级技师的综合评审，本报名项目无需上传论文")
        title = " ".join(title.translate(_FILE_NAME_FORBIDDEN).split())
        if not title:
            raise ValidationError({"title": "上传论文须填写论文题目（R-SC21-6b：文件按 级别+身份证号+姓名+题目 命名）"})
        if len(title) > THESIS_TITLE_MAX:
            raise ValidationError({"title": f"论文题目不超过{THESIS_TITLE_MAX}个字"})
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise RuleViolation("R-SC21-6b", "论文须为 PDF 文件")
        name = thesis_file_name(application, title)
        # One thesis per application: a new upload replaces the earlier one.
        for earlier in application.documents.filter(kind=kind):
            stored = earlier.file.name
            earlier.delete()
            storage = earlier.file.storage
            transaction.on_commit(lambda stored=stored, storage=storage: storage.delete(stored))
    document = ApplicationDocument(application=application, kind=kind, name=name)
    # The stored path is random: paths end up in logs and backups, and must not carry the ID number.
    document.file.save(f"{application.pk}-{secrets.token_hex(8)}{PurePath(original).suffix.lower()}", upload,
                       save=False)
    document.save()
    audit_record(action=RegistrationAction.APPLICATION_DOCUMENT_ADD, actor=by, target=document,
                 organisation=application.plan.institution, after={"kind": kind, "name": original})
    return document
