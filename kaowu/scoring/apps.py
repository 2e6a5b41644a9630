from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "kaowu.scoring"
    label = "scoring"
    verbose_name = "成绩"
