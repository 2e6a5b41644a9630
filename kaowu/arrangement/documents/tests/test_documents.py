"""Admission tickets (R-CQ-5) with a signed QR code, the check-in page behind it, and the lists of a room
and a plan (door list, sign-in sheet, seat labels, preparation notice R-FJ-1b, Excel).

The PDFs are read back with poppler (pdftotext, pdffonts, pdfimages) and the QR code with a real decoder
(zxing-cpp). Each PDF's first page is also rendered to var/test-artifacts/ for a person to look at.
"""

import base64
import os
import re
import subprocess
import sys
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from django.utils.crypto import salted_hmac
from openpyxl import load_workbook
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from kaowu.accounts.models import Role
from kaowu.arrangement.documents import lists
from kaowu.arrangement.documents.tests.factories import arranged_plan, seal_png
from kaowu.arrangement.documents.tickets import ticket_pdf
from kaowu.arrangement.models import AdmissionTicket
from kaowu.arrangement.ticket_signing import TicketSignatureError, ticket_payload, ticket_payload_verify
from kaowu.catalog.models import PolicyProfile
from kaowu.catalog.policy import policy_active
from kaowu.core.ids import id_mask
from kaowu.core.models import AuditEvent, JobProgress
from kaowu.core.pdf import FONT
from kaowu.registration.models import Application

pytestmark = pytest.mark.django_db
ARTIFACTS = settings.VAR_DIR / "test-artifacts"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def save(data: bytes, tmp_path, name: str, *, dpi: int = 80) -> str:
    """Write the PDF and a PNG of its first page (for a person under var/test-artifacts/); returns the path."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(ARTIFACTS / name)], check=True)
    return str(path)


def pdf_text(data: bytes, tmp_path, name: str) -> str:
    path = save(data, tmp_path, name)
    return subprocess.run(["pdftotext", path, "-"], check=True, capture_output=True, text=True).stdout


def pdf_fonts(data: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()
    return [line.split() for line in lines[2:]]


def pdf_images(data: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "images.pdf"
    path.write_bytes(data)
    lines = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    return [line.split() for line in lines[2:]]


def qr_texts(data: bytes, tmp_path, *, dpi: int = 150) -> list[str]:
    """Every QR code a real decoder finds on the first page rendered at `dpi`."""
    import zxingcpp

    path = tmp_path / "qr.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(tmp_path / "qr")], check=True)
    image = Image.open(tmp_path / "qr.png")
    return [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]


# --- the ticket -------------------------------------------------------------------------------------

def test_r_cq_5_the_ticket_gives_back_name_id_item_level_places_and_the_notes_timings(world, tmp_path):
    ticket = world.tickets[0]
    candidate = ticket.application.candidate
    text = pdf_text(ticket_pdf([ticket]), tmp_path, "ticket")
    compact = text.replace(" ", "")
    assert "职业技能鉴定准考证" in text and ticket.number in text
    assert candidate.name in text and candidate.id_number in text  # in full: checked against the ID card
    assert "育婴员" in text and "四级/中级工" in text
    assert "2026年12月5日" in text and "09:00–10:30" in text and "14:00–15:30" in text
    assert "第1考场" in text and "01号座位" in compact and "实操室A" in text and "序号01" in compact
    assert "东大街100号实训楼" in text and "抽签确定" in text
    profile = policy_active()
    assert f"考前{profile.entry_minutes_before}分钟" in compact
    assert f"考前{profile.gather_minutes_before}分钟到指定地点集合" in compact
    assert f"开考{profile.no_leave_minutes}分钟后方可出考核区" in compact
    assert "非考试物品存放处" in text and "交公安部门依法处置" in compact  # 002 附件5
    assert "电子章样" in text  # no seal uploaded: the specimen, marked as such


def test_r_fj_16_the_notes_follow_the_policy_profile(world, tmp_path):
    PolicyProfile.objects.filter(pk=policy_active().pk).update(entry_minutes_before=45, gather_minutes_before=20,
                                                               no_leave_minutes=40)
    compact = pdf_text(ticket_pdf([world.tickets[0]]), tmp_path, "ticket-profile").replace(" ", "")
    assert "考前45分钟" in compact and "考前20分钟到指定地点集合" in compact and "开考40分钟后" in compact
    assert "考前30分钟" not in compact


def test_the_ticket_pdf_embeds_its_one_cjk_font(world, tmp_path):
    fonts = pdf_fonts(ticket_pdf(world.tickets), tmp_path)
    assert fonts, "the ticket declares no font"
    for row in fonts:
        assert FONT in row[0] and row[-5] == "yes", row  # name and "emb"


def test_the_photo_is_embedded_and_an_uploaded_seal_is_stamped_over_it(world, tmp_path):
    images = pdf_images(ticket_pdf([world.tickets[0]]), tmp_path)
    assert [row[2] for row in images] == ["image"]  # the photo; the seal specimen is vector graphics
    institution = world.plan.institution
    institution.seal.save("seal.png", ContentFile(seal_png()))
    data = ticket_pdf([world.tickets[0]])
    kinds = sorted(row[2] for row in pdf_images(data, tmp_path))
    assert kinds == ["image", "image", "smask"]  # photo, seal, and the seal's transparency
    assert "电子章样" not in pdf_text(data, tmp_path, "ticket-seal")


def test_the_qr_code_decodes_to_a_link_whose_signature_verifies(world, tmp_path):
    ticket = world.tickets[1]
    texts = qr_texts(ticket_pdf([ticket]), tmp_path)
    assert texts == [ticket_payload(ticket)]
    assert "/arrangement/documents/check-in/?t=" in texts[0]
    assert ticket_payload_verify(texts[0]) == ticket.number


def test_the_qr_code_carries_the_public_address_of_the_site(world, tmp_path, settings):
    settings.KAOWU_PUBLIC_URL = "https://kaowu.example.cn"
    texts = qr_texts(ticket_pdf([world.tickets[0]]), tmp_path)
    assert len(texts) == 1 and texts[0].startswith("https://kaowu.example.cn/arrangement/documents/check-in/?t=")


def _public_url(tmp_path, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in {"KAOWU_PUBLIC_URL", "KAOWU_ENV", "DATABASE_URL"}}
    environ.update(DJANGO_SETTINGS_MODULE="kaowu.settings", KAOWU_VAR_DIR=str(tmp_path), **env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.KAOWU_PUBLIC_URL)"
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=environ, capture_output=True,
                          text=True, timeout=120)


def test_kaowu_public_url_is_read_from_the_environment_or_derived_from_the_allowed_hosts(tmp_path):
    production = {"KAOWU_ENV": "production", "DJANGO_SECRET_KEY": "k" * 60,
                  "KAOWU_ALLOWED_HOSTS": ".kaowu.example.cn,localhost"}
    assert _public_url(tmp_path).stdout.strip() == "http://127.0.0.1:8000"
    assert _public_url(tmp_path, **production).stdout.strip() == "https://kaowu.example.cn"
    assert _public_url(tmp_path, **production,
                       KAOWU_PUBLIC_URL="https://ks.example.cn/").stdout.strip() == "https://ks.example.cn"
    refused = _public_url(tmp_path, **production, KAOWU_PUBLIC_URL="ks.example.cn")
    assert refused.returncode != 0 and "KAOWU_PUBLIC_URL" in refused.stderr
    refused = _public_url(tmp_path, **{**production, "KAOWU_ALLOWED_HOSTS": ""})
    assert refused.returncode != 0 and "KAOWU_PUBLIC_URL" in refused.stderr


def _signed_for_another_purpose(payload: str) -> str:
    number = payload.rsplit("=", 1)[1].split(".")[0]
    digest = salted_hmac("kaowu.some-other-salt", number, algorithm="sha256").digest()[:16]
    return f"{number}.{base64.urlsafe_b64encode(digest).decode().rstrip('=')}"


@pytest.mark.parametrize("tamper", [
    lambda p: p.replace("0001.", "0002."),              # another ticket's number, the same signature
    lambda p: p[:-1] + ("A" if p[-1] != "A" else "B"),  # one character of the signature
    lambda p: p.rsplit(".", 1)[0],                       # no signature
    _signed_for_another_purpose,                         # an HMAC of this key with another salt
    lambda p: "",
], ids=["number", "signature", "unsigned", "other-salt", "empty"])
def test_a_tampered_payload_does_not_verify(world, tamper):
    payload = ticket_payload(world.tickets[0])
    assert ticket_payload_verify(payload) == world.tickets[0].number
    with pytest.raises(TicketSignatureError):
        ticket_payload_verify(tamper(payload))


def test_a_code_signed_with_another_key_fails_and_a_rotated_key_still_verifies(world, settings):
    payload = ticket_payload(world.tickets[0])
    printed_with = settings.SECRET_KEY
    settings.SECRET_KEY = "another-deployment-key-" + "x" * 40
    with pytest.raises(TicketSignatureError):
        ticket_payload_verify(payload)
    settings.SECRET_KEY_FALLBACKS = [printed_with]  # the key was rotated after the tickets were printed
    assert ticket_payload_verify(payload) == world.tickets[0].number


def test_a_withdrawn_ticket_printed_by_staff_is_marked_void(world, tmp_path):
    ticket = world.tickets[0]
    ticket.status, ticket.withdrawn_reason = AdmissionTicket.Status.WITHDRAWN, "全部重排"
    ticket.save()
    assert "本准考证已作废，不得用于入场" in pdf_text(ticket_pdf([ticket]), tmp_path, "ticket-void")


def _plain_pages(pages, notes) -> None:
    """The same text as the tickets on plain ReportLab pages: no photo, no seal, no QR code, no frame."""
    canv = Canvas(BytesIO())
    for page in pages:
        y = 800
        canv.setFont(FONT, 10)
        for text in [page.assessment + "准考证", page.plan_name, page.number, page.name, page.id_label, page.id_number,
                     page.item_label, page.item_name, page.level, page.institution_name]:
            canv.drawString(50, y, text)
            y -= 14
        for seat in page.seats:
            canv.drawString(50, y, f"{seat.subject} {seat.day} {seat.start}-{seat.end} {seat.site_name} "
                                   f"{seat.room_name} {seat.place}")
            y -= 14
        for line in notes:
            canv.drawString(50, y, line)
            y -= 12
        canv.showPage()
    canv.save()


def test_a_batch_of_120_tickets_is_one_pdf_with_a_page_per_ticket(institution_clerk, tmp_path):
    """Speed against plain pages is the tickets_pdf benchmark's (make bench), never a timed test."""
    world = arranged_plan(institution_clerk, people=120)
    tickets = AdmissionTicket.objects.filter(application__plan=world.plan).order_by("number")
    path = tmp_path / "many.pdf"
    path.write_bytes(ticket_pdf(tickets))
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+120$", info, re.MULTILINE), info


# --- the candidate's download ---------------------------------------------------------------------

def test_the_candidate_downloads_their_own_valid_ticket_from_the_application_page(world, candidate, login):
    client = login(candidate)
    application = world.tickets[0].application
    page = client.get(f"/portal/me/applications/{application.pk}/").content.decode()
    assert 'id="ticket-link"' in page and "下载准考证" in page
    response = client.get(f"/arrangement/documents/applications/{application.pk}/ticket/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert not AuditEvent.objects.filter(action="arrangement.document_download").exists()


def test_no_ticket_link_before_tickets_are_published(world, candidate, login):
    application = world.tickets[0].application
    Application.objects.filter(pk=application.pk).update(status=Application.Status.PAID)
    AdmissionTicket.objects.filter(application=application).delete()
    client = login(candidate)
    assert 'id="ticket-link"' not in client.get(f"/portal/me/applications/{application.pk}/").content.decode()
    assert client.get(f"/arrangement/documents/applications/{application.pk}/ticket/").status_code == 404


def test_a_withdrawn_ticket_cannot_be_downloaded_and_says_why(world, candidate, login):
    ticket = world.tickets[0]
    AdmissionTicket.objects.filter(pk=ticket.pk).update(
        status=AdmissionTicket.Status.WITHDRAWN, withdrawn_at=timezone.now(), withdrawn_reason="考场全部重新编排")
    Application.objects.filter(pk=ticket.application_id).update(status=Application.Status.PAID)
    response = login(candidate).get(f"/arrangement/documents/applications/{ticket.application_id}/ticket/")
    assert response.status_code == 410 and response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "已作废" in body and "考场全部重新编排" in body and ticket.number in body


def test_a_withdrawn_application_has_no_ticket_even_if_the_row_says_valid(world, candidate, login):
    ticket = world.tickets[0]
    Application.objects.filter(pk=ticket.application_id).update(status=Application.Status.WITHDRAWN)
    response = login(candidate).get(f"/arrangement/documents/applications/{ticket.application_id}/ticket/")
    assert response.status_code == 410 and "已撤回" in response.content.decode()


def test_a_staff_download_of_a_ticket_is_audited(world, institution_clerk, login):
    ticket = world.tickets[1]
    response = login(institution_clerk).get(f"/arrangement/documents/applications/{ticket.application_id}/ticket/")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="arrangement.document_download")
    assert event.actor == institution_clerk and event.object_id == str(ticket.pk)


def test_outsiders_cannot_download_a_ticket(world, outsiders, login):
    url = f"/arrangement/documents/applications/{world.tickets[0].application_id}/ticket/"
    for name in ("other_candidate", "other_institution_clerk", "mianyang_reviewer", "other_invigilator",
                 "assessor"):
        assert login(outsiders[name]).get(url).status_code == 404, name


# --- the institution's documents --------------------------------------------------------------------

def staff_urls(world) -> dict[str, str]:
    plan, theory, session = world.plan.pk, world.theory.pk, world.sessions[0].pk
    room_session = f"/arrangement/documents/plans/{plan}/sessions/{session}/rooms/{theory}/"
    return {
        "page": f"/arrangement/documents/plans/{plan}/",
        "tickets_plan": f"/arrangement/documents/plans/{plan}/tickets/",
        "tickets_room": f"/arrangement/documents/plans/{plan}/rooms/{theory}/tickets/",
        "preparation_notice": f"/arrangement/documents/plans/{plan}/preparation-notice/",
        "roster": f"/arrangement/documents/plans/{plan}/roster.xlsx",
        "door_list": room_session + "door-list/",
        "signin_sheet": room_session + "sign-in-sheet/",
        "seat_labels": room_session + "seat-labels/",
        "room_list": room_session + "list.xlsx",
    }


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_plan_page_lists_rooms_by_session_with_their_documents(world, institution_clerk, login):
    client = login(institution_clerk)
    assert 'id="plan-documents-link"' in client.get(f"/plans/{world.plan.pk}/").content.decode()
    page = client.get(staff_urls(world)["page"]).content.decode()
    assert "第1考场" in page and "实操室A" in page and "理论知识" in page
    for url in staff_urls(world).values():
        if url != staff_urls(world)["page"]:
            assert f'href="{url}"' in page, url


@pytest.mark.parametrize("user", ["institution_clerk", "institution_admin", "chengdu_reviewer", "province_admin"])
def test_staff_of_the_plan_get_every_document_and_each_download_is_audited(world, user, request, login):
    user = request.getfixturevalue(user)
    client = login(user)
    for name, url in staff_urls(world).items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        if name != "page":
            assert response["Cache-Control"] == "private, no-store"
    actions = list(AuditEvent.objects.filter(actor=user, action__startswith="arrangement.")
                   .values_list("action", "after"))
    documents_seen = {after.get("document") for action, after in actions if action == "arrangement.document_download"}
    assert documents_seen == {"tickets_plan", "tickets_room", "preparation_notice", "door_list", "signin_sheet",
                              "seat_labels"}
    assert sum(action == "arrangement.roster_export" for action, _ in actions) == 2


def test_outsiders_get_none_of_the_institution_documents(world, outsiders, candidate, login):
    for name, user in [*outsiders.items(), ("candidate", candidate)]:
        client = login(user)
        for document, url in staff_urls(world).items():
            status = client.get(url).status_code
            expected = {403} if user.role in {Role.CANDIDATE, Role.ASSESSOR, Role.INVIGILATOR, Role.SUPERVISOR} \
                else {404}
            assert status in expected, (name, document, status)
    assert not AuditEvent.objects.filter(action__startswith="arrangement.").exists()


def test_a_room_of_another_plan_or_session_is_not_found(world, institution_clerk, login):
    other = arranged_plan(institution_clerk, people=1, name="一站2026年第02批次", site_name="一站二号考点",
                           first=100)
    client = login(institution_clerk)
    mixed = (f"/arrangement/documents/plans/{world.plan.pk}/sessions/{other.sessions[0].pk}/rooms/"
             f"{world.theory.pk}/door-list/")
    assert client.get(mixed).status_code == 404
    wrong_room = (f"/arrangement/documents/plans/{world.plan.pk}/sessions/{world.sessions[0].pk}/rooms/"
                  f"{world.practical.pk}/door-list/")
    assert client.get(wrong_room).status_code == 404
    assert client.get(f"/arrangement/documents/plans/{world.plan.pk}/rooms/{other.theory.pk}/tickets/"
                      ).status_code == 404


def test_the_door_list_shows_the_room_time_seat_range_and_masked_ids(world, tmp_path):
    text = pdf_text(lists.door_list_pdf(world.theory, world.sessions[0]), tmp_path, "door-list")
    assert "第1考场" in text and "理论知识" in text and "2026年12月5日 09:00–10:30" in text
    assert "01–03（共3人）" in text
    for ticket in world.tickets:
        candidate = ticket.application.candidate
        assert candidate.name in text and id_mask(candidate.id_number) in text
        assert candidate.id_number not in text  # posted on the door


def test_the_sign_in_sheet_has_photos_ticket_numbers_a_signature_column_and_totals(world, tmp_path):
    data = lists.signin_sheet_pdf(world.theory, world.sessions[0])
    text = pdf_text(data, tmp_path, "signin-sheet")
    assert "考生签到表" in text and "考生签名" in text and "照片" in text
    assert "应到（人）" in text and "实到（人）" in text and "缺考（人）" in text
    for ticket in world.tickets:
        assert ticket.number in text and ticket.application.candidate.name in text
        assert ticket.application.candidate.id_number not in text
    assert len([row for row in pdf_images(data, tmp_path) if row[2] == "image"]) == 3


def test_seat_labels_carry_names_and_station_labels_do_not(world, tmp_path):
    seats = pdf_text(lists.seat_labels_pdf(world.theory, world.sessions[0]), tmp_path, "seat-labels")
    assert all(t.number in seats and t.application.candidate.name in seats for t in world.tickets)
    stations = pdf_text(lists.seat_labels_pdf(world.practical, world.sessions[1]), tmp_path,
                        "station-labels")
    assert stations.count("工位") >= 12 and "12" in stations
    assert not any(t.application.candidate.name in stations for t in world.tickets)  # drawn by lot (R-FJ-16)


def test_r_fj_1b_the_preparation_notice_lists_rooms_places_candidates_and_what_the_site_provides(world, tmp_path):
    text = pdf_text(lists.preparation_notice_pdf(world.plan), tmp_path, "preparation-notice")
    compact = re.sub(r"\s", "", text)  # table cells wrap
    assert "考核准备通知单" in text and world.plan.reviewing_center.name in text
    assert "2026年12月5日09:00–10:30" in compact and "2026年12月5日14:00–15:30" in compact
    assert "第1考场" in compact and "座位30个" in compact and "工位12个" in compact
    assert "单人单桌" in compact and "每工位一套婴儿护理模型" in compact  # Room.note
    assert "婴儿护理模型" in text and "YH-3" in text and "电子监控" in text  # sites.Equipment
    assert "非考试物品存放处" in compact and "考试前1天完成场地布置" in compact


def test_the_excel_list_has_full_ids_and_ticket_numbers_and_is_audited(world, institution_clerk, login):
    client = login(institution_clerk)
    response = client.get(staff_urls(world)["roster"])
    sheet = load_workbook(BytesIO(body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:12] == ("序号", "考试日期", "考试时间", "考核项目", "科目", "考点", "考场", "座位号/工位号", "姓名",
                            "证件类型", "证件号码", "准考证号")
    assert len(rows) == 2 + 6  # 3 candidates × 2 sessions
    first = world.tickets[0]
    assert ("2026-12-05", "09:00-10:30") == rows[2][1:3]
    assert first.application.candidate.id_number in [row[10] for row in rows]
    assert first.number in [row[11] for row in rows]
    event = AuditEvent.objects.get(action="arrangement.roster_export")
    assert event.actor == institution_clerk and event.after == {"rows": 6}
    room = load_workbook(BytesIO(body(client.get(staff_urls(world)["room_list"])))).active
    assert [row[-1] for row in room.iter_rows(min_row=2, max_row=2, values_only=True)] == ["考生签名"]
    assert room.max_row == 2 + 3


# --- large plans: the batch PDF in the background ------------------------------------------------------

def run_worker_once():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


@pytest.mark.django_db(transaction=True)
def test_a_large_plan_s_tickets_are_made_in_the_background_and_downloaded_by_whoever_started_it(
        world, institution_clerk, institution_admin, login, monkeypatch, tmp_path):
    monkeypatch.setattr("kaowu.arrangement.documents.views.BACKGROUND_TICKETS", 2)
    # Two tickets a part: the job streams the batch to its file in two parts (PdfStreamWriter).
    monkeypatch.setattr("kaowu.arrangement.documents.tickets.CHUNK_PAGES", 2)
    client = login(institution_clerk)
    urls = staff_urls(world)
    assert client.get(urls["tickets_plan"])["Location"] == urls["page"]
    assert 'id="tickets-batch-form"' in client.get(urls["page"]).content.decode()
    started = client.post(f"/arrangement/documents/plans/{world.plan.pk}/tickets/batch/")
    page_url = started["Location"]
    assert page_url.startswith("/arrangement/documents/batches/")
    waiting = client.get(page_url).content.decode()
    assert "排队中" in waiting and 'hx-trigger="every 1s"' in waiting and "batch-download" not in waiting

    run_worker_once()
    job = JobProgress.objects.get(owner=institution_clerk)
    assert (job.done, job.total) == (3, 3) and job.result["file"].startswith("arrangement/batches/")
    assert world.tickets[0].application.candidate.id_number not in job.result["file"]
    done = client.get(page_url + "progress/").content.decode()
    assert "已完成" in done and 'id="batch-download"' in done and "hx-trigger" not in done
    pdf = body(client.get(page_url + "file/"))
    text = pdf_text(pdf, tmp_path, "tickets-batch")
    assert b"PdfStreamWriter" in pdf  # written in parts
    # Every ticket, one a page, in number order (the first page is rendered; the text is all pages).
    assert text.count("考生须知") == 3
    assert [text.index(t.number) for t in sorted(world.tickets, key=lambda t: t.number)] == sorted(
        text.index(t.number) for t in world.tickets)
    assert AuditEvent.objects.filter(action="arrangement.document_download", actor=institution_clerk).count() == 1
    # The file is the starter's: a colleague of the same institution does not get it.
    assert login(institution_admin).get(page_url + "file/").status_code == 404
