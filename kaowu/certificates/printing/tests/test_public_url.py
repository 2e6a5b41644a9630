from datetime import date

from kaowu.certificates.models import Certificate
from kaowu.certificates.printing.services import certificate_verify_url


def test_the_certificate_qr_code_carries_the_configured_public_address(settings):
    settings.KAOWU_PUBLIC_URL = "http://192.168.1.20:8080"
    certificate = Certificate(number="S510151000123243000045", holder_name="张三丰", issued_on=date(2026, 3, 14),
                              signature="c2ln")
    assert certificate_verify_url(certificate).startswith("http://192.168.1.20:8080/verify/S510151000123243000045?")
