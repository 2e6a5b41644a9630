"""The dispatch list's Excel export: the plans the page lists with their run's state; scoped to the center;
audited; refused to an institution's clerk."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from kaowu.core.models import AuditEvent
from kaowu.staffing.tests.factories import world_build

pytestmark = pytest.mark.django_db


def test_the_dispatch_export_lists_the_pages_plans_for_its_center_only(login, institution_clerk, chengdu_reviewer,
                                                                       mianyang_reviewer):
    world = world_build(institution_clerk)
    client = login(chengdu_reviewer)
    page = client.get("/staffing/dispatch/").content.decode()
    assert world.plan.name in page and "导出Excel" in page
    response = client.get("/staffing/dispatch/export/")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "计划", "机构") and [row[1] for row in rows[1:]] == [world.plan.name]
    assert rows[1][5] == "未生成"
    assert AuditEvent.objects.get(action="list.export", after__list="dispatch").actor == chengdu_reviewer
    other = login(mianyang_reviewer).get("/staffing/dispatch/export/")
    assert list(load_workbook(BytesIO(other.content)).active.iter_rows(values_only=True))[1:] == []
    assert login(institution_clerk).get("/staffing/dispatch/export/").status_code == 403
