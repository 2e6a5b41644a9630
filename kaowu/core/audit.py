"""Core's own audit vocabulary (the admin's `<app>.<model>.<verb>` events are built per model, not listed)."""

from django.db import models


class CoreAction(models.TextChoices):
    JOB_START = "job.start", "启动后台任务"
    HOLIDAYS_LOAD = "holidays.load", "导入节假日与调休安排"
    JOB_INTERRUPT = "job.interrupt", "后台任务中断"
    JOB_RERUN = "job.rerun", "重新运行后台任务"
    LIST_EXPORT = "list.export", "导出列表"
