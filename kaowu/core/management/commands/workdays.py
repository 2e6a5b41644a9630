from datetime import date

from django.core.management.base import BaseCommand, CommandError

from kaowu.core.workdays import WorkdayCalendarError, uncovered_note, workdays_add, workdays_between


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from exc


class Command(BaseCommand):
    help = "中国法定工作日计算：add DATE N 求 DATE 之后第 N 个工作日；between A B 求两日之间的工作日数"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="DATE 之后第 N 个工作日（N 为负数时向前）")
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="A 之后到 B（含）之间的工作日数")
        between.add_argument("a")
        between.add_argument("b")

    def handle(self, *args, action: str, **options):
        try:
            if action == "add":
                result = workdays_add(_parse_date(options["date"]), options["n"]).isoformat()
            else:
                result = str(workdays_between(_parse_date(options["a"]), _parse_date(options["b"])))
        except WorkdayCalendarError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result)
        dates = [_parse_date(options[k]) for k in ("date", "a", "b") if options.get(k)]
        note = uncovered_note(*dates, *([date.fromisoformat(result)] if action == "add" else []))
        if note:
            self.stderr.write(note.strip("（）"))
