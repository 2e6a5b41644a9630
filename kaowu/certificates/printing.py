"""From stored certificates to the pages the PDF module draws: the QR code's signed verify URL on the
platform's public address, and the printer's calibration for preprinted stock."""

import tempfile
from collections.abc import Iterable

from kaowu.arrangement.ticket_signing import public_base_url
from kaowu.certificates.documents import CertificatePage, calibration_pdf, certificate_pages_pdf_write
from kaowu.certificates.models import Certificate, PrinterCalibration
from kaowu.certificates.signing import verify_url


def certificate_verify_url(certificate: Certificate) -> str:
    return verify_url(public_base_url(), number=certificate.number, name=certificate.holder_name,
                      issued_on=certificate.issued_on, signature=certificate.signature)


def page_of(certificate: Certificate) -> CertificatePage:
    return CertificatePage(
        number=certificate.number, kind=certificate.kind, holder_name=certificate.holder_name,
        gender=certificate.holder_gender, id_number=certificate.holder_id_number, item_name=certificate.item_name,
        level_name=certificate.level_name, grade=certificate.grade, exam_date=certificate.exam_date,
        issued_on=certificate.issued_on, issuer_name=certificate.issuer_name, photo_name=certificate.photo_name,
        verify_url=certificate_verify_url(certificate))


def offset_of(calibration: PrinterCalibration | None) -> tuple[float, float]:
    if calibration is None:
        return (0.0, 0.0)
    return (float(calibration.offset_x_mm), float(calibration.offset_y_mm))


def certificates_pdf_file(certificates: Iterable[Certificate], *, layout: str = "full",
                          calibration: PrinterCalibration | None = None, title: str = "证书"):
    """The certificates as one PDF in a temporary file (rewound), drawn in parts with flat memory."""
    target = tempfile.TemporaryFile()
    certificate_pages_pdf_write((page_of(c) for c in certificates), target, layout=layout,
                                offset_mm=offset_of(calibration), title=title)
    target.seek(0)
    return target


def calibration_test_pdf(calibration: PrinterCalibration | None) -> bytes:
    return calibration_pdf(offset_of(calibration))
