from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "kaowu.sites"
    label = "sites"
    verbose_name = "考点与考场"
