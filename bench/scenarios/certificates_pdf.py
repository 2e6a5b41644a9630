"""Scenario `certificates_pdf`: certificate pages per second against plain ReportLab pages of the same text,
and a batch of 10,000 certificates streamed to disk in memory that does not grow with the count.

No database: the certificates are `CertificatePage`s (what the certificates app makes from its models) built
directly, each with its own photo (90×110 JPEG, as `photo_normalise` stores them; the 256 photos of the
tickets_pdf scenario in turn) and its own verification link signed with a fresh Ed25519 key
(`kaowu.certificates.signing`), so each QR code differs as in life. Photos are files under a throwaway
MEDIA_ROOT, read through `default_storage` as in the worker. Each measurement runs in a child process
(`python -m bench.scenarios.certificates_pdf --child ...`) with the production settings.

- **rate** (one child): alternating rounds of ROUND certificates each, until each side has run `--duration`
  seconds. A certificates round writes the batch to a temporary file with
  `documents.certificate_pages_pdf_write` in the full layout (ROUND = 400 is two parts of CHUNK_PAGES, so
  the streaming writer is in the measure). A baseline round draws the same certificates' text (title,
  subtitle, statement, every label and value, the captions) with `drawString` on plain A4 landscape pages in
  the same embedded font and compression, one canvas per round, to a temporary file: no design, photo or QR
  code. The pages are built (and signed) before the clock starts. `pages_per_s` and `baseline_pages_per_s`
  are pages per second of each side; `ratio` = pages_per_s / baseline_pages_per_s (target ≥ 0.2).
  `peak_memory_mb` = that child's peak resident memory.
- **stream** (two fresh children): `count` certificates (KAOWU_BENCH_CERTIFICATES_COUNT, default 10,000; the
  harness test uses 800) written to a temporary file, and min(1,000, count / 2) first.
  `stream_peak_memory_mb` = peak of the large run, `stream_memory_growth_mb` = that minus the small run's
  (flat memory: near 0). `stream_pages_per_s`, `stream_seconds`, `stream_file_mb` describe the large run
  (whose pages are made, and signed, as the writer asks for them).

`errors` = rounds that raised + checks of the files that failed: the page count of every file (pdfinfo); the
large file's first, middle and last page carrying their holder's name and certificate number (pdftotext);
and the large file's first QR code, rendered at 200 dpi and read with zxing-cpp, giving that certificate's
link whose signature verifies with the child's public key. Without poppler the checks are skipped and
`checked` is 0; without zxing-cpp (a dev dependency) the QR check is skipped.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.scenarios import Metrics, Options, child_run, log, peak_memory_mb
from bench.scenarios.http_baseline import production_env
from bench.scenarios.registration_load import _env_int
from bench.scenarios.tickets_pdf import PHOTO_DIR, PHOTOS, candidate_name, media_write

COUNT = 10_000  # KAOWU_BENCH_CERTIFICATES_COUNT overrides
SMALL = 1_000  # the first streaming run; the growth is measured from it
ROUND = 400
PUBLIC_URL = "https://kaowu.example.cn"
ISSUER = "成都市第一职业技能鉴定站"
ISSUED_ON = date(2026, 12, 20)


# --- the data, shared by parent and children (no Django) -------------------------------------------


def certificate_number(index: int) -> str:
    # R-CERT-NO: S + body 5101 + province 51 + body sequence + year 26 + level 4 + serial.
    return f"S510151000123264{1 + index:06d}"


# --- the children (Django set up, no database) ---------------------------------------------------------


def _pages(first: int, count: int, private_key):
    """`count` certificate pages from index `first`, each signed, made as they are asked for."""
    from kaowu.certificates import signing
    from kaowu.certificates.printing.documents import CertificatePage
    from kaowu.core.ids import id_make

    for index in range(first, first + count):
        number, name = certificate_number(index), candidate_name(index)
        signature = signing.certificate_sign(private_key, number=number, name=name, issued_on=ISSUED_ON)
        born = date(1975 + index % 30, 1 + index % 12, 1 + index % 28)
        yield CertificatePage(
            number=number, kind="skill_level", holder_name=name, gender="女" if index % 2 else "男",
            id_number=id_make("510104", born, index), item_name="育婴员", level_name="四级/中级工", grade="",
            exam_date=date(2026, 12, 5), issued_on=ISSUED_ON, issuer_name=ISSUER,
            photo_name=f"{PHOTO_DIR}/{index % PHOTOS:03d}.jpg",
            verify_url=signing.verify_url(PUBLIC_URL, number=number, name=name, issued_on=ISSUED_ON,
                                          signature=signature))


def _plain_pages(pages, target) -> int:
    """The baseline: the certificates' text on plain pages, one drawString a line, nothing else."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from kaowu.certificates.printing import documents
    from kaowu.core.pdf import font_register

    font = font_register()
    canv = Canvas(target, pagesize=landscape(A4), pageCompression=1, initialFontName=font, initialFontSize=10)
    count = 0
    for page in pages:
        y = 560
        canv.setFont(font, 12)
        lines = [documents.TITLES[page.kind], documents.SUBTITLES[page.kind], documents.STATEMENTS[page.kind],
                 "姓名", page.holder_name, "性别", page.gender, "证件号码", page.id_number,
                 documents.ITEM_LABELS[page.kind], page.item_name, documents.LEVEL_LABELS[page.kind],
                 page.level_name or page.grade, "考核日期", documents.date_text(page.exam_date), "证书编号",
                 page.number, "发证机构", page.issuer_name, "发证日期", documents.date_text(page.issued_on),
                 "扫码核验", "扫描右下角二维码可在线核验本证书；二维码含发证签名（Ed25519），",
                 "亦可用公布的公钥离线验证。"]
        for text in lines:
            canv.drawString(50, y, text)
            y -= 20
        canv.showPage()
        count += 1
    canv.save()
    return count


def _key(folder: Path):
    """A fresh signing key; its public half is left in `folder` for the parent's QR check."""
    from kaowu.certificates import signing

    private_pem, public_pem = signing.key_generate()
    (folder / "public.pem").write_bytes(public_pem)
    return signing.private_key_load(private_pem)


def child_rate(duration: float, folder: Path) -> dict:
    from kaowu.certificates.printing.documents import certificate_pages_pdf_write

    key = _key(folder)
    # Once, untimed: font parsing, the design's paths, imports.
    certificate_pages_pdf_write(_pages(0, 2, key), folder / "warm.pdf")
    _plain_pages(list(_pages(0, 2, key)), str(folder / "warm-plain.pdf"))
    spent = {"certificates": 0.0, "plain": 0.0}
    done = {"certificates": 0, "plain": 0}
    errors, rounds, first = 0, 0, 0
    files: list[tuple[str, int]] = []
    while min(spent.values()) < duration:
        pages = list(_pages(first, ROUND, key))
        first += ROUND
        # Alternate which side goes first, so that neither always runs on a warmer machine.
        order = ("plain", "certificates") if rounds % 2 else ("certificates", "plain")
        for side in order:
            path = folder / f"{side}-{rounds}.pdf"
            began = time.perf_counter()
            try:
                if side == "certificates":
                    count = certificate_pages_pdf_write(pages, path)
                else:
                    count = _plain_pages(pages, str(path))
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
    return {"pages_per_s": done["certificates"] / spent["certificates"],
            "baseline_pages_per_s": done["plain"] / spent["plain"], "pages": done["certificates"],
            "baseline_pages": done["plain"], "rounds": rounds, "errors": errors, "peak_memory_mb": peak_memory_mb(),
            "files": files}


def child_stream(count: int, path: Path) -> dict:
    from kaowu.certificates.printing.documents import certificate_pages_pdf_write

    key = _key(path.parent)
    began = time.perf_counter()
    pages = certificate_pages_pdf_write(_pages(0, count, key), path, title="证书 基准")
    seconds = time.perf_counter() - began
    return {"pages": pages, "seconds": seconds, "bytes": path.stat().st_size, "peak_memory_mb": peak_memory_mb()}


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


def _qr_verifies(path: str, public_pem: bytes, folder: Path) -> bool | None:
    """Whether the first page's QR code, read by zxing-cpp at 200 dpi, is certificate 0's link and its
    signature verifies; None without zxing-cpp."""
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:
        log("zxing-cpp not installed: the QR code is not checked")
        return None
    from kaowu.certificates import signing

    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", "-singlefile", path,
                    str(folder / "qr")], check=True, timeout=600)
    texts = [code.text for code in zxingcpp.read_barcodes(Image.open(folder / "qr.png"))]
    if len(texts) != 1:
        return False
    number, name, issued_on, signature = signing.verify_url_parse(texts[0])
    return (number == certificate_number(0) and name == candidate_name(0) and signing.certificate_verify(
        signing.public_key_load(public_pem), number=number, name=name, issued_on=issued_on, signature=signature))


def _check(files: list[tuple[str, int]], stream_path: str, count: int, public_pem: bytes,
           folder: Path) -> tuple[int, int]:
    """(failed, checked): page counts of the files, three pages of the large one read back, its first QR code."""
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext") and shutil.which("pdftoppm")):
        log("poppler (pdfinfo, pdftotext, pdftoppm) not found: the files are not checked")
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
        if candidate_name(index) not in text or certificate_number(index) not in text:
            log(f"page {index + 1} of the streamed file does not carry certificate {certificate_number(index)}")
            failed += 1
    verified = _qr_verifies(stream_path, public_pem, folder)
    if verified is not None:
        checked += 1
        if not verified:
            log("the first certificate's QR code does not decode to its link with a valid signature")
            failed += 1
    return failed, checked


def run(options: Options) -> Metrics:
    count = _env_int("KAOWU_BENCH_CERTIFICATES_COUNT", COUNT)
    small = min(SMALL, max(1, count // 2))
    with tempfile.TemporaryDirectory(prefix="kaowu-bench-certificates-") as tmp:
        folder = Path(tmp)
        env = production_env(folder)
        env["KAOWU_MEDIA_ROOT"] = str(folder / "media")
        media_write(folder / "media")
        log(f"rate: rounds of {ROUND} certificates and of {ROUND} plain pages, {options.duration:g} s each side")
        rate = child_run("certificates_pdf", "rate", str(options.duration), str(folder), env=env,
                         log_path=folder / "rate.log")
        log(f"rate: {rate['pages_per_s']:.1f} certificates/s, {rate['baseline_pages_per_s']:.1f} plain pages/s")
        (folder / "small").mkdir()
        (folder / "large").mkdir()
        log(f"stream: {small} certificates to a file")
        first = child_run("certificates_pdf", "stream", str(small), str(folder / "small" / "small.pdf"), env=env,
                          log_path=folder / "small.log")
        log(f"stream: {count} certificates to a file")
        large_path = folder / "large" / "large.pdf"
        large = child_run("certificates_pdf", "stream", str(count), str(large_path), env=env,
                          log_path=folder / "large.log")
        log(f"stream: {large['pages']} pages in {large['seconds']:.1f} s, peak {large['peak_memory_mb']} MB")
        failed, checked = _check([*rate["files"], (str(folder / "small" / "small.pdf"), small)], str(large_path),
                                 count, (folder / "large" / "public.pem").read_bytes(), folder)
    return {
        "ratio": round(rate["pages_per_s"] / rate["baseline_pages_per_s"], 4) if rate["baseline_pages_per_s"] else 0.0,
        "errors": rate["errors"] + failed,
        "pages_per_s": round(rate["pages_per_s"], 1),
        "baseline_pages_per_s": round(rate["baseline_pages_per_s"], 1),
        "pages": rate["pages"],
        "baseline_pages": rate["baseline_pages"],
        "rounds": rate["rounds"],
        "peak_memory_mb": rate["peak_memory_mb"],
        "stream_count": count,
        "stream_pages_per_s": round(large["pages"] / large["seconds"], 1),
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
