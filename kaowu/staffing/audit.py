"""The staffing app's audit vocabulary: every action its services write (values as they always were:
`staffing.*` for the registry, `dispatch.*` for dispatch, `custody.*` for paper custody)."""

from django.db import models


class StaffingAction(models.TextChoices):
    # The registry (考务人员库)
    STAFF_CREATE = "staffing.staff_create", "登记考务人员"
    STAFF_UPDATE = "staffing.staff_update", "修改考务人员"
    CARD_ADD = "staffing.card_add", "登记考评员证"
    CARD_REMOVE = "staffing.card_remove", "删除考评员证"
    AVAILABILITY_SET = "staffing.availability_set", "登记可派遣日期"
    TRAINING_CLASS_ADD = "staffing.training_class_add", "登记培训授课"
    RELATION_ADD = "staffing.relation_add", "登记回避关系"
    RELATION_REMOVE = "staffing.relation_remove", "删除回避关系"
    REGISTRY_IMPORT = "staffing.registry_import", "导入考务人员"
    # Dispatch (三员派遣)
    DISPATCH_GENERATE = "dispatch.generate", "生成派遣方案"
    DISPATCH_SUPERSEDE = "dispatch.supersede", "派遣方案被取代"
    DISPATCH_PUBLISH = "dispatch.publish", "发布派遣方案"
    ASSIGNMENT_REPLACE = "dispatch.assignment_replace", "调整派遣人员"
    ASSIGNMENT_CONFIRM = "dispatch.assignment_confirm", "确认派遣"
    ASSIGNMENT_DECLINE = "dispatch.assignment_decline", "谢绝派遣"
    ASSIGNMENT_WITHDRAW = "dispatch.assignment_withdraw", "撤回派遣安排"
    ASSIGNMENT_RECONFIRM = "dispatch.assignment_reconfirm", "考试时间变更，需重新确认"
    ASSIGNMENT_MOVE = "dispatch.assignment_move", "派遣安排随场次变更"
    REFILL = "dispatch.refill", "补派人员"
    REFILL_SHORT = "dispatch.refill_short", "补派人员不足"
    REFILL_FAILED = "dispatch.refill_failed", "补派失败"
    LETTER_DOWNLOAD = "dispatch.letter_download", "下载派遣表"
    # Paper custody (试卷保管与交接)
    PACKAGE_REGISTER = "custody.package_register", "登记试卷袋"
    PACKAGE_ISSUE = "custody.package_issue", "试卷袋发出"
    PACKAGE_RETURN = "custody.package_return", "试卷袋回收"
    PACKAGE_HALT = "custody.package_halt", "试卷袋停用"
    HANDOVER = "custody.handover", "试卷交接"
    LEAK_REPORT = "custody.leak_report", "报告疑似泄密"
    LEAK_RESOLVE = "custody.leak_resolve", "处理泄密报告"
