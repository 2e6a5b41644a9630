"""考点 (sites), 考场 (rooms), 工位 (stations), equipment, and the facility filing that lets an
institution examine an item for the first time (R-FJ-2, R-SC24-6)."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from kaowu.core.models import BaseModel


class Site(BaseModel):
    institution = models.ForeignKey(
        "accounts.Organisation", verbose_name="报名考核机构", on_delete=models.PROTECT, related_name="sites"
    )
    name = models.CharField("考点名称", max_length=120)
    address = models.CharField("地址", max_length=200)
    region_code = models.CharField(
        "所在地区", max_length=6, validators=[RegexValidator(r"^\d{6}$", "行政区划代码应为6位数字")],
        help_text="考点所在的区县代码；不在本机构所在市（州）时按 R-SC24-12 向所在地中心备案",
    )
    contact_name = models.CharField("联系人", max_length=40)
    contact_phone = models.CharField("联系电话", max_length=30)
    safety_officer = models.CharField("安全员", max_length=40, help_text="R-SC21-1：须指定专职安全人员")
    safety_officer_phone = models.CharField("安全员电话", max_length=30, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "考点"
        verbose_name_plural = "考点"
        ordering = ["institution", "name"]
        constraints = [models.UniqueConstraint(fields=["institution", "name"], name="site_name_unique_per_institution")]

    def __str__(self) -> str:
        return self.name


class RoomKind(models.TextChoices):
    THEORY = "theory", "理论考场"
    COMPUTER = "computer", "机考考场"
    PRACTICAL = "practical", "实操考场"


class Room(BaseModel):
    site = models.ForeignKey(Site, verbose_name="考点", on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField("考场名称", max_length=60)
    kind = models.CharField("考场类别", max_length=20, choices=RoomKind.choices)
    capacity = models.PositiveIntegerField("容纳考生数", validators=[MinValueValidator(1)])
    desks = models.PositiveIntegerField("桌椅/机位数", default=0)
    area_m2 = models.DecimalField("面积（㎡）", max_digits=7, decimal_places=1, null=True, blank=True)
    floor = models.CharField("楼层/位置", max_length=60, blank=True)
    is_tiered = models.BooleanField("阶梯教室", default=False, help_text="R-CQ-6：理论考场不得使用阶梯教室")
    note = models.CharField("考场布置说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "考场"
        verbose_name_plural = "考场"
        ordering = ["site", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="room_name_unique_per_site")]

    def __str__(self) -> str:
        return f"{self.site.name} {self.name}"


class Station(BaseModel):
    """工位 in a practical room; candidates draw one (R-FJ-16)."""

    room = models.ForeignKey(Room, verbose_name="考场", on_delete=models.CASCADE, related_name="stations")
    number = models.PositiveIntegerField("工位号")
    equipment = models.CharField("工位设备", max_length=200, blank=True)

    class Meta:
        verbose_name = "工位"
        verbose_name_plural = "工位"
        ordering = ["room", "number"]
        constraints = [models.UniqueConstraint(fields=["room", "number"], name="station_number_unique_per_room")]

    def __str__(self) -> str:
        return f"{self.room} {self.number}号工位"


class Equipment(BaseModel):
    """A line of the 设施设备申报表: equipment with model and count (R-FJ-2)."""

    site = models.ForeignKey(Site, verbose_name="考点", on_delete=models.CASCADE, related_name="equipment")
    room = models.ForeignKey(Room, verbose_name="考场", null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField("设备名称", max_length=80)
    model = models.CharField("型号规格", max_length=80, blank=True)
    count = models.PositiveIntegerField("数量", validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = "设施设备"
        verbose_name_plural = "设施设备"
        ordering = ["site", "name"]

    def __str__(self) -> str:
        return f"{self.name} {self.model} ×{self.count}"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    APPROVED = "approved", "已确认"
    RETURNED = "returned", "已退回"


class FacilityFiling(BaseModel):
    """专项职业能力考核考场设施设备申报表: one site and one item, confirmed by the center (R-FJ-2, R-SC24-6)."""

    institution = models.ForeignKey(
        "accounts.Organisation", verbose_name="报名考核机构", on_delete=models.PROTECT, related_name="facility_filings"
    )
    site = models.ForeignKey(Site, verbose_name="考点", on_delete=models.PROTECT, related_name="filings")
    occupation = models.ForeignKey(
        "catalog.Occupation", verbose_name="职业", null=True, blank=True, on_delete=models.PROTECT
    )
    level = models.PositiveSmallIntegerField("等级", null=True, blank=True)
    special_item = models.ForeignKey(
        "catalog.SpecialItem", verbose_name="专项项目", null=True, blank=True, on_delete=models.PROTECT
    )
    planned_exam_date = models.DateField("拟首次考核日期", null=True, blank=True,
                                         help_text="R-FJ-2：申报须在考核前10个工作日送达中心")
    assessor_opinion = models.TextField("考评员意见", blank=True)
    station_opinion = models.TextField("鉴定站意见", blank=True)
    status = models.CharField("状态", max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    review_reason = models.TextField("审核意见/退回原因", blank=True)

    class Meta:
        verbose_name = "设施设备申报"
        verbose_name_plural = "设施设备申报"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(occupation__isnull=False, special_item__isnull=True)
                | Q(occupation__isnull=True, special_item__isnull=False),
                name="facility_filing_is_for_an_occupation_or_a_special_item",
            ),
        ]

    def __str__(self) -> str:
        item = self.special_item or self.occupation
        return f"{self.site} · {item}"


class FacilityFilingAttachment(BaseModel):
    """Photos or video of the site taken against the equipment list (R-FJ-2)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", "照片"
        VIDEO = "video", "视频"
        DOCUMENT = "document", "文件"

    filing = models.ForeignKey(
        FacilityFiling, verbose_name="申报", on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    file = models.FileField("文件", upload_to="facility/%Y/%m/")
    caption = models.CharField("说明", max_length=120, blank=True)

    class Meta:
        verbose_name = "申报附件"
        verbose_name_plural = "申报附件"

    def __str__(self) -> str:
        return self.caption or self.file.name


class UnifiedExamApplication(BaseModel):
    """An institution asks to become a 统考报名机构 (R-SC24-3): site, equipment, staff, rules."""

    institution = models.ForeignKey(
        "accounts.Organisation", verbose_name="申请机构", on_delete=models.PROTECT, related_name="unified_applications"
    )
    site = models.ForeignKey(Site, verbose_name="报名场地", on_delete=models.PROTECT)
    equipment_summary = models.TextField("办公设备设施")
    staff_summary = models.TextField("考务人员与管理岗位")
    rules_summary = models.TextField("规章制度")
    status = models.CharField("状态", max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    review_reason = models.TextField("审核意见/退回原因", blank=True)

    class Meta:
        verbose_name = "统考报名机构申请"
        verbose_name_plural = "统考报名机构申请"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.institution} 统考报名机构申请"
