from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "kaowu.registration"
    label = "registration"
    verbose_name = "报名"
