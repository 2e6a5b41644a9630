from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "kaowu.certificates"
    label = "certificates"
    verbose_name = "证书"

    def ready(self) -> None:
        from kaowu.certificates import checks  # noqa: F401 (registers the deploy check)
