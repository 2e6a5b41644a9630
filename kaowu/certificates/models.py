"""证书: the certificates issued from final results, their number sequences, replacements (补办, R-FJ-15)
and the printers' calibrations for preprinted stock.

A certificate's printed content (holder, item, level, grade, dates, issuer) is copied into its row when it
is issued: a certificate says what was true on its issue date, whatever later happens to the candidate's
record or the catalogue, and verification reads one row by its unique number.
"""

from django.conf import settings
from django.db import models

from kaowu.core.models import BaseModel


class CertificateKind(models.TextChoices):
    SKILL_LEVEL = "skill_level", "职业技能等级证书"
    SPECIAL = "special", "专项职业能力证书"


class CertificateSequence(models.Model):
    """The last serial issued in one sequence (R-CERT-NO positions 1–16, or a local format's key).

    Issuing locks this row (SELECT … FOR UPDATE) in the transaction that stores the certificates, so
    concurrent approvals queue here, a rolled-back issue gives its serials back, and serials are gap-free.
    """

    key = models.CharField("序列", max_length=64, unique=True)
    last_serial = models.PositiveIntegerField("已用流水号", default=0)

    class Meta:
        verbose_name = "证书编号序列"
        verbose_name_plural = "证书编号序列"

    def __str__(self) -> str:
        return f"{self.key}: {self.last_serial}"


class Certificate(BaseModel):
    class Status(models.TextChoices):
        VALID = "valid", "有效"
        REPLACED = "replaced", "已补发新证"
        REVOKED = "revoked", "已撤销"

    number = models.CharField("证书编号", max_length=64, unique=True)
    kind = models.CharField("证书类别", max_length=20, choices=CertificateKind.choices)
    sequence_key = models.CharField("编号序列", max_length=64)
    serial = models.PositiveIntegerField("流水号")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.VALID)
    status_reason = models.CharField("撤销原因", max_length=300, blank=True)
    status_changed_at = models.DateTimeField("状态变更时间", null=True, blank=True)

    result = models.ForeignKey("scoring.Result", verbose_name="考核结果", on_delete=models.PROTECT,
                               related_name="certificates")
    candidate = models.ForeignKey("registration.Candidate", verbose_name="持证人", on_delete=models.PROTECT,
                                  related_name="certificates")
    plan = models.ForeignKey("plans.Plan", verbose_name="计划", on_delete=models.PROTECT, related_name="certificates")
    replaces = models.OneToOneField("self", verbose_name="补发自", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by")

    holder_name = models.CharField("姓名", max_length=40)
    holder_gender = models.CharField("性别", max_length=2, blank=True)
    holder_id_type = models.CharField("证件类型", max_length=20, blank=True)
    holder_id_number = models.CharField("证件号码", max_length=32)
    holder_id_masked = models.CharField("证件号码（脱敏）", max_length=32)
    item_code = models.CharField("职业/项目编码", max_length=32)
    item_name = models.CharField("职业（工种）/专项职业能力", max_length=80)
    level = models.PositiveSmallIntegerField("等级", null=True, blank=True)
    level_name = models.CharField("等级名称", max_length=20, blank=True)
    grade = models.CharField("成绩等级", max_length=10, blank=True, help_text="R-FJ-12：专项的优秀、良好、合格")
    exam_date = models.DateField("考核日期")
    issued_on = models.DateField("发证日期")
    photo_name = models.CharField("照片文件", max_length=200, blank=True,
                                  help_text="发证时考生照片（补办时为补办申请所交照片）在存储中的名称")
    issuer = models.ForeignKey("accounts.Organisation", verbose_name="发证机构", on_delete=models.PROTECT,
                               related_name="certificates_issued")
    issuer_name = models.CharField("发证机构名称", max_length=120)
    numbered_by = models.ForeignKey("accounts.Organisation", verbose_name="编号生成机构", on_delete=models.PROTECT,
                                    related_name="certificates_numbered")
    signature = models.CharField("签名", max_length=86)
    printed_count = models.PositiveIntegerField("打印次数", default=0)

    class Meta:
        verbose_name = "证书"
        verbose_name_plural = "证书"
        ordering = ["number"]
        constraints = [
            # The database's own guard behind the locked counter: a serial is never used twice.
            models.UniqueConstraint(fields=["sequence_key", "serial"], name="certificate_serial_once"),
        ]
        indexes = [models.Index(fields=["plan", "number"])]

    def __str__(self) -> str:
        return f"{self.number} {self.holder_name}"


class ReplacementRequest(BaseModel):
    """补办: a lost or damaged certificate replaced by the issuing center on application with the ID
    document and a photo, for the profile's fee, within its working days (R-FJ-15)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已补发"
        REJECTED = "rejected", "未通过"

    class Reason(models.TextChoices):
        LOST = "lost", "遗失"
        DAMAGED = "damaged", "损毁"

    certificate = models.ForeignKey(Certificate, verbose_name="原证书", on_delete=models.PROTECT,
                                    related_name="replacement_requests")
    reason = models.CharField("补办原因", max_length=20, choices=Reason.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    id_document = models.FileField("身份证件扫描件", upload_to="certificates/replacements/")
    photo = models.FileField("照片", upload_to="certificates/replacements/")
    fee = models.DecimalField("补办费用（元）", max_digits=8, decimal_places=2)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                   related_name="+")
    applied_on = models.DateField("申请日期")
    due_on = models.DateField("办结期限", help_text="R-FJ-15：15个工作日内")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_reason = models.CharField("审核意见", max_length=300, blank=True)
    new_certificate = models.OneToOneField(Certificate, verbose_name="新证书", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="replacement_request")

    class Meta:
        verbose_name = "证书补办"
        verbose_name_plural = "证书补办"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["certificate"], condition=models.Q(status="pending"),
                                    name="replacement_one_pending"),
        ]


class PrinterCalibration(BaseModel):
    """A printer's offsets for preprinted certificate stock, set by a clerk from the test page."""

    organisation = models.ForeignKey("accounts.Organisation", verbose_name="机构", on_delete=models.CASCADE,
                                     related_name="printer_calibrations")
    name = models.CharField("打印机", max_length=60)
    offset_x_mm = models.DecimalField("水平偏移（毫米，向右为正）", max_digits=5, decimal_places=1, default=0)
    offset_y_mm = models.DecimalField("垂直偏移（毫米，向上为正）", max_digits=5, decimal_places=1, default=0)

    class Meta:
        verbose_name = "套打校准"
        verbose_name_plural = "套打校准"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="calibration_name_once")]

    def __str__(self) -> str:
        return self.name


class RateCounter(models.Model):
    """Hits per client address and minute for the public verification (one upsert per request)."""

    bucket = models.CharField(max_length=80)
    minute = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket", "minute"], name="rate_counter_once")]

    def __str__(self) -> str:
        return f"{self.bucket} @{self.minute}: {self.hits}"

