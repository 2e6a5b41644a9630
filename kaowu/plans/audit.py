"""The audit vocabulary of plans: every action a plan service writes (values are the stored strings)."""

from django.db import models


class PlanAction(models.TextChoices):
    CREATE = "plan.create", "新建考核计划"
    SESSION_ADD = "plan.session_add", "添加考试场次"
    # One member per status a plan can move to (plan_transition writes f"plan.{to}").
    FILED = "plan.filed", "计划报备"
    RETURNED = "plan.returned", "退回计划"
    APPROVED = "plan.approved", "批准计划"
    REGISTRATION_OPEN = "plan.registration_open", "开放报名"
    REGISTRATION_CLOSED = "plan.registration_closed", "截止报名"
    CHANGE_REQUEST = "plan.change_request", "提交计划变更申请"
    CHANGE_APPROVED = "plan.change_approved", "批准计划变更"
    CHANGE_REJECTED = "plan.change_rejected", "驳回计划变更"
    CALENDAR_LOAD = "calendar.load", "加载考核日历"
