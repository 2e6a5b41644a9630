"""Scoped reads for paper custody (试卷保管与交接, R-FJ-9, R-CQ-9).

Who sees a package: the center that reviews its plan and the province; the staff (admin, clerk) of the
plan's institution; and the people in its chain (custodian, holder, giver or receiver of a handover),
through the StaffMember linked to their login. Everyone else gets a 404, so an outsider cannot probe
which packages exist. Candidates never see custody.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kaowu.accounts.models import Organisation, Role, User
from kaowu.accounts.roles import is_institution_staff, is_institution_staff_of, is_reviewing_center_of
from kaowu.plans.models import Plan
from kaowu.staffing.models import DispatchAssignment, Handover, LeakReport, PaperPackage, StaffMember

# The chain, in order (Handover.Stage is declared in this order).
STAGES: list[str] = list(Handover.Stage.values)
OUTBOUND = {Handover.Stage.ISSUE, Handover.Stage.TO_CHIEF, Handover.Stage.TO_ROOM}
# Which kind of person receives at each stage; RETURN goes to the package's own custodian.
RECEIVER_KIND: dict[str, tuple[str, str]] = {
    Handover.Stage.ISSUE: ("is_supervisor", "督导员"),
    Handover.Stage.TO_CHIEF: ("is_chief", "主考"),
    Handover.Stage.TO_ROOM: ("is_invigilator", "监考员"),
    Handover.Stage.FROM_ROOM: ("is_chief", "主考"),
    Handover.Stage.FROM_CHIEF: ("is_supervisor", "督导员"),
    Handover.Stage.RETURN: ("is_custodian", "试卷保管员"),
}


def staff_member_of(user: User) -> StaffMember | None:
    """The registry entry linked to a login, if any."""
    if not user.is_authenticated:
        return None
    try:
        return user.staff_member
    except StaffMember.DoesNotExist:
        return None


def is_plan_staff(user: User, plan: Plan) -> bool:
    """The center that reviews the plan (or the province), or the staff of its institution."""
    return is_reviewing_center_of(user, plan.reviewing_center) or is_institution_staff_of(user, plan.institution_id)


def may_record_handover(user: User, package: PaperPackage, *, giver: StaffMember | None = None,
                        receiver: StaffMember | None = None) -> bool:
    """Center or institution staff of the plan, or one of the two parties of the handover."""
    plan = package.session.plan
    if is_plan_staff(user, plan):
        return True
    member = staff_member_of(user)
    return member is not None and member.pk in {getattr(giver, "pk", None), getattr(receiver, "pk", None)}


def may_record_any_handover(user: User, package: PaperPackage) -> bool:
    """Whether the package page offers the handover form: staff, or the person holding the package."""
    member = staff_member_of(user)
    return may_record_handover(user, package, giver=member if member and member.pk == package.holder_id else None)


def _involvement(member: StaffMember) -> Q:
    handed = Handover.objects.filter(Q(giver=member) | Q(receiver=member)).values("package_id")
    return Q(holder=member) | Q(custodian=member) | Q(pk__in=handed)


def packages_visible_to(user: User) -> QuerySet[PaperPackage]:
    packages = PaperPackage.objects.select_related(
        "session__plan__institution", "session__plan__reviewing_center", "session__item__occupation",
        "session__item__special_item", "session__subject", "room__site", "custodian", "holder",
    )
    if not user.is_authenticated or user.role == Role.CANDIDATE:
        return packages.none()
    if user.role == Role.PROVINCE_ADMIN:
        return packages
    condition = Q(pk__in=[])
    if user.role == Role.CITY_REVIEWER and user.organisation_id:
        condition |= Q(session__plan__reviewing_center_id=user.organisation_id)
    if is_institution_staff(user) and user.organisation_id:
        condition |= Q(session__plan__institution_id=user.organisation_id)
    member = staff_member_of(user)
    if member is not None:
        condition |= _involvement(member)
    return packages.filter(condition)


def package_get_for_user(*, user: User, package_id: int) -> PaperPackage:
    return get_object_or_404(packages_visible_to(user), pk=package_id)


def custody_plan_get_for_user(*, user: User, plan_id: int) -> Plan:
    """A plan whose custody the user may see: its center, its institution's staff, or someone in the
    chain of one of its packages."""
    plan = get_object_or_404(Plan.objects.select_related("institution", "reviewing_center"), pk=plan_id)
    if is_plan_staff(user, plan):
        return plan
    if packages_visible_to(user).filter(session__plan=plan).exists():
        return plan
    raise Http404("没有找到该计划")


def custody_plans(user: User) -> QuerySet[Plan]:
    """Plans with at least one package the user sees, plus, for the center and the institution, their
    approved plans (so a package can be registered before the first one exists)."""
    plans = Plan.objects.select_related("institution", "reviewing_center")
    if not user.is_authenticated or user.role == Role.CANDIDATE:
        return plans.none()
    with_packages = packages_visible_to(user).values("session__plan_id")
    condition = Q(pk__in=with_packages)
    # The province sees every plan through the plan pages; here only those with packages.
    if user.role == Role.CITY_REVIEWER:
        condition |= Q(reviewing_center_id=user.organisation_id, status__in=[
            Plan.Status.APPROVED, Plan.Status.REGISTRATION_OPEN, Plan.Status.REGISTRATION_CLOSED])
    elif is_institution_staff(user):
        condition |= Q(institution_id=user.organisation_id, status__in=[
            Plan.Status.APPROVED, Plan.Status.REGISTRATION_OPEN, Plan.Status.REGISTRATION_CLOSED])
    return plans.filter(condition).order_by("-created_at")


def handovers_of(package: PaperPackage) -> list[Handover]:
    return list(package.handovers.select_related("giver", "receiver", "recorded_by").order_by("at", "pk"))


def package_next_stage(package: PaperPackage, handovers: list[Handover] | None = None) -> str | None:
    """The stage the next handover must be, or None when the chain is complete. A halted package may
    only go back to its custodian."""
    handovers = handovers_of(package) if handovers is None else handovers
    done = [h.stage for h in handovers]
    if Handover.Stage.RETURN in done:
        return None
    if package.status == PaperPackage.Status.HALTED:
        # Halted before it left the custodian: there is nothing to bring back.
        return None if package.holder_id == package.custodian_id else Handover.Stage.RETURN
    return STAGES[len(done)] if len(done) < len(STAGES) else None


def expected_seal(package: PaperPackage, stage: str, handovers: list[Handover]) -> str | None:
    """The seal number a handover at `stage` must show. The invigilator opens the package in the room
    and seals the papers again after the exam (002 附件8: 拆封试卷袋 … 回收试卷，并封装), so the way
    back carries the seal put on in the room; None at that stage (any new intact seal is recorded)."""
    if stage in OUTBOUND:
        return package.seal_number
    if stage == Handover.Stage.FROM_ROOM:
        return None
    resealed = [h for h in handovers if h.stage == Handover.Stage.FROM_ROOM]
    return resealed[-1].seal_number if resealed else package.seal_number


def expected_count(package: PaperPackage, stage: str, handovers: list[Handover]) -> int:
    """Out: the registered count. Back: what went into the room (the same, since every step out checked it)."""
    if stage in OUTBOUND:
        return package.paper_count
    left = [h for h in handovers if h.stage == Handover.Stage.TO_ROOM]
    return left[-1].count if left else package.paper_count


def _chain_organisations(plan: Plan) -> Q:
    """Registries whose people work in a plan's custody: its center and the centers above it (custodians,
    supervisors) and its institution (chiefs, invigilators)."""
    center_paths = _ancestor_paths(plan.reviewing_center)
    return Q(organisation__path__in=center_paths) | Q(organisation_id=plan.institution_id)


def _ancestor_paths(organisation: Organisation) -> list[str]:
    parts = organisation.path.strip("/").split("/")
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def custodians_for(plan: Plan) -> QuerySet[StaffMember]:
    """Paper custodians of the plan's reviewing center, or of the province above it (R-CQ-9)."""
    return (StaffMember.objects.filter(is_custodian=True, is_active=True,
                                       organisation__path__in=_ancestor_paths(plan.reviewing_center))
            .select_related("organisation").order_by("organisation__path", "name"))


def chain_people(plan: Plan) -> QuerySet[StaffMember]:
    """Everyone who may take part in the plan's handovers: the registries of _chain_organisations and
    anyone dispatched to the plan (a supervisor sent from elsewhere)."""
    dispatched = DispatchAssignment.objects.filter(run__plan=plan).exclude(
        status__in=[DispatchAssignment.Status.DECLINED, DispatchAssignment.Status.WITHDRAWN]).values("staff_id")
    return (StaffMember.objects.filter(is_active=True)
            .filter(_chain_organisations(plan) | Q(pk__in=dispatched))
            .filter(Q(is_custodian=True) | Q(is_supervisor=True) | Q(is_chief=True) | Q(is_invigilator=True))
            .select_related("organisation").order_by("organisation__path", "name"))


def receivers_for(package: PaperPackage, stage: str | None) -> QuerySet[StaffMember]:
    """The people who may receive at `stage` (the form offers only those)."""
    people = chain_people(package.session.plan)
    if stage is None:
        return people.none()
    if stage == Handover.Stage.RETURN:
        return StaffMember.objects.filter(pk=package.custodian_id).select_related("organisation")
    flag, _label = RECEIVER_KIND[stage]
    return people.filter(**{flag: True}).exclude(pk=package.holder_id)


def session_rooms(plan: Plan):
    """Rooms a package may be for: those of the plan's sites."""
    from kaowu.sites.models import Room

    return Room.objects.filter(site__in=plan.sites.all()).select_related("site").order_by("site__name", "name")


@dataclass(frozen=True)
class PackageRow:
    package: PaperPackage
    last: Handover | None
    open_leaks: int


def plan_packages(*, user: User, plan: Plan) -> list[PackageRow]:
    """The plan's packages the user sees, each with its last handover and open leak reports."""
    packages = list(packages_visible_to(user).filter(session__plan=plan)
                    .prefetch_related(Prefetch("handovers", queryset=Handover.objects.order_by("at", "pk")
                                               .select_related("giver", "receiver")),
                                      Prefetch("leak_reports", queryset=LeakReport.objects.filter(
                                          resolved_at__isnull=True), to_attr="open_leak_list"))
                    .order_by("session__date", "session__start", "number"))
    rows = []
    for package in packages:
        handovers = list(package.handovers.all())
        rows.append(PackageRow(package=package, last=handovers[-1] if handovers else None,
                               open_leaks=len(package.open_leak_list)))
    return rows


def open_leak_reports(*, user: User, plan: Plan | None = None) -> list[LeakReport]:
    """Unresolved leak reports on the packages the user sees (the center's alert, R-CQ-9)."""
    reports = LeakReport.objects.filter(resolved_at__isnull=True, package__in=packages_visible_to(user))
    if plan is not None:
        reports = reports.filter(package__session__plan=plan)
    return list(reports.select_related("package__session__plan", "package__session__subject",
                                       "package__session__item__occupation", "package__session__item__special_item",
                                       "package__room__site", "reported_by").order_by("-reported_at"))


def leak_report_get_for_user(*, user: User, report_id: int) -> LeakReport:
    return get_object_or_404(LeakReport.objects.select_related("package__session__plan")
                             .filter(package__in=packages_visible_to(user)), pk=report_id)


def package_leak_reports(package: PaperPackage) -> list[LeakReport]:
    return list(package.leak_reports.select_related("reported_by").order_by("-reported_at"))


def packages_filtered(user: User, query: Mapping[str, str]) -> tuple[QuerySet[PaperPackage], dict[str, str]]:
    """The packages of the custody pages (every plan the user sees, or one: `plan`), in session order."""
    filters = {"plan": query.get("plan", "").strip()}
    packages = packages_visible_to(user)
    if filters["plan"].isdigit():
        packages = packages.filter(session__plan_id=int(filters["plan"]))
    return packages.order_by("-session__date", "session__start", "number", "pk"), filters
