"""The paper package's table: a halted package never moves again (R-CQ-9), and each move a handover or
a leak report makes is an audit event of its own beside theirs."""

import pytest

from kaowu.core.models import AuditEvent
from kaowu.core.workflow import TransitionRefused
from kaowu.staffing.custody import services
from kaowu.staffing.custody.tests.factories import Clock, hand
from kaowu.staffing.models import Handover, PaperPackage

Status = PaperPackage.Status


def test_a_halted_package_cannot_go_back_in_transit():
    package = PaperPackage(status=Status.HALTED)
    with pytest.raises(TransitionRefused) as refused:
        services.paper_package_transition(package=package, to=Status.IN_TRANSIT, by=None)
    assert "试卷袋当前状态为“疑似泄密，停用”，不能变为“流转中”" in refused.value.message


@pytest.mark.django_db
def test_the_issue_and_a_leak_report_each_record_the_package_move(world, chengdu_reviewer):
    hand(world, Handover.Stage.ISSUE, world.custodian, world.supervisor, chengdu_reviewer, at=Clock()())
    world.package.refresh_from_db()
    assert world.package.status == Status.IN_TRANSIT
    issued = AuditEvent.objects.get(action="custody.package_issue")
    assert (issued.before, issued.after["status"]) == ({"status": "sealed"}, "in_transit")
    services.leak_report(package=world.package, description="封口松动", by=chengdu_reviewer)
    services.leak_report(package=world.package, description="再次发现", by=chengdu_reviewer)
    assert AuditEvent.objects.filter(action="custody.package_halt").count() == 1  # halted once, reported twice
    assert AuditEvent.objects.filter(action="custody.leak_report").count() == 2
