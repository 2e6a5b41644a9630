"""While the database is down, people get the Chinese error page (not Django's English "Server Error (500)"),
and /healthz answers 503 without the database's own error text."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.db.backends.utils import CursorWrapper
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db

DATABASE_TEXT = 'connection to server at "db-primary.internal" (10.0.0.5), port 5432 failed: Connection refused'


@contextmanager
def database_down():
    """Every query fails as it does while PostgreSQL restarts."""
    with mock.patch.object(CursorWrapper, "_execute", side_effect=OperationalError(DATABASE_TEXT)), \
            mock.patch.object(CursorWrapper, "_executemany", side_effect=OperationalError(DATABASE_TEXT)):
        yield


def test_a_page_during_a_database_outage_is_the_chinese_error_page(login, institution_clerk):
    client = login(institution_clerk)
    client.raise_request_exception = False
    with database_down():
        response = client.get("/")  # the session, the user and the menu all need the database
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时无法处理您的请求" in body and "返回首页" in body
    assert "Server Error" not in body and DATABASE_TEXT not in body and "10.0.0.5" not in body


def test_an_anonymous_page_during_an_outage_is_the_chinese_error_page(client):
    client.raise_request_exception = False
    with database_down():
        response = client.post("/login/", {"username": "someone", "password": "x"})
    assert response.status_code == 500
    assert "系统暂时无法处理您的请求" in response.content.decode()


def test_healthz_says_503_without_the_databases_text(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert "10.0.0.5" not in response.content.decode() and "refused" not in response.content.decode()
    assert client.get("/healthz").json()["status"] == "ok"  # and well again once it is back
