"""试卷交接记录单: the custody chain of one package (R-FJ-9, R-CQ-9), printable.

What the system recorded (each handover with both parties, time, count, seal check and whether each side
signed), then a blank row per stage for the paper copy that both sides sign by hand, and the custodian's
signature. Kept with the papers for three years (R-CQ-9b).
"""

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Table

from kaowu.core.pdf import TEXT_WIDTH, grid_table, para, pdf_build, signature_block, spacer, styles
from kaowu.core.pdf.document import GRID_COLOUR, LABEL_BACKGROUND, _table_style
from kaowu.staffing.models import Handover, LeakReport, PaperPackage


def _time(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _session_text(package: PaperPackage) -> str:
    session = package.session
    subject = session.subject.name if session.subject_id else "考核"
    return f"{session.item} · {subject}"


def _session_time(package: PaperPackage) -> str:
    session = package.session
    return f"{session.date.year}年{session.date.month}月{session.date.day}日 {session.start:%H:%M}–{session.end:%H:%M}"


def _signed(value: bool) -> str:
    return "已签" if value else "未签"


def _info_table(rows) -> Table:
    """Label, value, label, value: the package on four lines."""
    label_width, value_width = 30 * mm, TEXT_WIDTH / 2 - 30 * mm
    data = [[para(a, "cell_label"), para(b, "cell"), para(c, "cell_label"), para(d, "cell")] for a, b, c, d in rows]
    table = Table(data, colWidths=[label_width, value_width + 12 * mm, label_width, value_width - 12 * mm])
    table.setStyle(_table_style(
        ("GRID", (0, 0), (-1, -1), 0.6, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (0, -1), LABEL_BACKGROUND), ("BACKGROUND", (2, 0), (2, -1), LABEL_BACKGROUND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ))
    return table


def _paper_table() -> Table:
    """One row per stage, tall enough to sign by hand."""
    blank = para("&nbsp;" * 6 + "月" + "&nbsp;" * 4 + "日" + "&nbsp;" * 4 + "时" + "&nbsp;" * 4 + "分", "cell",
                 markup=True)
    header = [para(text, "cell_center") for text in ("环节", "份数", "交出人签名", "密封完好", "接收人签名",
                                                      "交接时间")]
    data = [header] + [[para(label, "cell"), "", "", para("□是　□否", "cell_center"), "", blank]
                       for label in Handover.Stage.labels]
    widths = [35 * mm, 14 * mm, 30 * mm, 22 * mm, 30 * mm]
    widths.append(TEXT_WIDTH - sum(widths))
    table = Table(data, colWidths=widths, rowHeights=[None] + [11 * mm] * len(Handover.Stage.labels))
    table.setStyle(_table_style(
        ("GRID", (0, 0), (-1, -1), 0.6, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BACKGROUND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ))
    return table


def custody_chain_pdf(package: PaperPackage, handovers: list[Handover], leaks: list[LeakReport]) -> bytes:
    now = timezone.localtime()
    plan = package.session.plan
    room = f"{package.room.site.name} · {package.room.name}" if package.room_id else "（整个场次）"
    custodian_org = package.custodian.organisation
    story = [
        para("试卷交接记录单", "title"),
        para(f"{plan.institution.name} · {plan.name}", "subtitle"),
        _info_table([
            ("试卷袋编号", package.number, "密封条编号", package.seal_number),
            ("考核项目 · 科目", _session_text(package), "试卷份数", f"{package.paper_count} 份"),
            ("考试时间", _session_time(package), "考点 · 考场", room),
            ("保管员", f"{package.custodian.name}（{custodian_org.short_name or custodian_org.name}）",
             "状态 · 持有人", f"{package.get_status_display()} · {package.holder.name}"),
        ]),
    ]
    if leaks:
        alert = styles()["body"].clone("alert", textColor=colors.HexColor("#b02a37"))
        story += [spacer(2), para("疑似泄密报告（R-CQ-9：查实泄密的试卷停考，不得使用）", "heading")]
        for report in leaks:
            state = f"已处理：{report.resolution}（{_time(report.resolved_at)}）" if report.resolved_at else "未处理"
            reporter = report.reported_by.full_name or report.reported_by.username
            story.append(para(f"{_time(report.reported_at)} {reporter}报告：{report.description}　{state}", alert))

    # Set a size smaller so that a stage and a date-time stay on one line each.
    small = styles()["cell"].clone("custody_cell", fontSize=9, leading=12)
    small_center = styles()["cell_center"].clone("custody_cell_center", fontSize=9, leading=12)
    widths = [30 * mm, 16 * mm, 16 * mm, 33 * mm, 10 * mm, 27 * mm, 19 * mm]
    widths.append(TEXT_WIDTH - sum(widths))
    rows = [[para(h.get_stage_display(), small), para(h.giver.name, small), para(h.receiver.name, small),
             para(_time(h.at), small), para(str(h.count), small_center),
             para(f"{'完好' if h.seal_intact else '破损'} {h.seal_number}", small),
             para(_signed(h.giver_signed), small_center), para(_signed(h.receiver_signed), small_center)]
            for h in handovers]
    story += [
        para("交接记录（系统登记）", "heading"),
        grid_table(["环节", "交出人", "接收人", "交接时间", "份数", "密封条", "交出人签字", "接收人签字"],
                   rows or [["尚无交接", "", "", "", "", "", "", ""]], widths=widths,
                   align=["left", "left", "left", "left", "center", "left", "center", "center"]),
    ]
    notes = [h for h in handovers if h.note]
    if notes:
        story.append(spacer(1))
        story += [para(f"备注（{h.get_stage_display()}）：{h.note}", "small") for h in notes]

    # The paper part stays on one page with its signatures.
    story.append(KeepTogether([
        para("交接签字（纸质联：双方当面清点份数、核对密封条后签字）", "heading"),
        _paper_table(),
        spacer(6),
        signature_block([("试卷保管员（签名）：", "中心负责人（签名）："), ("", "          年      月      日")],
                        row_height_mm=12),
        para("本记录单与试卷、答卷一并存档，保存三年（R-CQ-9b）。", "small"),
    ]))
    return pdf_build(story, title="试卷交接记录单", subject=f"{package.number} {_session_text(package)}",
                     generated_at=now, footer_note=f"试卷袋 {package.number}")
