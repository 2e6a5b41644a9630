"""The province's certificate signing key (Ed25519) and its published public half.

The private key is a PEM file at settings.KAOWU_CERT_KEY_FILE (default var/certificate-signing-key.pem,
mode 0600), held by the province deployment only. Development and tests make one on first use; production
refuses to start signing without one (a key made silently on an app server would differ between servers
and make every certificate printed there fail offline verification). `kaowu certificate_key` makes it.
"""

import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kaowu.certificates.signing import key_generate, private_key_load, public_key_fingerprint, public_key_pem


def key_path() -> Path:
    return Path(getattr(settings, "KAOWU_CERT_KEY_FILE", "") or Path(settings.VAR_DIR) / "certificate-signing-key.pem")


def key_file_create(path: Path) -> None:
    """Write a new private key to `path`, readable by its owner only; an existing file is never replaced."""
    private_pem, _public = key_generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(private_pem)


@lru_cache(maxsize=4)
def _private_key(path: str) -> Ed25519PrivateKey:
    file = Path(path)
    if not file.exists():
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured(
                f"证书签名私钥 {file} 不存在：请在省级部署上运行 `kaowu certificate_key` 生成，"
                "或设置 KAOWU_CERT_KEY_FILE")
        try:
            key_file_create(file)
        except FileExistsError:
            pass  # another process made it first
    return private_key_load(file.read_bytes())


def signing_key() -> Ed25519PrivateKey:
    return _private_key(str(key_path()))


def verifying_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def verifying_key_pem() -> str:
    return public_key_pem(verifying_key()).decode("ascii")


def verifying_key_fingerprint() -> str:
    return public_key_fingerprint(verifying_key())
