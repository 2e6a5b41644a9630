"""Scenario `tickets_pdf`: admission tickets per second against plain ReportLab pages of the same text, and a
batch of 10,000 tickets streamed to disk in memory that does not grow with the count.

No database: the tickets are `TicketPage`s (what `documents.ticket_data.ticket_pages` reads from the
database) built directly, each with its own photo (90×110 JPEG, as `photo_normalise` stores them; 256
different ones in turn, more than one part of a batch holds, so no part reuses one), the institution's
uploaded seal (a PNG with transparency) and two sessions; the candidate notes are those of a default policy
profile. Photos and seal are files under a throwaway MEDIA_ROOT, read through `default_storage` as in the
worker. Each measurement runs in a child process (`python -m bench.scenarios.tickets_pdf --child ...`) with
the production settings.

- **rate** (one child): alternating rounds of ROUND tickets each, until each side has run `--duration`
  seconds. A tickets round writes the batch to a temporary file with `documents.ticket_pages_pdf_write`, the
  function the background job uses (ROUND = 400 is two parts of CHUNK_PAGES, so the streaming writer is in
  the measure). A baseline round draws the same tickets' text (title, plan, every label and value, each
  session's line, the site address, the candidate notes broken into the same lines, the footer) with
  `drawString` on plain ReportLab pages in the same embedded font and compression, one canvas per round, to
  a temporary file: no photo, no seal, no QR code, no forms. `rps` and `baseline_rps` are tickets (pages)
  per second of each side; `ratio` = rps / baseline_rps (target ≥ 0.2). `peak_memory_mb` = that child's
  maxrss.
- **stream** (two fresh children): `count` tickets (KAOWU_BENCH_TICKETS_COUNT, default 10,000; the harness
  test uses 800) written to a temporary file, and min(1,000, count / 2) first. `stream_peak_memory_mb` =
  maxrss of the large run, `stream_memory_growth_mb` = that minus the small run's (flat memory: near 0).
  `stream_rps`, `stream_seconds`, `stream_file_mb` describe the large run.

`errors` = rounds that raised + checks of the files that failed: the page count of every file (pdfinfo),
and the large file's first, middle and last page carrying their candidate's name and ticket number
(pdftotext). Without poppler the checks are skipped and `checked` is 0.
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from datetime import time as clock
from io import BytesIO
from pathlib import Path

from bench.scenarios import Metrics, Options, child_run, log, peak_memory_mb
from bench.scenarios.http_baseline import production_env
from bench.scenarios.registration_load import _env_int

COUNT = 10_000  # KAOWU_BENCH_TICKETS_COUNT overrides
SMALL = 1_000  # the first streaming run; the growth is measured from it
ROUND = 400
PHOTOS = 256
PHOTO_DIR = "bench/photos"
SEAL = "bench/seal.png"

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田"
            "董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉红梅"
         "飞鑫斌宇浩凯健俊帆帅旭宁龙林欣悦晨曦雨婷雪琳瑶怡佳欢")


# --- the data, shared by parent and children (no Django) -------------------------------------------


def candidate_name(index: int) -> str:
    """A different two- or three-character name for most indexes (the font subsets grow as in life)."""
    name = SURNAMES[index % len(SURNAMES)] + GIVEN[index * 7 % len(GIVEN)]
    if index % 3:
        name += GIVEN[index * 13 // 3 % len(GIVEN)]
    return name


def ticket_number(index: int) -> str:
    # YY CCCC PPPPP SSSS (arrangement/numbering.py): 9,999 tickets a plan.
    return f"265101{1 + index // 9_999:05d}{1 + index % 9_999:04d}"


def media_write(media: Path) -> None:
    """PHOTOS different candidate photos and one seal image, as the worker finds them in storage."""
    from PIL import Image, ImageDraw

    folder = media / PHOTO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    noise = random.Random(20261205)
    for index in range(PHOTOS):
        image = Image.new("RGB", (90, 110), (68 + index % 40, 132, 206 - index % 50))
        draw = ImageDraw.Draw(image)
        tone = (236 - index % 5 * 6, 200 - index % 3 * 8, 170)
        draw.ellipse((28, 18, 62, 60), fill=tone)
        draw.rectangle((35, 56, 55, 70), fill=tone)
        draw.ellipse((12, 66, 78, 140), fill=(40, 40, 48))
        for _ in range(300):  # texture, so that the JPEG is the size of a photo's (about 5 KB)
            x, y = noise.randrange(90), noise.randrange(110)
            draw.point((x, y), fill=(noise.randrange(256), noise.randrange(256), noise.randrange(256)))
        image.save(folder / f"{index:03d}.jpg", "JPEG", quality=85)
    seal = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    draw.ellipse((6, 6, 194, 194), outline=(215, 38, 30, 230), width=8)
    draw.regular_polygon((100, 100, 30), 5, fill=(215, 38, 30, 230))
    buffer = BytesIO()
    seal.save(buffer, "PNG")
    (media / SEAL).write_bytes(buffer.getvalue())


# --- the children (Django set up, no database) ---------------------------------------------------------


def _pages(first: int, count: int):
    """`count` ticket pages from index `first`, made as they are asked for."""
    from kaowu.arrangement.documents.ticket_data import SeatLine, TicketPage
    from kaowu.core.ids import id_make
    from kaowu.sites.models import RoomKind

    day, site, address = date(2026, 12, 5), "一站实训楼考点", "成都市锦江区东大街100号实训楼"
    for index in range(first, first + count):
        born = date(1975 + index % 30, 1 + index % 12, 1 + index % 28)
        theory = SeatLine(subject="理论知识", day=day, start=clock(9), end=clock(10, 30), site_name=site,
                          site_address=address, room_name=f"第{1 + index // 30 % 40}考场",
                          room_kind=RoomKind.THEORY, seat_number=1 + index % 30)
        practical = SeatLine(subject="操作技能", day=day, start=clock(14), end=clock(15, 30), site_name=site,
                             site_address=address, room_name=f"实操室{'ABCD'[index // 12 % 4]}",
                             room_kind=RoomKind.PRACTICAL, seat_number=1 + index % 12)
        yield TicketPage(
            number=ticket_number(index), status="valid", name=candidate_name(index), id_label="居民身份证",
            id_number=id_make("510104", born, index), item_label="报考职业（工种）", item_name="育婴员",
            level="四级/中级工", plan_name="成都市第一职业技能鉴定站2026年第01批次", assessment="职业技能鉴定",
            institution_id=1, institution_name="成都市第一职业技能鉴定站", contact="陈录 02800000000",
            photo_name=f"{PHOTO_DIR}/{index % PHOTOS:03d}.jpg", seal_name=SEAL, seats=[theory, practical])


def _notes() -> list[str]:
    from kaowu.arrangement.documents.ticket_data import candidate_notes
    from kaowu.catalog.models import PolicyProfile

    return candidate_notes(PolicyProfile())  # the model's defaults (30, 15 and 30 minutes)


def _plain_pages(pages, notes: list[str], target) -> int:
    """The baseline: the tickets' text on plain pages, one drawString a line, nothing else."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from kaowu.core.pdf import font_register, text_lines

    font = font_register()
    canv = Canvas(target, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=10)
    lines = [line for number, note in enumerate(notes, start=1) for line in text_lines(f"{number}．{note}", 9.8, 510)]
    count = 0
    for page in pages:
        y = 800
        canv.setFont(font, 10)
        head = [f"{page.assessment}准考证", page.plan_name, "扫码核验（考务人员）", "准考证号", page.number, "姓名",
                page.name, page.id_label, page.id_number, page.item_label, page.item_name, "等级", page.level,
                "报名考核机构", page.institution_name, "照片", "考试安排", "科目 考试日期 考试时间 考点 考场 座位/工位"]
        for text in head:
            canv.drawString(50, y, text)
            y -= 13
        for seat in page.seats:
            canv.drawString(50, y, f"{seat.subject} {seat.day.year}年{seat.day.month}月{seat.day.day}日 "
                                   f"{seat.start:%H:%M}–{seat.end:%H:%M} {seat.site_name} {seat.room_name} "
                                   f"{seat.place}")
            y -= 13
        canv.drawString(50, y, f"考点地址：{page.seats[0].site_name}，{page.seats[0].site_address}")
        y -= 13
        canv.drawString(50, y, "实操考场的工位在考前集合时抽签确定，表中“序号”为实操考场的入场序号。")
        y -= 13
        canv.drawString(50, y, "考生须知")
        y -= 13
        for line in lines:
            canv.drawString(50, y, line)
            y -= 12
        canv.drawString(50, 60, f"签发：{page.institution_name}（照片处加盖印章）")
        canv.drawString(50, 48, f"咨询：{page.contact} 打印日期：2026年11月1日")
        canv.drawString(50, 36, "本准考证须与有效身份证件同时使用，请用A4纸打印并妥善保管。")
        canv.showPage()
        count += 1
    canv.save()
    return count


def _peak_mb() -> float:
    return peak_memory_mb()


def child_rate(duration: float, folder: Path) -> dict:
    from kaowu.arrangement.documents.tickets import ticket_pages_pdf_write

    notes = _notes()
    # Once, untimed: font parsing, templates of the notes, imports.
    ticket_pages_pdf_write(_pages(0, 2), folder / "warm.pdf", notes=notes)
    _plain_pages(list(_pages(0, 2)), notes, str(folder / "warm-plain.pdf"))
    spent = {"tickets": 0.0, "plain": 0.0}
    done = {"tickets": 0, "plain": 0}
    errors, rounds, first = 0, 0, 0
    files: list[tuple[str, int]] = []
    while min(spent.values()) < duration:
        pages = list(_pages(first, ROUND))
        first += ROUND
        # Alternate which side goes first, so that neither always runs on a warmer machine.
        order = ("plain", "tickets") if rounds % 2 else ("tickets", "plain")
        for side in order:
            path = folder / f"{side}-{rounds}.pdf"
            began = time.perf_counter()
            try:
                if side == "tickets":
                    count = ticket_pages_pdf_write(pages, path, notes=notes)
                else:
                    count = _plain_pages(pages, notes, str(path))
            except Exception as exc:  # noqa: BLE001 - counted, the run goes on
                print(f"{side} round failed: {exc!r}", file=sys.stderr)
                errors += 1
                continue
            spent[side] += time.perf_counter() - began
            done[side] += count
            if rounds < 2:
                files.append((str(path), count))  # checked by the parent
            else:
                path.unlink()
        rounds += 1
    return {"rps": done["tickets"] / spent["tickets"], "baseline_rps": done["plain"] / spent["plain"],
            "tickets": done["tickets"], "baseline_pages": done["plain"], "rounds": rounds, "errors": errors,
            "peak_memory_mb": _peak_mb(), "files": files}


def child_stream(count: int, path: Path) -> dict:
    from kaowu.arrangement.documents.tickets import ticket_pages_pdf_write

    notes = _notes()
    began = time.perf_counter()
    pages = ticket_pages_pdf_write(_pages(0, count), path, notes=notes, title="准考证 基准")
    seconds = time.perf_counter() - began
    return {"pages": pages, "seconds": seconds, "bytes": path.stat().st_size, "peak_memory_mb": _peak_mb()}


# --- the parent ------------------------------------------------------------------------------------


def _pages_of(path: str) -> int:
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, timeout=600)
    for line in info.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return -1


def _page_text(path: str, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), path, "-"], capture_output=True,
                          text=True, timeout=600).stdout


def _check(files: list[tuple[str, int]], stream_path: str, count: int) -> tuple[int, int]:
    """(failed, checked): page counts of the files, and three pages of the large one read back."""
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        log("poppler (pdfinfo, pdftotext) not found: the files are not checked")
        return 0, 0
    failed = checked = 0
    for path, pages in [*files, (stream_path, count)]:
        checked += 1
        if _pages_of(path) != pages:
            log(f"{path}: pdfinfo does not count {pages} pages")
            failed += 1
    for index in sorted({0, count // 2, count - 1}):
        checked += 1
        text = _page_text(stream_path, index + 1)
        if candidate_name(index) not in text or ticket_number(index) not in text:
            log(f"page {index + 1} of the streamed file does not carry ticket {ticket_number(index)}")
            failed += 1
    return failed, checked


def run(options: Options) -> Metrics:
    count = _env_int("KAOWU_BENCH_TICKETS_COUNT", COUNT)
    small = min(SMALL, max(1, count // 2))
    with tempfile.TemporaryDirectory(prefix="kaowu-bench-tickets-") as tmp:
        folder = Path(tmp)
        env = production_env(folder)
        env["KAOWU_MEDIA_ROOT"] = str(folder / "media")
        media_write(folder / "media")
        log(f"rate: rounds of {ROUND} tickets and of {ROUND} plain pages, {options.duration:g} s each side")
        rate = child_run("tickets_pdf", "rate", str(options.duration), str(folder), env=env,
                         log_path=folder / "rate.log")
        log(f"rate: {rate['rps']:.1f} tickets/s, {rate['baseline_rps']:.1f} plain pages/s")
        log(f"stream: {small} tickets to a file")
        first = child_run("tickets_pdf", "stream", str(small), str(folder / "small.pdf"), env=env,
                        log_path=folder / "small.log")
        log(f"stream: {count} tickets to a file")
        large = child_run("tickets_pdf", "stream", str(count), str(folder / "large.pdf"), env=env,
                        log_path=folder / "large.log")
        log(f"stream: {large['pages']} pages in {large['seconds']:.1f} s, peak {large['peak_memory_mb']} MB")
        failed, checked = _check([*rate["files"], (str(folder / "small.pdf"), small)], str(folder / "large.pdf"),
                                 count)
    return {
        "ratio": round(rate["rps"] / rate["baseline_rps"], 4) if rate["baseline_rps"] else 0.0,
        "errors": rate["errors"] + failed,
        "rps": round(rate["rps"], 1),
        "baseline_rps": round(rate["baseline_rps"], 1),
        "tickets": rate["tickets"],
        "baseline_pages": rate["baseline_pages"],
        "rounds": rate["rounds"],
        "peak_memory_mb": rate["peak_memory_mb"],
        "stream_count": count,
        "stream_rps": round(large["pages"] / large["seconds"], 1),
        "stream_seconds": round(large["seconds"], 1),
        "stream_file_mb": round(large["bytes"] / 1024 / 1024, 1),
        "stream_peak_memory_mb": large["peak_memory_mb"],
        "stream_small_count": small,
        "stream_small_peak_memory_mb": first["peak_memory_mb"],
        "stream_memory_growth_mb": round(large["peak_memory_mb"] - first["peak_memory_mb"], 1),
        "checked": checked,
    }


def _child_main(args: list[str]) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaowu.settings")
    django.setup()
    if args[0] == "rate":
        return child_rate(float(args[1]), Path(args[2]))
    return child_stream(int(args[1]), Path(args[2]))


if __name__ == "__main__" and "--child" in sys.argv:
    print(json.dumps(_child_main(sys.argv[sys.argv.index("--child") + 1:])))
