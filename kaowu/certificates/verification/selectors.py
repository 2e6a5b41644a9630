"""The public verification lookup: the only columns the public may learn about a certificate."""

import unicodedata
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from kaowu.certificates.models import Certificate, CertificateKind

# The only columns the public may learn about a certificate (and the replacement's number).
VERIFY_FIELDS = ("number", "status", "status_reason", "holder_name", "holder_id_masked", "item_name", "level_name",
                 "grade", "issued_on", "issuer_name", "kind")


@dataclass(frozen=True)
class Verification:
    number: str
    status: str
    status_label: str
    status_reason: str
    holder_name: str
    holder_id_masked: str
    item_name: str
    level_name: str
    grade: str
    issued_on: date
    issuer_name: str
    kind_label: str
    replaced_by: str  # the new certificate's number when this one was replaced

    @property
    def valid(self) -> bool:
        return self.status == Certificate.Status.VALID


def name_normal(name: str) -> str:
    return unicodedata.normalize("NFC", name or "").strip()


# The lookup's columns, in the order certificate_verify_queryset returns them.
VERIFY_COLUMNS = (*VERIFY_FIELDS, "replaced_by__number")


def verify_asked(number: str, name: str) -> tuple[str, str] | None:
    """The number and name as they are looked up (the number in capitals, the name as name_normal makes
    it), or None when no certificate can have them."""
    number = (number or "").strip().upper()
    name = name_normal(name)
    if not number or not name or len(number) > 64 or len(name) > 40:
        return None
    return number, name


def certificate_verify_queryset(number: str) -> QuerySet:
    """The public columns of the certificate with this number, and its replacement's number: one indexed
    query on the unique number (a tuple per row, in VERIFY_COLUMNS order)."""
    return Certificate.objects.filter(number=number).order_by().values_list(*VERIFY_COLUMNS)


def verification_of(row: dict) -> Verification:
    """The Verification of a row of the lookup (a dict by VERIFY_COLUMNS)."""
    return Verification(
        number=row["number"], status=row["status"], status_label=Certificate.Status(row["status"]).label,
        status_reason=row["status_reason"] if row["status"] == Certificate.Status.REVOKED else "",
        holder_name=row["holder_name"], holder_id_masked=row["holder_id_masked"], item_name=row["item_name"],
        level_name=row["level_name"], grade=row["grade"], issued_on=row["issued_on"],
        issuer_name=row["issuer_name"], kind_label=CertificateKind(row["kind"]).label,
        replaced_by=row["replaced_by__number"] or "",
    )


def certificate_verify_lookup(*, number: str, name: str) -> Verification | None:
    """The certificate with this number held by this name, or None: the caller says "未查询到" either way,
    so a wrong number and a wrong name cannot be told apart. One indexed query on the unique number."""
    asked = verify_asked(number, name)
    if asked is None:
        return None
    number, name = asked
    values = next(iter(certificate_verify_queryset(number)[:1]), None)
    if values is None:
        return None
    row = dict(zip(VERIFY_COLUMNS, values, strict=True))
    return verification_of(row) if name_normal(row["holder_name"]) == name else None
