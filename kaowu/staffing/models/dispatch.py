"""Dispatch runs (a proposal from the solver, reviewed, edited and published by the center) and their
assignments (one person in one post)."""

from django.conf import settings
from django.db import models

from kaowu.core.models import BaseModel


class DispatchRun(BaseModel):
    """One dispatch of a center for one batch (plan): the solver's proposal and what became of it.
    The solver's figures are kept (objective, bound, gap) so a proposal can be judged and audited; when
    no dispatch exists `shortages` says which posts cannot be filled and why."""

    class Status(models.TextChoices):
        RUNNING = "running", "求解中"
        PROPOSED = "proposed", "待发布"
        INFEASIBLE = "infeasible", "人员不足"
        FAILED = "failed", "失败"
        PUBLISHED = "published", "已发布"
        SUPERSEDED = "superseded", "已被取代"

    plan = models.ForeignKey("plans.Plan", verbose_name="计划（批次）", on_delete=models.PROTECT,
                             related_name="dispatch_runs")
    center = models.ForeignKey("accounts.Organisation", verbose_name="派遣中心", on_delete=models.PROTECT,
                               related_name="dispatch_runs")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.RUNNING)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    solver_status = models.CharField("求解结果", max_length=20, blank=True)
    objective = models.BigIntegerField("目标值", null=True, blank=True)
    bound = models.FloatField("下界", null=True, blank=True)
    gap = models.FloatField("相对差距", null=True, blank=True)
    seconds = models.FloatField("求解用时（秒）", null=True, blank=True)
    posts = models.JSONField("岗位需求", default=list, blank=True,
                             help_text="[{id, role, count, label, ...}]：求解时的需求，便于复核")
    shortages = models.JSONField("缺口", default=list, blank=True,
                                 help_text="[{post_id, role, needed, available, excluded, message}]")
    stats = models.JSONField("统计", default=dict, blank=True)
    error = models.TextField("错误信息", blank=True)

    class Meta:
        verbose_name = "人员派遣"
        verbose_name_plural = "人员派遣"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.plan} 派遣 {self.started_at:%Y-%m-%d %H:%M}"


class DispatchAssignment(BaseModel):
    """One person in one post of a run. `post_id` is the solver's post key ("room:<session>:<room>",
    "site:<site>:<date>", "batch:<plan>"); session, room and site are kept as keys for lists and letters."""

    class Role(models.TextChoices):
        CHIEF = "chief", "主考"
        INVIGILATOR = "invigilator", "监考员"
        ASSESSOR = "assessor", "考评员"
        SUPERVISOR = "supervisor", "督导员"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "待确认"
        CONFIRMED = "confirmed", "已确认"
        DECLINED = "declined", "已谢绝"
        WITHDRAWN = "withdrawn", "已撤回"

    run = models.ForeignKey(DispatchRun, verbose_name="派遣", on_delete=models.CASCADE, related_name="assignments")
    staff = models.ForeignKey("staffing.StaffMember", verbose_name="人员", on_delete=models.PROTECT,
                              related_name="assignments")
    post_id = models.CharField("岗位", max_length=80)
    post_label = models.CharField("岗位说明", max_length=200)
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    leader = models.BooleanField("考评组长", default=False)
    date = models.DateField("日期")
    session = models.ForeignKey("plans.Session", verbose_name="场次", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="dispatch_assignments")
    room = models.ForeignKey("sites.Room", verbose_name="考场", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    site = models.ForeignKey("sites.Site", verbose_name="考点", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PROPOSED)
    manual = models.BooleanField("人工调整", default=False)
    decided_at = models.DateTimeField("确认/谢绝时间", null=True, blank=True)
    decline_reason = models.CharField("谢绝原因", max_length=200, blank=True)
    # Set when an approved plan change moved the post (R-CQ-8): the person is asked to confirm again, and
    # what the new time breaks for them (another assignment, a day off, 回避) is kept for the center.
    notice = models.CharField("变更提示", max_length=200, blank=True)
    conflict = models.CharField("新时间冲突", max_length=500, blank=True)

    class Meta:
        verbose_name = "派遣安排"
        verbose_name_plural = "派遣安排"
        ordering = ["run_id", "date", "post_id", "-leader", "staff_id"]
        indexes = [models.Index(fields=["staff", "status"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_role_display()} {self.post_label}"
