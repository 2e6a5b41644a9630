"""Seat arrangement runs, the seats they give, admission tickets and the exam-day station draw."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from kaowu.core.models import BaseModel


class ArrangementRun(BaseModel):
    """One run of the solver for a plan: its seed (so it can be replayed and audited), its mode,
    and what it found (places per session, or the shortage that stopped it)."""

    class Mode(models.TextChoices):
        FULL = "full", "全部重排"
        INCREMENTAL = "incremental", "增量编排（保留已发布准考证）"

    class Status(models.TextChoices):
        RUNNING = "running", "编排中"
        DONE = "done", "已完成"
        SHORT = "short", "考场不足"
        FAILED = "failed", "失败"

    plan = models.ForeignKey("plans.Plan", verbose_name="计划", on_delete=models.PROTECT,
                             related_name="arrangement_runs")
    mode = models.CharField("方式", max_length=20, choices=Mode.choices)
    seed = models.BigIntegerField("随机种子", help_text="座位顺序由此种子决定，同一输入与种子得到同一编排")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.RUNNING)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                                   related_name="+")
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    placed = models.PositiveIntegerField("编排人次", default=0)
    shortages = models.JSONField("缺口", default=list, blank=True,
                                 help_text="[{session, room_kind, missing, rule_id, message}]")
    stats = models.JSONField("统计", default=dict, blank=True)
    error = models.TextField("错误信息", blank=True)

    class Meta:
        verbose_name = "考场编排"
        verbose_name_plural = "考场编排"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.plan} 编排 {self.started_at:%Y-%m-%d %H:%M}"


class SeatAssignment(models.Model):
    """A candidate's place in one session: a room and a seat (theory) or a station (practical).
    Plain model (no BaseModel timestamps): 100,000 of these are written in one bulk insert."""

    run = models.ForeignKey(ArrangementRun, verbose_name="编排", on_delete=models.PROTECT, related_name="seats")
    application = models.ForeignKey("registration.Application", verbose_name="报名", on_delete=models.CASCADE,
                                    related_name="seats")
    session = models.ForeignKey("plans.Session", verbose_name="场次", on_delete=models.CASCADE, related_name="seats")
    room = models.ForeignKey("sites.Room", verbose_name="考场", on_delete=models.PROTECT, related_name="seats")
    seat_number = models.PositiveIntegerField("座位号/工位号")

    class Meta:
        verbose_name = "座位"
        verbose_name_plural = "座位"
        constraints = [
            models.UniqueConstraint(fields=["session", "application"], name="seat_once_per_session"),
            models.UniqueConstraint(fields=["session", "room", "seat_number"], name="seat_not_shared"),
        ]
        indexes = [models.Index(fields=["room", "session", "seat_number"])]

    def __str__(self) -> str:
        return f"{self.room} {self.seat_number}号"


class AdmissionTicket(BaseModel):
    """准考证: issued only to a paid application (R-CQ-4); one valid ticket per application. A full
    re-arrangement withdraws it (with the reason) and a new one is issued with a new number."""

    class Status(models.TextChoices):
        VALID = "valid", "有效"
        WITHDRAWN = "withdrawn", "已作废"

    application = models.ForeignKey("registration.Application", verbose_name="报名", on_delete=models.PROTECT,
                                    related_name="tickets")
    number = models.CharField("准考证号", max_length=20, unique=True,
                              help_text="格式见 docs/arrangement.md：年份2位+市州代码4位+计划编号5位+序号4位")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.VALID)
    issued_at = models.DateTimeField("发布时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT,
                                  related_name="+")
    withdrawn_at = models.DateTimeField("作废时间", null=True, blank=True)
    withdrawn_reason = models.CharField("作废原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "准考证"
        verbose_name_plural = "准考证"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["application"], condition=Q(status="valid"),
                                    name="one_valid_ticket_per_application"),
        ]

    def __str__(self) -> str:
        return self.number


class StationDraw(BaseModel):
    """工位抽签 on the exam day (R-FJ-16): the invigilator draws stations for the present candidates
    from a seed shown on screen; the seed and the result are kept so the draw can be replayed."""

    session = models.ForeignKey("plans.Session", verbose_name="场次", on_delete=models.PROTECT,
                                related_name="station_draws")
    room = models.ForeignKey("sites.Room", verbose_name="考场", on_delete=models.PROTECT, related_name="station_draws")
    seed = models.BigIntegerField("随机种子")
    present = models.JSONField("到场考生", help_text="报名编号列表，按抽签顺序")
    result = models.JSONField("抽签结果", help_text="[{application: 报名编号, station: 工位号}]")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="抽签人", on_delete=models.PROTECT,
                                 related_name="+")
    drawn_at = models.DateTimeField("抽签时间")

    class Meta:
        verbose_name = "工位抽签"
        verbose_name_plural = "工位抽签"
        ordering = ["-drawn_at"]
        constraints = [models.UniqueConstraint(fields=["session", "room"], name="one_draw_per_room_and_session")]

    def __str__(self) -> str:
        return f"{self.session} {self.room} 抽签"
