"""Ed25519 certificate signatures: round trip, tampering, malformed input, verification URL, fingerprint."""

import hashlib
import re
from datetime import date, datetime
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kaowu.certificates import signing

NUMBER = "S000051001234524300001"  # 22 characters, R-CERT-NO shape
NAME = "张三丰"
ISSUED = date(2025, 3, 14)


@pytest.fixture(scope="module")
def keys():
    private_pem, public_pem = signing.key_generate()
    return signing.private_key_load(private_pem), signing.public_key_load(public_pem)


@pytest.fixture(scope="module")
def signature(keys):
    return signing.certificate_sign(keys[0], number=NUMBER, name=NAME, issued_on=ISSUED)


def test_round_trip(keys, signature):
    assert len(signature) == 86 and "=" not in signature
    assert signing.certificate_verify(keys[1], number=NUMBER, name=NAME, issued_on=ISSUED, signature=signature)


def test_message_is_the_documented_canonical_text():
    assert signing.certificate_message(number=NUMBER, name=" 张三丰 ", issued_on=ISSUED) == (
        "kaowu-cert-v1\nS000051001234524300001\n张三丰\n2025-03-14".encode()
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"number": "S000051001234524300002"},
        {"name": "张三"},
        {"issued_on": date(2025, 3, 15)},
    ],
    ids=["number", "name", "date"],
)
def test_tampered_field_fails(keys, signature, changes):
    fields = {"number": NUMBER, "name": NAME, "issued_on": ISSUED} | changes
    assert not signing.certificate_verify(keys[1], signature=signature, **fields)


def test_tampered_signature_fails(keys, signature):
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert not signing.certificate_verify(keys[1], number=NUMBER, name=NAME, issued_on=ISSUED, signature=flipped)


def test_other_key_fails(signature):
    _, other_public_pem = signing.key_generate()
    other = signing.public_key_load(other_public_pem)
    assert not signing.certificate_verify(other, number=NUMBER, name=NAME, issued_on=ISSUED, signature=signature)


@pytest.mark.parametrize(
    "bad",
    ["", "abc", "!" * 86, None, 12345, "A" * 85, "A" * 87, "A" * 85 + "B"],
    ids=["empty", "short", "bad-chars", "none", "int", "85", "87", "unused-bits"],
)
def test_malformed_signature_returns_false(keys, bad):
    assert signing.certificate_verify(keys[1], number=NUMBER, name=NAME, issued_on=ISSUED, signature=bad) is False


def test_unused_bits_variant_of_valid_signature_is_refused(keys, signature):
    # The last base64 character carries 2 unused bits; a variant decoding to the same bytes must not pass.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(signature[-1])
    variant = signature[:-1] + alphabet[last ^ 1]
    assert not signing.certificate_verify(keys[1], number=NUMBER, name=NAME, issued_on=ISSUED, signature=variant)


@pytest.mark.parametrize(
    "fields",
    [
        {"number": "S0001/../x"},
        {"number": ""},
        {"name": "张三\n丰"},
        {"name": "  "},
        {"issued_on": "2025-03-14"},
        {"issued_on": datetime(2025, 3, 14, 8, 0)},
    ],
    ids=["number-slash", "number-empty", "name-newline", "name-blank", "date-str", "datetime"],
)
def test_invalid_fields_refused_on_sign_and_false_on_verify(keys, signature, fields):
    full = {"number": NUMBER, "name": NAME, "issued_on": ISSUED} | fields
    with pytest.raises(ValueError):
        signing.certificate_sign(keys[0], **full)
    assert signing.certificate_verify(keys[1], signature=signature, **full) is False


def test_name_normalised_before_signing(keys):
    # "é" precomposed vs e + combining accent: the same name, so the same signed bytes.
    signature = signing.certificate_sign(keys[0], number=NUMBER, name="Ren\u00e9", issued_on=ISSUED)
    assert signing.certificate_verify(keys[1], number=NUMBER, name="Rene\u0301", issued_on=ISSUED, signature=signature)


@pytest.mark.parametrize("name", ["张三丰", "欧阳 娜娜", "阿依古丽·买买提", "李&=?#+%"])
def test_url_round_trip_with_chinese_names(keys, name):
    signature = signing.certificate_sign(keys[0], number=NUMBER, name=name, issued_on=ISSUED)
    url = signing.verify_url(
        "https://kaowu.example.cn/", number=NUMBER, name=name, issued_on=ISSUED, signature=signature
    )
    assert url.startswith(f"https://kaowu.example.cn/verify/{NUMBER}?n=")
    assert url.isascii()
    number, parsed_name, issued_on, parsed_signature = signing.verify_url_parse(url)
    assert (number, parsed_name, issued_on, parsed_signature) == (NUMBER, name, ISSUED, signature)
    assert signing.certificate_verify(
        keys[1], number=number, name=parsed_name, issued_on=issued_on, signature=parsed_signature
    )


def test_url_with_tampered_number_fails(keys, signature):
    url = signing.verify_url(
        "https://kaowu.example.cn", number=NUMBER, name=NAME, issued_on=ISSUED, signature=signature
    )
    tampered = url.replace(f"/verify/{NUMBER}", "/verify/S000051001234524300009")
    number, name, issued_on, sig = signing.verify_url_parse(tampered)
    assert number == "S000051001234524300009"
    assert not signing.certificate_verify(keys[1], number=number, name=name, issued_on=issued_on, signature=sig)


def test_url_under_a_path_prefix(signature):
    url = signing.verify_url("https://gov.example.cn/sc/kaowu", number=NUMBER, name=NAME, issued_on=ISSUED,
                             signature=signature)
    assert urlsplit(url).path == f"/sc/kaowu/verify/{NUMBER}"
    assert signing.verify_url_parse(url)[0] == NUMBER


@pytest.mark.parametrize(
    "url",
    [
        "https://x.cn/certificates/S0001?n=a&d=2025-03-14&s=abc",
        "https://x.cn/verify/?n=a&d=2025-03-14&s=abc",
        "https://x.cn/verify/S0001",
        "https://x.cn/verify/S0001?d=2025-03-14&s=abc",
        "https://x.cn/verify/S0001?n=a&n=b&d=2025-03-14&s=abc",
        "https://x.cn/verify/S0001?n=a&d=2025-03-14&s=",
        "https://x.cn/verify/S0001?n=a&d=20250314&s=abc",
        "https://x.cn/verify/S0001?n=a&d=2025-02-30&s=abc",
        "https://x.cn/verify/S0001?n=%E5%BC%A0%0A%E4%B8%89&d=2025-03-14&s=abc",
        "https://x.cn/verify/S0001?n=%FF&d=2025-03-14&s=abc",
        "https://x.cn/verify/S0%2F01?n=a&d=2025-03-14&s=abc",
    ],
    ids=["path", "no-number", "no-query", "no-name", "two-names", "empty-sig", "basic-date", "no-such-date",
         "name-newline", "bad-utf8", "number-slash"],
)
def test_malformed_url_raises_chinese_value_error(url):
    with pytest.raises(ValueError, match=r"[\u4e00-\u9fff]"):
        signing.verify_url_parse(url)


def test_fingerprint_is_stable():
    private_pem, public_pem = signing.key_generate()
    public_key = signing.public_key_load(public_pem)
    fingerprint = signing.public_key_fingerprint(public_key)
    # 16 lowercase hex digits: the start of the SHA-256 of the raw 32-byte public key.
    assert re.fullmatch(r"[0-9a-f]{16}", fingerprint)
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert len(raw) == 32 and fingerprint == hashlib.sha256(raw).hexdigest()[:16]
    # Same key, read again or derived from the private key: same fingerprint; another key: a different one.
    assert signing.public_key_fingerprint(signing.public_key_load(public_pem.decode())) == fingerprint
    assert signing.public_key_fingerprint(signing.private_key_load(private_pem).public_key()) == fingerprint
    other = signing.public_key_load(signing.key_generate()[1])
    assert signing.public_key_fingerprint(other) != fingerprint


def test_fingerprint_of_a_known_key():
    # RFC 8032 test 1 public key: pins the fingerprint definition (SHA-256 over the raw 32 bytes).
    raw = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    assert signing.public_key_fingerprint(Ed25519PublicKey.from_public_bytes(raw)) == "21fe31dfa154a261"


def test_key_load_refuses_wrong_input():
    private_pem, public_pem = signing.key_generate()
    with pytest.raises(ValueError, match="私钥"):
        signing.private_key_load(public_pem)
    with pytest.raises(ValueError, match="公钥"):
        signing.public_key_load(b"not a key")
    ec_pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ValueError, match="不是 Ed25519"):
        signing.public_key_load(ec_pem)
