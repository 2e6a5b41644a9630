"""Paper custody (R-FJ-9, R-CQ-9): sealed paper packages per session and each handover between two
named people, with count and seal checked; a suspected leak halts the paper."""

from django.conf import settings
from django.db import models

from kaowu.core.models import BaseModel


class PaperPackage(BaseModel):
    """A sealed package of papers for one session (试卷袋). Its `holder` is whoever signed for it last."""

    class Status(models.TextChoices):
        SEALED = "sealed", "已封装"
        IN_TRANSIT = "in_transit", "流转中"
        RETURNED = "returned", "已回收"
        HALTED = "halted", "疑似泄密，停用"

    session = models.ForeignKey("plans.Session", verbose_name="场次", on_delete=models.PROTECT,
                                related_name="paper_packages")
    room = models.ForeignKey("sites.Room", verbose_name="考场", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    number = models.CharField("试卷袋编号", max_length=40, unique=True)
    paper_count = models.PositiveIntegerField("试卷份数")
    seal_number = models.CharField("密封条编号", max_length=40)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.SEALED)
    custodian = models.ForeignKey("staffing.StaffMember", verbose_name="保管员", on_delete=models.PROTECT,
                                  related_name="+", help_text="R-CQ-9：专人印制、封装、发放、回收、保管")
    holder = models.ForeignKey("staffing.StaffMember", verbose_name="当前持有人", on_delete=models.PROTECT,
                               related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = "试卷袋"
        verbose_name_plural = "试卷袋"
        ordering = ["session_id", "number"]

    def __str__(self) -> str:
        return self.number


class Handover(BaseModel):
    """One handover (交接): from one person to another, both signing, with the count and the seal checked.
    Stages follow the chain center → supervisor → chief → invigilator and back."""

    class Stage(models.TextChoices):
        ISSUE = "issue", "中心发卷给督导员"
        TO_CHIEF = "to_chief", "督导员交主考"
        TO_ROOM = "to_room", "主考交监考员"
        FROM_ROOM = "from_room", "监考员交回主考"
        FROM_CHIEF = "from_chief", "主考交回督导员"
        RETURN = "return", "督导员交回中心"

    package = models.ForeignKey(PaperPackage, verbose_name="试卷袋", on_delete=models.PROTECT,
                                related_name="handovers")
    stage = models.CharField("环节", max_length=20, choices=Stage.choices)
    giver = models.ForeignKey("staffing.StaffMember", verbose_name="交出人", on_delete=models.PROTECT,
                              related_name="+")
    receiver = models.ForeignKey("staffing.StaffMember", verbose_name="接收人", on_delete=models.PROTECT,
                                 related_name="+")
    at = models.DateTimeField("交接时间")
    count = models.PositiveIntegerField("清点份数")
    seal_intact = models.BooleanField("密封完好")
    seal_number = models.CharField("密封条编号", max_length=40)
    giver_signed = models.BooleanField("交出人签字")
    receiver_signed = models.BooleanField("接收人签字")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "试卷交接"
        verbose_name_plural = "试卷交接"
        ordering = ["package_id", "at", "id"]


class LeakReport(BaseModel):
    """A suspected leak (R-CQ-9): the package is halted at once and the center is told."""

    package = models.ForeignKey(PaperPackage, verbose_name="试卷袋", on_delete=models.PROTECT,
                                related_name="leak_reports")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报告人", on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField("报告时间")
    description = models.TextField("情况说明")
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolution = models.CharField("处理结果", max_length=200, blank=True)

    class Meta:
        verbose_name = "泄密报告"
        verbose_name_plural = "泄密报告"
        ordering = ["-reported_at"]
