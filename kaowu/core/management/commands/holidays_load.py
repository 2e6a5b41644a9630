from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaowu.core.holidays import HolidayFileError, holiday_file_parse, holidays_load
from kaowu.core.workdays import years_text


class Command(BaseCommand):
    help = ("导入国务院公布的节假日和调休上班安排（CSV 或 JSON；列：日期,类型,节日,备注；类型为 放假 或 调休上班）。"
            "文件中出现的年份原有录入全部替换；任一行有误则整个文件不导入")

    def add_arguments(self, parser):
        parser.add_argument("file", help="如 2027.csv")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            rows = holiday_file_parse(path.read_bytes(), path.name)
        except HolidayFileError as exc:
            raise CommandError(f"{path.name} 未导入，请改正后重试：\n" + "\n".join(exc.errors)) from exc
        summary = holidays_load(rows=rows, source=path.name)
        self.stdout.write(f"已导入{years_text(summary['years'])}年节假日安排：放假{summary['holidays']}天，"
                          f"调休上班{summary['workdays']}天。")
