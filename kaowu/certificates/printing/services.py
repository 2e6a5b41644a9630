"""Printing: the records of who printed or downloaded which certificates (they carry full ID numbers and
photos), printer calibrations, and from stored certificates to the pages the PDF module (documents.py)
draws: the QR code's signed verify URL on the platform's public address, and the printer's calibration
for preprinted stock."""

import tempfile
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from kaowu.accounts.models import User
from kaowu.accounts.roles import is_office
from kaowu.arrangement.ticket_signing import public_base_url
from kaowu.certificates.audit import CertificateAction
from kaowu.certificates.models import Certificate, PrinterCalibration
from kaowu.certificates.printing.documents import CertificatePage, calibration_pdf, certificate_pages_pdf_write
from kaowu.certificates.signing import verify_url
from kaowu.core.errors import PermissionRefused
from kaowu.core.services import audit_record, snapshot


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
                          calibration: PrinterCalibration | None = None, title: str = "证书",
                          progress: Callable[[int], None] | None = None):
    """The certificates as one PDF in a temporary file (rewound), drawn in parts with flat memory;
    `progress(done)` hears every 50 pages."""
    target = tempfile.TemporaryFile()
    certificate_pages_pdf_write((page_of(c) for c in certificates), target, layout=layout,
                                offset_mm=offset_of(calibration), title=title, progress=progress)
    target.seek(0)
    return target


def calibration_test_pdf(calibration: PrinterCalibration | None) -> bytes:
    return calibration_pdf(offset_of(calibration))


# --- records -------------------------------------------------------------------------------------------

@transaction.atomic
def certificates_print_record(*, certificates: list[Certificate], by: User, layout: str,
                              calibration: PrinterCalibration | None = None, electronic: bool = False) -> None:
    """Who printed or downloaded which certificates (they carry full ID numbers and photos)."""
    if not certificates:
        return
    ids = [c.pk for c in certificates]
    if not electronic:
        Certificate.objects.filter(pk__in=ids).update(printed_count=F("printed_count") + 1)
    audit_record(action=CertificateAction.DOWNLOAD if electronic else CertificateAction.PRINT, actor=by,
                 target=certificates[0] if len(certificates) == 1 else None,
                 after={"count": len(ids), "numbers": [c.number for c in certificates][:50], "layout": layout,
                        "printer": calibration.name if calibration else ""},
                 organisation_id=certificates[0].plan.institution_id)


@transaction.atomic
def calibration_save(*, by: User, name: str, offset_x_mm: Decimal, offset_y_mm: Decimal,
                     calibration: PrinterCalibration | None = None) -> PrinterCalibration:
    if not is_office(by) or by.organisation_id is None:
        raise PermissionRefused("只有机构管理员、经办人或鉴定中心可以设置套打校准")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写打印机名称"})
    for field, value in (("offset_x_mm", offset_x_mm), ("offset_y_mm", offset_y_mm)):
        if value is None or abs(Decimal(value)) > 30:
            raise ValidationError({field: "偏移量应在 -30 到 30 毫米之间"})
    if calibration is None:
        if PrinterCalibration.objects.filter(organisation_id=by.organisation_id, name=name).exists():
            raise ValidationError({"name": f"已有名为“{name}”的打印机校准"})
        calibration = PrinterCalibration(organisation_id=by.organisation_id)
    elif calibration.organisation_id != by.organisation_id:
        raise PermissionRefused()
    before = snapshot(calibration, ["name", "offset_x_mm", "offset_y_mm"]) if calibration.pk else None
    calibration.name = name[:60]
    calibration.offset_x_mm = Decimal(offset_x_mm)
    calibration.offset_y_mm = Decimal(offset_y_mm)
    calibration.save()
    audit_record(action=CertificateAction.CALIBRATION_SAVE, actor=by, target=calibration, before=before,
                 after=snapshot(calibration, ["name", "offset_x_mm", "offset_y_mm"]))
    return calibration


# The two below record, then draw outside the record's transaction: a batch's drawing takes seconds and the
# record holds the printed rows' locks until it commits.
def certificates_print(*, certificates: list[Certificate], by: User, layout: str,
                       calibration: PrinterCalibration | None = None,
                       progress: Callable[[int], None] | None = None):
    """A batch (or one certificate) printed by staff: recorded, then drawn (a rewound temporary file)."""
    if not certificates:
        raise ValidationError("没有可打印的有效证书")
    certificates_print_record(certificates=certificates, by=by, layout=layout, calibration=calibration)
    return certificates_pdf_file(certificates, layout=layout, calibration=calibration, progress=progress)


def certificate_electronic(*, certificate: Certificate, by: User):
    """The holder's electronic certificate (R-CQ-14): the full design with the signed QR code, recorded."""
    certificates_print_record(certificates=[certificate], by=by, layout="full", electronic=True)
    return certificates_pdf_file([certificate], title="电子证书")
