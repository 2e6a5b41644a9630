"""Login security: argon2, lockout by account and by address, password rules, audit."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import TEST_PASSWORD
from kaowu.accounts.models import LoginAttempt
from kaowu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="10.1.2.3"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_six_wrong_passwords_lock_the_account_and_the_seventh_right_one_is_refused(client, institution_clerk):
    for _ in range(6):
        response = attempt(client, "cd01_clerk", "wrong-password-1A")
        assert response.status_code == 200
    response = attempt(client, "cd01_clerk", TEST_PASSWORD)
    page = response.content.decode()
    assert response.status_code == 200, "a locked account must not be logged in"
    assert "_auth_user_id" not in client.session
    assert "已被锁定15分钟" in page and "请于" in page and "之后重试" in page


def test_first_wrong_password_gives_a_plain_chinese_error(client, institution_clerk):
    page = attempt(client, "cd01_clerk", "wrong-password-1A").content.decode()
    assert "用户名或密码错误" in page


def test_lock_ends_after_fifteen_minutes(client, institution_clerk):
    for _ in range(5):
        attempt(client, "cd01_clerk", "wrong-password-1A")
    LoginAttempt.objects.update(at=LoginAttempt.objects.first().at - timedelta(minutes=16))
    response = attempt(client, "cd01_clerk", TEST_PASSWORD)
    assert response.status_code == 302


def test_a_successful_login_resets_the_account_count(client, institution_clerk):
    for _ in range(4):
        attempt(client, "cd01_clerk", "wrong-password-1A")
    assert attempt(client, "cd01_clerk", TEST_PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        attempt(client, "cd01_clerk", "wrong-password-1A")
    assert attempt(client, "cd01_clerk", TEST_PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_locked_out(client, institution_clerk):
    for n in range(settings.LOGIN_LOCKOUT_IP_FAILURES):
        attempt(client, f"guess{n}", "wrong-password-1A", ip="203.0.113.9")
    page = attempt(client, "cd01_clerk", TEST_PASSWORD, ip="203.0.113.9").content.decode()
    assert "您所在网络地址登录失败次数过多" in page
    # The same account from another address is not affected.
    assert attempt(client, "cd01_clerk", TEST_PASSWORD, ip="10.9.9.9").status_code == 302


def test_passwords_are_hashed_with_argon2(institution_clerk):
    institution_clerk.set_password("An0ther-Passw0rd")
    assert institution_clerk.password.startswith("argon2$")


@pytest.mark.parametrize("password, message", [
    ("Ab1!", "太短"),
    ("abcdefghijk", "字母和数字"),
    ("abcdefgh1234", "至少三类"),
    ("12345678901", "只包含数字"),
])
def test_weak_passwords_are_refused_with_chinese_reasons(password, message, institution_clerk):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as error:
            validate_password(password, institution_clerk)
        # Django's messages are lazy: read them while Chinese is active, as a request would.
        assert any(message in text for text in error.value.messages), error.value.messages


def test_sessions_expire_after_a_working_day_and_at_browser_close():
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_login_failure_success_and_logout_are_audited(client, institution_clerk):
    attempt(client, "cd01_clerk", "wrong-password-1A")
    attempt(client, "cd01_clerk", TEST_PASSWORD)
    client.post("/logout/")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "actor_username", "ip"))
    assert ("login.failed", "cd01_clerk", "10.1.2.3") in actions
    assert ("login.success", "cd01_clerk", "10.1.2.3") in actions
    assert any(action == "logout" for action, _, _ in actions)


def test_admin_login_goes_through_the_lockout_protected_form(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_does_not_redirect_to_another_host(client, institution_clerk):
    response = client.post(
        "/login/", {"username": "cd01_clerk", "password": TEST_PASSWORD, "next": "https://evil.example.com/"}
    )
    assert response["Location"] == "/"


def test_institution_admin_sees_failed_logins_of_its_own_people_only(
    client, login, institution_admin, institution_clerk, other_institution_clerk
):
    attempt(client, "cd01_clerk", "wrong-password-1A")
    attempt(client, "cd02_clerk", "wrong-password-1A")
    page = login(institution_admin).get("/audit/?action=login.failed").content.decode()
    rows = page[page.index("<tbody>"):page.index("</tbody>")]
    assert "cd01_clerk" in rows and "cd02_clerk" not in rows
