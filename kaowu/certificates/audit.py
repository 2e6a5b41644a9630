"""The certificates app's audit vocabulary: issuing, status changes, replacements, printing and downloads,
and the public verification (whose event the PostgreSQL path writes in its own statement, with VERIFY's value)."""

from django.db import models


class CertificateAction(models.TextChoices):
    ISSUE = "certificates.issue", "核发证书"
    REVOKE = "certificates.revoke", "撤销证书"
    # The old certificate of an approved replacement: written by certificate_transition (before this reshaping
    # only the request's approval was recorded).
    REPLACE = "certificates.replace", "证书已补发新证"
    REPLACEMENT_APPLY = "certificates.replacement_apply", "申请补办证书"
    REPLACEMENT_APPROVE = "certificates.replacement_approve", "批准补办证书"
    REPLACEMENT_REJECT = "certificates.replacement_reject", "不予补办证书"
    REPLACEMENT_FILE = "certificates.replacement_file", "查看补办材料"
    PRINT = "certificates.print", "打印证书"
    DOWNLOAD = "certificates.download", "下载电子证书"
    CALIBRATION_SAVE = "certificates.calibration_save", "保存套打校准"
    VERIFY = "certificates.verify", "公众核验证书"
    ROSTER_DOWNLOAD = "certificates.roster_download", "下载合格人员花名册"
    EXPORT = "certificates.export", "导出国家平台证书数据"
