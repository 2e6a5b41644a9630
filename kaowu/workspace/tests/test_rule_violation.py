import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("kaowu.workspace.tests.rule_urls")]


def test_a_refused_form_post_goes_back_with_the_rule_id_and_chinese_text(login, institution_clerk):
    client = login(institution_clerk)
    response = client.post("/test/refuse/", HTTP_REFERER="http://testserver/users/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "http://testserver/users/"
    assert "须在考试前10个工作日报备" in page and "R-CQ-1" in page


def test_a_refused_request_without_a_page_to_return_to_gets_409(login, institution_clerk):
    response = login(institution_clerk).get("/test/refuse/")
    assert response.status_code == 409
    page = response.content.decode()
    assert "R-CQ-1" in page and "最晚2026年11月06日" in page


def test_a_referer_on_another_host_is_not_followed(login, institution_clerk):
    response = login(institution_clerk).post("/test/refuse/", HTTP_REFERER="https://evil.example.com/")
    assert response.status_code == 409
