"""Ed25519 signatures over a certificate's verification data (issue #9).

Pure module (no Django). The province deployment holds the private key; the public key is published
on the site, so a verifier can check a certificate's QR code offline.

The signed message (canonical, version 1) is the UTF-8 encoding of four lines joined by "\\n", with no
trailing newline:

    kaowu-cert-v1
    <number>        certificate number, ASCII letters, digits, "-" or "_" (R-CERT-NO numbers are 22 such)
    <holder name>   NFC-normalised, surrounding whitespace removed
    <issue date>    ISO 8601, YYYY-MM-DD

Why these fields: the number alone would let a valid signature be copied onto a certificate made out to
another person, so the holder's name is signed with it; the issue date stops the same number being reused
for a later award. The ID number is left out on purpose: the message travels in clear text in the QR code
URL, and the name and number already tie the signature to the paper certificate (which shows the masked ID).
The "kaowu-cert-v1" prefix keeps these signatures from being valid for any other message the key might
sign, and lets a later format change its contents without ambiguity.

Fields are separated by newlines, so a field may not contain one (nor any control character): otherwise
("A\\nB", "C") and ("A", "B\\nC") would sign the same bytes.
"""

import base64
import binascii
import hashlib
import re
import unicodedata
from datetime import date
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MESSAGE_PREFIX = "kaowu-cert-v1"
NUMBER_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,63}")
NAME_MAX = 100
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# An Ed25519 signature is 64 bytes: 86 base64url characters without padding.
SIGNATURE_RE = re.compile(r"[A-Za-z0-9_-]{86}")


# --- keys ---------------------------------------------------------------------------------------


def key_generate() -> tuple[bytes, bytes]:
    """A new key pair: (private key PEM, PKCS#8 unencrypted; public key PEM, SubjectPublicKeyInfo)."""
    private_key = Ed25519PrivateKey.generate()
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return private_pem, public_key_pem(private_key.public_key())


def public_key_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def private_key_load(pem: bytes | str) -> Ed25519PrivateKey:
    """Read an unencrypted PEM private key; ValueError (Chinese message) if it is not an Ed25519 key."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"证书签名私钥无法读取（需为未加密的 PEM 格式）：{exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("证书签名私钥不是 Ed25519 密钥")
    return key


def public_key_load(pem: bytes | str) -> Ed25519PublicKey:
    """Read a PEM public key; ValueError (Chinese message) if it is not an Ed25519 key."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"证书验证公钥无法读取（需为 PEM 格式）：{exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("证书验证公钥不是 Ed25519 密钥")
    return key


def public_key_fingerprint(public_key: Ed25519PublicKey) -> str:
    """First 16 lowercase hex digits of SHA-256 over the raw 32-byte public key, shown next to the published key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# --- message ------------------------------------------------------------------------------------


def number_clean(number: str) -> str:
    if not isinstance(number, str) or not NUMBER_RE.fullmatch(number):
        raise ValueError(f"证书编号格式不正确：{number!r}（仅限字母、数字、连字符和下划线，最长64位）")
    return number


def name_clean(name: str) -> str:
    """NFC form without surrounding whitespace, so the same name typed two ways signs the same bytes."""
    if not isinstance(name, str):
        raise ValueError("持证人姓名不能为空")
    clean = unicodedata.normalize("NFC", name).strip()
    if not clean:
        raise ValueError("持证人姓名不能为空")
    if len(clean) > NAME_MAX:
        raise ValueError(f"持证人姓名过长（最多{NAME_MAX}个字符）")
    if any(unicodedata.category(ch).startswith("C") for ch in clean):
        raise ValueError("持证人姓名含有换行或控制字符")
    return clean


def date_clean(issued_on: date) -> date:
    # datetime is a subclass of date whose isoformat() carries a time: refuse it rather than sign a different text.
    if not isinstance(issued_on, date) or hasattr(issued_on, "hour"):
        raise ValueError(f"发证日期应为日期：{issued_on!r}")
    return issued_on


def certificate_message(*, number: str, name: str, issued_on: date) -> bytes:
    """The exact bytes that are signed (see the module docstring)."""
    fields = [MESSAGE_PREFIX, number_clean(number), name_clean(name), date_clean(issued_on).isoformat()]
    return "\n".join(fields).encode("utf-8")


# --- sign and verify ----------------------------------------------------------------------------


def signature_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def signature_decode(text: str) -> bytes | None:
    """The 64 signature bytes, or None if `text` is not exactly a canonical unpadded base64url signature."""
    if not isinstance(text, str) or not SIGNATURE_RE.fullmatch(text):
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "==")
    except (binascii.Error, ValueError):
        return None
    # 86 characters carry 516 bits for 512: refuse variants differing only in the unused bits.
    if signature_encode(raw) != text:
        return None
    return raw


def certificate_sign(private_key: Ed25519PrivateKey, *, number: str, name: str, issued_on: date) -> str:
    """Signature (base64url, no padding) over the certificate's message; ValueError for an invalid field."""
    message = certificate_message(number=number, name=name, issued_on=issued_on)
    return signature_encode(private_key.sign(message))


def certificate_verify(
    public_key: Ed25519PublicKey, *, number: str, name: str, issued_on: date, signature: str
) -> bool:
    """True only if `signature` is a valid signature of these fields; False (never an exception) otherwise."""
    raw = signature_decode(signature)
    if raw is None:
        return False
    try:
        message = certificate_message(number=number, name=name, issued_on=issued_on)
        public_key.verify(raw, message)
    except (ValueError, InvalidSignature):
        return False
    return True


# --- verification URL (QR code) -----------------------------------------------------------------


def verify_url(base_url: str, *, number: str, name: str, issued_on: date, signature: str) -> str:
    """`{base}/verify/{number}?n=<name>&d=<YYYY-MM-DD>&s=<signature>`, name percent-encoded as UTF-8."""
    query = urlencode(
        [("n", name_clean(name)), ("d", date_clean(issued_on).isoformat()), ("s", signature)], quote_via=quote
    )
    return f"{base_url.rstrip('/')}/verify/{quote(number_clean(number), safe='')}?{query}"


def verify_url_parse(url: str) -> tuple[str, str, date, str]:
    """(number, name, issued_on, signature) from a verification URL; ValueError (Chinese message) if malformed.

    The signature is only checked to be present: whether it is valid is `certificate_verify`'s answer.
    """
    try:
        parts = urlsplit(url)
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValueError("证书验证链接格式不正确") from exc
    segments = parts.path.rstrip("/").split("/")
    if len(segments) < 2 or segments[-2] != "verify":
        raise ValueError("证书验证链接格式不正确：缺少 /verify/<证书编号>")
    number = number_clean(unquote(segments[-1]))
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("证书验证链接格式不正确：参数无法解析") from exc
    values = {}
    for key, label in (("n", "姓名"), ("d", "发证日期"), ("s", "签名")):
        found = query.get(key, [])
        if len(found) != 1 or not found[0]:
            raise ValueError(f"证书验证链接格式不正确：缺少{label}参数（{key}）或重复出现")
        values[key] = found[0]
    if not DATE_RE.fullmatch(values["d"]):
        raise ValueError(f"证书验证链接中的发证日期格式不正确：{values['d']}")
    try:
        issued_on = date.fromisoformat(values["d"])
    except ValueError as exc:
        raise ValueError(f"证书验证链接中的发证日期不存在：{values['d']}") from exc
    return number, name_clean(values["n"]), issued_on, values["s"]
