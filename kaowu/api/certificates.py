"""Public certificate verification for employers' and labour bureaus' systems: no token, rate-limited per
client address and audited, exactly the fields the public page shows (the ID number masked)."""

from datetime import date

from django.http import JsonResponse
from ninja import Router, Schema
from ninja.errors import HttpError

from kaowu.certificates.verification import services

router = Router(tags=["证书核验"])

NOT_FOUND = "未查询到该证书：请核对证书编号和姓名"


class VerificationOut(Schema):
    found: bool
    valid: bool
    number: str
    status: str  # valid / replaced / revoked
    status_label: str
    status_reason: str  # the revocation's reason, "" otherwise
    replaced_by: str  # the replacement's number when status is "replaced"
    kind: str
    holder_name: str
    holder_id_masked: str
    item_name: str
    level_name: str
    grade: str
    issued_on: date
    issuer_name: str


class NotFoundOut(Schema):
    found: bool = False
    detail: str


@router.get("/certificates/verify", auth=None, response={200: VerificationOut, 404: NotFoundOut},
            summary="核验证书（证书编号 + 姓名）")
def certificate_verify(request, number: str, name: str):
    """A wrong number and a wrong name give the same 404 answer, so that neither can be probed alone."""
    try:
        found = services.certificate_verify_public(number=number, name=name, via="api")
    except services.VerifyLimited as limited:
        raise HttpError(429, limited.message) from None
    # Built to the schemas above (which document them) rather than validated against them: on the busiest public
    # route that validation cost a few percent of the rate (bench verify).
    if found is None:
        return JsonResponse({"found": False, "detail": NOT_FOUND}, status=404)
    return JsonResponse({
        "found": True, "valid": found.valid, "number": found.number, "status": found.status,
        "status_label": found.status_label, "status_reason": found.status_reason, "replaced_by": found.replaced_by,
        "kind": found.kind_label, "holder_name": found.holder_name, "holder_id_masked": found.holder_id_masked,
        "item_name": found.item_name, "level_name": found.level_name, "grade": found.grade,
        "issued_on": found.issued_on.isoformat(), "issuer_name": found.issuer_name})
