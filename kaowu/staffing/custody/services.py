"""Paper custody (试卷保管与交接): packages, handovers, leak reports (R-FJ-9, R-CQ-9).

A package is registered by the center that reviews its plan, held first by a named custodian (R-CQ-9),
and passes center → supervisor → chief → invigilator → back, each handover signed by both sides with
the count and the seal checked (R-FJ-9). A suspected leak halts the package at once: from then on it may
only go back to its custodian, and it stays halted (a leaked paper is not used, R-CQ-9).
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaowu.accounts.models import User
from kaowu.accounts.roles import require_reviewing_center_of
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.services import audit_record
from kaowu.core.workflow import row_lock, transition_check
from kaowu.plans.models import Session
from kaowu.sites.models import Room
from kaowu.staffing.audit import StaffingAction
from kaowu.staffing.custody.selectors import (
    OUTBOUND,
    RECEIVER_KIND,
    custodians_for,
    expected_count,
    expected_seal,
    handovers_of,
    may_record_handover,
    package_next_stage,
    packages_visible_to,
    session_rooms,
)
from kaowu.staffing.models import Handover, LeakReport, PaperPackage, StaffMember

# A handover is recorded at or after the moment it happened; a little slack for clocks that differ.
FUTURE_SLACK = timedelta(minutes=5)


def _snapshot(package: PaperPackage) -> dict:
    return {"status": package.status, "holder": package.holder_id, "holder_name": package.holder.name}


# A package leaves its custodian sealed, travels the chain and comes back; a suspected leak halts it
# wherever it is, even back with its custodian, and a halted package stays halted (R-CQ-9).
PAPER_PACKAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    PaperPackage.Status.SEALED: frozenset({PaperPackage.Status.IN_TRANSIT, PaperPackage.Status.HALTED}),
    PaperPackage.Status.IN_TRANSIT: frozenset({PaperPackage.Status.RETURNED, PaperPackage.Status.HALTED}),
    PaperPackage.Status.RETURNED: frozenset({PaperPackage.Status.HALTED}),
    PaperPackage.Status.HALTED: frozenset(),
}
PAPER_PACKAGE_ACTIONS = {
    PaperPackage.Status.IN_TRANSIT: StaffingAction.PACKAGE_ISSUE,
    PaperPackage.Status.RETURNED: StaffingAction.PACKAGE_RETURN,
    PaperPackage.Status.HALTED: StaffingAction.PACKAGE_HALT,
}


def paper_package_transition(*, package: PaperPackage, to: str, by: User, reason: str = "") -> PaperPackage:
    """Move a (locked) package to `to`. The handover or the leak report that moves it writes its own event
    beside this one. Filed under the plan's reviewing center. The caller is atomic."""
    row_lock(package, fields=["status"])
    transition_check(table=PAPER_PACKAGE_TRANSITIONS, status=PaperPackage.Status, current=package.status, to=to,
                     noun="试卷袋")
    before = package.status
    package.status = to
    package.save(update_fields=["status", "updated_at"])
    audit_record(action=PAPER_PACKAGE_ACTIONS[to], actor=by, target=package, before={"status": before},
                 after={"status": to, **({"reason": reason} if reason else {})},
                 organisation_id=package.session.plan.reviewing_center_id)
    return package


@transaction.atomic
def package_register(*, session: Session, room: Room | None, number: str, paper_count: int, seal_number: str,
                     custodian: StaffMember, by: User) -> PaperPackage:
    """Register a sealed package for a session; its custodian holds it until it is issued."""
    plan = session.plan
    require_reviewing_center_of(by, plan.reviewing_center, "只有审核该计划的中心可以登记试卷袋")
    number, seal_number = (number or "").strip(), (seal_number or "").strip()
    errors: dict[str, str] = {}
    if not number:
        errors["number"] = "请填写试卷袋编号"
    elif PaperPackage.objects.filter(number=number).exists():
        errors["number"] = f"试卷袋编号 {number} 已登记过，请核对"
    if not seal_number:
        errors["seal_number"] = "请填写密封条编号"
    if paper_count is None or paper_count < 1:
        errors["paper_count"] = "试卷份数至少为1份"
    if room is not None and not session_rooms(plan).filter(pk=room.pk).exists() \
            and not session.rooms.filter(pk=room.pk).exists():
        errors["room"] = f"考场 {room} 不属于该计划的考点"
    if errors:
        raise ValidationError(errors)
    if not custodians_for(plan).filter(pk=custodian.pk).exists():
        raise RuleViolation("R-CQ-9", f"{custodian.name}不是{plan.reviewing_center.name}（或省中心）登记在册的"
                                      "试卷保管员；试卷须由指定的保管员保管")
    package = PaperPackage.objects.create(
        session=session, room=room, number=number, paper_count=paper_count, seal_number=seal_number,
        status=PaperPackage.Status.SEALED, custodian=custodian, holder=custodian, created_by=by,
    )
    audit_record(action=StaffingAction.PACKAGE_REGISTER, actor=by, target=package, after={
        "session": session.pk, "room": room.pk if room else None, "number": number, "paper_count": paper_count,
        "seal_number": seal_number, "custodian": custodian.pk, "custodian_name": custodian.name,
    })
    return package


def _receiver_check(package: PaperPackage, stage: str, receiver: StaffMember) -> None:
    flag, label = RECEIVER_KIND[stage]
    stage_label = Handover.Stage(stage).label
    if stage == Handover.Stage.RETURN:
        if receiver.pk != package.custodian_id:
            raise RuleViolation("R-CQ-9", f"「{stage_label}」应交回本试卷袋的保管员{package.custodian.name}，"
                                          f"不能交给{receiver.name}")
        return
    if not getattr(receiver, flag) or not receiver.is_active:
        raise RuleViolation("R-FJ-9", f"「{stage_label}」的接收人应为{label}，{receiver.name}不是在册的{label}")


def _count_check(stage: str, count: int, expected: int) -> None:
    if count == expected:
        return
    if stage in OUTBOUND:
        raise RuleViolation("R-FJ-9", f"清点份数{count}份与试卷袋登记的{expected}份不符，不能交接；"
                                      "请重新清点，确有短少的请报告中心")
    raise RuleViolation("R-FJ-9", f"回收份数{count}份与发出的{expected}份不符，不能交接；"
                                  "回收时须与发出时份数一致，请重新清点")


def _seal_check(stage: str, seal_intact: bool, seal_number: str, expected: str | None) -> None:
    if not seal_intact:
        raise RuleViolation("R-CQ-9", "试卷袋密封不完好，不能交接：请停止交接，立即报告疑似泄密")
    if not seal_number:
        raise ValidationError({"seal_number": "请填写核对的密封条编号"})
    if expected is not None and seal_number != expected:
        where = "登记" if stage in OUTBOUND else "考场回收封装时"
        raise RuleViolation("R-CQ-9", f"密封条编号{seal_number}与{where}的{expected}不符，不能交接："
                                      "请停止交接，立即报告疑似泄密")


@transaction.atomic
def handover_record(*, package: PaperPackage, stage: str, giver: StaffMember, receiver: StaffMember, at: datetime,
                    count: int, seal_intact: bool, seal_number: str, giver_signed: bool, receiver_signed: bool,
                    by: User, note: str = "") -> Handover:
    """Record one handover of the chain. Refused unless both sides signed, the count and the seal agree,
    the giver holds the package, the stage is the next one and the receiver is of its kind."""
    # Lock the package: two people recording the same handover at once must not both succeed. The row alone
    # (row_lock): PostgreSQL re-checks a FOR UPDATE row that changed with the joined rows it first read, so
    # joining the holder the other handover just changed would find no package at all.
    row_lock(package)
    package = PaperPackage.objects.select_related("session__plan", "custodian", "holder").get(pk=package.pk)
    if not may_record_handover(by, package, giver=giver, receiver=receiver):
        raise PermissionRefused("只有审核中心、考核机构的工作人员或交接双方本人可以登记交接")
    if stage not in Handover.Stage.values:
        raise ValidationError({"stage": "请选择交接环节"})
    handovers = handovers_of(package)
    next_stage = package_next_stage(package, handovers)
    stage_label = Handover.Stage(stage).label
    halted = package.status == PaperPackage.Status.HALTED
    if halted and stage != Handover.Stage.RETURN:
        raise RuleViolation("R-CQ-9", f"试卷袋{package.number}已因疑似泄密停用，不得再发放或使用，"
                                      f"只能交回保管员{package.custodian.name}")
    if next_stage is None:
        raise RuleViolation("R-FJ-9", f"试卷袋{package.number}已在保管员{package.custodian.name}处，"
                                      "交接已全部完成，不能再登记交接")
    if stage != next_stage:
        raise RuleViolation("R-FJ-9", f"交接须按顺序进行：下一环节应为「{Handover.Stage(next_stage).label}」，"
                                      f"不能登记「{stage_label}」")
    if giver.pk != package.holder_id:
        raise RuleViolation("R-FJ-9", f"交出人应为当前持有人{package.holder.name}，{giver.name}未持有该试卷袋")
    if receiver.pk == giver.pk:
        raise ValidationError({"receiver": "交出人和接收人不能是同一人"})
    _receiver_check(package, stage, receiver)
    missing = [f"{role}{person.name}" for role, person, signed in
               (("交出人", giver, giver_signed), ("接收人", receiver, receiver_signed)) if not signed]
    if missing:
        raise RuleViolation("R-FJ-9", f"交接双方须签字确认，{'、'.join(missing)}未签字，不能交接")
    seal_number = (seal_number or "").strip()
    note = (note or "").strip()
    if halted:
        # The leak is already reported: the return records the package as it comes back, whatever its
        # state, so the chain has no gap; a difference must be explained.
        differs = (count != expected_count(package, stage, handovers) or not seal_intact
                   or seal_number != expected_seal(package, stage, handovers))
        if differs and not note:
            raise ValidationError({"note": "份数或密封与发出时不一致，请在备注中说明情况"})
    else:
        _count_check(stage, count, expected_count(package, stage, handovers))
        _seal_check(stage, seal_intact, seal_number, expected_seal(package, stage, handovers))
    now = timezone.now()
    if at > now + FUTURE_SLACK:
        raise ValidationError({"at": "交接时间不能晚于当前时间"})
    if handovers and at < handovers[-1].at:
        last = timezone.localtime(handovers[-1].at)
        raise ValidationError({"at": f"交接时间不能早于上一次交接（{last:%Y-%m-%d %H:%M}）"})

    before = _snapshot(package)
    handover = Handover.objects.create(
        package=package, stage=stage, giver=giver, receiver=receiver, at=at, count=count, seal_intact=seal_intact,
        seal_number=seal_number, giver_signed=giver_signed, receiver_signed=receiver_signed, recorded_by=by,
        note=note,
    )
    package.holder = receiver
    package.save(update_fields=["holder", "updated_at"])
    if stage == Handover.Stage.RETURN:
        # A halted package stays halted after it is back: a leaked paper is not used (R-CQ-9).
        if not halted:
            paper_package_transition(package=package, to=PaperPackage.Status.RETURNED, by=by, reason=stage_label)
    elif package.status == PaperPackage.Status.SEALED:
        paper_package_transition(package=package, to=PaperPackage.Status.IN_TRANSIT, by=by, reason=stage_label)
    audit_record(action=StaffingAction.HANDOVER, actor=by, target=package, before=before, after={
        **_snapshot(package), "handover": handover.pk, "stage": stage, "giver": giver.pk, "receiver": receiver.pk,
        "at": at.isoformat(), "count": count, "seal_intact": seal_intact, "seal_number": seal_number,
    })
    return handover


@transaction.atomic
def leak_report(*, package: PaperPackage, description: str, by: User) -> LeakReport:
    """Report a suspected leak: the package is halted at once and the center sees the report (R-CQ-9)."""
    if not packages_visible_to(by).filter(pk=package.pk).exists():
        raise PermissionRefused("您不能对该试卷袋报告泄密")
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "请说明发现的情况（时间、地点、经过）"})
    row_lock(package)  # the row alone, as in handover_record: the holder may be changing
    package = PaperPackage.objects.select_related("holder", "session__plan").get(pk=package.pk)
    before = _snapshot(package)
    report = LeakReport.objects.create(package=package, reported_by=by, reported_at=timezone.now(),
                                       description=description)
    if package.status != PaperPackage.Status.HALTED:  # a second report finds it halted already
        paper_package_transition(package=package, to=PaperPackage.Status.HALTED, by=by, reason="疑似泄密")
    # Filed under the reviewing center, whose audit list is where it is looked for.
    audit_record(action=StaffingAction.LEAK_REPORT, actor=by, target=package, before=before,
                 after={**_snapshot(package), "report": report.pk, "description": description},
                 organisation=package.session.plan.reviewing_center)
    return report


@transaction.atomic
def leak_resolve(*, report: LeakReport, resolution: str, by: User) -> LeakReport:
    """The center closes a leak report. The package stays halted: a leaked paper is not used (R-CQ-9)."""
    report = (LeakReport.objects.select_for_update(of=("self",))
              .select_related("package__session__plan").get(pk=report.pk))
    plan = report.package.session.plan
    require_reviewing_center_of(by, plan.reviewing_center, "只有审核该计划的中心可以处理泄密报告")
    if report.resolved_at is not None:
        raise ValidationError("该泄密报告已处理")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "请填写处理结果"})
    report.resolved_at = timezone.now()
    report.resolution = resolution
    report.save(update_fields=["resolved_at", "resolution", "updated_at"])
    audit_record(action=StaffingAction.LEAK_RESOLVE, actor=by, target=report.package, before={"report": report.pk},
                 after={"report": report.pk, "resolution": resolution, "status": report.package.status},
                 organisation=plan.reviewing_center)
    return report

