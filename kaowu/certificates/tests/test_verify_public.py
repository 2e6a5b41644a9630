"""The public verification answers alike on both databases: on PostgreSQL it is one prepared statement that
matches the name in SQL (services._verify_statement), elsewhere the selector's lookup matches it in Python."""

import pytest
from django.db import connection

from kaowu.certificates import selectors, services
from kaowu.certificates.models import Certificate
from kaowu.certificates.tests.support import ISSUE_DAY, final_release_build
from kaowu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def certificate(institution_clerk, chengdu_reviewer):
    final = final_release_build(institution_clerk, passed=1, failed=0)
    return services.certificates_issue(release=final.release, by=chengdu_reviewer, today=ISSUE_DAY)[0]


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
