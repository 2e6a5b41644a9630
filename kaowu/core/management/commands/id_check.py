import json
import sys

from django.core.management.base import BaseCommand

from kaowu.core.ids import id_check


class Command(BaseCommand):
    help = "校验居民身份证号码，给出出生日期、性别、地区代码；无效时退出码为 1"

    def add_arguments(self, parser):
        parser.add_argument("number")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, number: str, **options):
        result = id_check(number)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        elif result.valid:
            birth = f"{result.birth_date:%Y-%m-%d}"
            self.stdout.write(f"有效：出生日期 {birth}，性别 {result.gender}，地区 {result.region}")
        else:
            self.stdout.write(f"无效：{result.error}")
        self.stdout.flush()
        if not result.valid:
            sys.exit(1)
