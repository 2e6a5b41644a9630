"""Entering scores: who sat, each assessor's own sheet (R-CQ-11), the signed paper summary's photo
(R-FJ-10), the subject score per candidate and its check by a second person (R-CQ-11)."""

from django.conf import settings
from django.db import models

from kaowu.core.models import BaseModel

SCORE = dict(max_digits=6, decimal_places=2)


class Attendance(BaseModel):
    """到考情况 of one candidate in one session: entered by the invigilator or taken from check-in."""

    class Status(models.TextChoices):
        PRESENT = "present", "到考"
        ABSENT = "absent", "缺考"
        CANCELLED = "cancelled", "成绩取消"

    session = models.ForeignKey("plans.Session", verbose_name="场次", on_delete=models.CASCADE,
                                related_name="attendance")
    application = models.ForeignKey("registration.Application", verbose_name="报名", on_delete=models.CASCADE,
                                    related_name="attendance")
    status = models.CharField("到考", max_length=20, choices=Status.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "到考情况"
        verbose_name_plural = "到考情况"
        constraints = [models.UniqueConstraint(fields=["session", "application"], name="attendance_unique")]


class ScoreSheet(BaseModel):
    """One assessor's own score sheet for a practical or review session in one room. Nobody sees another
    assessor's sheet until every sheet of the room is signed (independent scoring, R-CQ-11, R-FJ-19)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "录入中"
        SIGNED = "signed", "已签名"

    session = models.ForeignKey("plans.Session", verbose_name="场次", on_delete=models.CASCADE,
                                related_name="score_sheets")
    room = models.ForeignKey("sites.Room", verbose_name="考场", on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey("staffing.StaffMember", verbose_name="考评员", on_delete=models.PROTECT,
                                 related_name="score_sheets")
    leader = models.BooleanField("考评组长", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    signed_at = models.DateTimeField("签名时间", null=True, blank=True)

    class Meta:
        verbose_name = "评分表"
        verbose_name_plural = "评分表"
        constraints = [models.UniqueConstraint(fields=["session", "room", "assessor"], name="score_sheet_unique")]


class ScoreEntry(models.Model):
    """One score on a sheet: a candidate and a scoring item (`part`: SubjectPart.order, 0 = the whole
    subject). Plain model: a room's sheets are written in bulk."""

    sheet = models.ForeignKey(ScoreSheet, verbose_name="评分表", on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey("registration.Application", verbose_name="报名", on_delete=models.CASCADE,
                                    related_name="+")
    part = models.PositiveSmallIntegerField("评分项", default=0)
    score = models.DecimalField("得分", **SCORE)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [models.UniqueConstraint(fields=["sheet", "application", "part"], name="score_entry_unique")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.part} {self.score}"


class ScoreSummary(BaseModel):
    """The photo of the signed paper score summary the group leader sends (R-FJ-10)."""

    session = models.ForeignKey("plans.Session", verbose_name="场次", on_delete=models.CASCADE,
                                related_name="score_summaries")
    room = models.ForeignKey("sites.Room", verbose_name="考场", on_delete=models.PROTECT, related_name="+")
    photo = models.FileField("签名汇总表照片", upload_to="scores/summaries/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = "成绩汇总表"
        verbose_name_plural = "成绩汇总表"
        constraints = [models.UniqueConstraint(fields=["session", "room"], name="score_summary_unique")]


class SubjectScore(BaseModel):
    """A candidate's score in one session (one subject): compiled from the assessors' sheets, imported
    (theory), or carried over from a passed subject (retake, R-CQ-13). `score` is None when absent or
    cancelled. A spread between assessors beyond the profile's threshold is flagged and settled by the
    leader with a reason."""

    class Source(models.TextChoices):
        ASSESSORS = "assessors", "考评组评分"
        IMPORT = "import", "成绩导入"
        CARRIED = "carried", "补考保留"

    class Status(models.TextChoices):
        ENTERED = "entered", "已录入"
        VERIFIED = "verified", "已复核"

    application = models.ForeignKey("registration.Application", verbose_name="报名", on_delete=models.CASCADE,
                                    related_name="subject_scores")
    session = models.ForeignKey("plans.Session", verbose_name="场次", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="subject_scores")
    subject = models.ForeignKey("catalog.Subject", verbose_name="科目", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField("成绩", null=True, blank=True, **SCORE)
    parts = models.JSONField("分项成绩", default=dict, blank=True, help_text="{part order: score}")
    attendance = models.CharField("到考", max_length=20, choices=Attendance.Status.choices,
                                  default=Attendance.Status.PRESENT)
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ENTERED)
    spread = models.DecimalField("考评员评分差", null=True, blank=True, **SCORE)
    flagged = models.BooleanField("评分差超限", default=False)
    settle_reason = models.CharField("组长裁定说明", max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("录入时间", null=True, blank=True)
    carried_from = models.ForeignKey("self", verbose_name="保留自", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = "科目成绩"
        verbose_name_plural = "科目成绩"
        constraints = [models.UniqueConstraint(fields=["application", "session"], name="subject_score_unique")]


class ScoreCheck(BaseModel):
    """The second person's check of an entered score (R-CQ-11): re-entered blind; a mismatch must be
    resolved (the entry corrected or the check redone) before the plan's results are submitted."""

    subject_score = models.OneToOneField(SubjectScore, verbose_name="科目成绩", on_delete=models.CASCADE,
                                         related_name="second_check")
    entered_score = models.DecimalField("复核录入", null=True, blank=True, **SCORE)
    matches = models.BooleanField("一致")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="复核人", on_delete=models.PROTECT,
                                   related_name="+")
    checked_at = models.DateTimeField("复核时间")

    class Meta:
        verbose_name = "成绩复核"
        verbose_name_plural = "成绩复核"
