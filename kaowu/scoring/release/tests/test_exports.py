"""The Excel exports of a plan's results, the recheck list and the public 成绩公示 (masked as the page is):
the rows the page shows, scoped, audited."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from kaowu.core.ids import id_mask
from kaowu.core.models import AuditEvent
from kaowu.scoring.models import Result
from kaowu.scoring.release import services
from kaowu.scoring.tests.factories import release_world_complete

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def published(institution_clerk, chengdu_reviewer, chengdu_institution):
    rw = release_world_complete(institution_clerk, chengdu_reviewer, chengdu_institution)
    release = services.results_submit(plan=rw.plan, by=rw.clerk)
    release = services.results_approve(release=release, by=chengdu_reviewer)
    rw.release = services.results_publish(release=release, by=chengdu_reviewer)
    return rw


def sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def test_a_plans_results_export_holds_its_results_and_is_refused_to_outsiders(client, login, published,
                                                                              mianyang_reviewer,
                                                                              other_institution_clerk):
    url = f"/scores/release/plans/{published.plan.pk}/results/export/"
    login(published.clerk)
    assert url in client.get(f"/scores/release/plans/{published.plan.pk}/").content.decode()
    rows = sheet(client.get(url))
    results = Result.objects.filter(release=published.release).select_related("application__candidate")
    assert rows[0][:3] == ("序号", "姓名", "证件号码") and len(rows) == 1 + results.count()
    assert {row[2] for row in rows[1:]} == {r.application.candidate.id_number for r in results}
    event = AuditEvent.objects.get(action="list.export", after__list="results")
    assert event.actor == published.clerk and event.after["personal"] is True
    for outsider in (mianyang_reviewer, other_institution_clerk):
        login(outsider)
        assert client.get(url).status_code == 404


def test_the_recheck_export_follows_the_status_filter_and_the_scope(client, login, published, mianyang_reviewer):
    result = Result.objects.select_related("application__candidate").get(
        application_id=published.seated(published.practical)[0])
    services.recheck_request(result=result, kind="missing", reason="漏登", by=published.clerk)
    login(published.clerk)
    rows = sheet(client.get("/scores/release/rechecks/export/", {"status": "pending"}))
    assert [row[1] for row in rows[1:]] == [result.application.candidate.name]
    assert sheet(client.get("/scores/release/rechecks/export/", {"status": "corrected"}))[1:] == []
    login(mianyang_reviewer)
    assert sheet(client.get("/scores/release/rechecks/export/"))[1:] == []
    assert AuditEvent.objects.filter(action="list.export", after__list="rechecks").count() == 3


def test_the_public_list_exports_as_masked_as_the_page(client, published):
    page = client.get(f"/scores/public/{published.release.pk}/").content.decode()
    assert f"/scores/public/{published.release.pk}/export/" in page and "导出Excel" in page
    rows = sheet(client.get(f"/scores/public/{published.release.pk}/export/"))
    results = Result.objects.filter(release=published.release).select_related("application__candidate")
    numbers = {row[2] for row in rows[1:]}
    assert numbers == {id_mask(r.application.candidate.id_number) for r in results}
    assert not numbers & {r.application.candidate.id_number for r in results}
    event = AuditEvent.objects.get(action="list.export", after__list="public_results")
    assert event.actor is None and event.after["personal"] is False
    assert client.get("/scores/public/999999/export/").status_code == 404


def test_the_release_list_exports_its_plans_for_the_own_scope(client, login, published, mianyang_reviewer):
    login(published.clerk)
    assert "/scores/release/export/" in client.get("/scores/release/").content.decode()
    rows = sheet(client.get("/scores/release/export/"))
    assert [row[1] for row in rows[1:]] == [published.plan.name] and rows[1][5] == "公示中"
    login(mianyang_reviewer)
    assert sheet(client.get("/scores/release/export/"))[1:] == []
    assert AuditEvent.objects.filter(action="list.export", after__list="releases").count() == 2
