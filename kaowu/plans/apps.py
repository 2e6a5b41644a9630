from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kaowu.plans"
    label = "plans"
    verbose_name = "考核计划"
