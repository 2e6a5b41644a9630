"""Every write of the certificates app: issuing with gap-free numbers (R-SC24-9, R-CERT-NO, R-SC24-12),
revocation (R-LN-3), replacement (补办, R-FJ-15), printing records, printer calibration and the public
verification (rate-limited and audited).

Numbering: certificates are issued per plan by the center that reviewed it, once its results are final
(R-CQ-14: published without objection). Each number's sequence has a counter row that the issuing
transaction locks (in key order, so two issuers never wait on each other crosswise); the serials it hands
out are the counter's next ones, and the unique (sequence, serial) and number constraints stand behind it.
A transaction that fails gives its serials back with its rollback, so no number is lost (gap-free).
"""

import functools
import re
import weakref
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from kaowu.accounts.models import Organisation, Role, User
from kaowu.catalog.policy import policy_active
from kaowu.certificates import selectors as sel
from kaowu.certificates.keys import signing_key
from kaowu.certificates.models import (
    Certificate,
    CertificateKind,
    CertificateSequence,
    PrinterCalibration,
    RateCounter,
    ReplacementRequest,
)
from kaowu.certificates.numbering import (
    DEFAULT_LOCAL_TEMPLATE,
    LEVEL_NAMES,
    CertificateNumberError,
    LocalFormat,
    next_serial,
    skill_level_number_make,
)
from kaowu.certificates.signing import certificate_sign
from kaowu.core.context import request_ip
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.ids import id_mask
from kaowu.core.services import audit_record, snapshot
from kaowu.core.workdays import workdays_add
from kaowu.scoring.models import Result, ResultRelease

Status = Certificate.Status


def _today(today: date | None) -> date:
    return today or timezone.localdate()


# --- numbering -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NumberPlan:
    """How the certificates of one result are numbered: the kind, the sequence and how to write a serial."""

    kind: str
    sequence_key: str
    render: object  # serial -> number text
    maximum: int


def number_plan_for(*, result: Result, issued_on: date) -> NumberPlan:
    """The sequence a result's certificate is numbered in. Refusals name R-CERT-NO and what is missing."""
    application = result.application
    plan = application.plan
    item = application.item
    if item.special_item_id:
        center = plan.reviewing_center
        try:
            local = LocalFormat(center.certificate_number_template or DEFAULT_LOCAL_TEMPLATE)
            parts = {"city": center.region_code, "year": issued_on.year, "item": item.special_item.code}
            key = local.sequence_key(**parts)
        except CertificateNumberError as exc:
            raise RuleViolation("R-SC24-12", f"{center.name}的专项证书编号格式有误：{exc}") from exc
        return NumberPlan(CertificateKind.SPECIAL, key, lambda serial: local.format(serial=serial, **parts),
                          local.serial_max)
    body = plan.institution
    missing = [label for label, value in (("评价机构类型", body.evaluation_body_kind),
                                          ("评价机构代码", body.evaluation_body_code),
                                          ("评价机构序号", body.evaluation_body_sequence)) if not value]
    if missing:
        raise RuleViolation("R-CERT-NO", f"{body.name}尚未登记{'、'.join(missing)}，无法生成职业技能等级证书编号；"
                                         "请在机构信息中补充后再核发")
    try:
        first = skill_level_number_make(
            kind=body.evaluation_body_kind, body_code=body.evaluation_body_code, province=body.region_code[:2],
            body_sequence=body.evaluation_body_sequence, year=issued_on.year, level=item.level, serial=1)
    except CertificateNumberError as exc:
        raise RuleViolation("R-CERT-NO", f"{body.name}的证书编号要素有误：{exc}") from exc
    return NumberPlan(CertificateKind.SKILL_LEVEL, first.sequence_key,
                      lambda serial: f"{first.sequence_key}{serial:06d}", 999_999)


def serials_take(key: str, count: int, *, maximum: int) -> list[int]:
    """`count` consecutive serials of a sequence, from its locked counter row (see the module docstring)."""
    CertificateSequence.objects.bulk_create([CertificateSequence(key=key)], ignore_conflicts=True)
    counter = CertificateSequence.objects.select_for_update().get(key=key)
    serials = []
    last = counter.last_serial
    for _ in range(count):
        try:
            last = next_serial(last, maximum=maximum)
        except CertificateNumberError as exc:
            raise RuleViolation("R-CERT-NO", f"编号序列{key}：{exc}") from exc
        serials.append(last)
    counter.last_serial = last
    counter.save(update_fields=["last_serial"])
    return serials


def _content_of(result: Result) -> dict:
    application = result.application
    candidate = application.candidate
    item = application.item
    subject = item.special_item if item.special_item_id else item.occupation
    return {
        "holder_name": candidate.name, "holder_gender": candidate.gender, "holder_id_type": candidate.id_type,
        "holder_id_number": candidate.id_number, "holder_id_masked": id_mask(candidate.id_number),
        "item_code": subject.code, "item_name": subject.name,
        "level": None if item.special_item_id else item.level,
        "level_name": "" if item.special_item_id else LEVEL_NAMES.get(item.level, ""),
        "grade": result.grade if item.special_item_id else "",
        "photo_name": candidate.photo.name if candidate.photo else "",
    }


def _certificate_build(*, result: Result, number_plan: NumberPlan, serial: int, issued_on: date, exam_date: date,
                       issuer: Organisation, numbered_by: Organisation, content: dict,
                       replaces: Certificate | None = None) -> Certificate:
    number = number_plan.render(serial)
    return Certificate(
        number=number, kind=number_plan.kind, sequence_key=number_plan.sequence_key, serial=serial,
        result=result, candidate_id=result.application.candidate_id, plan_id=result.application.plan_id,
        replaces=replaces, exam_date=exam_date, issued_on=issued_on, issuer=issuer, issuer_name=issuer.name,
        numbered_by=numbered_by,
        signature=certificate_sign(signing_key(), number=number, name=content["holder_name"], issued_on=issued_on),
        **content,
    )


def issuer_of(result: Result) -> Organisation:
    """Who a certificate names as issuer: the evaluation body for 职业技能等级证书 (it issues them under
    its registration), the center where the exam took place for 专项 certificates (R-SC24-12)."""
    plan = result.application.plan
    return plan.reviewing_center if result.application.item.special_item_id else plan.institution


@transaction.atomic
def certificates_issue(*, release: ResultRelease, by: User, today: date | None = None) -> list[Certificate]:
    """The center approves the certificates of a plan's final results and numbers them (R-SC24-9, R-CQ-14):
    one per passed result that has none yet. Returns the new certificates in number order."""
    release = ResultRelease.objects.select_for_update(of=("self",)).select_related(
        "plan__institution", "plan__reviewing_center").get(pk=release.pk)
    plan = release.plan
    if not (by.role == Role.PROVINCE_ADMIN
            or (by.role == Role.CITY_REVIEWER and by.organisation_id == plan.reviewing_center_id)):
        raise PermissionRefused(f"本计划的证书由{plan.reviewing_center.name}核发，您无权操作")
    if release.status != ResultRelease.Status.FINAL:
        raise RuleViolation("R-CQ-14", f"{plan.name}的成绩当前为“{release.get_status_display()}”；"
                                       "成绩公示无异议并确认为最终成绩后才能核发证书")
    today = _today(today)
    results = list(
        Result.objects.filter(release=release, outcome=Result.Outcome.PASSED, certificates__isnull=True)
        .select_related("application__candidate", "application__plan__institution",
                        "application__plan__reviewing_center", "application__item__occupation",
                        "application__item__special_item")
        .order_by("application__item_id", "application__candidate__id_number")
    )
    if not results:
        raise RuleViolation("R-CQ-14", f"{plan.name}没有待核发证书的合格人员")
    groups: dict[str, list[tuple[Result, NumberPlan]]] = defaultdict(list)
    for result in results:
        number_plan = number_plan_for(result=result, issued_on=today)
        groups[number_plan.sequence_key].append((result, number_plan))
    certificates = []
    numbered_by = plan.reviewing_center
    for key in sorted(groups):  # one lock order for every issuer: no deadlock between two plans
        members = groups[key]
        serials = serials_take(key, len(members), maximum=members[0][1].maximum)
        for (result, number_plan), serial in zip(members, serials, strict=True):
            certificates.append(_certificate_build(
                result=result, number_plan=number_plan, serial=serial, issued_on=today, exam_date=release.exam_end,
                issuer=issuer_of(result), numbered_by=numbered_by, content=_content_of(result)))
    Certificate.objects.bulk_create(certificates)
    numbers = sorted(c.number for c in certificates)
    audit_record(action="certificates.issue", actor=by, target=release,
                 after={"count": len(certificates), "first": numbers[0], "last": numbers[-1],
                        "sequences": {key: len(members) for key, members in groups.items()}},
                 organisation_id=plan.institution_id)
    return sorted(certificates, key=lambda c: c.number)


# --- revocation ------------------------------------------------------------------------------------

def _certificate_locked(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update(of=("self",)).select_related("plan", "candidate").get(
        pk=certificate.pk)


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, by: User) -> Certificate:
    """The issuing center revokes a certificate, e.g. for false materials (R-LN-3); verification shows it."""
    certificate = _certificate_locked(certificate)
    if not sel.is_numbering_center(by, certificate):
        raise PermissionRefused("只有核发该证书的鉴定中心可以撤销证书")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤销原因，如：提供虚假材料取得（R-LN-3）"})
    if certificate.status != Status.VALID:
        raise RuleViolation("R-LN-3", f"证书{certificate.number}当前为“{certificate.get_status_display()}”，不能撤销")
    before = snapshot(certificate, ["status", "status_reason"])
    certificate.status = Status.REVOKED
    certificate.status_reason = reason[:300]
    certificate.status_changed_at = timezone.now()
    certificate.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    ReplacementRequest.objects.filter(certificate=certificate, status=ReplacementRequest.Status.PENDING).update(
        status=ReplacementRequest.Status.REJECTED, decided_by=by, decided_at=timezone.now(),
        decision_reason="原证书已撤销", updated_at=timezone.now())
    audit_record(action="certificates.revoke", actor=by, target=certificate, before=before,
                 after=snapshot(certificate, ["status", "status_reason"]),
                 organisation_id=certificate.plan.institution_id)
    return certificate


# --- replacement (补办, R-FJ-15) ---------------------------------------------------------------------

MAX_UPLOAD = 5 * 1024 * 1024


def _upload_check(upload: UploadedFile | None, field: str, label: str, allowed: tuple[str, ...]) -> None:
    if upload is None:
        raise ValidationError({field: f"请上传{label}（R-FJ-15）"})
    if upload.size > MAX_UPLOAD:
        raise ValidationError({field: f"{label}不能超过5MB"})
    head = upload.read(8)
    upload.seek(0)
    kinds = {"jpg": head.startswith(b"\xff\xd8\xff"), "png": head.startswith(b"\x89PNG"),
             "pdf": head.startswith(b"%PDF")}
    if not any(kinds[kind] for kind in allowed):
        raise ValidationError({field: f"{label}应为{'、'.join(k.upper() for k in allowed)}文件"})


@transaction.atomic
def replacement_apply(*, certificate: Certificate, reason: str, note: str = "", id_document: UploadedFile | None,
                      photo: UploadedFile | None, by: User, today: date | None = None) -> ReplacementRequest:
    """The holder, or the station for them, applies for a replacement with the ID document and a photo; the
    fee comes from the policy profile and the deadline is counted in working days (R-FJ-15)."""
    certificate = _certificate_locked(certificate)
    if not (sel.is_holder(by, certificate) or sel.is_station_of(by, certificate)):
        raise PermissionRefused("只有持证人本人或其报名考核机构可以申请补办")
    if certificate.status != Status.VALID:
        raise RuleViolation("R-FJ-15", f"证书{certificate.number}当前为“{certificate.get_status_display()}”，不能补办")
    if reason not in ReplacementRequest.Reason.values:
        raise ValidationError({"reason": "请选择补办原因"})
    if ReplacementRequest.objects.filter(certificate=certificate, status=ReplacementRequest.Status.PENDING).exists():
        raise RuleViolation("R-FJ-15", f"证书{certificate.number}已有一份补办申请在审核中")
    _upload_check(id_document, "id_document", "身份证件扫描件", ("jpg", "png", "pdf"))
    _upload_check(photo, "photo", "照片", ("jpg",))
    policy = policy_active()
    today = _today(today)
    request = ReplacementRequest.objects.create(
        certificate=certificate, reason=reason, note=(note or "").strip()[:300], id_document=id_document, photo=photo,
        fee=Decimal(policy.certificate_replacement_fee), applied_by=by, applied_on=today,
        due_on=workdays_add(today, policy.certificate_replacement_workdays))
    audit_record(action="certificates.replacement_apply", actor=by, target=request,
                 after={"certificate": certificate.number, "reason": reason, "fee": str(request.fee),
                        "due_on": request.due_on.isoformat()},
                 organisation_id=certificate.plan.institution_id)
    return request


def _replacement_locked(request: ReplacementRequest, by: User) -> ReplacementRequest:
    request = ReplacementRequest.objects.select_for_update(of=("self",)).select_related(
        "certificate__plan").get(pk=request.pk)
    if not sel.is_numbering_center(by, request.certificate):
        raise PermissionRefused("补办申请由核发证书的鉴定中心审核")
    if request.status != ReplacementRequest.Status.PENDING:
        raise RuleViolation("R-FJ-15", f"该补办申请当前为“{request.get_status_display()}”，不能再次审核")
    return request


@transaction.atomic
def replacement_approve(*, request: ReplacementRequest, by: User, today: date | None = None) -> Certificate:
    """The issuing center approves: a new certificate with a new number (this year's sequence) and the new
    photo; the old one becomes "replaced" and its verification points to the new one."""
    request = _replacement_locked(request, by)
    old = _certificate_locked(request.certificate)
    if old.status != Status.VALID:
        raise RuleViolation("R-FJ-15", f"原证书当前为“{old.get_status_display()}”，不能补发")
    today = _today(today)
    result = Result.objects.select_related(
        "application__candidate", "application__plan__institution", "application__plan__reviewing_center",
        "application__item__occupation", "application__item__special_item").get(pk=old.result_id)
    number_plan = number_plan_for(result=result, issued_on=today)
    (serial,) = serials_take(number_plan.sequence_key, 1, maximum=number_plan.maximum)
    content = {field: getattr(old, field) for field in (
        "holder_name", "holder_gender", "holder_id_type", "holder_id_number", "holder_id_masked", "item_code",
        "item_name", "level", "level_name", "grade")}
    content["photo_name"] = request.photo.name
    new = _certificate_build(result=result, number_plan=number_plan, serial=serial, issued_on=today,
                             exam_date=old.exam_date, issuer=old.issuer, numbered_by=old.numbered_by,
                             content=content, replaces=old)
    new.save()
    old.status = Status.REPLACED
    old.status_changed_at = timezone.now()
    old.save(update_fields=["status", "status_changed_at", "updated_at"])
    request.status = ReplacementRequest.Status.APPROVED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.new_certificate = new
    request.save(update_fields=["status", "decided_by", "decided_at", "new_certificate", "updated_at"])
    audit_record(action="certificates.replacement_approve", actor=by, target=request,
                 after={"old": old.number, "new": new.number, "late": today > request.due_on},
                 organisation_id=old.plan.institution_id)
    return new


def replacement_file_record(*, request: ReplacementRequest, which: str, by: User) -> None:
    """Who looked at a request's ID scan or photo (personal data)."""
    audit_record(action="certificates.replacement_file", actor=by, target=request, after={"file": which},
                 organisation_id=request.certificate.plan.institution_id)


@transaction.atomic
def replacement_reject(*, request: ReplacementRequest, reason: str, by: User) -> ReplacementRequest:
    request = _replacement_locked(request, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写不予补办的原因"})
    request.status = ReplacementRequest.Status.REJECTED
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_reason = reason[:300]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    audit_record(action="certificates.replacement_reject", actor=by, target=request,
                 after={"certificate": request.certificate.number, "reason": request.decision_reason},
                 organisation_id=request.certificate.plan.institution_id)
    return request


# --- printing -----------------------------------------------------------------------------------------

@transaction.atomic
def certificates_print_record(*, certificates: list[Certificate], by: User, layout: str,
                              calibration: PrinterCalibration | None = None, electronic: bool = False) -> None:
    """Who printed or downloaded which certificates (they carry full ID numbers and photos)."""
    if not certificates:
        return
    ids = [c.pk for c in certificates]
    if not electronic:
        from django.db.models import F

        Certificate.objects.filter(pk__in=ids).update(printed_count=F("printed_count") + 1)
    audit_record(action="certificates.download" if electronic else "certificates.print", actor=by,
                 target=certificates[0] if len(certificates) == 1 else None,
                 after={"count": len(ids), "numbers": [c.number for c in certificates][:50], "layout": layout,
                        "printer": calibration.name if calibration else ""},
                 organisation_id=certificates[0].plan.institution_id)


@transaction.atomic
def calibration_save(*, by: User, name: str, offset_x_mm: Decimal, offset_y_mm: Decimal,
                     calibration: PrinterCalibration | None = None) -> PrinterCalibration:
    if by.role not in sel.OFFICE_ROLES or by.organisation_id is None:
        raise PermissionRefused("只有机构管理员、经办人或鉴定中心可以设置套打校准")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写打印机名称"})
    for field, value in (("offset_x_mm", offset_x_mm), ("offset_y_mm", offset_y_mm)):
        if value is None or abs(Decimal(value)) > 30:
            raise ValidationError({field: "偏移量应在 -30 到 30 毫米之间"})
    if calibration is None:
        if PrinterCalibration.objects.filter(organisation_id=by.organisation_id, name=name).exists():
            raise ValidationError({"name": f"已有名为“{name}”的打印机校准"})
        calibration = PrinterCalibration(organisation_id=by.organisation_id)
    elif calibration.organisation_id != by.organisation_id:
        raise PermissionRefused()
    before = snapshot(calibration, ["name", "offset_x_mm", "offset_y_mm"]) if calibration.pk else None
    calibration.name = name[:60]
    calibration.offset_x_mm = Decimal(offset_x_mm)
    calibration.offset_y_mm = Decimal(offset_y_mm)
    calibration.save()
    audit_record(action="certificates.calibration_save", actor=by, target=calibration, before=before,
                 after=snapshot(calibration, ["name", "offset_x_mm", "offset_y_mm"]))
    return calibration


# --- public verification ---------------------------------------------------------------------------

class VerifyLimited(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def rate_hit(key: str, *, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit for `key` in the current window; False when the limit was already reached. One upsert
    statement (on PostgreSQL and SQLite alike), so the check costs one round trip per request."""
    minute = int(timezone.now().timestamp()) // window_seconds
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (bucket, minute, hits) VALUES (%s, %s, 1) "  # noqa: S608 - table name is ours
            f"ON CONFLICT (bucket, minute) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [key[:80], minute])
        (hits,) = cursor.fetchone()
    return hits <= limit


def rate_counters_prune(*, older_than: timedelta = timedelta(hours=1)) -> int:
    """Drop the counters of windows long past (what a daily job runs)."""
    oldest = int((timezone.now() - older_than).timestamp()) // 60
    return RateCounter.objects.filter(minute__lt=oldest).delete()[0]


def certificate_verify_public(*, number: str, name: str, via: str = "web") -> sel.Verification | None:
    """A public verification by number and name: rate-limited per client address
    (settings.KAOWU_VERIFY_PER_MINUTE), audited with what was asked and whether it was found (the holder's
    name is not written to the log: the number identifies the certificate).

    On PostgreSQL the counter, the lookup and the audit event are one statement (`_verify_statement`); other
    databases take three (rate_hit, the lookup, audit_record). Same answers, same rows written."""
    from django.conf import settings

    ip = request_ip.get()
    limit = settings.KAOWU_VERIFY_PER_MINUTE
    asked = sel.verify_asked(number, name)
    after = {"number": (number or "").strip()[:64], "via": via}
    if connection.vendor != "postgresql":
        if not rate_hit(f"verify:{ip or '-'}", limit=limit):
            raise VerifyLimited(VERIFY_LIMITED)
        found = sel.certificate_verify_lookup(number=number, name=name)
        audit_record(action="certificates.verify", username="public", after={**after, "found": found is not None})
        return found
    now = timezone.now()
    with connection.cursor() as cursor:
        row = _verify_execute(cursor, async_commit=not connection.in_atomic_block, params=[
            f"verify:{ip or '-'}"[:80], int(now.timestamp()) // 60,
            asked[0] if asked else None,  # NULL matches no number
            limit, _STRIPPED, asked[1] if asked else "",
            now, after["number"], after["via"], ip,
        ])
    allowed, matched, *values = row[-2 - len(sel.VERIFY_COLUMNS):]
    if not allowed:
        raise VerifyLimited(VERIFY_LIMITED)
    return sel.verification_of(dict(zip(sel.VERIFY_COLUMNS, values, strict=True))) if matched else None


VERIFY_LIMITED = "查询过于频繁，请1分钟后再试。"
# What str.strip() removes (all of it below U+3001), for the database's half of name_normal: btrim takes the
# characters to remove.
_STRIPPED = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace())


# The psycopg connections holding the prepared verification statements, with their names. A prepared statement
# lasts as long as the database session, whatever becomes of the transaction that prepared it.
_verify_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _verify_execute(cursor, *, async_commit: bool, params: list) -> tuple:
    """Run `_verify_statement` as a statement prepared once per database connection: planning it (the lookup's
    join over a table with eleven indexes) cost the database more than running it."""
    name = "kaowu_verify_async" if async_commit else "kaowu_verify"
    prepared = _verify_prepared.setdefault(connection.connection, set())
    if name not in prepared:
        numbers = iter(range(1, len(params) + 1))
        statement = re.sub("%s", lambda _match: f"${next(numbers)}", _verify_statement(async_commit=async_commit))
        cursor.execute(f"PREPARE {name} AS {statement}")
        prepared.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
    return cursor.fetchone()


@functools.cache
def _verify_statement(*, async_commit: bool) -> str:
    """The public verification in one PostgreSQL statement, one round trip and one commit: the counter's upsert
    (rate_hit's), the lookup (the selector's query, compiled here once per process), whether the name matches
    (name_normal's NFC and strip, in SQL), and the audit event audit_record would write — unless the address
    is over its limit, which then learns nothing and leaves no event, as in the three-statement path.

    With `async_commit` (the statement is a transaction of its own) the commit does not wait for the WAL to
    reach the disk (`synchronous_commit` off for this transaction only): waiting for it held the workers idle
    for a fifth to a quarter of the rate (bench/README.md, verify). What it risks is the counters and audit
    events of the last fraction of a second of lookups if the database server itself crashes, never a
    half-written one. Issuing, revoking and every other change still commit synchronously.

    Parameters (%s, each typed by its place or a cast, so that it can be prepared): bucket, minute, number (NULL
    for none), limit, the stripped characters, name, time, the number as asked, channel, address.
    Row: [set_config,] hits, allowed, matched, *VERIFY_COLUMNS."""
    from kaowu.core.models import AuditEvent

    lookup, params = sel.certificate_verify_queryset("?")[:1].query.sql_with_params()
    if params != ("?",):  # the compiled query must take the number as its only parameter
        raise RuntimeError(f"unexpected parameters in the verification lookup: {params!r}")
    quote = connection.ops.quote_name
    counters, events = quote(RateCounter._meta.db_table), quote(AuditEvent._meta.db_table)
    columns = ", ".join(quote(column) for column in sel.VERIFY_COLUMNS)
    durability = "set_config('synchronous_commit', 'off', true), " if async_commit else ""
    return (  # noqa: S608 - table and column names are ours, every value is a parameter
        f"WITH hit AS (INSERT INTO {counters} (bucket, minute, hits) VALUES (%s, %s, 1) "
        f"ON CONFLICT (bucket, minute) DO UPDATE SET hits = {counters}.hits + 1 RETURNING hits), "
        f"certificate ({columns}) AS ({lookup}), "
        f"answer AS (SELECT hit.hits, hit.hits <= %s::bigint AS allowed, "
        f"coalesce(btrim(normalize(certificate.holder_name, NFC), %s) = %s, false) AS matched, certificate.* "
        f"FROM hit LEFT JOIN certificate ON true), "
        f"event AS (INSERT INTO {events} (at, actor_username, action, object_type, object_id, object_repr, after, ip) "
        f"SELECT %s::timestamptz, 'public', 'certificates.verify', '', '', '', "
        f"jsonb_build_object('number', %s::text, 'found', matched, 'via', %s::text), %s::inet "
        f"FROM answer WHERE allowed) "
        f"SELECT {durability}answer.* FROM answer"
    )
