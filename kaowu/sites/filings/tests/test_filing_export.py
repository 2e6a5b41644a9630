"""The filing list's Excel export: the status filter of the page, the user's institution only, audited."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from kaowu.core.models import AuditEvent
from kaowu.sites.models import FacilityFiling, ReviewStatus
from kaowu.sites.tests.factories import site_of

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_filing_export_follows_the_status_filter_and_the_scope(login, institution_clerk, other_institution_clerk,
                                                                   chengdu_reviewer, special_item):
    site = site_of(institution_clerk.organisation, institution_clerk)
    other_site = site_of(other_institution_clerk.organisation, other_institution_clerk, name="他校考点")
    FacilityFiling.objects.create(institution=institution_clerk.organisation, site=site, special_item=special_item,
                                  status=ReviewStatus.SUBMITTED)
    FacilityFiling.objects.create(institution=other_institution_clerk.organisation, site=other_site,
                                  special_item=special_item, status=ReviewStatus.DRAFT)
    client = login(institution_clerk)
    assert "导出Excel" in client.get("/sites/filings/").content.decode()
    rows = rows_of(client.get("/sites/filings/export/"))
    assert [row[2] for row in rows[1:]] == [site.name] and rows[1][3] == "大数据清洗"
    assert rows_of(client.get("/sites/filings/export/", {"status": ReviewStatus.APPROVED}))[1:] == []
    assert AuditEvent.objects.filter(action="list.export", after__list="filings").count() == 2
    assert sorted(row[2] for row in rows_of(login(chengdu_reviewer).get("/sites/filings/export/"))[1:]) == sorted(
        [site.name, other_site.name])
    assert [row[2] for row in rows_of(login(other_institution_clerk).get("/sites/filings/export/"))[1:]] == [
        "他校考点"]
