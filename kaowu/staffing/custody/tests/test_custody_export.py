"""The custody packages' Excel export: the packages the user's custody pages show (one plan's with `plan`);
an outsider's holds none; an invigilator (who may open custody pages) cannot export; audited."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from kaowu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_custody_export_holds_the_visible_packages_only(login, world, chengdu_reviewer, institution_clerk,
                                                            mianyang_reviewer, invigilator):
    client = login(chengdu_reviewer)
    assert "导出Excel" in client.get("/staffing/custody/").content.decode()
    rows = rows_of(client.get("/staffing/custody/export/", {"plan": world.plan.pk}))
    assert rows[0][1] == "试卷袋编号" and [row[1] for row in rows[1:]] == ["CD-2026-001"]
    assert rows[1][9] == world.custodian.name
    assert rows_of(login(institution_clerk).get("/staffing/custody/export/"))[1][1] == "CD-2026-001"
    assert rows_of(login(mianyang_reviewer).get("/staffing/custody/export/"))[1:] == []
    assert login(invigilator).get("/staffing/custody/export/").status_code == 403
    assert "导出Excel" not in login(invigilator).get("/staffing/custody/").content.decode()
    assert AuditEvent.objects.filter(action="list.export", after__list="custody").count() == 3
