"""Login security: lockout after repeated failures (by account and by address), password rules."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaowu.accounts.audit import AccountAction
from kaowu.accounts.models import LoginAttempt, User
from kaowu.core.context import client_ip
from kaowu.core.services import audit_record


class LoginRefused(Exception):
    def __init__(self, message: str, locked_until: datetime | None = None):
        super().__init__(message)
        self.message = message
        self.locked_until = locked_until


@dataclass(frozen=True)
class Lockout:
    until: datetime
    by: str  # "account" or "ip"


def _lockout_from(failures: list[datetime], threshold: int, by: str) -> Lockout | None:
    if len(failures) < threshold:
        return None
    # Attempts made while locked are not recorded, so the latest failure is the one that locked.
    return Lockout(until=max(failures) + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES), by=by)


def lockout_active(*, username: str, ip: str | None, now: datetime | None = None) -> Lockout | None:
    """The lockout in force for this account or address, if any."""
    now = now or timezone.now()
    since = now - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    account = LoginAttempt.objects.filter(username=username, at__gte=since)
    last_success = account.filter(succeeded=True).order_by("-at").values_list("at", flat=True).first()
    account_failures = account.filter(succeeded=False)
    if last_success:
        account_failures = account_failures.filter(at__gt=last_success)
    lock = _lockout_from(
        list(account_failures.values_list("at", flat=True)), settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES, "account"
    )
    if lock is None and ip:
        ip_failures = LoginAttempt.objects.filter(ip=ip, at__gte=since, succeeded=False)
        lock = _lockout_from(list(ip_failures.values_list("at", flat=True)), settings.LOGIN_LOCKOUT_IP_FAILURES, "ip")
    return lock if lock and lock.until > now else None


def _locked_message(lock: Lockout) -> str:
    until = timezone.localtime(lock.until)
    who = "该账号" if lock.by == "account" else "您所在网络地址"
    return (
        f"{who}登录失败次数过多，已被锁定{settings.LOGIN_LOCKOUT_MINUTES}分钟，"
        f"请于{until:%Y年%m月%d日 %H:%M}之后重试。如忘记密码，请联系本机构管理员重置。"
    )


def _organisation_of(username: str):
    """The organisation of the account a login names, so that its admins see failures and locks."""
    user = User.objects.filter(username=username).select_related("organisation").first()
    return user.organisation if user else None


def login_with_password(*, request, username: str, password: str) -> User:
    """Check the lockout, then the password; record the attempt and log the user in."""
    ip = client_ip(request)
    lock = lockout_active(username=username, ip=ip)
    if lock:
        audit_record(action=AccountAction.LOGIN_REFUSED_LOCKED, username=username, after={"locked_by": lock.by},
                     organisation=_organisation_of(username))
        raise LoginRefused(_locked_message(lock), locked_until=lock.until)

    user = authenticate(request, username=username, password=password)
    with transaction.atomic():
        LoginAttempt.objects.create(username=username, ip=ip, succeeded=user is not None)
        if user is None:
            audit_record(action=AccountAction.LOGIN_FAILED, username=username, organisation=_organisation_of(username))
    if user is None:
        lock = lockout_active(username=username, ip=ip)
        if lock:
            raise LoginRefused(_locked_message(lock), locked_until=lock.until)
        raise LoginRefused("用户名或密码错误，请检查后重试。")

    login(request, user)
    audit_record(action=AccountAction.LOGIN_SUCCESS, actor=user, target=user)
    return user


def logout_record(*, user: User) -> None:
    audit_record(action=AccountAction.LOGOUT, actor=user, target=user)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's own, with a Chinese message: Django 5.2 changed the English text and its zh_Hans
    catalogue has not caught up, so the stock validator speaks English to Chinese users."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要{self.min_length}个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要{self.min_length}个字符。"


class CharacterClassesValidator:
    """A password needs letters and digits, and one more class (upper case or a symbol)."""

    def validate(self, password: str, user=None) -> None:
        has_lower = any(c.islower() for c in password)
        has_upper = any(c.isupper() for c in password)
        has_digit = any(c.isdigit() for c in password)
        has_symbol = any(not c.isalnum() for c in password)
        if not (has_digit and (has_lower or has_upper)):
            raise ValidationError("密码须同时包含字母和数字。", code="password_classes")
        if sum([has_lower, has_upper, has_digit, has_symbol]) < 3:
            raise ValidationError("密码须包含大写字母、小写字母、数字、符号中的至少三类。", code="password_classes")

    def get_help_text(self) -> str:
        return "密码须包含大写字母、小写字母、数字、符号中的至少三类。"
