from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "kaowu.catalog"
    label = "catalog"
    verbose_name = "考核目录与政策"
