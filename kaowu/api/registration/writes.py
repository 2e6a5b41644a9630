"""API for institutions' own systems: create applications, review them, record payments, withdraw,
and bulk import from Excel (upload, report, confirm) — the same services as the pages.

The operations hang on the registration router: ninja serves one path (/applications) from one
router only, so a second router could not add POST next to its GET."""

from collections.abc import Callable
from datetime import date
from typing import Literal

from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import File, Form, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from kaowu.api.errors import refusals_as_http
from kaowu.api.registration.reads import ApplicationOut, router
from kaowu.core.jobs import job_start, job_status
from kaowu.core.models import JobProgress
from kaowu.plans.models import PlanItem
from kaowu.plans.selectors import plans_visible_to
from kaowu.registration import selectors, services
from kaowu.registration.imports import services as imports
from kaowu.registration.imports.tasks import import_applications_commit
from kaowu.registration.models import Candidate, IdType, Payment


def _act(call: Callable):
    with refusals_as_http(), transaction.atomic():
        return call()


def _application(request, application_id: int):
    return get_object_or_404(selectors.applications_visible_to(request.auth), pk=application_id)


class CandidateIn(Schema):
    name: str
    id_type: str = IdType.RESIDENT
    id_number: str
    education: str
    address: str
    phone: str
    postal_code: str = ""
    employer: str = ""
    gender: str | None = None
    birth_date: date | None = None


class ApplicationIn(Schema):
    plan_item_id: int
    candidate: CandidateIn
    profile: dict = {}


@router.post("/applications", response={201: ApplicationOut}, summary="为考生新建报名（草稿）；考生不存在时一并登记")
def application_create(request, payload: ApplicationIn):
    item = get_object_or_404(PlanItem.objects.filter(plan__in=plans_visible_to(request.auth).values("pk")),
                             pk=payload.plan_item_id)
    data = payload.candidate.dict()

    def create():
        number = data["id_number"].strip().upper()
        candidate = Candidate.objects.filter(id_type=data["id_type"], id_number=number).first()
        if candidate is None:
            fields = {k: v for k, v in data.items() if v not in (None, "") or k in ("postal_code", "employer")}
            candidate = services.candidate_create(by=request.auth, **fields)
        return services.application_create(candidate=candidate, item=item, by=request.auth, profile=payload.profile)

    return Status(201, _act(create))


class InstitutionReviewIn(Schema):
    decision: Literal["approve", "return"]
    originals_seen: bool = False
    reason: str = ""


@router.post("/applications/{application_id}/institution-review", response=ApplicationOut,
             summary="初审：通过（须已查验原件，R-FJ-4）或退回（须写明原因）")
def application_institution_review(request, application_id: int, payload: InstitutionReviewIn):
    application = _application(request, application_id)
    if payload.decision == "approve":
        return _act(lambda: services.application_institution_approve(
            application=application, by=request.auth, originals_seen=payload.originals_seen))
    return _act(lambda: services.application_return(application=application, by=request.auth, reason=payload.reason))


class CenterReviewIn(Schema):
    decision: Literal["approve", "reject"]
    reason: str = ""


@router.post("/applications/{application_id}/center-review", response=ApplicationOut,
             summary="复核：通过或不通过（须写明原因），由审核该计划的中心办理")
def application_center_review(request, application_id: int, payload: CenterReviewIn):
    application = _application(request, application_id)
    if payload.decision == "approve":
        return _act(lambda: services.application_center_approve(application=application, by=request.auth))
    return _act(lambda: services.application_center_reject(application=application, by=request.auth,
                                                           reason=payload.reason))


class PaymentIn(Schema):
    method: Literal[tuple(Payment.Method.values)]  # type: ignore[valid-type]
    receipt_number: str


class PaymentOut(Schema):
    id: int
    application_id: int
    method: str
    amount: str
    receipt_number: str

    @staticmethod
    def resolve_amount(obj) -> str:
        return str(obj.amount)


@router.post("/applications/{application_id}/payment", response=PaymentOut,
             summary="登记缴费（复核通过后，R-CQ-4；金额按收费标准）")
def payment_record(request, application_id: int, payload: PaymentIn):
    application = _application(request, application_id)
    return _act(lambda: services.payment_record(application=application, by=request.auth, method=payload.method,
                                                receipt_number=payload.receipt_number))


class WithdrawIn(Schema):
    reason: str = ""


@router.post("/applications/{application_id}/withdraw", response=ApplicationOut,
             summary="撤回报名；已缴费的生成待确认的退费（R-SC21-5）")
def application_withdraw(request, application_id: int, payload: WithdrawIn):
    application = _application(request, application_id)
    return _act(lambda: services.application_withdraw(application=application, by=request.auth,
                                                      reason=payload.reason))


# --- bulk import -------------------------------------------------------------------------------

class ImportStarted(Schema):
    token: str
    rows: int
    task_id: str = ""


class ImportReportOut(Schema):
    status: str
    summary: dict | None = None


class ImportTokenIn(Schema):
    token: str


class ImportDone(Schema):
    new: int = 0
    existing: int = 0
    candidates_new: int = 0
    warning_count: int = 0
    task_id: str = ""


@router.post("/imports", response={201: ImportStarted},
             summary="上传导入文件（模板同页面），返回导入编号；大文件在后台校验")
def import_upload(request, plan_id: Form[int], file: File[UploadedFile]):
    plan = get_object_or_404(plans_visible_to(request.auth), pk=plan_id)
    with refusals_as_http():
        token, task_id = imports.import_upload(upload=file, plan=plan, by=request.auth)
    data = imports.import_token_read(token, by=request.auth)
    return Status(201, {"token": token, "rows": data.get("n", 0), "task_id": task_id})


def _import_token(request, token: str) -> tuple[dict, object]:
    with refusals_as_http():
        data = imports.import_token_read(token, by=request.auth)
    plan = get_object_or_404(plans_visible_to(request.auth), pk=data["p"])
    with refusals_as_http():
        imports.import_require_staff(by=request.auth, plan=plan)
    return data, plan


@router.post("/imports/report", response=ImportReportOut,
             summary="导入校验结果：每行每列的错误（全部无误才能确认导入）")
def import_report(request, payload: ImportTokenIn):
    data, plan = _import_token(request, payload.token)
    if data.get("t"):
        job = get_object_or_404(JobProgress, task_id=data["t"], owner=request.auth)
        result = job.result or {}
        if result.get("refused"):
            raise HttpError(422, result["refused"])
        return {"status": job_status(job), "summary": result if "total" in result else None}
    with refusals_as_http():
        report = imports.import_validate(plan=plan, path=imports.import_file_path(data["f"]))
    return {"status": "SUCCESSFUL", "summary": report.as_json(errors_limit=None)}


@router.post("/imports/confirm", response=ImportDone,
             summary="确认导入：全部导入或全部不导入；同一文件重复导入不会新增")
def import_confirm(request, payload: ImportTokenIn):
    data, plan = _import_token(request, payload.token)
    if data.get("n", 0) > imports.BACKGROUND_ROWS:
        job = job_start(task=import_applications_commit, title=f"批量导入报名（{plan.name}）", owner=request.auth,
                        total=data["n"], plan_id=plan.pk, user_id=request.auth.pk, file_name=data["f"])
        return {"task_id": job.task_id}
    with refusals_as_http():
        report = imports.import_commit(plan=plan, path=imports.import_file_path(data["f"]), by=request.auth,
                                       file_name=data["f"])
    return {"new": report.new, "existing": report.existing, "candidates_new": report.candidates_new,
            "warning_count": len(report.warnings)}


class TaskOut(Schema):
    task_id: str
    title: str
    status: str
    done: int
    total: int
    message: str
    result: dict | None = None


@router.get("/tasks/{task_id}", response=TaskOut, summary="后台任务进度（仅发起人可见）")
def task_detail(request, task_id: str):
    job = get_object_or_404(JobProgress, task_id=task_id, owner=request.auth)
    return {"task_id": job.task_id, "title": job.title, "status": job_status(job), "done": job.done,
            "total": job.total, "message": job.message, "result": job.result}
