import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaowu.catalog.eligibility import LevelNotOffered, ProfileError, UnknownOccupation, eligibility_evaluate
from kaowu.catalog.eligibility.rules import LEVEL_NAMES


class Command(BaseCommand):
    help = "按国家职业技能标准的申报条件审核一份申报信息（R-LN-7）"

    def add_arguments(self, parser):
        parser.add_argument("--occupation", required=True, help="职业名称或职业编码")
        parser.add_argument("--level", required=True, type=int, help="申报等级：1 一级/高级技师 … 5 五级/初级工")
        parser.add_argument(
            "--profile", required=True, help="申报信息 JSON 文件（格式见 docs/eligibility.md）；- 表示标准输入"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结论")

    def handle(self, *args, occupation: str, level: int, profile: str, **options):
        data = self._read_profile(profile)
        try:
            verdict = eligibility_evaluate(occupation, level, data)
        except (UnknownOccupation, LevelNotOffered, ProfileError) as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(verdict.as_json(), ensure_ascii=False))
            return
        outcome = "符合申报条件" if verdict.eligible else "不符合申报条件"
        self.stdout.write(f"{verdict.occupation} {LEVEL_NAMES[level]}：{outcome}（依据 {verdict.rule_id}）")
        if verdict.matched:
            self.stdout.write(f"满足：{verdict.matched}")
        for result in verdict.conditions:
            mark = "✓" if result.met else "✗"
            self.stdout.write(f"  {mark} {result.label}  {result.summary}")
            for text in result.missing:
                self.stdout.write(f"      · {text}")
            for note in result.notes:
                self.stdout.write(f"      ! {note}")
        for warning in verdict.warnings:
            self.stdout.write(f"注意：{warning}")

    def _read_profile(self, source: str):
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"无法读取申报信息文件 {source}：{exc.strerror}") from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"申报信息文件不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}") from None
