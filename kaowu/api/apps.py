from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kaowu.api"
    label = "api"
    verbose_name = "接口"
