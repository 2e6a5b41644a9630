"""考核计划 (plans), 场次 (sessions), the exam calendar and change requests."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from kaowu.catalog.models import AssessmentType
from kaowu.catalog.models.catalogue import OCCUPATION_LEVEL_OR_SPECIAL_ITEM
from kaowu.core.models import BaseModel


class PlanKind(models.TextChoices):
    DAILY = "daily", "日常考核"
    UNIFIED = "unified", "统考"
    GRADED_UNIFIED = "graded_unified", "分级统考"
    MAKEUP = "makeup", "补考"


class CalendarEntry(BaseModel):
    """One row of a published exam calendar: a registration deadline and an exam date.

    The 四川 2024 daily calendar (001 附件2, R-SC24-13) and unified exam days (003, R-LN-1).
    """

    region_code = models.CharField("发布地区", max_length=6, default="510000")
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveSmallIntegerField("序号")
    kind = models.CharField("类别", max_length=20, choices=PlanKind.choices)
    assessment_type = models.CharField("评价方式", max_length=20, choices=AssessmentType.choices)
    registration_deadline = models.DateField("报名截止日期", null=True, blank=True)
    exam_date = models.DateField("考核日期")
    note = models.CharField("说明", max_length=200, blank=True)
    source = models.CharField("依据", max_length=120, blank=True)

    class Meta:
        verbose_name = "考核日历"
        verbose_name_plural = "考核日历"
        ordering = ["exam_date"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year", "kind", "assessment_type", "number"],
                                    name="calendar_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年第{self.number}次{self.get_kind_display()} {self.exam_date}"


class Plan(BaseModel):
    """A batch of exams an institution runs: filed with and approved by its center (R-CQ-1, R-SC21-1)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        FILED = "filed", "已报备"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已批准"
        REGISTRATION_OPEN = "registration_open", "报名中"
        REGISTRATION_CLOSED = "registration_closed", "报名结束"

    institution = models.ForeignKey(
        "accounts.Organisation", verbose_name="报名考核机构", on_delete=models.PROTECT, related_name="plans"
    )
    reviewing_center = models.ForeignKey(
        "accounts.Organisation", verbose_name="审核中心", on_delete=models.PROTECT, related_name="plans_to_review",
        help_text="机构所属中心；在外市（州）组织考核的，为考核所在地中心（R-SC24-12）",
    )
    name = models.CharField("计划名称", max_length=160, help_text="R-FJ-3：XX鉴定站20XX年第XX批次专项职业能力考核")
    kind = models.CharField("计划类别", max_length=20, choices=PlanKind.choices)
    assessment_type = models.CharField("评价方式", max_length=20, choices=AssessmentType.choices)
    status = models.CharField("状态", max_length=30, choices=Status.choices, default=Status.DRAFT)
    calendar_entry = models.ForeignKey(
        CalendarEntry, verbose_name="对应考核日历", null=True, blank=True, on_delete=models.PROTECT
    )
    sites = models.ManyToManyField("sites.Site", verbose_name="考点", related_name="plans", blank=True)
    # What the announcement states (R-CQ-2, R-FJ-3) and the timetable of R-SC21-6.
    registration_place = models.CharField("报名地点", max_length=200)
    registration_opens = models.DateField("报名开始日期")
    registration_closes = models.DateField("报名截止日期")
    registration_conditions = models.TextField("申报条件", blank=True)
    registration_procedure = models.TextField("报名手续", blank=True)
    fee_note = models.TextField("收费项目和标准", blank=True)
    content_and_method = models.TextField("认定内容与方式", blank=True)
    thesis_window_start = models.DateField("论文审核缴费开始", null=True, blank=True)
    thesis_window_end = models.DateField("论文审核缴费截止", null=True, blank=True)
    ticket_print_start = models.DateField("准考证打印开始", null=True, blank=True)
    ticket_print_end = models.DateField("准考证打印截止", null=True, blank=True)
    contact_name = models.CharField("联系人", max_length=40)
    contact_phone = models.CharField("联系电话", max_length=30)
    schedule_exception = models.BooleanField(
        "统一时间以外考核", default=False, help_text="R-SC24-4：须中心批准；由审核中心在批准时确认"
    )
    schedule_exception_reason = models.CharField("调整原因", max_length=200, blank=True)
    filed_at = models.DateTimeField("报备时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    review_reason = models.TextField("审核意见/退回原因", blank=True)
    announced_at = models.DateTimeField("公告发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "考核计划"
        verbose_name_plural = "考核计划"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def first_session_date(self):
        first = self.sessions.order_by("date").values_list("date", flat=True).first()
        return first


class PlanItem(BaseModel):
    """What a plan examines: an occupation at a level, or a special item."""

    plan = models.ForeignKey(Plan, verbose_name="计划", on_delete=models.CASCADE, related_name="items")
    occupation = models.ForeignKey("catalog.Occupation", verbose_name="职业", null=True, blank=True,
                                   on_delete=models.PROTECT)
    level = models.PositiveSmallIntegerField("等级", null=True, blank=True,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    special_item = models.ForeignKey("catalog.SpecialItem", verbose_name="专项项目", null=True, blank=True,
                                     on_delete=models.PROTECT)
    expected_candidates = models.PositiveIntegerField("拟考核人数", default=0)
    max_candidates = models.PositiveIntegerField(
        "报名人数上限", null=True, blank=True, help_text="满额后不再接受提交；空表示不限"
    )

    class Meta:
        verbose_name = "计划项目"
        verbose_name_plural = "计划项目"
        constraints = [
            models.CheckConstraint(
                condition=OCCUPATION_LEVEL_OR_SPECIAL_ITEM,
                name="plan_item_is_an_occupation_level_or_a_special_item",
            ),
        ]

    def __str__(self) -> str:
        if self.special_item_id:
            return str(self.special_item)
        from kaowu.catalog.models.catalogue import LEVEL_LABELS

        return f"{self.occupation.name} {LEVEL_LABELS[self.level]}"


class Session(BaseModel):
    """场次: one subject of one item at a date and time, in some rooms (R-LN-1)."""

    plan = models.ForeignKey(Plan, verbose_name="计划", on_delete=models.CASCADE, related_name="sessions")
    item = models.ForeignKey(PlanItem, verbose_name="计划项目", on_delete=models.CASCADE, related_name="sessions")
    subject = models.ForeignKey("catalog.Subject", verbose_name="科目", null=True, blank=True,
                                on_delete=models.PROTECT)
    date = models.DateField("考试日期")
    start = models.TimeField("开始时间")
    end = models.TimeField("结束时间")
    rooms = models.ManyToManyField("sites.Room", verbose_name="考场", blank=True, related_name="sessions")

    class Meta:
        verbose_name = "场次"
        verbose_name_plural = "场次"
        ordering = ["date", "start"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="session_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.date} {self.start:%H:%M}-{self.end:%H:%M} {self.subject or self.item}"


class PlanChangeRequest(BaseModel):
    """A change of site or time to an approved plan; it applies only when the center approves (R-CQ-8)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    plan = models.ForeignKey(Plan, verbose_name="计划", on_delete=models.CASCADE, related_name="change_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="+")
    reason = models.TextField("变更原因")
    filed_on = models.DateField("申请日期", null=True, blank=True, help_text="R-CQ-1 的工作日从这一天算起")
    changes = models.JSONField("变更内容", help_text="{'sessions': [{'id': .., 'date': .., 'start': .., 'end': ..}], "
                                                   "'sites': [site ids]}")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    review_reason = models.TextField("审核意见", blank=True)
    # A new time obeys the rules of a new session (R-CQ-1, R-CQ-2) unless the center approves it as an
    # exception: the rules it set aside and why.
    exception_rules = models.JSONField("例外批准的规则", default=list, blank=True)
    exception_reason = models.TextField("例外批准原因", blank=True)

    class Meta:
        verbose_name = "计划变更申请"
        verbose_name_plural = "计划变更申请"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.plan} 变更申请（{self.get_status_display()}）"
