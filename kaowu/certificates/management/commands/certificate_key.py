"""`kaowu certificate_key`: make the province's certificate signing key if there is none, and print the
public key and its fingerprint (what the verify page publishes). An existing key is never replaced: every
printed certificate's QR signature depends on it."""

from django.core.management.base import BaseCommand

from kaowu.certificates.keys import key_file_create, key_path, verifying_key_fingerprint, verifying_key_pem


class Command(BaseCommand):
    help = "生成（如不存在）并显示证书签名公钥及其指纹"

    def handle(self, *args, **options):
        path = key_path()
        if path.exists():
            self.stdout.write(f"已有签名私钥：{path}")
        else:
            key_file_create(path)
            self.stdout.write(self.style.SUCCESS(f"已生成签名私钥：{path}（仅属主可读，请妥善备份）"))
        self.stdout.write(f"公钥指纹：{verifying_key_fingerprint()}")
        self.stdout.write(verifying_key_pem())
