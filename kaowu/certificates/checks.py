from django.conf import settings
from django.core.checks import Warning, register

from kaowu.certificates.keys import key_path


@register("kaowu", deploy=True)
def certificate_key_present(app_configs, **kwargs):
    """In production the signing key must be the province's own file, made once (see keys.py)."""
    if getattr(settings, "PRODUCTION", False) and not key_path().exists():
        return [Warning(f"证书签名私钥 {key_path()} 不存在：核发证书前请运行 `kaowu certificate_key`",
                        id="kaowu.W101")]
    return []
