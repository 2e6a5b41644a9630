"""A plan's results: submission by the institution (R-FJ-10), review by the center, publication (公示,
R-CQ-12), the recheck window (R-FJ-11) and finality; each candidate's composed result; recheck requests
and the audited corrections they decide."""

from django.conf import settings
from django.db import models

from kaowu.core.models import BaseModel
from kaowu.scoring.models.entry import SCORE


class ResultRelease(BaseModel):
    """The results of one plan (batch) on their way from entry to final."""

    class Status(models.TextChoices):
        ENTERING = "entering", "成绩录入中"
        SUBMITTED = "submitted", "已上报待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "审核通过"
        PUBLISHED = "published", "公示中"
        FINAL = "final", "成绩已确认"

    plan = models.OneToOneField("plans.Plan", verbose_name="计划", on_delete=models.PROTECT,
                                related_name="result_release")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ENTERING)
    exam_end = models.DateField("考核结束日期")
    report_due = models.DateField("上报期限", help_text="R-FJ-10：考核结束后3个工作日内上报")
    submitted_at = models.DateTimeField("上报时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上报人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirm_due = models.DateField("审核期限", null=True, blank=True,
                                   help_text="R-FJ-10：上报后3个工作日内确认")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    publication_ends = models.DateField("公示截止", null=True, blank=True,
                                        help_text="R-CQ-12：公示不少于5个工作日")
    recheck_until = models.DateField("复查申请截止", null=True, blank=True,
                                     help_text="R-FJ-11 公布后10日内；R-CQ-12 一个月内")
    finalised_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "成绩发布"
        verbose_name_plural = "成绩发布"

    def __str__(self) -> str:
        return f"{self.plan} 成绩"


class Result(BaseModel):
    """A candidate's composed result for the application: the total (where the scheme weights its
    subjects), pass or not, the grade for 专项 items (R-FJ-12), and per subject what counted."""

    class Outcome(models.TextChoices):
        PASSED = "passed", "合格"
        FAILED = "failed", "不合格"
        ABSENT = "absent", "缺考"
        CANCELLED = "cancelled", "成绩取消"

    application = models.OneToOneField("registration.Application", verbose_name="报名", on_delete=models.PROTECT,
                                       related_name="result")
    release = models.ForeignKey(ResultRelease, verbose_name="成绩发布", on_delete=models.PROTECT,
                                related_name="results")
    total = models.DecimalField("总成绩", null=True, blank=True, **SCORE)
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices)
    grade = models.CharField("等级", max_length=10, blank=True, help_text="R-FJ-12：优秀、良好、合格")
    subjects = models.JSONField("各科目", default=list, blank=True,
                                help_text="[{subject, name, score, pass_mark, passed, attendance}]")
    final = models.BooleanField("已确认", default=False)

    class Meta:
        verbose_name = "考核结果"
        verbose_name_plural = "考核结果"


class RecheckRequest(BaseModel):
    """成绩复查: asked within the window, covering only clerical errors (漏登、错登、错统, R-FJ-11)."""

    class Kind(models.TextChoices):
        MISSING = "missing", "漏登"
        WRONG = "wrong", "错登"
        MISCOUNTED = "miscounted", "错统"

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        UPHELD = "upheld", "维持原成绩"
        CORRECTED = "corrected", "已更正"

    result = models.ForeignKey(Result, verbose_name="考核结果", on_delete=models.PROTECT, related_name="rechecks")
    kind = models.CharField("复查类别", max_length=20, choices=Kind.choices)
    reason = models.CharField("申请理由", max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="+")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_reason = models.CharField("处理意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "成绩复查"
        verbose_name_plural = "成绩复查"
        ordering = ["-created_at"]


class ScoreCorrection(BaseModel):
    """A score changed after review: only through a recheck decision, audited (R-FJ-11)."""

    subject_score = models.ForeignKey("scoring.SubjectScore", verbose_name="科目成绩", on_delete=models.PROTECT,
                                      related_name="corrections")
    recheck = models.ForeignKey(RecheckRequest, verbose_name="复查", on_delete=models.PROTECT,
                                related_name="corrections")
    before = models.DecimalField("更正前", null=True, blank=True, **SCORE)
    after = models.DecimalField("更正后", null=True, blank=True, **SCORE)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="更正人", on_delete=models.PROTECT,
                           related_name="+")

    class Meta:
        verbose_name = "成绩更正"
        verbose_name_plural = "成绩更正"
