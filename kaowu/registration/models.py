"""Candidates (a person) and applications (a person for one item of one plan), with their
documents, payments, refunds, commitments and data change requests."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from kaowu.core.models import BaseModel


class IdType(models.TextChoices):
    RESIDENT = "resident", "居民身份证"
    HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
    TAIWAN = "taiwan", "台湾居民来往大陆通行证"
    PASSPORT = "passport", "护照"
    FOREIGN_PR = "foreign_pr", "外国人永久居留身份证"


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class EducationLevel(models.TextChoices):
    """文化程度 on the 申报表 (R-FJ-4)."""

    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中/中专/技校"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士研究生"
    DOCTOR = "doctor", "博士研究生"


class Candidate(BaseModel):
    """A person who applies; one per (ID type, number). Personal information: scope every read."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="candidate")
    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=2, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    education = models.CharField("文化程度", max_length=20, choices=EducationLevel.choices)
    id_type = models.CharField("证件类型", max_length=20, choices=IdType.choices, default=IdType.RESIDENT)
    id_number = models.CharField("证件号码", max_length=32)
    address = models.CharField("通讯地址", max_length=200)
    postal_code = models.CharField("邮政编码", max_length=6, blank=True,
                                   validators=[RegexValidator(r"^\d{6}$", "邮政编码应为6位数字")])
    phone = models.CharField("手机号", max_length=20,
                             validators=[RegexValidator(r"^1\d{10}$", "手机号应为以1开头的11位数字")])
    employer = models.CharField("工作单位", max_length=120, blank=True)
    photo = models.FileField("照片", upload_to="candidates/photos/", blank=True,
                             help_text="R-FJ-4：彩色、JPG、90×110像素、24位、小于20KB（系统自动处理）")

    class Meta:
        verbose_name = "考生"
        verbose_name_plural = "考生"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["id_type", "id_number"], name="candidate_id_unique")]

    def __str__(self) -> str:
        return self.name


class Application(BaseModel):
    """One candidate for one item (occupation + level, or special item) of one plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "已退回"
        INSTITUTION_APPROVED = "institution_approved", "初审通过"
        CENTER_APPROVED = "center_approved", "复核通过"
        REJECTED = "rejected", "复核未通过"
        PAID = "paid", "已缴费"
        TICKETED = "ticketed", "已发准考证"
        WITHDRAWN = "withdrawn", "已撤回"
        REFUNDED = "refunded", "已退费"

    candidate = models.ForeignKey(Candidate, verbose_name="考生", on_delete=models.PROTECT,
                                  related_name="applications")
    plan = models.ForeignKey("plans.Plan", verbose_name="考核计划", on_delete=models.PROTECT,
                             related_name="applications")
    item = models.ForeignKey("plans.PlanItem", verbose_name="报考项目", on_delete=models.PROTECT,
                             related_name="applications")
    status = models.CharField("状态", max_length=30, choices=Status.choices, default=Status.DRAFT)
    retake_of = models.ForeignKey("self", verbose_name="补考原报名", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="retakes",
                                  help_text="R-CQ-13：合格科目保留期内补考不合格科目，已合格科目成绩保留")
    carried_subjects = models.JSONField("保留合格科目", default=list, blank=True,
                                        help_text="补考时保留成绩、不再参加考试的科目编号（R-CQ-13）")
    profile = models.JSONField("申报资历", default=dict, blank=True,
                               help_text="工作经历、证书、学历，格式见 docs/eligibility.md")
    eligibility = models.JSONField("资格审核结果", null=True, blank=True)
    commitment_version = models.CharField("承诺书版本", max_length=20, blank=True)
    commitment_accepted_at = models.DateTimeField("承诺时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    originals_seen = models.BooleanField("已查验原件", default=False, help_text="R-FJ-4：身份证原件现场查验")
    institution_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="初审人", null=True,
                                                blank=True, on_delete=models.PROTECT, related_name="+")
    institution_reviewed_at = models.DateTimeField("初审时间", null=True, blank=True)
    center_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复核人", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    center_reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    review_reason = models.TextField("审核意见/退回原因", blank=True)

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = "报名"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "plan", "item"], name="application_once_per_item"),
        ]
        indexes = [models.Index(fields=["plan", "status"]), models.Index(fields=["item", "status"]),
                   # the order of the review list (applications_filtered): a deep page walks the index
                   models.Index(fields=["-submitted_at", "-id"], name="application_list_order"),
                   models.Index(fields=["plan", "-submitted_at", "-id"], name="application_plan_list_order")]

    def __str__(self) -> str:
        return f"{self.candidate.name} · {self.item}"


class ApplicationDocument(BaseModel):
    class Kind(models.TextChoices):
        ID_COPY = "id_copy", "身份证复印件"
        CERTIFICATE = "certificate", "证书"
        WORK_PROOF = "work_proof", "工作年限证明"
        THESIS = "thesis", "综合评审论文（PDF）"
        OTHER = "other", "其他"

    application = models.ForeignKey(Application, verbose_name="报名", on_delete=models.CASCADE,
                                    related_name="documents")
    kind = models.CharField("材料类别", max_length=20, choices=Kind.choices)
    file = models.FileField("文件", upload_to="applications/%Y/%m/")
    name = models.CharField("文件名", max_length=200, help_text="论文按 R-SC21-6b 命名：级别+身份证号+姓名+题目")

    class Meta:
        verbose_name = "报名材料"
        verbose_name_plural = "报名材料"

    def __str__(self) -> str:
        return self.name


class Payment(BaseModel):
    """A fee paid after approval (R-CQ-4); the receipt is the voucher for the ticket."""

    class Method(models.TextChoices):
        CASH = "cash", "现金"
        TRANSFER = "transfer", "转账"
        ONLINE = "online", "网上支付"
        BULK = "bulk", "单位统一缴费"

    application = models.ForeignKey(Application, verbose_name="报名", on_delete=models.PROTECT,
                                    related_name="payments")
    method = models.CharField("缴费方式", max_length=20, choices=Method.choices)
    amount = models.DecimalField("金额（元）", max_digits=8, decimal_places=2)
    receipt_number = models.CharField("票据号", max_length=40)
    paid_at = models.DateTimeField("缴费时间")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    refunded = models.BooleanField("已转退费", default=False,
                                   help_text="撤回报名（或重复缴费）后转为退费（R-SC21-5），不再是本报名的缴费")

    class Meta:
        verbose_name = "缴费"
        verbose_name_plural = "缴费"
        ordering = ["-paid_at"]
        constraints = [
            # One fee per application: a second payment only once the first has become a refund.
            models.UniqueConstraint(fields=["application"], condition=models.Q(refunded=False),
                                    name="payment_one_live_per_application"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.amount}元"


class Refund(BaseModel):
    """A candidate who paid and withdraws gets the fee back (R-SC21-5): the withdrawal creates the refund for
    the paid amount, the institution's clerk confirms it with how, how much and when the money went back."""

    class Method(models.TextChoices):
        CASH = "cash", "现金"
        TRANSFER = "transfer", "转账"
        ORIGINAL = "original", "原路退回"
        OTHER = "other", "其他"

    payment = models.OneToOneField(Payment, verbose_name="缴费", on_delete=models.PROTECT, related_name="refund")
    amount = models.DecimalField("退费金额（元）", max_digits=8, decimal_places=2,
                                 help_text="撤回时为实缴金额；确认时填实际退还的金额，不超过实缴金额")
    reason = models.CharField("原因", max_length=200)
    method = models.CharField("退费方式", max_length=20, choices=Method.choices, blank=True)
    refunded_on = models.DateField("退费日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True, help_text="转账流水号、少退的原因等")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "退费"
        verbose_name_plural = "退费"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"退费 {self.amount}元"


class PlanCommitment(BaseModel):
    """The institution's signed commitment for a plan (R-LN-3, R-SC24-7): kaowu generates the PDF
    with the counts per occupation and level, the institution signs, scans and uploads it."""

    plan = models.OneToOneField("plans.Plan", verbose_name="考核计划", on_delete=models.PROTECT,
                                related_name="commitment")
    counts = models.JSONField("承诺人数", default=list,
                              help_text="签署时的人数：[{\"item\": 项目, \"level\": 级别, \"count\": 人数}]")
    text_version = models.CharField("承诺书版本", max_length=20)
    signed_file = models.FileField("已签章承诺书", upload_to="commitments/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "机构承诺书"
        verbose_name_plural = "机构承诺书"

    def __str__(self) -> str:
        return f"{self.plan} 承诺书"


class CandidateChangeRequest(BaseModel):
    """After submission a candidate's data changes only through a request the center approves
    (R-LN-5b); on approval the candidate record itself changes, so later documents show it."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已同意"
        REJECTED = "rejected", "未同意"

    application = models.ForeignKey(Application, verbose_name="报名", on_delete=models.PROTECT,
                                    related_name="change_requests")
    candidate = models.ForeignKey(Candidate, verbose_name="考生", on_delete=models.PROTECT,
                                  related_name="change_requests")
    changes = models.JSONField("变更内容", help_text="{字段: {\"old\": 原值, \"new\": 新值}}")
    reason = models.CharField("变更原因", max_length=200)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_reason = models.CharField("审核意见", max_length=200, blank=True)

    class Meta:
        verbose_name = "考生信息变更申请"
        verbose_name_plural = "考生信息变更申请"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.candidate.name} 信息变更"
