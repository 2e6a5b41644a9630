from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kaowu.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from kaowu.core import checks  # noqa: F401  (registers the system checks)
        from kaowu.core.holidays import overrides_install

        overrides_install()  # every deadline counts the province's holiday entries
