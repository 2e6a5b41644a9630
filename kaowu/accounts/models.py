import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models

from kaowu.core.models import BaseModel


class Organisation(BaseModel):
    """A node of the province's tree: the provincial center, a city center, an institution.

    `path` is the materialised path of codes ("510000/510100/510104001/") so that a subtree is
    one indexed prefix query, on SQLite and PostgreSQL alike.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", "省级职业技能鉴定指导中心"
        CITY = "city", "市（州）职业技能鉴定中心"
        INSTITUTION = "institution", "报名考核机构"

    name = models.CharField("名称", max_length=120)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    code = models.CharField(
        "机构代码", max_length=20, unique=True,
        validators=[RegexValidator(r"^[0-9A-Z]+$", "机构代码只能包含数字和大写字母")],
    )
    region_code = models.CharField(
        "行政区划代码", max_length=6,
        validators=[RegexValidator(r"^\d{6}$", "行政区划代码应为6位数字")],
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级机构", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    seal = models.FileField("印章图片", upload_to="seals/", blank=True,
                            help_text="PNG（透明背景）；准考证照片一角加盖（R-CQ-5）。未上传时以机构名称生成电子章样")
    is_active = models.BooleanField("启用", default=True)
    # R-CERT-NO: an institution that issues 职业技能等级证书 is registered as an evaluation body; its kind,
    # code and sequence are positions 1, 2–5 and 8–13 of every number issued for its plans.
    evaluation_body_kind = models.CharField(
        "评价机构类型", max_length=1, blank=True, choices=[("S", "S 社会培训评价组织"), ("Y", "Y 用人单位")])
    evaluation_body_code = models.CharField(
        "评价机构代码", max_length=4, blank=True, validators=[RegexValidator(r"^\d{4}$", "评价机构代码应为4位数字")])
    evaluation_body_sequence = models.CharField(
        "评价机构序号", max_length=6, blank=True,
        validators=[RegexValidator(r"^\d{6}$", "评价机构序号应为6位数字")])
    # R-SC24-12: a city center numbers the 专项 certificates of exams in its city in its own format.
    certificate_number_template = models.CharField(
        "专项证书编号格式", max_length=80, blank=True,
        help_text=("占位符：{city} 地区代码、{year} 年份、{item} 项目编码、{serial:06d} 流水号；"
                   "留空为 ZX{city}{year}{serial:06d}"))

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", "省中心管理员"
    CITY_REVIEWER = "city_reviewer", "市（州）中心审核员"
    INSTITUTION_ADMIN = "institution_admin", "机构管理员"
    INSTITUTION_CLERK = "institution_clerk", "机构经办人"
    ASSESSOR = "assessor", "考评员"
    SUPERVISOR = "supervisor", "督导员"
    INVIGILATOR = "invigilator", "监考员"
    CANDIDATE = "candidate", "考生"


# Which kinds of organisation a role may belong to; None means "no organisation".
ROLE_ORGANISATION_KINDS: dict[str, set[str | None]] = {
    Role.PROVINCE_ADMIN: {Organisation.Kind.PROVINCE},
    Role.CITY_REVIEWER: {Organisation.Kind.CITY},
    Role.INSTITUTION_ADMIN: {Organisation.Kind.INSTITUTION},
    Role.INSTITUTION_CLERK: {Organisation.Kind.INSTITUTION},
    # Assessors and supervisors are registered and dispatched by a center (R-FJ-8).
    Role.ASSESSOR: {Organisation.Kind.PROVINCE, Organisation.Kind.CITY},
    Role.SUPERVISOR: {Organisation.Kind.PROVINCE, Organisation.Kind.CITY},
    Role.INVIGILATOR: {Organisation.Kind.INSTITUTION},
    Role.CANDIDATE: {None, Organisation.Kind.INSTITUTION},
}


class User(AbstractUser):
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    full_name = models.CharField("姓名", max_length=40)
    phone = models.CharField("手机号", max_length=20, blank=True)

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.role in roles


class LoginAttempt(models.Model):
    """A login attempt, kept to lock out password guessing (by account and by address)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    succeeded = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "登录尝试"
        verbose_name_plural = "登录尝试"
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {'成功' if self.succeeded else '失败'}"


class ApiToken(BaseModel):
    """A bearer token for an institution's own system. Only a hash of the key is stored."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=80)
    prefix = models.CharField("前缀", max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @staticmethod
    def hash_key(key: str) -> str:
        # Keys are 256-bit random, so a fast hash is enough (no dictionary to attack).
        return hashlib.sha256(key.encode()).hexdigest()
