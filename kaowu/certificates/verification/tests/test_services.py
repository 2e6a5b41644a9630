"""The public verification: only the public fields, audited and rate-limited per address; and it answers alike
on both databases: on PostgreSQL it is one prepared statement that matches the name in SQL
(services._verify_statement), elsewhere the selector's lookup matches it in Python."""

import pytest
from django.db import connection

from kaowu.certificates.models import Certificate
from kaowu.certificates.tests.support import final_release_build, issue
from kaowu.certificates.verification import selectors, services
from kaowu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(institution_clerk, chengdu_reviewer):
    final = final_release_build(institution_clerk, passed=1, failed=0)
    return issue(final, chengdu_reviewer)[0]


def test_a_name_typed_with_spaces_or_a_decomposed_accent_is_found_as_the_lookup_finds_it(certificate):
    # A holder's name stored decomposed and with a trailing ideographic space (as an import may bring it): the
    # composed and the decomposed accent are the same name, and spaces around it are ignored, as name_normal does.
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="Rene\u0301\u3000")
    typed = {" Rene\u0301\t": True, "René": True, "Ren": False, "Rene": False, "René René": False}

    answers = {name: services.certificate_verify_public(number=certificate.number.lower(), name=name)
               for name in typed}

    assert {name: found is not None for name, found in answers.items()} == typed
    for name in typed:
        assert (selectors.certificate_verify_lookup(number=certificate.number, name=name) is None) == (not typed[name])
    assert answers["René"].holder_name == "Rene\u0301\u3000" and answers["René"].valid
    events = AuditEvent.objects.filter(action="certificates.verify").order_by("id")
    assert [event.after["found"] for event in events] == list(typed.values())
    assert {event.after["number"] for event in events} == {certificate.number.lower()}


def test_a_verification_inside_a_larger_transaction_leaves_its_commit_synchronous(certificate):
    # The test runs inside a transaction: the verification must not switch off synchronous commit for it.
    assert services.certificate_verify_public(number=certificate.number, name=certificate.holder_name)
    assert services.certificate_verify_public(number=certificate.number, name=certificate.holder_name)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"


def test_verification_needs_the_number_and_the_name_and_shows_only_the_public_fields(final, chengdu_reviewer):
    certificate = issue(final, chengdu_reviewer)[0]
    found = selectors.certificate_verify_lookup(number=certificate.number.lower(), name=f" {certificate.holder_name} ")
    assert found is not None and found.valid and found.holder_id_masked == certificate.holder_id_masked
    assert not hasattr(found, "holder_id_number")
    assert selectors.certificate_verify_lookup(number=certificate.number, name="别人") is None
    wrong_number = certificate.number[:-1] + "9"
    assert selectors.certificate_verify_lookup(number=wrong_number, name=certificate.holder_name) is None


def test_verification_is_audited_and_rate_limited_per_address(final, chengdu_reviewer, settings):
    from kaowu.core.context import request_ip

    certificate = issue(final, chengdu_reviewer)[0]
    settings.KAOWU_VERIFY_PER_MINUTE = 3
    token = request_ip.set("203.0.113.9")
    try:
        for _ in range(3):
            assert services.certificate_verify_public(number=certificate.number, name=certificate.holder_name)
        with pytest.raises(services.VerifyLimited):
            services.certificate_verify_public(number=certificate.number, name=certificate.holder_name)
        request_ip.set("203.0.113.10")
        assert services.certificate_verify_public(number="S000000000000000000000", name="某人") is None
    finally:
        request_ip.reset(token)
    events = AuditEvent.objects.filter(action="certificates.verify")
    assert events.count() == 4 and events.filter(after__found=False).count() == 1
