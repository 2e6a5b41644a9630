"""The certificates' core pages: the center issues and revokes; outsiders are refused."""


import pytest
from django.urls import reverse

from kaowu.certificates.models import Certificate

pytestmark = pytest.mark.django_db


def test_the_center_issues_from_the_plan_page_and_sees_the_numbers(client, login, final, chengdu_reviewer):
    login(chengdu_reviewer)
    page = client.get(reverse("certificate_plan", args=[final.plan.pk])).content.decode()
    assert "为 3 名合格人员生成证书编号" in page
    response = client.post(reverse("certificate_issue", args=[final.plan.pk]), follow=True)
    text = response.content.decode()
    numbers = list(Certificate.objects.order_by("number").values_list("number", flat=True))
    assert len(numbers) == 3 and f"编号 {numbers[0]} 至 {numbers[-1]}" in text
    assert all(number in text for number in numbers)


def test_an_institution_clerk_sees_no_issue_button_and_cannot_post_it(client, login, final, institution_clerk):
    login(institution_clerk)
    assert "生成证书编号" not in client.get(reverse("certificate_plan", args=[final.plan.pk])).content.decode()
    assert client.post(reverse("certificate_issue", args=[final.plan.pk])).status_code == 403
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("outsider", ["mianyang_reviewer", "other_institution_clerk"])
def test_outsiders_get_404_on_the_plan_and_the_certificate(request, client, login, issued, final, outsider):
    login(request.getfixturevalue(outsider))
    certificate = issued[0]
    for url in (reverse("certificate_plan", args=[final.plan.pk]),
                reverse("certificate_detail", args=[certificate.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("certificate_print", args=[certificate.pk]), {"layout": "full"}).status_code == 404
    assert client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "x"}).status_code in (403, 404)
    found = client.get(reverse("certificate_home"), {"q": certificate.holder_name}).content.decode()
    assert certificate.number not in found


@pytest.mark.parametrize("role", ["candidate", "assessor", "supervisor"])
def test_candidates_and_exam_staff_cannot_open_the_staff_pages(request, client, login, issued, final, role):
    login(request.getfixturevalue(role))
    assert client.get(reverse("certificate_home")).status_code == 403
    assert client.get(reverse("certificate_plan", args=[final.plan.pk])).status_code == 403
    assert client.get(reverse("certificate_detail", args=[issued[0].pk])).status_code == 403


def test_the_center_revokes_from_the_page_with_a_reason(client, login, issued, chengdu_reviewer):
    login(chengdu_reviewer)
    certificate = issued[0]
    response = client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": ""}, follow=True)
    assert "撤销原因" in response.content.decode()
    client.post(reverse("certificate_revoke", args=[certificate.pk]), {"reason": "伪造学历证明（R-LN-3）"})
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
