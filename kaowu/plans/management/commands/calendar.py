from django.core.management.base import BaseCommand, CommandError

from kaowu.plans.calendar.services import CalendarFileError, calendar_load, counts_summary


class Command(BaseCommand):
    help = "考核日历：load 从数据文件加载已发布的考核日历（报名截止日期与考核日期，可重复执行）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="加载考核日历数据文件（默认 kaowu/plans/data/calendar.json）")
        load.add_argument("--file", dest="path", default=None, help="考核日历数据文件（JSON）的路径")

    def handle(self, *args, action: str, path: str | None = None, **options):
        try:
            counts = calendar_load(path=path)
        except CalendarFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("考核日历已加载："))
        self.stdout.write(f"  {counts_summary(counts)}")
