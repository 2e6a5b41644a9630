from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "kaowu.certificates"
    label = "certificates"
    verbose_name = "证书"
