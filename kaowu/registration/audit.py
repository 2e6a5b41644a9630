"""The audit vocabulary of registration: every action its services write into the audit log.

The values are the dotted strings the log has always held (the audit list filters by them); an
application's status change is written as `application.<status>`, so every status a transition can
move to has its member (`APPLICATION_ACTIONS` maps the status to it).
"""

from django.db import models

from kaowu.registration.models import Application, CandidateChangeRequest


class RegistrationAction(models.TextChoices):
    # Candidates.
    CANDIDATE_CREATE = "candidate.create", "登记考生"
    CANDIDATE_UPDATE = "candidate.update", "修改考生信息"
    CANDIDATE_PHOTO = "candidate.photo", "上传考生照片"
    # Changes to a candidate's data after submission (R-LN-5b).
    CANDIDATE_CHANGE_REQUEST = "candidate.change_request", "申请变更考生信息"
    CANDIDATE_CHANGE_APPROVE = "candidate.change_approve", "同意变更考生信息"
    CANDIDATE_CHANGE_REJECT = "candidate.change_reject", "不同意变更考生信息"
    # Applications: created, documents, and every status a transition moves to.
    APPLICATION_CREATE = "application.create", "新建报名"
    APPLICATION_SUBMITTED = "application.submitted", "提交报名"
    APPLICATION_RETURNED = "application.returned", "退回报名"
    APPLICATION_INSTITUTION_APPROVED = "application.institution_approved", "报名初审通过"
    APPLICATION_CENTER_APPROVED = "application.center_approved", "报名复核通过"
    APPLICATION_REJECTED = "application.rejected", "报名复核未通过"
    APPLICATION_PAID = "application.paid", "报名已缴费"
    APPLICATION_TICKETED = "application.ticketed", "报名已发准考证"
    APPLICATION_WITHDRAWN = "application.withdrawn", "撤回报名"
    APPLICATION_REFUNDED = "application.refunded", "报名已退费"
    APPLICATION_DOCUMENT_ADD = "application.document_add", "上传报名材料"
    APPLICATION_DOCUMENT_DOWNLOAD = "application.document_download", "下载报名材料"
    APPLICATION_RECEIPT_DOWNLOAD = "application.receipt_download", "下载缴费凭证"
    # Fees.
    PAYMENT_RECORD = "payment.record", "登记缴费"
    REFUND_REQUEST = "refund.request", "申请退费"
    REFUND_CONFIRM = "refund.confirm", "确认退费"
    # The institution's commitment per plan (R-LN-3, R-SC24-7).
    PLAN_COMMITMENT_UPLOAD = "plan_commitment.upload", "上传机构承诺书"
    # Lists leaving or entering the system.
    REGISTRATION_EXPORT = "registration.export", "导出报名名单"
    REGISTRATION_IMPORT = "registration.import", "批量导入报名"


Status = Application.Status
# The action written when an application moves to a status (application_transition).
APPLICATION_ACTIONS: dict[str, RegistrationAction] = {
    Status.SUBMITTED: RegistrationAction.APPLICATION_SUBMITTED,
    Status.RETURNED: RegistrationAction.APPLICATION_RETURNED,
    Status.INSTITUTION_APPROVED: RegistrationAction.APPLICATION_INSTITUTION_APPROVED,
    Status.CENTER_APPROVED: RegistrationAction.APPLICATION_CENTER_APPROVED,
    Status.REJECTED: RegistrationAction.APPLICATION_REJECTED,
    Status.PAID: RegistrationAction.APPLICATION_PAID,
    Status.TICKETED: RegistrationAction.APPLICATION_TICKETED,
    Status.WITHDRAWN: RegistrationAction.APPLICATION_WITHDRAWN,
    Status.REFUNDED: RegistrationAction.APPLICATION_REFUNDED,
}

ChangeStatus = CandidateChangeRequest.Status
# The action written when the center decides a change request (change_request_transition).
CHANGE_REQUEST_ACTIONS: dict[str, RegistrationAction] = {
    ChangeStatus.APPROVED: RegistrationAction.CANDIDATE_CHANGE_APPROVE,
    ChangeStatus.REJECTED: RegistrationAction.CANDIDATE_CHANGE_REJECT,
}
