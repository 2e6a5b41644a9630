"""Paper custody services (R-FJ-9, R-CQ-9): registering a package, the handover chain and its refusals,
leak reports."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.staffing.custody import services
from kaowu.staffing.custody.tests.factories import Clock, hand, staff_make
from kaowu.staffing.models import Handover, LeakReport, PaperPackage

pytestmark = pytest.mark.django_db
Stage = Handover.Stage


def chain_to_room(world, by, clock):
    hand(world, Stage.ISSUE, world.custodian, world.supervisor, by, at=clock())
    hand(world, Stage.TO_CHIEF, world.supervisor, world.chief, by, at=clock())
    hand(world, Stage.TO_ROOM, world.chief, world.invigilator, by, at=clock())


def refused(rule_id, call):
    with pytest.raises(RuleViolation) as info:
        call()
    assert info.value.rule_id == rule_id, info.value
    return info.value.message


# Registering ------------------------------------------------------------------------------------------------


def test_the_center_registers_a_package_held_by_its_custodian(world, chengdu_reviewer):
    package = world.package
    assert package.status == PaperPackage.Status.SEALED
    assert package.holder == world.custodian and package.custodian == world.custodian
    event = AuditEvent.objects.get(action="custody.package_register")
    assert event.actor == chengdu_reviewer and event.after["seal_number"] == "FT-0001"


@pytest.mark.parametrize("who", ["institution_clerk", "mianyang_reviewer"])
def test_only_the_reviewing_center_registers_packages(world, who, request):
    with pytest.raises(PermissionRefused):
        services.package_register(session=world.session, room=None, number="X-1", paper_count=5,
                                  seal_number="S-1", custodian=world.custodian, by=request.getfixturevalue(who))
    assert not PaperPackage.objects.filter(number="X-1").exists()


def test_r_cq_9_a_package_needs_a_registered_custodian_of_the_center(world, chengdu_reviewer, mianyang):
    message = refused("R-CQ-9", lambda: services.package_register(
        session=world.session, room=None, number="X-2", paper_count=5, seal_number="S-2",
        custodian=world.supervisor, by=chengdu_reviewer))
    assert "郑督导" in message and "保管员" in message
    elsewhere = staff_make(mianyang, "绵保管", 9, is_custodian=True)
    refused("R-CQ-9", lambda: services.package_register(
        session=world.session, room=None, number="X-3", paper_count=5, seal_number="S-3", custodian=elsewhere,
        by=chengdu_reviewer))


def test_a_package_number_is_registered_once(world, chengdu_reviewer):
    with pytest.raises(ValidationError) as info:
        services.package_register(session=world.session, room=None, number="CD-2026-001", paper_count=5,
                                  seal_number="S-9", custodian=world.custodian, by=chengdu_reviewer)
    assert "number" in info.value.error_dict


# The chain --------------------------------------------------------------------------------------------------


def test_a_full_chain_from_the_center_to_the_room_and_back(world, chengdu_reviewer, institution_clerk, supervisor,
                                                           invigilator):
    clock = Clock()
    # The center issues; the supervisor records handing over to the chief himself; the clerk records the rest.
    hand(world, Stage.ISSUE, world.custodian, world.supervisor, chengdu_reviewer, at=clock())
    world.package.refresh_from_db()
    assert world.package.status == PaperPackage.Status.IN_TRANSIT and world.package.holder == world.supervisor
    hand(world, Stage.TO_CHIEF, world.supervisor, world.chief, supervisor, at=clock())
    hand(world, Stage.TO_ROOM, world.chief, world.invigilator, institution_clerk, at=clock())
    # The room opens the package and seals the papers again after the exam, with a new seal.
    hand(world, Stage.FROM_ROOM, world.invigilator, world.chief, invigilator, at=clock(), seal_number="HS-7788")
    hand(world, Stage.FROM_CHIEF, world.chief, world.supervisor, institution_clerk, at=clock(),
         seal_number="HS-7788")
    hand(world, Stage.RETURN, world.supervisor, world.custodian, chengdu_reviewer, at=clock(), seal_number="HS-7788")

    world.package.refresh_from_db()
    assert world.package.status == PaperPackage.Status.RETURNED and world.package.holder == world.custodian
    assert list(world.package.handovers.values_list("stage", flat=True)) == list(Stage.values)
    assert AuditEvent.objects.filter(action="custody.handover").count() == 6
    # Once back with the custodian nothing more is recorded.
    message = refused("R-FJ-9", lambda: hand(world, Stage.ISSUE, world.custodian, world.supervisor,
                                             chengdu_reviewer, at=clock()))
    assert "已全部完成" in message


@pytest.mark.parametrize("missing", ["giver_signed", "receiver_signed"])
def test_r_fj_9_a_handover_missing_a_signature_is_refused(world, chengdu_reviewer, missing):
    message = refused("R-FJ-9", lambda: hand(world, Stage.ISSUE, world.custodian, world.supervisor,
                                             chengdu_reviewer, at=Clock()(), **{missing: False}))
    assert ("孙保管" if missing == "giver_signed" else "郑督导") in message and "未签字" in message
    world.package.refresh_from_db()
    assert world.package.holder == world.custodian and not world.package.handovers.exists()


def test_r_fj_9_a_count_different_from_the_package_is_refused_on_the_way_out(world, chengdu_reviewer):
    message = refused("R-FJ-9", lambda: hand(world, Stage.ISSUE, world.custodian, world.supervisor,
                                             chengdu_reviewer, at=Clock()(), count=29))
    assert "29" in message and "30" in message
    assert not Handover.objects.exists()


def test_r_fj_9_a_count_different_from_what_left_is_refused_on_the_way_back(world, institution_clerk):
    clock = Clock()
    chain_to_room(world, institution_clerk, clock)
    message = refused("R-FJ-9", lambda: hand(world, Stage.FROM_ROOM, world.invigilator, world.chief,
                                             institution_clerk, at=clock(), count=28))
    assert "回收份数28份" in message and "30" in message
    world.package.refresh_from_db()
    assert world.package.holder == world.invigilator


def test_r_cq_9_a_broken_seal_is_refused_and_asks_for_a_leak_report(world, chengdu_reviewer):
    message = refused("R-CQ-9", lambda: hand(world, Stage.ISSUE, world.custodian, world.supervisor,
                                             chengdu_reviewer, at=Clock()(), seal_intact=False))
    assert "泄密" in message


def test_r_cq_9_a_seal_number_different_from_the_package_is_refused(world, chengdu_reviewer):
    message = refused("R-CQ-9", lambda: hand(world, Stage.ISSUE, world.custodian, world.supervisor,
                                             chengdu_reviewer, at=Clock()(), seal_number="FT-9999"))
    assert "FT-9999" in message and "FT-0001" in message and "泄密" in message


def test_r_cq_9_on_the_way_back_the_seal_must_be_the_one_put_on_in_the_room(world, institution_clerk):
    clock = Clock()
    chain_to_room(world, institution_clerk, clock)
    hand(world, Stage.FROM_ROOM, world.invigilator, world.chief, institution_clerk, at=clock(), seal_number="HS-1")
    message = refused("R-CQ-9", lambda: hand(world, Stage.FROM_CHIEF, world.chief, world.supervisor,
                                             institution_clerk, at=clock(), seal_number="FT-0001"))
    assert "HS-1" in message


def test_r_fj_9_the_giver_must_be_the_current_holder(world, chengdu_reviewer):
    message = refused("R-FJ-9", lambda: hand(world, Stage.ISSUE, world.other_supervisor, world.supervisor,
                                             chengdu_reviewer, at=Clock()()))
    assert "孙保管" in message and "林督导" in message


def test_r_fj_9_stages_go_in_order_and_each_once(world, chengdu_reviewer):
    clock = Clock()
    message = refused("R-FJ-9", lambda: hand(world, Stage.TO_CHIEF, world.custodian, world.chief,
                                             chengdu_reviewer, at=clock()))
    assert "中心发卷给督导员" in message
    hand(world, Stage.ISSUE, world.custodian, world.supervisor, chengdu_reviewer, at=clock())
    refused("R-FJ-9", lambda: hand(world, Stage.ISSUE, world.supervisor, world.other_supervisor, chengdu_reviewer,
                                   at=clock()))
    assert Handover.objects.count() == 1


def test_r_fj_9_the_receiver_must_be_of_the_kind_the_stage_needs(world, chengdu_reviewer):
    message = refused("R-FJ-9", lambda: hand(world, Stage.ISSUE, world.custodian, world.invigilator,
                                             chengdu_reviewer, at=Clock()()))
    assert "督导员" in message and "冯监考" in message


def test_r_cq_9_the_return_goes_to_the_package_custodian(world, institution_clerk, chengdu):
    clock = Clock()
    chain_to_room(world, institution_clerk, clock)
    hand(world, Stage.FROM_ROOM, world.invigilator, world.chief, institution_clerk, at=clock())
    hand(world, Stage.FROM_CHIEF, world.chief, world.supervisor, institution_clerk, at=clock())
    another = staff_make(chengdu, "周保管", 8, is_custodian=True)
    message = refused("R-CQ-9", lambda: hand(world, Stage.RETURN, world.supervisor, another, institution_clerk,
                                             at=clock()))
    assert "孙保管" in message


def test_a_handover_earlier_than_the_last_one_is_refused(world, chengdu_reviewer):
    clock = Clock()
    first = clock()
    hand(world, Stage.ISSUE, world.custodian, world.supervisor, chengdu_reviewer, at=first)
    with pytest.raises(ValidationError) as info:
        hand(world, Stage.TO_CHIEF, world.supervisor, world.chief, chengdu_reviewer, at=first - timedelta(hours=2))
    assert "at" in info.value.error_dict


@pytest.mark.parametrize("who", ["mianyang_reviewer", "other_institution_clerk", "assessor"])
def test_outsiders_cannot_record_a_handover(world, who, request):
    with pytest.raises(PermissionRefused):
        hand(world, Stage.ISSUE, world.custodian, world.supervisor, request.getfixturevalue(who), at=Clock()())
    assert not Handover.objects.exists()


def test_a_party_records_only_handovers_they_are_part_of(world, chengdu_reviewer, supervisor, invigilator):
    clock = Clock()
    # The invigilator is neither giver nor receiver of the issue.
    with pytest.raises(PermissionRefused):
        hand(world, Stage.ISSUE, world.custodian, world.supervisor, invigilator, at=clock())
    # The supervisor receives it, so may record it.
    hand(world, Stage.ISSUE, world.custodian, world.supervisor, supervisor, at=clock())
    assert Handover.objects.get().recorded_by == supervisor


# Leaks ------------------------------------------------------------------------------------------------------


def test_a_leak_report_halts_the_package_and_only_the_return_is_allowed(world, institution_clerk,
                                                                         chengdu_reviewer, invigilator, chengdu):
    clock = Clock()
    chain_to_room(world, institution_clerk, clock)
    report = services.leak_report(package=world.package, description="考前发现试卷袋封口有撕痕", by=invigilator)

    world.package.refresh_from_db()
    assert world.package.status == PaperPackage.Status.HALTED
    event = AuditEvent.objects.get(action="custody.leak_report")
    assert event.organisation == chengdu and event.actor == invigilator
    # The room cannot use it any more: no handover but the return to the custodian.
    message = refused("R-CQ-9", lambda: hand(world, Stage.FROM_ROOM, world.invigilator, world.chief,
                                             institution_clerk, at=clock()))
    assert "停用" in message and "孙保管" in message
    # The return records the package as it comes back; a broken seal must be explained.
    with pytest.raises(ValidationError):
        hand(world, Stage.RETURN, world.invigilator, world.custodian, institution_clerk, at=clock(),
             seal_intact=False)
    hand(world, Stage.RETURN, world.invigilator, world.custodian, institution_clerk, at=clock(), seal_intact=False,
         note="封口撕痕，已由中心封存")
    world.package.refresh_from_db()
    assert world.package.status == PaperPackage.Status.HALTED and world.package.holder == world.custodian

    # Only the center resolves it, and the package stays halted (a leaked paper is not used).
    with pytest.raises(PermissionRefused):
        services.leak_resolve(report=report, resolution="已处理", by=institution_clerk)
    services.leak_resolve(report=report, resolution="启用备用卷，该袋封存备查", by=chengdu_reviewer)
    report.refresh_from_db()
    world.package.refresh_from_db()
    assert report.resolved_at is not None and world.package.status == PaperPackage.Status.HALTED
    with pytest.raises(ValidationError):
        services.leak_resolve(report=report, resolution="再次处理", by=chengdu_reviewer)


def test_r_cq_9_a_package_halted_before_it_left_cannot_be_issued(world, chengdu_reviewer):
    services.leak_report(package=world.package, description="保管室门锁被撬", by=chengdu_reviewer)
    message = refused("R-CQ-9", lambda: hand(world, Stage.ISSUE, world.custodian, world.supervisor,
                                             chengdu_reviewer, at=Clock()()))
    assert "停用" in message


@pytest.mark.parametrize("who", ["mianyang_reviewer", "other_institution_clerk", "candidate"])
def test_outsiders_cannot_report_a_leak(world, who, request):
    with pytest.raises(PermissionRefused):
        services.leak_report(package=world.package, description="谣言", by=request.getfixturevalue(who))
    world.package.refresh_from_db()
    assert world.package.status == PaperPackage.Status.SEALED and not LeakReport.objects.exists()
