"""Station lottery (工位抽签, R-FJ-16): the pure draw, the service, the pages and who may see them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from conftest import make_user
from kaowu.accounts.models import Role
from kaowu.arrangement.lottery import services as services_lottery
from kaowu.arrangement.lottery.draw import DrawRefused, draw_replay, stations_draw
from kaowu.arrangement.lottery.services import station_draw, station_draw_replay
from kaowu.arrangement.lottery.tests.factories import jpeg, seat
from kaowu.arrangement.models import StationDraw
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.core.models import AuditEvent
from kaowu.registration.models import Application, Candidate
from kaowu.sites.models import Room, RoomKind, Station

# --- the pure draw ------------------------------------------------------------------------------------------

station_sets = st.lists(st.integers(1, 200), min_size=1, max_size=40, unique=True)


@st.composite
def draws(draw):
    stations = draw(station_sets)
    present = draw(st.lists(st.integers(1, 10**6), max_size=len(stations), min_size=1, unique=True))
    return draw(st.integers(0, 2**32 - 1)), present, stations


@given(draws())
def test_every_present_candidate_gets_one_distinct_station_of_the_room(case):
    seed, present, stations = case
    result = stations_draw(seed, present, stations)
    assert [app for app, _ in result] == present  # complete, in draw order
    drawn = [station for _, station in result]
    assert len(set(drawn)) == len(drawn) and set(drawn) <= set(stations)


@given(draws())
def test_the_same_seed_gives_the_same_draw_and_the_replay_matches(case):
    seed, present, stations = case
    result = stations_draw(seed, present, stations)
    assert stations_draw(seed, list(present), list(reversed(stations))) == result  # the room's listing order is moot
    replay = draw_replay(seed, present, stations, result)
    assert replay.matches and replay.differences == [] and replay.expected == result


@given(draws())
def test_a_replay_notices_two_swapped_stations(case):
    seed, present, stations = case
    result = stations_draw(seed, present, stations)
    if len(result) < 2:
        return
    forged = [(result[0][0], result[1][1]), (result[1][0], result[0][1]), *result[2:]]
    replay = draw_replay(seed, present, stations, forged)
    assert not replay.matches
    assert {app for app, _, _ in replay.differences} == {result[0][0], result[1][0]}


@given(st.integers(0, 2**32 - 101))
def test_a_different_seed_usually_gives_a_different_draw(first_seed):
    present, stations = list(range(1, 11)), list(range(1, 13))
    results = {tuple(stations_draw(seed, present, stations)) for seed in range(first_seed, first_seed + 100)}
    # 12!/2! arrangements: 100 seeds giving fewer than 98 distinct draws would mean a broken source.
    assert len(results) >= 98


def test_a_draw_is_fixed_for_ever_by_its_seed():
    """Old draws must replay after an upgrade: this pins the algorithm (random() and Fisher–Yates)."""
    assert stations_draw(20261205, [101, 102, 103, 104], [1, 2, 3, 4, 5, 6]) == \
        stations_draw(20261205, [101, 102, 103, 104], [6, 5, 4, 3, 2, 1])
    assert stations_draw(20261205, [101, 102, 103, 104], [1, 2, 3, 4, 5, 6]) == PINNED


PINNED = [(101, 5), (102, 4), (103, 2), (104, 6)]


def test_more_present_candidates_than_stations_is_refused_in_chinese():
    with pytest.raises(DrawRefused) as refused:
        stations_draw(1, [1, 2, 3], [7, 8])
    assert refused.value.message.startswith("到场考生3人，考场只有2个工位")
    with pytest.raises(DrawRefused, match="重复"):
        stations_draw(1, [1, 1], [7, 8])
    with pytest.raises(DrawRefused, match="勾选到场考生"):
        stations_draw(1, [], [7, 8])


# --- a practical room on the exam day -----------------------------------------------------------------------

def ids(exam_day, count=None):
    return [a.pk for a in exam_day["applications"][:count]]


@pytest.fixture
def other_invigilator(chengdu_other_institution):
    return make_user("cd02_invigilator01", Role.INVIGILATOR, chengdu_other_institution, "钱监")


# --- the service ----------------------------------------------------------------------------------------------

def test_the_invigilator_draws_for_the_present_candidates_and_the_seed_is_recorded_and_audited(
        exam_day, invigilator, monkeypatch):
    monkeypatch.setattr(services_lottery.secrets, "randbits", lambda bits: 3141592653 if bits == 32 else 0)
    present = list(reversed(ids(exam_day, 4)))  # ticked in any order: drawn in seat order
    draw = station_draw(session=exam_day["session"], room=exam_day["room"], by=invigilator,
                        present_application_ids=present, today=exam_day["today"])
    assert draw.seed == 3141592653 and draw.drawn_by == invigilator
    assert draw.present == ids(exam_day, 4)
    expected = stations_draw(3141592653, ids(exam_day, 4), [1, 2, 3, 4, 5, 6])
    assert [(r["application"], r["station"]) for r in draw.result] == expected
    event = AuditEvent.objects.get(action="arrangement.station_draw", object_id=str(draw.pk))
    assert event.after["seed"] == 3141592653 and event.after["stations"] == [1, 2, 3, 4, 5, 6]
    assert event.after["result"] == draw.result and event.organisation == exam_day["plan"].institution
    assert station_draw_replay(draw).matches


def test_a_given_seed_is_used_as_is(exam_day, institution_clerk):
    draw = station_draw(session=exam_day["session"], room=exam_day["room"], by=institution_clerk,
                        present_application_ids=ids(exam_day), seed=42, today=exam_day["today"])
    assert draw.seed == 42
    expected = stations_draw(42, ids(exam_day), list(range(1, 7)))
    assert [(r["application"], r["station"]) for r in draw.result] == expected


def test_a_second_draw_for_the_room_is_refused_with_the_time_of_the_first(exam_day, invigilator, institution_clerk):
    first = station_draw(session=exam_day["session"], room=exam_day["room"], by=invigilator,
                         present_application_ids=ids(exam_day, 3), today=exam_day["today"])
    with pytest.raises(RuleViolation) as refused:
        station_draw(session=exam_day["session"], room=exam_day["room"], by=institution_clerk,
                     present_application_ids=ids(exam_day), today=exam_day["today"])
    assert refused.value.rule_id == "R-FJ-16"
    assert f"{timezone.localtime(first.drawn_at):%H:%M:%S}由冯监抽签" in refused.value.message
    assert StationDraw.objects.count() == 1


@pytest.mark.parametrize("days", [-1, 1])
def test_the_draw_happens_only_on_the_exam_day(exam_day, invigilator, days):
    with pytest.raises(RuleViolation, match="只能在考试当天") as refused:
        station_draw(session=exam_day["session"], room=exam_day["room"], by=invigilator,
                     present_application_ids=ids(exam_day), today=exam_day["today"] + timedelta(days=days))
    assert refused.value.rule_id == "R-FJ-16" and not StationDraw.objects.exists()


def test_a_theory_room_or_a_room_of_another_session_has_no_lottery(exam_day, invigilator):
    with pytest.raises(ValidationError, match="实操考场"):
        station_draw(session=exam_day["session"], room=exam_day["theory"], by=invigilator,
                     present_application_ids=ids(exam_day), today=exam_day["today"])
    elsewhere = Room.objects.create(site=exam_day["site"], name="实操二室", kind=RoomKind.PRACTICAL, capacity=6)
    with pytest.raises(ValidationError, match="实操考场"):
        station_draw(session=exam_day["session"], room=elsewhere, by=invigilator,
                     present_application_ids=ids(exam_day), today=exam_day["today"])


def test_only_candidates_seated_in_the_room_take_part(exam_day, invigilator):
    withdrawn = exam_day["withdrawn"].pk
    for strangers in ([withdrawn], [999999]):
        with pytest.raises(ValidationError, match="不在本场次本考场的座位名单中"):
            station_draw(session=exam_day["session"], room=exam_day["room"], by=invigilator,
                         present_application_ids=ids(exam_day, 2) + strangers, today=exam_day["today"])
    with pytest.raises(ValidationError, match="请先勾选到场考生"):
        station_draw(session=exam_day["session"], room=exam_day["room"], by=invigilator,
                     present_application_ids=[], today=exam_day["today"])
    assert not StationDraw.objects.exists()


def test_more_present_candidates_than_stations_is_refused(exam_day, invigilator):
    Station.objects.filter(room=exam_day["room"], number__gt=3).delete()
    with pytest.raises(ValidationError, match="到场考生5人，考场只有3个工位"):
        station_draw(session=exam_day["session"], room=exam_day["room"], by=invigilator,
                     present_application_ids=ids(exam_day), today=exam_day["today"])


@pytest.mark.parametrize("outsider", ["other_invigilator", "other_institution_clerk", "chengdu_reviewer",
                                      "mianyang_reviewer", "assessor", "candidate"])
def test_only_the_plans_institution_and_the_province_may_draw(exam_day, outsider, request):
    with pytest.raises(PermissionRefused):
        station_draw(session=exam_day["session"], room=exam_day["room"], by=request.getfixturevalue(outsider),
                     present_application_ids=ids(exam_day), today=exam_day["today"])


def test_the_province_admin_may_draw(exam_day, province_admin):
    draw = station_draw(session=exam_day["session"], room=exam_day["room"], by=province_admin,
                        present_application_ids=ids(exam_day, 1), today=exam_day["today"])
    assert len(draw.result) == 1


def test_the_replay_survives_a_new_station_but_not_a_changed_record(exam_day, invigilator):
    draw = station_draw(session=exam_day["session"], room=exam_day["room"], by=invigilator,
                        present_application_ids=ids(exam_day), seed=2026, today=exam_day["today"])
    Station.objects.create(room=exam_day["room"], number=7)  # the room is refitted after the exam
    check = station_draw_replay(draw)
    assert check.matches and check.stations_recorded and check.stations == [1, 2, 3, 4, 5, 6]
    forged = [dict(r) for r in draw.result]
    forged[0]["station"], forged[1]["station"] = forged[1]["station"], forged[0]["station"]
    StationDraw.objects.filter(pk=draw.pk).update(result=forged)
    draw.refresh_from_db()
    check = station_draw_replay(draw)
    assert not check.matches and not check.record_intact and len(check.replay.differences) == 2


# --- the pages ------------------------------------------------------------------------------------------------

def room_url(exam_day, name="lottery_room"):
    return reverse(name, args=[exam_day["session"].pk, exam_day["room"].pk])


def test_the_invigilator_sees_todays_room_and_its_candidates_with_masked_ids(exam_day, invigilator, login):
    client = login(invigilator)
    home = client.get(reverse("lottery_home")).content.decode()
    assert "实操一室" in home and "未抽签" in home and "理论一室" not in home
    assert room_url(exam_day) in home
    page = client.get(room_url(exam_day)).content.decode()
    first = exam_day["applications"][0]
    assert "王小明" in page and "510104********0001" in page and first.candidate.id_number not in page
    assert reverse("lottery_photo", args=[exam_day["session"].pk, exam_day["room"].pk, first.pk]) in page
    assert 'id="draw-form"' in page and "赵退" not in page  # the withdrawn candidate is not called
    assert "陈静" in page and "无照片" in page  # the fifth has no photo: a placeholder, not a broken image


def test_ticking_and_drawing_shows_the_seed_the_result_and_a_replay_that_agrees(exam_day, invigilator, login):
    client = login(invigilator)
    present = ids(exam_day, 4)
    response = client.post(room_url(exam_day, "lottery_draw"), {"present": present, "confirm": "on"}, follow=True)
    page = response.content.decode()
    draw = StationDraw.objects.get()
    assert response.redirect_chain[-1][0] == room_url(exam_day)
    assert f'id="draw-seed">{draw.seed}<' in page and "抽签完成：4名到场考生已抽取工位" in page
    for row in draw.result:
        name = Application.objects.get(pk=row["application"]).candidate.name
        assert name in page
    assert 'id="draw-form"' not in page and "缺考" in page and "陈静" in page
    replay = client.get(reverse("lottery_replay", args=[draw.pk])).content.decode()
    assert "一致" in replay and "不一致" not in replay
    printed = client.get(reverse("lottery_print", args=[draw.pk])).content.decode()
    assert str(draw.seed) in printed and "考生签名" in printed and "510104********0001" in printed


def test_a_refused_draw_keeps_the_ticks(exam_day, invigilator, login):
    Station.objects.filter(room=exam_day["room"], number__gt=2).delete()
    page = login(invigilator).post(room_url(exam_day, "lottery_draw"), {"present": ids(exam_day, 3)}).content.decode()
    assert "到场考生3人，考场只有2个工位" in page and not StationDraw.objects.exists()
    assert page.count(" checked>") == 3


def test_a_tampered_draw_replays_as_not_matching(exam_day, invigilator, login):
    draw = station_draw(session=exam_day["session"], room=exam_day["room"], by=invigilator,
                        present_application_ids=ids(exam_day, 2), today=exam_day["today"])
    first, second = draw.result
    forged = [{**first, "station": second["station"]}, {**second, "station": first["station"]}]
    StationDraw.objects.filter(pk=draw.pk).update(result=forged)
    page = login(invigilator).get(reverse("lottery_replay", args=[draw.pk])).content.decode()
    assert "不一致" in page and "被改动过" in page


def test_the_room_cannot_be_drawn_on_another_day(exam_day, invigilator, login):
    type(exam_day["session"]).objects.filter(pk=exam_day["session"].pk).update(
        date=exam_day["today"] + timedelta(days=1))
    client = login(invigilator)
    page = client.get(room_url(exam_day)).content.decode()
    assert 'id="draw-form"' not in page and "只能在考试当天" in page
    page = client.post(room_url(exam_day, "lottery_draw"), {"present": ids(exam_day)}).content.decode()
    assert "只能在考试当天" in page and not StationDraw.objects.exists()


def test_the_city_center_reads_the_draw_but_cannot_draw(exam_day, chengdu_reviewer, login):
    client = login(chengdu_reviewer)
    page = client.get(room_url(exam_day)).content.decode()
    assert "王小明" in page and 'id="draw-form"' not in page
    assert client.post(room_url(exam_day, "lottery_draw"), {"present": ids(exam_day)}).status_code == 403
    assert not StationDraw.objects.exists()


def test_the_photo_is_served_to_the_invigilator_of_the_room_only_for_its_candidates(exam_day, invigilator, login,
                                                                                     open_plan_elsewhere):
    client = login(invigilator)
    session, room = exam_day["session"].pk, exam_day["room"].pk
    response = client.get(reverse("lottery_photo", args=[session, room, exam_day["applications"][0].pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    for stranger in (open_plan_elsewhere.pk, exam_day["applications"][4].pk):  # another room; no photo
        assert client.get(reverse("lottery_photo", args=[session, room, stranger])).status_code == 404


@pytest.fixture
def open_plan_elsewhere(exam_day, institution_clerk):
    """An application of the same institution seated in another practical room of the session."""
    other = Room.objects.create(site=exam_day["site"], name="实操二室", kind=RoomKind.PRACTICAL, capacity=6)
    exam_day["session"].rooms.add(other)
    candidate = Candidate.objects.create(name="周外", gender="女", birth_date="1990-01-01", education="senior",
                                         id_number="510104199001019991", address="成都", phone="13800000000")
    candidate.photo.save("x.jpg", ContentFile(jpeg((1, 2, 3))), save=True)
    application = Application.objects.create(candidate=candidate, plan=exam_day["plan"],
                                             item=exam_day["plan"].items.get(), status=Application.Status.TICKETED)
    seat(exam_day["run"], application, exam_day["session"], other, 1)
    return application


@pytest.fixture
def drawn(exam_day, invigilator):
    return station_draw(session=exam_day["session"], room=exam_day["room"], by=invigilator,
                        present_application_ids=ids(exam_day, 3), today=exam_day["today"])


@pytest.mark.parametrize("outsider", ["other_invigilator", "other_institution_clerk", "mianyang_reviewer"])
def test_outsiders_get_404_for_every_lottery_page(exam_day, drawn, outsider, request, login):
    client = login(request.getfixturevalue(outsider))
    photo = reverse("lottery_photo", args=[exam_day["session"].pk, exam_day["room"].pk,
                                           exam_day["applications"][0].pk])
    for url in (room_url(exam_day), photo, reverse("lottery_print", args=[drawn.pk]),
                reverse("lottery_replay", args=[drawn.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(room_url(exam_day, "lottery_draw"), {"present": ids(exam_day)}).status_code == 404
    home = client.get(reverse("lottery_home")).content.decode()
    assert "实操一室" not in home and 'id="lottery-none"' in home


@pytest.mark.parametrize("outsider", ["candidate", "assessor"])
def test_candidates_and_assessors_are_refused_the_lottery(exam_day, drawn, outsider, request, login):
    client = login(request.getfixturevalue(outsider))
    for url in (reverse("lottery_home"), room_url(exam_day), reverse("lottery_replay", args=[drawn.pk])):
        assert client.get(url).status_code == 403, url
