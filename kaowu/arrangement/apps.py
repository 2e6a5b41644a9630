from django.apps import AppConfig


class ArrangementConfig(AppConfig):
    name = "kaowu.arrangement"
    label = "arrangement"
    verbose_name = "考场编排与准考证"
