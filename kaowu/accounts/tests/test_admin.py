"""Changes made in /admin/ to users and organisations are audited like any other change, with the values
before and after (never the password or its hash)."""

import pytest

from kaowu.accounts.models import Organisation, User
from kaowu.core.models import AuditEvent
from kaowu.core.tests.html import form_values

pytestmark = pytest.mark.django_db


def _admin_edit(client, url: str, **changes):
    page = client.get(url)
    assert page.status_code == 200
    data = form_values(page.content.decode())
    data.pop("csrfmiddlewaretoken", None)
    data.update(changes)
    return client.post(url, {**data, "_save": "保存"})


def test_editing_a_users_phone_in_the_admin_writes_an_audit_event_with_before_and_after(
        client, login, province_admin, institution_clerk):
    User.objects.filter(pk=institution_clerk.pk).update(phone="13800000001")
    login(province_admin)
    response = _admin_edit(client, f"/admin/accounts/user/{institution_clerk.pk}/change/", phone="13900000002")
    assert response.status_code == 302, response.content.decode()[:2000]

    institution_clerk.refresh_from_db()
    assert institution_clerk.phone == "13900000002"
    event = AuditEvent.objects.get(action="user.update", object_id=str(institution_clerk.pk))
    assert event.actor == province_admin
    assert event.before == {"phone": "13800000001"} and event.after == {"phone": "13900000002"}
    assert event.organisation_id == institution_clerk.organisation_id


def test_a_password_set_in_the_admin_is_audited_without_the_hash(client, login, province_admin, institution_clerk):
    login(province_admin)
    url = f"/admin/accounts/user/{institution_clerk.pk}/password/"
    response = client.post(url, {"password1": "Kw-new-pass-2026", "password2": "Kw-new-pass-2026",
                                 "usable_password": "true"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.password_set", object_id=str(institution_clerk.pk))
    institution_clerk.refresh_from_db()
    assert institution_clerk.password not in str(event.after) and "pbkdf2" not in str(event.after)
    assert "argon2" not in str(event.after)


def test_editing_an_organisations_contact_in_the_admin_writes_an_audit_event(client, login, province_admin,
                                                                            chengdu_institution):
    Organisation.objects.filter(pk=chengdu_institution.pk).update(contact_name="王老师", contact_phone="028-1")
    login(province_admin)
    response = _admin_edit(client, f"/admin/accounts/organisation/{chengdu_institution.pk}/change/",
                           contact_phone="028-86660000", evaluation_body_code="5101")
    assert response.status_code == 302, response.content.decode()[:2000]

    event = AuditEvent.objects.get(action="organisation.update", object_id=str(chengdu_institution.pk))
    assert event.before == {"contact_phone": "028-1", "evaluation_body_code": ""}
    assert event.after == {"contact_phone": "028-86660000", "evaluation_body_code": "5101"}
    assert event.actor == province_admin


def test_an_organisation_cannot_be_moved_in_the_tree_from_the_admin(client, login, province_admin,
                                                                    chengdu_institution, mianyang):
    login(province_admin)
    response = _admin_edit(client, f"/admin/accounts/organisation/{chengdu_institution.pk}/change/",
                           parent=str(mianyang.pk), code="X1")
    assert response.status_code == 302
    chengdu_institution.refresh_from_db()
    assert chengdu_institution.parent != mianyang and chengdu_institution.code != "X1"


def test_an_organisation_added_in_the_admin_gets_its_path_and_an_audit_event(client, login, province_admin, chengdu):
    login(province_admin)
    data = form_values(client.get("/admin/accounts/organisation/add/").content.decode())
    data.pop("csrfmiddlewaretoken", None)
    data.update(name="新都区培训学校", kind="institution", code="510114001", region_code="510114",
                parent=str(chengdu.pk), is_active="on")
    response = client.post("/admin/accounts/organisation/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Organisation.objects.get(code="510114001")
    assert created.path == f"{chengdu.path}510114001/"
    assert AuditEvent.objects.filter(action="organisation.create", object_id=str(created.pk)).exists()


def test_login_attempts_cannot_be_deleted_in_the_admin(client, login, province_admin):
    login(province_admin)  # the login itself is an attempt
    from kaowu.accounts.models import LoginAttempt

    attempt = LoginAttempt.objects.latest("at")
    response = client.post(f"/admin/accounts/loginattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert LoginAttempt.objects.filter(pk=attempt.pk).exists()
