import pytest

from kaowu.core.models import AppendOnlyError, AuditEvent
from kaowu.core.services import audit_record

pytestmark = pytest.mark.django_db


def table(response) -> str:
    """The rows of the audit table (the filter's suggestions list every known action)."""
    html = response.content.decode()
    return html[html.index("<tbody>"):html.index("</tbody>")]


def test_audit_events_cannot_be_changed_or_deleted(institution_clerk):
    event = audit_record(action="test.action", actor=institution_clerk, target=institution_clerk)
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.action"


def test_audit_event_records_who_where_what_and_values(institution_clerk):
    event = audit_record(
        action="user.update", actor=institution_clerk, target=institution_clerk,
        before={"phone": "1"}, after={"phone": "2"},
    )
    assert event.actor_username == "cd01_clerk"
    assert event.organisation == institution_clerk.organisation
    assert event.object_type == "accounts.User" and event.object_id == str(institution_clerk.pk)
    assert (event.before, event.after) == ({"phone": "1"}, {"phone": "2"})


def test_creating_organisations_and_users_is_audited(chengdu_institution, institution_clerk):
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"organisation.create", "user.create"} <= actions


def test_province_admin_sees_and_filters_the_audit_list(login, province_admin, institution_clerk, mianyang_reviewer):
    audit_record(action="demo.chengdu", actor=institution_clerk, target=institution_clerk)
    audit_record(action="demo.mianyang", actor=mianyang_reviewer, target=mianyang_reviewer)
    client = login(province_admin)
    page = table(client.get("/audit/"))
    assert "demo.chengdu" in page and "demo.mianyang" in page
    filtered = table(client.get("/audit/?action=demo.mian"))
    assert "demo.mianyang" in filtered and "demo.chengdu" not in filtered
    by_actor = table(client.get("/audit/?actor=cd01"))
    assert "demo.chengdu" in by_actor and "demo.mianyang" not in by_actor


def test_mianyang_reviewer_does_not_see_chengdu_audit_events(login, mianyang_reviewer, institution_clerk):
    audit_record(action="demo.chengdu", actor=institution_clerk, target=institution_clerk)
    audit_record(action="demo.mianyang", actor=mianyang_reviewer, target=mianyang_reviewer)
    page = login(mianyang_reviewer).get("/audit/").content.decode()
    assert "demo.mianyang" in page and "demo.chengdu" not in page


def test_institution_admin_sees_only_its_institution(login, institution_admin, institution_clerk,
                                                      other_institution_clerk):
    audit_record(action="demo.mine", actor=institution_clerk, target=institution_clerk)
    audit_record(action="demo.other", actor=other_institution_clerk, target=other_institution_clerk)
    page = login(institution_admin).get("/audit/").content.decode()
    assert "demo.mine" in page and "demo.other" not in page


@pytest.mark.parametrize("outsider", ["institution_clerk", "candidate", "assessor", "supervisor"])
def test_non_admins_are_refused_the_audit_list(request, login, outsider):
    assert login(request.getfixturevalue(outsider)).get("/audit/").status_code == 403


def test_a_reversed_date_range_is_explained(login, province_admin):
    page = login(province_admin).get("/audit/?date_from=2026-11-20&date_to=2026-11-01").content.decode()
    assert "起始日期不能晚于截止日期" in page


def test_a_candidates_id_number_username_is_masked_in_the_audit_list(login, province_admin, chengdu_institution):
    from conftest import make_user
    from kaowu.accounts.models import Role

    person = make_user("11010519491231002X", Role.CANDIDATE, chengdu_institution, "张三")
    audit_record(action="demo.candidate", actor=person, target=person)
    page = login(province_admin).get("/audit/?action=demo.candidate").content.decode()
    rows = page[page.index("<tbody>"):page.index("</tbody>")]
    assert "110105********002X" in rows and "11010519491231002X" not in rows


def test_an_action_an_app_names_shows_its_chinese_label_beside_the_raw_value(login, province_admin):
    from kaowu.core.audit import CoreAction

    audit_record(action=CoreAction.JOB_START, actor=province_admin, target=province_admin)
    audit_record(action="demo.unnamed", actor=province_admin, target=province_admin)
    rows = table(login(province_admin).get("/audit/"))
    assert "启动后台任务 <code>job.start</code>" in rows
    assert "<td><code>demo.unnamed</code></td>" in rows


def test_audit_action_label_looks_in_every_apps_vocabulary_and_falls_back_to_the_value():
    from kaowu.workspace.selectors import audit_action_label

    assert audit_action_label("job.start") == "启动后台任务"
    assert audit_action_label("no.such.action") == "no.such.action"
