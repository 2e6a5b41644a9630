"""The candidate's 成绩通知单 as a PDF (002 §一(九)), with the recheck terms (R-FJ-11)."""

from django.utils import timezone
from reportlab.lib.units import mm

from kaowu.core.ids import id_mask
from kaowu.core.pdf import TEXT_WIDTH, grid_table, label_value_table, para, pdf_build, spacer
from kaowu.scoring.models import Result, ResultRelease


def result_notice_pdf(result: Result) -> bytes:
    application, release = result.application, result.release
    candidate, plan = application.candidate, release.plan
    rows = [[s.get("name") or "考核", s.get("score") or _ATTENDANCE.get(s.get("attendance"), "—"),
             s.get("pass_mark") or "—", _conclusion(s)] for s in result.subjects]
    outcome = result.get_outcome_display()
    if result.total is not None:
        outcome += f"，总成绩 {result.total}"
    if result.grade:
        outcome += f"，等级 {result.grade}（R-FJ-12）"
    if release.status == ResultRelease.Status.FINAL:
        terms = f"成绩已于{timezone.localtime(release.finalised_at):%Y年%m月%d日}确认。"
    elif release.recheck_until:
        terms = (f"如对成绩有疑义，请于{release.recheck_until:%Y年%m月%d日}前登录本平台或经报名考核机构申请复查；"
                 "复查只核对漏登、错登、错统分数，不涉及评分标准（R-FJ-11）。")
    else:
        terms = "成绩公示后可申请复查，复查只核对漏登、错登、错统分数（R-FJ-11）。"
    story = [
        para("成绩通知单", "title"),
        para(plan.institution.name, "subtitle"),
        label_value_table([
            ("考生姓名", candidate.name),
            (candidate.get_id_type_display(), id_mask(candidate.id_number)),
            ("考核计划", plan.name),
            ("报考职业（项目）", str(application.item)),
            ("审核中心", plan.reviewing_center.name),
            ("考核结果", outcome),
        ]),
        spacer(4),
        grid_table(["科目", "成绩", "合格分", "结论"], rows,
                   widths=[TEXT_WIDTH - 3 * 30 * mm, 30 * mm, 30 * mm, 30 * mm],
                   align=["left", "right", "right", "center"]),
        spacer(4),
        para("说明", "heading"),
        para(f"1. 本通知单依据{plan.reviewing_center.name}审核确认的成绩生成。"),
        para(f"2. {terms}"),
        para(f"3. 报名考核机构联系人：{plan.contact_name}，电话：{plan.contact_phone}。"),
    ]
    return pdf_build(story, title="成绩通知单", subject=f"{candidate.name} {application.item}",
                     generated_at=timezone.localtime(), footer_note=f"报名编号 {application.pk:08d}")


_ATTENDANCE = {"absent": "缺考", "cancelled": "成绩取消", "missing": "未录入"}


def _conclusion(subject: dict) -> str:
    if subject.get("passed"):
        return "合格"
    return _ATTENDANCE.get(subject.get("attendance"), "不合格")
