"""Pages without a staff login: the 公示 list (R-CQ-12) with masked ID numbers, only from publication on;
the score query by name and ID number, which answers the same for a wrong name and an unknown number and
is limited per address; the candidate's own results with the recheck request (R-FJ-11)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from kaowu.core.ids import id_mask
from kaowu.core.models import AuditEvent
from kaowu.scoring.models import RecheckRequest, Result, ResultRelease
from kaowu.scoring.public import services as public_services
from kaowu.scoring.release import services
from kaowu.scoring.release.forms import KIND_CHOICES
from kaowu.scoring.tests.factories import candidate_login, release_world_complete

pytestmark = pytest.mark.django_db
Status = ResultRelease.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rw(institution_clerk, chengdu_reviewer, chengdu_institution):
    return release_world_complete(institution_clerk, chengdu_reviewer, chengdu_institution)


def submitted(rw) -> ResultRelease:
    return services.results_submit(plan=rw.plan, by=rw.clerk)


def first_result(rw) -> Result:
    return Result.objects.select_related("application__candidate").get(application_id=rw.seated(rw.practical)[0])


# --- 公示 ----------------------------------------------------------------------------------------

def test_r_cq_12_the_public_list_appears_only_with_the_publication_and_masks_id_numbers(client, rw,
                                                                                      chengdu_reviewer):
    release = submitted(rw)
    assert client.get(f"/scores/public/{release.pk}/").status_code == 404
    assert client.get(f"/scores/public/plans/{rw.plan.pk}/").status_code == 404
    release = services.results_approve(release=release, by=chengdu_reviewer)
    assert client.get(f"/scores/public/{release.pk}/").status_code == 404  # confirmed is not yet published
    assert rw.plan.name not in client.get("/scores/public/").content.decode()

    services.results_publish(release=release, by=chengdu_reviewer)

    assert rw.plan.name in client.get("/scores/public/").content.decode()
    assert client.get(f"/scores/public/plans/{rw.plan.pk}/")["Location"] == f"/scores/public/{release.pk}/"
    html = client.get(f"/scores/public/{release.pk}/").content.decode()
    candidate = first_result(rw).application.candidate
    assert candidate.name in html and id_mask(candidate.id_number) in html
    assert candidate.id_number not in html
    assert html.count("<tr><td>") == 12 and "合格" in html


def test_r_cq_12_the_public_list_stays_after_the_results_are_final(client, rw, chengdu_reviewer):
    release = services.results_approve(release=submitted(rw), by=chengdu_reviewer)
    release = services.results_publish(release=release, by=chengdu_reviewer)
    services.results_finalise(release=release, today=release.recheck_until + timedelta(days=1))

    html = client.get(f"/scores/public/{release.pk}/").content.decode()
    assert "成绩已于" in html and first_result(rw).application.candidate.name in html


# --- the score query -----------------------------------------------------------------------------

def query(client, name, number):
    return client.post("/scores/query/", {"name": name, "id_number": number})


def answer(response) -> str:
    """The answer part of the page (the form echoes what was typed, which differs by design)."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", html[html.index('<div class="col-12 col-md-7">'):html.index("</main>")])


def test_r_fj_11_the_candidate_finds_their_result_once_the_center_has_confirmed_it(client, rw, chengdu_reviewer):
    release = submitted(rw)
    candidate = first_result(rw).application.candidate
    assert 'id="query-none"' in query(client, candidate.name, candidate.id_number).content.decode()

    services.results_approve(release=release, by=chengdu_reviewer)

    html = query(client, candidate.name, candidate.id_number.lower()).content.decode()
    assert 'class="card mb-2 query-result"' in html and "合格" in html and "技能操作" in html
    assert candidate.id_number not in html.split('id="query-form"')[1].split("</form>")[1]
    event = AuditEvent.objects.filter(action="scoring.query").latest("at")
    assert event.after == {"id_number": id_mask(candidate.id_number), "found": True}


def test_a_wrong_name_and_an_unknown_number_get_the_same_answer(client, rw, chengdu_reviewer):
    services.results_approve(release=submitted(rw), by=chengdu_reviewer)
    candidate = first_result(rw).application.candidate
    unknown = candidate.id_number[:-5] + "99990"

    wrong_name = query(client, "王五", candidate.id_number)
    unknown_number = query(client, candidate.name, unknown)

    assert wrong_name.status_code == unknown_number.status_code == 200
    assert answer(wrong_name) == answer(unknown_number)
    assert "未查询到成绩" in answer(wrong_name)


def test_the_query_is_limited_per_address_found_or_not(client, rw, chengdu_reviewer):
    services.results_approve(release=submitted(rw), by=chengdu_reviewer)
    candidate = first_result(rw).application.candidate
    for n in range(public_services.SCORE_QUERY_LIMIT):
        assert query(client, "王五", f"51010419930101{n:04d}").status_code == 200

    limited = query(client, candidate.name, candidate.id_number)

    assert limited.status_code == 429 and "查询过于频繁" in limited.content.decode()
    assert "query-result" not in limited.content.decode()
    other_address = client.post("/scores/query/", {"name": candidate.name, "id_number": candidate.id_number},
                                REMOTE_ADDR="10.0.0.9")
    assert "query-result" in other_address.content.decode()


# --- the candidate's own results ----------------------------------------------------------------

def test_r_fj_11_the_candidate_sees_their_result_and_asks_a_recheck_within_the_window(client, login, rw,
                                                                                      chengdu_reviewer):
    release = submitted(rw)
    result = first_result(rw)
    user = candidate_login(result.application)
    login(user)
    html = client.get("/scores/me/").content.decode()
    assert "成绩尚未经审核中心确认" in html and 'class="outcome"' not in html

    release = services.results_approve(release=release, by=chengdu_reviewer)
    html = client.get("/scores/me/").content.decode()
    assert 'class="outcome">合格' in html and "/recheck/" not in html and "公示后可申请复查" in html

    services.results_publish(release=release, by=chengdu_reviewer)
    html = client.get("/scores/me/").content.decode()
    assert f"/scores/me/results/{result.pk}/recheck/" in html and "可在" in html  # the notice with the deadline

    response = client.post(f"/scores/me/results/{result.pk}/recheck/", {"kind": "other", "reason": "评分太严"})
    assert response.status_code == 200 and "R-FJ-11" in response.content.decode()
    assert not RecheckRequest.objects.exists()
    response = client.post(f"/scores/me/results/{result.pk}/recheck/", {"kind": "missing", "reason": "技能操作漏登"})
    assert response.status_code == 302
    recheck = RecheckRequest.objects.get()
    assert recheck.requested_by == user and recheck.kind == "missing"
    html = client.get("/scores/me/").content.decode()
    assert "待处理" in html and f"/scores/me/results/{result.pk}/recheck/" not in html


def test_the_recheck_form_lists_each_kind_as_its_own_labelled_radio(client, login, rw, chengdu_reviewer):
    """Django's radio wrapper used to carry the inputs' form-check-input class, which squeezed the four kinds
    into a 1em box, one character per line, over the rest of the form."""
    release = services.results_approve(release=submitted(rw), by=chengdu_reviewer)
    services.results_publish(release=release, by=chengdu_reviewer)
    result = first_result(rw)
    login(candidate_login(result.application))
    html = client.get(f"/scores/me/results/{result.pk}/recheck/").content.decode()
    assert 'id="id_kind" class="form-check-input"' not in html
    radios = re.findall(r'<div class="form-check"><input type="radio" name="kind" value="(\w+)" '
                        r'class="form-check-input"[^>]*id="(id_kind_\d)"[^>]*> '
                        r'<label class="form-check-label" for="\2">([^<]+)</label>', html)
    assert [(value, label) for value, _id, label in radios] == [(str(v), str(lab)) for v, lab in KIND_CHOICES]
    assert [label[:2] for _value, _id, label in radios] == ["漏登", "错登", "错统", "其他"]


def test_r_fj_11_no_recheck_button_after_the_window(client, login, rw, chengdu_reviewer):
    release = services.results_publish(release=services.results_approve(release=submitted(rw), by=chengdu_reviewer),
                                       by=chengdu_reviewer)
    result = first_result(rw)
    user = candidate_login(result.application)
    ResultRelease.objects.filter(pk=release.pk).update(recheck_until=timezone.localdate() - timedelta(days=1))
    login(user)
    assert "/recheck/" not in client.get("/scores/me/").content.decode()
    response = client.post(f"/scores/me/results/{result.pk}/recheck/", {"kind": "wrong", "reason": "登错"})
    assert response.status_code == 200 and "不在复查申请期内" in response.content.decode()
    assert not RecheckRequest.objects.exists()


def test_another_candidate_sees_nothing_of_this_result(client, login, rw, chengdu_reviewer, candidate,
                                                       institution_clerk):
    services.results_publish(release=services.results_approve(release=submitted(rw), by=chengdu_reviewer),
                             by=chengdu_reviewer)
    result = first_result(rw)
    login(candidate)
    assert result.application.candidate.name not in client.get("/scores/me/").content.decode()
    assert client.get(f"/scores/me/results/{result.pk}/recheck/").status_code == 404
    assert client.post(f"/scores/me/results/{result.pk}/recheck/",
                       {"kind": "wrong", "reason": "登错"}).status_code == 404
    login(institution_clerk)
    assert client.get("/scores/me/").status_code == 403
    assert not RecheckRequest.objects.exists()


def test_the_candidate_downloads_a_score_notice_of_their_own_result(client, login, rw, chengdu_reviewer, candidate):
    services.results_approve(release=submitted(rw), by=chengdu_reviewer)
    result = first_result(rw)
    login(candidate)
    assert client.get(f"/scores/me/results/{result.pk}/notice.pdf").status_code == 404
    login(candidate_login(result.application))

    response = client.get(f"/scores/me/results/{result.pk}/notice.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF") and response["Cache-Control"] == "private, no-store"
