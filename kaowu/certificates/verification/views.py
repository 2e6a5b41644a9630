"""The public verification: by number and name, by the QR code's URL (which also carries the signature for
an offline check), and the published public key."""

from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kaowu.certificates.keys import verifying_key, verifying_key_fingerprint, verifying_key_pem
from kaowu.certificates.signing import certificate_verify
from kaowu.certificates.verification import services
from kaowu.certificates.verification.forms import VerifyForm


def _verify(request, number: str, name: str, via: str) -> tuple[dict, int]:
    try:
        return {"asked": True, "found": services.certificate_verify_public(number=number, name=name, via=via)}, 200
    except services.VerifyLimited as limited:
        return {"asked": False, "limited": limited.message}, 429


@require_GET
def verify(request):
    form = VerifyForm(request.GET or None)
    context, status = {"form": form, "fingerprint": verifying_key_fingerprint()}, 200
    if request.GET and form.is_valid():
        found, status = _verify(request, form.cleaned_data["number"], form.cleaned_data["name"], "web")
        context.update(found)
    return render(request, "certificates/verify.html", context, status=status)


@require_GET
def verify_scanned(request, number: str):
    """The QR code's URL: /verify/<number>?n=<name>&d=<issue date>&s=<signature>. The signature is checked
    with the published key (what an offline verifier does), then the status is looked up online: a
    certificate revoked or replaced after printing still carries a good signature."""
    name = request.GET.get("n", "")
    issued = request.GET.get("d", "")
    signature = request.GET.get("s", "")
    try:
        issued_on = date.fromisoformat(issued)
    except ValueError:
        issued_on = None
    signed = bool(issued_on and name and signature and certificate_verify(
        verifying_key(), number=number, name=name, issued_on=issued_on, signature=signature))
    context = {"form": VerifyForm(initial={"number": number, "name": name}), "scanned": True, "signed": signed,
               "fingerprint": verifying_key_fingerprint()}
    status = 200
    if name:
        found, status = _verify(request, number, name, "qr")
        context.update(found)
        # A signature over a different issue date than the record's is not this certificate's.
        if context.get("found") and issued_on != context["found"].issued_on:
            context["signed"] = False
    return render(request, "certificates/verify.html", context, status=status)


@require_GET
def public_key(request):
    response = HttpResponse(verifying_key_pem(), content_type="application/x-pem-file; charset=ascii")
    response["Content-Disposition"] = 'inline; filename="kaowu-certificate-public-key.pem"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
