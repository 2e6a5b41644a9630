from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kaowu.portal"
    label = "portal"
    verbose_name = "公共服务"
