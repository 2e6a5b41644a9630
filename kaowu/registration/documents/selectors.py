"""Reads of the documents area: the payment a receipt is printed for, the counts the institution's
commitment is signed for, and whether the uploaded commitment still covers the applications (已上传 / 需重新签署)."""

from dataclasses import dataclass, field

from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.core.errors import RuleViolation
from kaowu.plans.models import Plan, PlanItem
from kaowu.registration.models import Application, Payment, PlanCommitment
from kaowu.registration.services import FEE_PAID, plan_counts_by_item

Status = Application.Status
# A withdrawn application's fee is refunded (R-SC21-5): its receipt no longer vouches for a ticket.
RECEIPT_VOID = {Status.WITHDRAWN, Status.REFUNDED}


def _item_row(item: PlanItem, count: int) -> dict:
    if item.special_item_id:
        return {"item_id": item.pk, "item": item.special_item.name, "level": "专项职业能力", "count": count}
    return {"item_id": item.pk, "item": item.occupation.name, "level": LEVEL_LABELS[item.level], "count": count}


def plan_commitment_counts(plan: Plan) -> list[dict]:
    """Every item of the plan with the number of applications holding a place or paid, occupations
    by name and level (一级 first, as 附件6 lists them), then special items."""
    counts = plan_counts_by_item(plan)
    items = plan.items.select_related("occupation", "special_item")
    rows = sorted(items, key=lambda i: (i.special_item_id is not None,
                                        i.special_item.name if i.special_item_id else i.occupation.name,
                                        i.level or 0))
    return [_item_row(item, counts.get(item.pk, 0)) for item in rows]


def _counts_key(rows: list[dict]) -> dict:
    return {row["item_id"]: row["count"] for row in rows}


@dataclass
class CommitmentState:
    """What the commitment page shows: 未上传, 已上传 or 需重新签署 (the counts changed since)."""

    counts: list[dict]
    commitment: PlanCommitment | None
    changes: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row["count"] for row in self.counts)

    @property
    def signed_total(self) -> int:
        return sum(row["count"] for row in self.commitment.counts) if self.commitment else 0

    @property
    def status(self) -> str:
        if self.commitment is None:
            return "missing"
        return "stale" if self.changes else "uploaded"

    @property
    def label(self) -> str:
        return {"missing": "未上传", "uploaded": "已上传", "stale": "需重新签署"}[self.status]


def plan_commitment_state(plan: Plan) -> CommitmentState:
    """The current counts, the uploaded commitment if any, and the rows whose count differs from
    what was signed (signed, now)."""
    counts = plan_commitment_counts(plan)
    commitment = PlanCommitment.objects.select_related("uploaded_by").filter(plan=plan).first()
    changes = []
    if commitment is not None:
        signed = _counts_key(commitment.counts)
        now = _counts_key(counts)
        labels = {row["item_id"]: row for row in [*commitment.counts, *counts]}
        for item_id in labels:
            if signed.get(item_id, 0) != now.get(item_id, 0):
                row = labels[item_id]
                changes.append({"item": row["item"], "level": row["level"], "signed": signed.get(item_id, 0),
                                "now": now.get(item_id, 0)})
    return CommitmentState(counts=counts, commitment=commitment, changes=changes)


def plan_commitment_is_stale(plan: Plan) -> bool:
    return plan_commitment_state(plan).status == "stale"


def receipt_payment(application: Application) -> Payment:
    """The payment whose receipt the candidate may download; refused before payment and after withdrawal."""
    payment = application.payments.select_related("recorded_by").filter(refunded=False).order_by("-paid_at").first()
    if application.status in RECEIPT_VOID:
        raise RuleViolation("R-SC21-5", f"报名已{application.get_status_display()}，缴费凭证已失效")
    if payment is None or application.status not in FEE_PAID:
        raise RuleViolation("R-CQ-4", f"报名当前为“{application.get_status_display()}”，缴费登记后才有缴费凭证")
    return payment


def refund_receipt_payment(application: Application) -> Payment:
    """The payment that became a refund, for the receipt that shows the refund (waiting or confirmed) in place
    of the void one; the latest if there were several."""
    payment = (application.payments.select_related("recorded_by", "refund__confirmed_by").filter(refunded=True)
               .order_by("-paid_at").first())
    if payment is None:
        raise RuleViolation("R-SC21-5", f"报名当前为“{application.get_status_display()}”，没有退费记录")
    return payment
