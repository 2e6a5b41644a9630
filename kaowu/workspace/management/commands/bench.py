"""`kaowu bench NAME [--json]` and `kaowu bench all --output FILE`: see bench/README.md."""

import json
import signal
import threading
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.runner import ALL, UnknownScenarioError, failed, known_names, run_all, run_scenario
from bench.scenarios import BenchError, Options, log

# Chinese labels for the summary; a metric without one is printed under its key alone.
LABELS = {
    "ratio": "比值（1.0 = 与基线一样快，越高越好）",
    "rps": "每秒请求数",
    "baseline_rps": "基线每秒请求数",
    "requests": "请求数",
    "errors": "错误数",
    "baseline_errors": "基线错误数",
    "concurrency": "并发客户端",
    "workers": "gunicorn 工作进程",
    "duration_s": "测量时长（秒）",
    "latency_p50_ms": "延迟中位数（毫秒）",
    "latency_p95_ms": "延迟 95 分位（毫秒）",
    "baseline_latency_p50_ms": "基线延迟中位数（毫秒）",
}


def _positive(kind: type[int] | type[float]):
    def parse(text: str) -> int | float:
        value = kind(text)
        if value <= 0:
            raise ValueError(text)
        return value

    parse.__name__ = f"positive {kind.__name__}"  # argparse names the type in its error message
    return parse


class Command(BaseCommand):
    help = (
        "运行性能基准 Run benchmark scenarios. "
        f"NAME: {', '.join(known_names())}. "
        "--json prints one JSON object on stdout; progress goes to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = Options()
        parser.add_argument("name", metavar="NAME", help=f"场景名 scenario: {', '.join(known_names())}")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="只打印一个 JSON 对象 print JSON only"
        )
        parser.add_argument(
            "--output", type=Path, help="把结果（JSON）写入此文件 write the result to this file"
        )
        parser.add_argument(
            "--duration", type=_positive(float), default=defaults.duration,
            help=f"每个阶段的测量秒数 seconds per phase (default {defaults.duration:g})",
        )
        parser.add_argument(
            "--concurrency", type=_positive(int), default=defaults.concurrency,
            help=f"并发客户端进程数 client processes (default {defaults.concurrency})",
        )
        parser.add_argument(
            "--workers", type=_positive(int), default=defaults.workers,
            help=f"gunicorn 同步工作进程数 sync workers (default {defaults.workers})",
        )
        parser.add_argument(
            "--max-requests", type=_positive(int), default=defaults.max_requests,
            help=f"每个阶段的请求上限 request cap per phase (default {defaults.max_requests})",
        )

    def handle(self, *args: Any, name: str, as_json: bool, output: Path | None, duration: float,
               concurrency: int, workers: int, max_requests: int, **options: Any) -> None:
        if name not in known_names():
            raise CommandError(f"未知场景 {UnknownScenarioError(name)}")
        bench_options = Options(
            duration=duration, concurrency=concurrency, workers=workers, max_requests=max_requests
        )
        previous_handler = None
        if threading.current_thread() is threading.main_thread():
            # By default SIGTERM (a CI timeout, `kill`) ends Python without unwinding, which would leave
            # the scenarios' gunicorn servers running; as an exception it passes through their finally.
            previous_handler = signal.signal(signal.SIGTERM, _raise_system_exit)
        try:
            if name == ALL:
                report = run_all(bench_options)
                results = report["results"]
            else:
                report = run_scenario(name, bench_options)
                results = [report]
        except BenchError as exc:
            raise CommandError(f"基准运行失败 benchmark failed: {exc}") from exc
        finally:
            if previous_handler is not None:
                signal.signal(signal.SIGTERM, previous_handler)

        if output is not None:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(_dumps(report, indent=2) + "\n", encoding="utf-8")
            log(f"wrote {output}")
        if as_json:
            self.stdout.write(_dumps(report))
        else:
            self.print_summary(results, report.get("machine"))
        broken = failed(report) if name == ALL else []
        if broken:
            raise CommandError(f"场景失败 scenarios failed: {', '.join(broken)}")

    def print_summary(self, results: list[dict[str, Any]], machine: dict[str, Any] | None) -> None:
        if machine:
            self.stdout.write(
                f"机器 machine: {machine['cpu_count']} CPU, Python {machine['python']}, "
                f"load {machine['load_avg_1m']}, {machine['timestamp']}"
            )
        for result in results:
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {result['name']} =="))
            if "error" in result:
                self.stdout.write(self.style.ERROR(f"  失败 failed: {result['error']}"))
                continue
            metrics = result["metrics"]
            # The ratio is the figure to compare across runs and machines, so it comes first.
            for key in ["ratio", *(key for key in metrics if key != "ratio")]:
                line = f"  {key:<24} {_format(metrics[key]):>12}  {LABELS.get(key, '')}".rstrip()
                if key == "errors" and metrics[key]:
                    line = self.style.ERROR(line)
                self.stdout.write(line)


def _raise_system_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _format(value: object) -> str:
    # Scenarios round their own figures; only thousands separators are added here.
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _dumps(data: object, indent: int | None = None) -> str:
    # ensure_ascii off: error messages may be Chinese and should stay readable in the file.
    return json.dumps(data, ensure_ascii=False, indent=indent)
