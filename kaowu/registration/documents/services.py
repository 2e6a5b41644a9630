"""Writes of the documents area: the institution's signed commitment per plan (R-LN-3 谁申报、谁查验、
谁承诺、谁负责; R-SC24-7 双承诺), and the audit of staff downloads of documents with personal data.

kaowu counts the applications that hold a place or are paid, per item and level (`selectors`), prints the
commitment with those counts (`pdf.commitment_pdf`), and the institution uploads the signed
and sealed scan. The counts at upload time are stored with it; when the applications change later
the commitment no longer covers them and must be signed again (需重新签署).

The commitment letter is a sub-area of its own in the rules but not in the code: its pages live under
`documents/` with the receipt, and its PDF is built beside the receipt's.
"""

import hashlib
import secrets
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from kaowu.accounts.models import Role, User
from kaowu.accounts.roles import require_institution_staff_of
from kaowu.core.services import audit_record
from kaowu.plans.models import Plan
from kaowu.registration.audit import RegistrationAction
from kaowu.registration.documents.selectors import plan_commitment_counts
from kaowu.registration.models import Application, ApplicationDocument, Payment, PlanCommitment
from kaowu.registration.services import HOLDING_PLACE

# The version of the commitment wording below; stored with every upload.
COMMITMENT_TEXT_VERSION = "2024-1"
# 003 附件6 (辽宁), with the 四川 双承诺 (001 §三) the institution is answerable for.
COMMITMENT_TEXT = (
    "本机构提交的考生数据均符合现行国家职业技能标准（评价规范）报名资格。本机构按照“谁申报、谁查验、"
    "谁承诺、谁负责”的要求（R-LN-3），已查验考生身份证件、学历、证书及工作年限证明等原件，对考生资格审查的"
    "合规性以及考核过程的规范性和真实性负责（双承诺，R-SC24-7）。若存在伪造或虚假成分，本机构愿意接受"
    "取消参加技能鉴定资格或取消相关考试成绩等处理结果，如有涉嫌违法，也愿意承担相应的法律责任。"
)
MAX_BYTES = 10 * 1024 * 1024
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png"}
HOLDING_LABEL = "、".join(str(status.label) for status in Application.Status if status in HOLDING_PLACE)


MSG_COMMITMENT_STAFF_ONLY = "承诺书由计划所属机构的管理员或经办人签署上传；审核中心和省中心只能查看"


def _scan_extension(data: bytes) -> str:
    """The file's kind from its content, not its name: a PDF, or a JPEG or PNG picture."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    try:
        with Image.open(BytesIO(data)) as picture:
            kind = picture.format
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    if kind in IMAGE_FORMATS:
        return IMAGE_FORMATS[kind]
    raise ValidationError("承诺书扫描件须为PDF文件或JPG、PNG图片；所选文件不是这几种格式，请重新扫描或拍照后上传")


@transaction.atomic
def plan_commitment_upload(*, plan: Plan, by: User, upload) -> PlanCommitment:
    """Store the signed and sealed commitment with the counts it was signed for; a new upload
    replaces the earlier one (whose file is removed once the change commits)."""
    require_institution_staff_of(by, plan.institution_id, MSG_COMMITMENT_STAFF_ONLY)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    size = upload.size or 0
    if size > MAX_BYTES:
        raise ValidationError(f"文件过大（{size / 1024 / 1024:.1f} MB），承诺书扫描件不能超过"
                              f"{MAX_BYTES // 1024 // 1024} MB，请降低扫描分辨率后重新上传")
    data = upload.read()
    if not data:
        raise ValidationError("所选文件是空的，请重新选择承诺书扫描件")
    extension = _scan_extension(data)
    counts = plan_commitment_counts(plan)
    if not sum(row["count"] for row in counts):
        raise ValidationError(f"该计划还没有{HOLDING_LABEL}的报名，无需签署承诺书")
    commitment = PlanCommitment.objects.filter(plan=plan).first()
    before = None
    old_name = ""
    if commitment is None:
        commitment = PlanCommitment(plan=plan)
    else:
        old_name = commitment.signed_file.name
        before = {"file": old_name, "counts": commitment.counts, "text_version": commitment.text_version,
                  "uploaded_by": commitment.uploaded_by.get_username(),
                  "uploaded_at": commitment.uploaded_at.isoformat()}
    commitment.counts = counts
    commitment.text_version = COMMITMENT_TEXT_VERSION
    commitment.uploaded_by = by
    commitment.uploaded_at = timezone.now()
    # A generated name: the uploader's file name is neither trusted nor needed on disk.
    commitment.signed_file.save(f"plan-{plan.pk}-{secrets.token_hex(8)}.{extension}", ContentFile(data),
                                save=False)
    new_name, storage = commitment.signed_file.name, commitment.signed_file.storage
    if old_name:
        transaction.on_commit(lambda: storage.delete(old_name))
    try:
        commitment.save()
        audit_record(action=RegistrationAction.PLAN_COMMITMENT_UPLOAD, actor=by, target=commitment,
                     organisation=plan.institution,
                     before=before, after={"file": new_name, "bytes": len(data), "kind": extension,
                                           "sha256": hashlib.sha256(data).hexdigest(), "counts": counts,
                                           "text_version": COMMITMENT_TEXT_VERSION})
    except Exception:
        storage.delete(new_name)
        raise
    return commitment


# --- downloads of documents with personal data ---------------------------------------------------

def application_receipt_download_record(*, application: Application, payment: Payment, by: User) -> None:
    """Audit a staff member's download of a candidate's fee receipt; the candidate's own is not audited."""
    if by.role == Role.CANDIDATE:
        return
    audit_record(action=RegistrationAction.APPLICATION_RECEIPT_DOWNLOAD, actor=by, target=application,
                 after={"receipt_number": payment.receipt_number})


def application_document_download_record(*, application: Application, document: ApplicationDocument,
                                         by: User) -> None:
    """Audit a staff member's download of a document an application was handed in with (they carry
    personal data); the candidate's own downloads are not audited."""
    if by.role == Role.CANDIDATE:
        return
    audit_record(action=RegistrationAction.APPLICATION_DOCUMENT_DOWNLOAD, actor=by, target=document,
                 organisation=application.plan.institution, after={"kind": document.kind})
