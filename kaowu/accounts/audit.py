"""The audit vocabulary of accounts: organisations, users, API tokens, logging in and out."""

from django.db import models


class AccountAction(models.TextChoices):
    ORGANISATION_CREATE = "organisation.create", "新增机构"
    ORGANISATION_UPDATE = "organisation.update", "修改机构"
    ORGANISATION_DELETE = "organisation.delete", "删除机构"
    USER_CREATE = "user.create", "新增用户"
    USER_UPDATE = "user.update", "修改用户"
    USER_PASSWORD_SET = "user.password_set", "重设用户密码"
    USER_DELETE = "user.delete", "删除用户"
    API_TOKEN_CREATE = "api_token.create", "签发接口令牌"
    API_TOKEN_REVOKE = "api_token.revoke", "吊销接口令牌"
    API_TOKEN_UPDATE = "api_token.update", "修改接口令牌"
    API_TOKEN_DELETE = "api_token.delete", "删除接口令牌"
    LOGIN_SUCCESS = "login.success", "登录成功"
    LOGIN_FAILED = "login.failed", "登录失败"
    LOGIN_REFUSED_LOCKED = "login.refused_locked", "锁定期间拒绝登录"
    LOGOUT = "logout", "退出登录"
