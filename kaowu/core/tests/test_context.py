"""The client address that lockouts, rate limits and the audit trail use."""

from django.test import RequestFactory

from kaowu.core.context import client_ip


def request_with(**meta):
    return RequestFactory().get("/", **meta)


def test_behind_the_proxy_the_address_it_appended_counts_not_what_the_client_claimed():
    request = request_with(HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "203.0.113.7"


def test_garbage_in_the_forwarded_header_falls_back_to_the_peer_address():
    assert client_ip(request_with(HTTP_X_FORWARDED_FOR="<script>", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    assert client_ip(request_with(HTTP_X_FORWARDED_FOR="", REMOTE_ADDR="2001:db8::1")) == "2001:db8::1"
