"""The check-in page behind the ticket's QR code: opening it (GET) verifies and shows the ticket, confirming it
(POST) records the check-in; a code that does not verify shows only the refusal."""

import pytest

from kaowu.arrangement.models import AdmissionTicket
from kaowu.arrangement.ticket_signing import ticket_payload
from kaowu.core.ids import id_mask
from kaowu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


CHECKIN = "/arrangement/documents/check-in/"


def checkin_url(ticket) -> str:
    payload = ticket_payload(ticket)
    return payload[payload.index("/arrangement/"):]


def posted(url: str) -> dict:
    """The confirmation form's data for the page at `url` (the signed value the QR code carries)."""
    return {"t": url.split("?t=", 1)[1]}


@pytest.mark.parametrize("user", ["invigilator", "institution_clerk", "chengdu_reviewer", "province_admin",
                                  "supervisor"])
def test_the_check_in_page_shows_a_valid_ticket_with_photo_masked_id_and_places(world, user, request, login):
    user = request.getfixturevalue(user)
    ticket = world.tickets[0]
    candidate = ticket.application.candidate
    client = login(user)
    opened = client.get(checkin_url(ticket))
    # Opening the page by scanning only shows the ticket: the check-in is recorded when it is confirmed.
    assert opened.status_code == 200 and "确认签到" in opened.content.decode()
    assert not AuditEvent.objects.filter(action="arrangement.checkin").exists()
    response = client.post(CHECKIN, posted(checkin_url(ticket)))
    assert response.status_code == 200
    for page in (opened.content.decode(), response.content.decode()):
        assert "准考证有效" in page and candidate.name in page and ticket.number in page
        assert id_mask(candidate.id_number) in page and candidate.id_number not in page
        assert 'src="data:image/jpeg;base64,' in page
        assert "第1考场" in page and "实操室A" in page
    assert "已签到" in response.content.decode()
    event = AuditEvent.objects.get(action="arrangement.checkin")
    assert event.actor == user and event.after == {"number": ticket.number, "valid": True}


def test_the_check_in_page_says_a_withdrawn_ticket_is_void(world, invigilator, login):
    ticket = world.tickets[0]
    AdmissionTicket.objects.filter(pk=ticket.pk).update(status=AdmissionTicket.Status.WITHDRAWN,
                                                         withdrawn_reason="考场全部重新编排")
    client = login(invigilator)
    page = client.get(checkin_url(ticket)).content.decode()
    assert "准考证已作废" in page and "考场全部重新编排" in page and "准考证有效" not in page
    page = client.post(CHECKIN, posted(checkin_url(ticket))).content.decode()
    assert "准考证已作废" in page and "准考证有效" not in page
    assert AuditEvent.objects.get(action="arrangement.checkin").after == {"number": ticket.number, "valid": False}


def test_a_tampered_code_says_only_that_the_check_failed(world, invigilator, login):
    ticket, other = world.tickets[0], world.tickets[1]
    tampered = checkin_url(ticket).replace(ticket.number, other.number)
    client = login(invigilator)
    opened = client.get(tampered)
    assert opened.status_code == 400 and "确认签到" not in opened.content.decode()
    assert not AuditEvent.objects.filter(action="arrangement.checkin_failed").exists()  # a GET writes nothing
    response = client.post(CHECKIN, posted(tampered))
    for page in (opened.content.decode(), response.content.decode()):
        assert "准考证校验失败" in page
        assert other.application.candidate.name not in page and other.number not in page
    assert response.status_code == 400
    event = AuditEvent.objects.get(action="arrangement.checkin_failed")
    assert event.actor == invigilator and other.number in event.after["payload"]


def test_outsiders_cannot_check_a_ticket(world, outsiders, candidate, login):
    url = checkin_url(world.tickets[0])
    expected = {"other_institution_clerk": 404, "mianyang_reviewer": 404, "other_invigilator": 404,
                "mianyang_supervisor": 404, "other_candidate": 403, "assessor": 403}
    for name, status in expected.items():
        assert login(outsiders[name]).get(url).status_code == status, name
        assert login(outsiders[name]).post(CHECKIN, posted(url)).status_code == status, name
    assert login(candidate).get(url).status_code == 403  # not even their own: the page is for the door
    assert login(candidate).post(CHECKIN, posted(url)).status_code == 403
    assert not AuditEvent.objects.filter(action="arrangement.checkin").exists()
