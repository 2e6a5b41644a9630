from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kaowu.accounts"
    label = "accounts"
    verbose_name = "机构与用户"
