"""Clerk and reviewer pages: review, payment, bulk actions, export; outsiders refused."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from kaowu.core.models import AuditEvent
from kaowu.registration import services
from kaowu.registration.models import Application, Candidate

pytestmark = pytest.mark.django_db
Status = Application.Status


def submitted(clerk, item, id_number="11010519491231002X", name="张三"):
    candidate = services.candidate_create(by=clerk, name=name, education="bachelor", id_number=id_number,
                                          address="成都", phone="13800138000")
    application = services.application_create(candidate=candidate, item=item, by=clerk)
    return services.application_submit(application=application, by=clerk, commitment_accepted=True,
                                       today=timezone.localdate())


def test_clerk_and_reviewer_take_an_application_to_paid_through_the_pages(login, institution_clerk,
                                                                        chengdu_reviewer, infant_care_item):
    application = submitted(institution_clerk, infant_care_item)
    clerk = login(institution_clerk)
    page = clerk.get(f"/registration/applications/{application.pk}/").content.decode()
    assert "11010519491231002X" in page and "初审通过" in page
    refused = clerk.post(f"/registration/applications/{application.pk}/institution-review/",
                         {"decision": "approve"}, follow=True).content.decode()
    assert "R-FJ-4" in refused
    clerk.post(f"/registration/applications/{application.pk}/institution-review/",
               {"decision": "approve", "originals_seen": "on"})
    reviewer = login(chengdu_reviewer)
    reviewer.post(f"/registration/applications/{application.pk}/center-review/", {"decision": "approve"})
    clerk = login(institution_clerk)
    clerk.post(f"/registration/applications/{application.pk}/payment/", {"method": "cash", "receipt_number": "A1"})
    application.refresh_from_db()
    assert application.status == Status.PAID


def test_the_list_masks_id_numbers_and_runs_a_fixed_number_of_queries(login, institution_clerk, infant_care_item):
    client = login(institution_clerk)
    submitted(institution_clerk, infant_care_item)
    with CaptureQueriesContext(connection) as few:
        page = client.get("/registration/applications/").content.decode()
    assert "110105********002X" in page and "11010519491231002X" not in page
    for n in range(10):
        candidate = Candidate.objects.create(name=f"考生{n}", gender="男", birth_date="1990-01-01", education="senior",
                                             id_type="passport", id_number=f"E0000000{n}", address="成都",
                                             phone="13800000000")
        Application.objects.create(candidate=candidate, plan=infant_care_item.plan, item=infant_care_item)
    with CaptureQueriesContext(connection) as many:
        client.get("/registration/applications/")
    assert len(many) == len(few)


def test_bulk_approval_is_all_or_nothing(login, institution_clerk, infant_care_item):
    first = submitted(institution_clerk, infant_care_item)
    second = submitted(institution_clerk, infant_care_item, id_number="110105199003071239", name="李四")
    services.application_return(application=second, by=institution_clerk, reason="照片不合格")
    page = login(institution_clerk).post("/registration/applications/bulk/", {
        "ids": [first.pk, second.pk], "action": "institution_approve"}, follow=True).content.decode()
    assert "全部保持原状" in page
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED


def test_export_is_scoped_and_audited(login, institution_clerk, other_institution_clerk, infant_care_item):
    submitted(institution_clerk, infant_care_item)
    response = login(institution_clerk).get("/registration/applications/export/")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][1] == "张三" and rows[1][3] == "11010519491231002X"
    assert AuditEvent.objects.filter(action="registration.export", actor=institution_clerk).exists()
    other = login(other_institution_clerk).get("/registration/applications/export/")
    assert len(list(load_workbook(BytesIO(other.content)).active.iter_rows())) == 1  # the header only


@pytest.mark.parametrize("outsider", ["other_institution_clerk", "mianyang_reviewer"])
def test_outsiders_cannot_read_or_change_an_application_by_the_pages(request, login, institution_clerk,
                                                                   infant_care_item, outsider):
    application = submitted(institution_clerk, infant_care_item)
    client = login(request.getfixturevalue(outsider))
    assert client.get(f"/registration/applications/{application.pk}/").status_code == 404
    assert "张三" not in client.get("/registration/applications/").content.decode()
    for url in ("institution-review/", "center-review/", "payment/"):
        response = client.post(f"/registration/applications/{application.pk}/{url}", {"decision": "approve"})
        assert response.status_code in {403, 404}
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_candidate_is_refused_the_clerk_pages(login, candidate, institution_clerk, infant_care_item):
    application = submitted(institution_clerk, infant_care_item)
    client = login(candidate)
    assert client.get("/registration/applications/").status_code == 403
    assert client.get(f"/registration/applications/{application.pk}/").status_code == 403


def test_the_list_filters_by_item_level_institution_and_status(login, institution_clerk, chengdu_reviewer,
                                                               infant_care_item, hr_item):
    submitted(institution_clerk, infant_care_item)
    submitted(institution_clerk, hr_item, id_number="110105199003071239", name="李四")
    reviewer = login(chengdu_reviewer)

    def names(query: str) -> set[str]:
        page = reviewer.get(f"/registration/applications/?{query}").content.decode()
        return {name for name in ("张三", "李四") if f">{name}</a>" in page}

    assert names("") == {"张三", "李四"}
    assert names(f"item=o:{hr_item.occupation_id}") == {"李四"}
    assert names("level=4") == {"张三"}
    assert names(f"institution={infant_care_item.plan.institution_id}") == {"张三", "李四"}
    assert names(f"institution={infant_care_item.plan.institution_id + 999}") == set()
    assert names("status=paid") == set()
    page = reviewer.get("/registration/applications/").content.decode()
    assert 'id="f-institution"' in page and "企业人力资源管理师" in page
    # The institution's own clerk has no institution filter: the list is theirs only.
    assert 'id="f-institution"' not in login(institution_clerk).get("/registration/applications/").content.decode()


def test_a_center_rejection_says_what_happened_and_not_that_the_candidate_was_told(login, institution_clerk,
                                                                                  chengdu_reviewer, infant_care_item):
    application = submitted(institution_clerk, infant_care_item)
    login(institution_clerk).post(f"/registration/applications/{application.pk}/institution-review/",
                                  {"decision": "approve", "originals_seen": "on"})
    page = login(chengdu_reviewer).post(f"/registration/applications/{application.pk}/center-review/",
                                        {"decision": "reject", "reason": "工作年限不足"}, follow=True).content.decode()
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    # No notification is sent yet: the message must not claim the candidate was told.
    assert "复核不通过，原因已记录。" in page and "已通知" not in page


def test_the_import_button_asks_for_the_plan(login, institution_clerk, open_plan):
    """The list's 批量导入 used to lead to /registration/import/ without a plan: 404 「请指定考核计划」 (#15)."""
    from kaowu.plans.models import Plan
    from kaowu.plans.services import plan_create

    closed = plan_create(
        institution=institution_clerk.organisation, by=institution_clerk, name="一站第02批次", kind="unified",
        assessment_type="qualification", registration_place="报名大厅", registration_opens=open_plan.registration_opens,
        registration_closes=open_plan.registration_closes, contact_name="陈录", contact_phone="028",
        sites=list(open_plan.sites.all()), items=[{"occupation": open_plan.items.first().occupation, "level": 4}])
    assert closed.status != Plan.Status.REGISTRATION_OPEN
    client = login(institution_clerk)
    listed = client.get("/registration/applications/").content.decode()
    button = listed.split('id="import-button"')[0].rsplit('href="', 1)[1].split('"')[0]
    chooser = client.get(button)
    assert chooser.status_code == 200
    page = chooser.content.decode()
    upload = f"/registration/import/?plan={open_plan.pk}"
    assert open_plan.name in page and upload in page and "下载模板" in page
    assert closed.name not in page, "only plans open for registration take an import"
    assert client.get(upload).status_code == 200


def test_the_import_chooser_lists_only_the_clerks_own_plans(login, institution_clerk, other_institution_clerk,
                                                           chengdu_reviewer, candidate, open_plan):
    page = login(other_institution_clerk).get("/registration/applications/import/")
    assert page.status_code == 200 and open_plan.name not in page.content.decode()
    assert "没有正在接受报名的考核计划" in page.content.decode()
    for outsider in (chengdu_reviewer, candidate):
        assert login(outsider).get("/registration/applications/import/").status_code == 403
