from django.core.management.base import BaseCommand, CommandError

from kaowu.catalog.loader import CatalogueError, catalogue_load, counts_summary
from kaowu.catalog.policy import policy_active, policy_presets_load


class Command(BaseCommand):
    help = "考核目录：load 从数据文件加载职业、专项项目、考核方案与收费标准（可重复执行）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="加载考核目录数据文件（默认 kaowu/catalog/data/catalogue.json）")
        load.add_argument("--file", dest="path", default=None, help="目录数据文件（JSON）的路径")

    def handle(self, *args, action: str, path: str | None = None, **options):
        try:
            counts = catalogue_load(path=path)
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("考核目录已加载："))
        for line in counts_summary(counts):
            self.stdout.write(f"  {line}")
        # Presets that exist already are left as the province admins edited them.
        profiles = policy_presets_load()
        names = "、".join(p.name for p in profiles)
        self.stdout.write(self.style.SUCCESS(f"政策配置预置方案已就绪（已有的不覆盖）：{names}"))
        self.stdout.write(f"当前启用：{policy_active().name}")
