"""Reads of certificates, scoped to the user: what the staff pages and the services of every sub-area ask."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Role, User
from kaowu.accounts.roles import is_institution_staff_of, is_office, is_reviewing_center_of
from kaowu.certificates.models import Certificate
from kaowu.plans.models import Plan
from kaowu.plans.selectors import plans_visible_to
from kaowu.scoring.models import ResultRelease


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    """Staff see the certificates of the plans they see (the institution its own, a center those of its
    city and those it numbered, the province all); a candidate sees their own."""
    certificates = Certificate.objects.select_related("plan", "issuer", "candidate", "numbered_by")
    if not user.is_authenticated:
        return certificates.none()
    if user.role == Role.CANDIDATE:
        return certificates.filter(candidate__user=user)
    if not is_office(user):
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
    return is_reviewing_center_of(user, certificate.numbered_by)


def is_station_of(user: User, certificate: Certificate) -> bool:
    """The institution (鉴定站) the holder was examined by: hands out certificates, applies for replacements."""
    return is_institution_staff_of(user, certificate.plan.institution_id)


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
    """The center that reviewed the plan, or the province: issues its certificates (R-SC24-9)."""
    return plan.reviewing_center_id is not None and is_reviewing_center_of(user, plan.reviewing_center)
