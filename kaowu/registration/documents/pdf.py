"""Registration PDFs: the candidate's fee receipt (R-CQ-4) and the institution's commitment for a
plan (R-LN-3, R-SC24-7). Both are built on `kaowu.core.pdf`."""

from datetime import datetime

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.core.ids import id_mask
from kaowu.core.pdf import (
    TEXT_WIDTH,
    grid_table,
    label_value_table,
    para,
    pdf_build,
    ruled_lines,
    signature_block,
    spacer,
    yuan_upper,
)
from kaowu.plans.models import Plan
from kaowu.registration.documents.services import COMMITMENT_TEXT, COMMITMENT_TEXT_VERSION, HOLDING_LABEL
from kaowu.registration.models import Payment, Refund


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%Y}年{local.month}月{local.day}日 {local:%H:%M}"


def receipt_pdf(payment: Payment) -> bytes:
    """缴费凭证: who paid what for which item, in figures and in capitals; the voucher for the
    admission ticket (R-CQ-4); a payment that became a refund (R-SC21-5) gets the refund below it, and the
    receipt says it no longer vouches for a ticket. The ID number is masked: name, receipt number and application
    number identify the candidate, and a printed receipt travels further than the person."""
    application = payment.application
    candidate, plan, item = application.candidate, application.plan, application.item
    if item.special_item_id:
        item_name, level = item.special_item.name, "专项职业能力考核"
    else:
        item_name, level = item.occupation.name, LEVEL_LABELS[item.level]
    recorder = payment.recorded_by
    rows = [
        ("票据号", payment.receipt_number),
        ("报名编号", f"{application.pk:08d}"),
        ("考生姓名", candidate.name),
        (candidate.get_id_type_display(), id_mask(candidate.id_number)),
        ("报名考核机构", plan.institution.name),
        ("考核计划", plan.name),
        ("报考职业（项目）", item_name),
        ("等级", level),
        ("缴费金额（小写）", f"¥{payment.amount:,.2f}"),
        ("缴费金额（大写）", f"人民币{yuan_upper(payment.amount)}"),
        ("缴费方式", payment.get_method_display()),
        ("缴费时间", _when(payment.paid_at)),
        ("登记人", recorder.full_name or recorder.get_username()),
    ]
    refund = getattr(payment, "refund", None) if payment.refunded else None
    title = "考核费缴费凭证" if refund is None else "考核费缴费及退费凭证"
    story = [
        para(title, "title"),
        para(plan.institution.name, "subtitle"),
        label_value_table(rows),
        *(_refund_part(refund) if refund is not None else []),
        spacer(6),
        KeepTogether([
            para("说明", "heading"),
            *([para("1. 本凭证是领取（打印）准考证的有效凭证（R-CQ-4），请妥善保存，领取准考证时出示。"),
               para("2. 缴费后撤回报名的，由报名考核机构确认后退费（R-SC21-5），本凭证随之失效。")]
              if refund is None else []),
            para(("3. 本凭证依据报名考核机构登记的缴费记录生成" if refund is None
                  else "本凭证依据报名考核机构登记的缴费和退费记录生成")
                 + f"，如有疑问请向报名考核机构核实（联系人：{plan.contact_name}，电话：{plan.contact_phone}）。"),
        ]),
    ]
    return pdf_build(story, title=title, subject=f"{candidate.name} {item_name}",
                     generated_at=timezone.localtime(), footer_note=f"票据号 {payment.receipt_number}")


def _day(day) -> str:
    return f"{day:%Y}年{day.month}月{day.day}日"


def _refund_part(refund: Refund) -> list:
    """The refund of a withdrawn application, confirmed or waiting: the receipt no longer vouches for a ticket."""
    amount = f"¥{refund.amount:,.2f}（人民币{yuan_upper(refund.amount)}）"
    if refund.confirmed_at is None:
        state = "本报名已撤回，考核费待报名考核机构确认退还（R-SC21-5）。本凭证已失效，不能用于领取准考证。"
        rows = [("退费状态", "待确认"), ("应退金额", amount), ("撤回时间", _when(refund.created_at)),
                ("原因", refund.reason)]
    else:
        confirmer = refund.confirmed_by
        state = (f"本报名已撤回，考核费已于{_day(refund.refunded_on)}退还（R-SC21-5）。"
                 "本凭证已失效，不能用于领取准考证。")
        rows = [("退费金额", amount), ("退费方式", refund.get_method_display()), ("退费日期", _day(refund.refunded_on)),
                *([("备注", refund.note)] if refund.note else []),
                ("确认人", confirmer.full_name or confirmer.get_username())]
    return [para("退费", "heading"), para(state), spacer(2), label_value_table(rows)]


def commitment_pdf(plan: Plan, counts: list[dict]) -> bytes:
    """报名资格审核承诺书 (003 附件6): the plan, the counts per occupation and level (or special
    item), the commitment to copy by hand, and the lines to sign and seal."""
    now = timezone.localtime()
    total = sum(row["count"] for row in counts)
    widths = [14 * mm, TEXT_WIDTH - 14 * mm - 45 * mm - 30 * mm, 45 * mm, 30 * mm]
    table = grid_table(
        ["序号", "职业（工种）/专项职业能力", "级别", "报名人数"],
        [[i, row["item"], row["level"], row["count"]] for i, row in enumerate(counts, start=1)],
        widths=widths, align=["center", "left", "center", "right"], footer=["", "合计", "", total],
    )
    story = [
        para("报名资格审核承诺书", "title"),
        para(plan.name, "subtitle"),
        label_value_table([
            ("考生数据提交单位（盖章）", plan.institution.name),
            ("考核计划", f"{plan.name}（{plan.get_kind_display()}·{plan.get_assessment_type_display()}）"),
            ("报名时间", f"{plan.registration_opens:%Y年%m月%d日}至{plan.registration_closes:%Y年%m月%d日}"),
            ("审核中心", plan.reviewing_center.name),
        ], label_width=48 * mm),
        para("报名人数", "heading"),
        para(f"截至{_when(now)}，本计划{HOLDING_LABEL}的报名人数：", "small"),
        spacer(1.5),
        table,
        # A long plan pushes the commitment to the next page: it breaks before the commitment or
        # before the handwriting, never inside either.
        KeepTogether([para("承诺", "heading"), para(COMMITMENT_TEXT)]),
        spacer(3),
        KeepTogether([
            para("请报名机构负责人手书以上承诺内容："),
            ruled_lines(5, height_mm=9),
            spacer(4),
            signature_block([("机构负责人（签名）：", "报名考核机构（盖章）："), ("", "          年      月      日")],
                            row_height_mm=18),
        ]),
    ]
    return pdf_build(story, title="报名资格审核承诺书", subject=plan.name, generated_at=now,
                     footer_note=f"承诺书版本 {COMMITMENT_TEXT_VERSION} · 计划编号 {plan.pk}")
