"""Reads of certificates, scoped to the user; the public verification lookup."""

import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Role, User
from kaowu.certificates.models import Certificate, PrinterCalibration, ReplacementRequest
from kaowu.plans.models import Plan
from kaowu.plans.selectors import plans_visible_to
from kaowu.scoring.models import ResultRelease

STAFF_ROLES = (Role.INSTITUTION_ADMIN, Role.INSTITUTION_CLERK)
OFFICE_ROLES = (Role.PROVINCE_ADMIN, Role.CITY_REVIEWER, *STAFF_ROLES)


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    """Staff see the certificates of the plans they see (the institution its own, a center those of its
    city and those it numbered, the province all); a candidate sees their own."""
    certificates = Certificate.objects.select_related("plan", "issuer", "candidate")
    if not user.is_authenticated:
        return certificates.none()
    if user.role == Role.CANDIDATE:
        return certificates.filter(candidate__user=user)
    if user.role not in OFFICE_ROLES:
        return certificates.none()
    if user.role == Role.PROVINCE_ADMIN:
        return certificates
    return certificates.filter(Q(plan__in=plans_visible_to(user)) | Q(numbered_by_id=user.organisation_id))


def certificate_get_for_user(*, user: User, certificate_id: int) -> Certificate:
    return get_object_or_404(certificates_visible_to(user), pk=certificate_id)


def certificates_of_plan(*, user: User, plan: Plan) -> QuerySet[Certificate]:
    return certificates_visible_to(user).filter(plan=plan).order_by("number")


def is_numbering_center(user: User, certificate: Certificate) -> bool:
    """The center that numbered (and so issued) the certificate, or the province: revokes and replaces it."""
    if not user.is_authenticated:
        return False
    return user.role == Role.PROVINCE_ADMIN or (
        user.role == Role.CITY_REVIEWER and user.organisation_id == certificate.numbered_by_id)


def is_station_of(user: User, certificate: Certificate) -> bool:
    """The institution (鉴定站) the holder was examined by: hands out certificates, applies for replacements."""
    return (user.is_authenticated and user.role in STAFF_ROLES
            and user.organisation_id == certificate.plan.institution_id)


def is_holder(user: User, certificate: Certificate) -> bool:
    return user.is_authenticated and user.role == Role.CANDIDATE and certificate.candidate.user_id == user.pk


@dataclass(frozen=True)
class PlanCertificates:
    plan: Plan
    release: ResultRelease | None
    passed: int
    issued: int
    valid: int

    @property
    def waiting(self) -> int:
        return max(self.passed - self.issued, 0)


def release_of(plan: Plan) -> ResultRelease | None:
    """The plan's results, which certificates are issued from (None before any score was composed)."""
    return ResultRelease.objects.filter(plan=plan).first()


def successor_of(certificate: Certificate) -> Certificate | None:
    """The certificate that replaced this one (R-FJ-15), if any."""
    return Certificate.objects.filter(replaces=certificate).first()


def replacements_of(certificate: Certificate) -> QuerySet[ReplacementRequest]:
    return certificate.replacement_requests.select_related("applied_by", "new_certificate")


def plan_certificates_summary(*, user: User, plan: Plan) -> PlanCertificates:
    from kaowu.scoring.models import Result

    release = release_of(plan)
    passed = Result.objects.filter(release__plan=plan, outcome=Result.Outcome.PASSED).count() if release else 0
    issued_results = Certificate.objects.filter(plan=plan, replaces__isnull=True).count()
    valid = Certificate.objects.filter(plan=plan, status=Certificate.Status.VALID).count()
    return PlanCertificates(plan=plan, release=release, passed=passed, issued=issued_results, valid=valid)


def plans_with_results(user: User) -> QuerySet[Plan]:
    """Plans the user sees whose results are approved or later: the ones certificates come from."""
    return plans_visible_to(user).filter(
        result_release__status__in=[ResultRelease.Status.APPROVED, ResultRelease.Status.PUBLISHED,
                                    ResultRelease.Status.FINAL]).order_by("-result_release__exam_end", "-pk")


def replacements_visible_to(user: User) -> QuerySet[ReplacementRequest]:
    requests = ReplacementRequest.objects.select_related("certificate", "certificate__plan", "applied_by")
    if user.is_authenticated and user.role == Role.CANDIDATE:
        return requests.filter(certificate__candidate__user=user)
    return requests.filter(certificate__in=certificates_visible_to(user))


def replacement_get_for_user(*, user: User, request_id: int) -> ReplacementRequest:
    return get_object_or_404(replacements_visible_to(user), pk=request_id)


def calibrations_of(user: User) -> QuerySet[PrinterCalibration]:
    if not user.is_authenticated or user.role not in OFFICE_ROLES or user.organisation_id is None:
        return PrinterCalibration.objects.none()
    return PrinterCalibration.objects.filter(organisation_id=user.organisation_id)


def calibration_get_for_user(*, user: User, calibration_id: int) -> PrinterCalibration:
    return get_object_or_404(calibrations_of(user), pk=calibration_id)


# --- public verification ---------------------------------------------------------------------------

# The only columns the public may learn about a certificate (and the replacement's number).
VERIFY_FIELDS = ("number", "status", "status_reason", "holder_name", "holder_id_masked", "item_name", "level_name",
                 "grade", "issued_on", "issuer_name", "kind")


@dataclass(frozen=True)
class Verification:
    number: str
    status: str
    status_label: str
    status_reason: str
    holder_name: str
    holder_id_masked: str
    item_name: str
    level_name: str
    grade: str
    issued_on: date
    issuer_name: str
    kind_label: str
    replaced_by: str  # the new certificate's number when this one was replaced

    @property
    def valid(self) -> bool:
        return self.status == Certificate.Status.VALID


def name_normal(name: str) -> str:
    return unicodedata.normalize("NFC", name or "").strip()


# The lookup's columns, in the order certificate_verify_queryset returns them.
VERIFY_COLUMNS = (*VERIFY_FIELDS, "replaced_by__number")


def verify_asked(number: str, name: str) -> tuple[str, str] | None:
    """The number and name as they are looked up (the number in capitals, the name as name_normal makes
    it), or None when no certificate can have them."""
    number = (number or "").strip().upper()
    name = name_normal(name)
    if not number or not name or len(number) > 64 or len(name) > 40:
        return None
    return number, name


def certificate_verify_queryset(number: str) -> QuerySet:
    """The public columns of the certificate with this number, and its replacement's number: one indexed
    query on the unique number (a tuple per row, in VERIFY_COLUMNS order)."""
    return Certificate.objects.filter(number=number).order_by().values_list(*VERIFY_COLUMNS)


def verification_of(row: dict) -> Verification:
    """The Verification of a row of the lookup (a dict by VERIFY_COLUMNS)."""
    from kaowu.certificates.models import CertificateKind

    return Verification(
        number=row["number"], status=row["status"], status_label=Certificate.Status(row["status"]).label,
        status_reason=row["status_reason"] if row["status"] == Certificate.Status.REVOKED else "",
        holder_name=row["holder_name"], holder_id_masked=row["holder_id_masked"], item_name=row["item_name"],
        level_name=row["level_name"], grade=row["grade"], issued_on=row["issued_on"],
        issuer_name=row["issuer_name"], kind_label=CertificateKind(row["kind"]).label,
        replaced_by=row["replaced_by__number"] or "",
    )


def certificate_verify_lookup(*, number: str, name: str) -> Verification | None:
    """The certificate with this number held by this name, or None: the caller says "未查询到" either way,
    so a wrong number and a wrong name cannot be told apart. One indexed query on the unique number."""
    asked = verify_asked(number, name)
    if asked is None:
        return None
    number, name = asked
    values = next(iter(certificate_verify_queryset(number)[:1]), None)
    if values is None:
        return None
    row = dict(zip(VERIFY_COLUMNS, values, strict=True))
    return verification_of(row) if name_normal(row["holder_name"]) == name else None


# --- staff pages -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanRow:
    plan: Plan
    release_status: str
    passed: int
    issued: int
    final: bool

    @property
    def waiting(self) -> int:
        """Passed results still without a certificate, once the results are final (R-CQ-14)."""
        return max(self.passed - self.issued, 0) if self.final else 0


def plan_rows(user: User, limit: int = 100) -> list[PlanRow]:
    """The plans with results the user sees, with how many passed and how many got certificates."""
    from django.db.models import Count

    plans = list(plans_with_results(user).select_related("result_release")
                 .annotate(passed=Count("result_release__results", distinct=True,
                                        filter=Q(result_release__results__outcome="passed")),
                           issued=Count("certificates", distinct=True, filter=Q(certificates__replaces__isnull=True)))
                 [:limit])
    return [PlanRow(plan=p, release_status=p.result_release.get_status_display(), passed=p.passed, issued=p.issued,
                    final=p.result_release.status == ResultRelease.Status.FINAL) for p in plans]


def certificate_search(*, user: User, query: str) -> QuerySet[Certificate]:
    """By number (exact or its start) or the holder's name."""
    query = query.strip()
    return certificates_visible_to(user).filter(
        Q(number__startswith=query.upper()) | Q(holder_name=query)).order_by("number")


def can_issue(user: User, plan: Plan) -> bool:
    return user.role == Role.PROVINCE_ADMIN or (
        user.role == Role.CITY_REVIEWER and user.organisation_id == plan.reviewing_center_id)


# --- roster and national-platform export (reports) ---------------------------------------------------

# Results from these release states on are approved by the center: a roster of them is an official list.
ROSTER_RELEASE_STATES = (ResultRelease.Status.APPROVED, ResultRelease.Status.PUBLISHED, ResultRelease.Status.FINAL)


def plan_passed_results(*, plan: Plan):
    """The passed results of a plan (in issuing order: item, then ID number), each annotated with the number
    and status of its current certificate (the latest one: a replacement after the one it replaced), or
    None before certificates are issued. The caller has checked that the user sees the plan."""
    from django.db.models import OuterRef, Subquery

    from kaowu.scoring.models import Result

    current = Certificate.objects.filter(result=OuterRef("pk")).order_by("-pk")
    return (Result.objects.filter(release__plan=plan, outcome=Result.Outcome.PASSED)
            .select_related("application__candidate", "application__item__occupation",
                            "application__item__special_item")
            .annotate(certificate_number=Subquery(current.values("number")[:1]),
                      certificate_status=Subquery(current.values("status")[:1]))
            .order_by("application__item_id", "application__candidate__id_number", "pk"))


def certificates_for_export(*, user: User, issued_from: date, issued_to: date,
                            include_changed: bool = False) -> QuerySet[Certificate]:
    """The certificates the user sees that were issued between the two dates (inclusive), in issue order;
    with `include_changed` also those revoked or replaced in that period (whenever issued), so the national
    platform learns of a status change."""
    from datetime import datetime, time

    from django.utils import timezone

    period = Q(issued_on__gte=issued_from, issued_on__lte=issued_to)
    if include_changed:
        zone = timezone.get_current_timezone()
        start = datetime.combine(issued_from, time.min, tzinfo=zone)
        end = datetime.combine(issued_to, time.max, tzinfo=zone)
        period |= Q(status_changed_at__gte=start, status_changed_at__lte=end)
    return certificates_visible_to(user).filter(period).order_by("issued_on", "number")
