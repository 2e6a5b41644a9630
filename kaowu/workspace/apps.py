from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The signed-in office's workspace: home page, audit list, task pages, menu, demo and bench commands.

    It sits on top of every other app so that core, which they all build on, imports none of them."""

    name = "kaowu.workspace"
    label = "workspace"
    verbose_name = "工作台"
