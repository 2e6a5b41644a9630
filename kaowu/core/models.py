from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("审计记录只能追加，不能删除")


class AuditEvent(models.Model):
    """One state change or security event: who, when, in which organisation, what, on what.

    Append-only: the application never updates or deletes a row (save() of an existing row,
    delete() and queryset update/delete all raise). Write through core.services.audit_record.
    """

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    actor_username = models.CharField("操作人账号", max_length=150, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name="所属机构", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    action = models.CharField("操作", max_length=80, db_index=True)
    object_type = models.CharField("对象类型", max_length=80, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "at"]), models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能删除")


class JobProgress(models.Model):
    """Progress of a background task, for a page to poll while the worker runs it.

    Keyed by the task result id of django-tasks; the task writes it, the page reads it.
    """

    task_id = models.CharField("任务编号", max_length=64, unique=True)
    title = models.CharField("任务", max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("说明", max_length=300, blank=True)
    result = models.JSONField("结果", null=True, blank=True)
    # The worker's last sign of life while it runs the job (core.jobs: heartbeat and progress reports).
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    # The job started again for this one when it failed (core.jobs.job_rerun), so a second click opens it.
    rerun_task_id = models.CharField("重新运行的任务", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "后台任务进度"
        verbose_name_plural = "后台任务进度"

    def __str__(self) -> str:
        return f"{self.title}（{self.done}/{self.total}）"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0


class WorkdayOverride(BaseModel):
    """A day of the State Council's holiday arrangement entered by the province before chinesecalendar has it
    (a day off, or a weekend day worked: 调休上班). It wins over the package for its date; a year with any
    entry counts as announced (kaowu.core.workdays, loaded by kaowu.core.holidays)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("节日", max_length=40, help_text="如 元旦、春节；调休上班日写所属节日")
    note = models.CharField("备注", max_length=200, blank=True, help_text="如 国务院办公厅通知文号")

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}{self.get_kind_display()}"
