"""派遣表 PDFs: one per person (what they carry to collect papers and enter the site, R-FJ-9) and one per
site (who works where, for the chief examiner). Built on `kaowu.core.pdf`."""

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether

from kaowu.catalog.policy import policy_active
from kaowu.core.ids import id_mask
from kaowu.core.pdf import TEXT_WIDTH, grid_table, label_value_table, para, pdf_build, signature_block, spacer
from kaowu.sites.models import Site
from kaowu.staffing.models import DispatchAssignment, DispatchRun, StaffMember


def _role(assignment: DispatchAssignment) -> str:
    return "考评组长" if assignment.leader else assignment.get_role_display()


def _time(assignment: DispatchAssignment, posts: dict) -> str:
    intervals = posts.get(assignment.post_id, {}).get("intervals") or []
    spans = []
    for start, end in intervals:
        start, end = datetime.fromisoformat(start), datetime.fromisoformat(end)
        spans.append(f"{start:%m-%d %H:%M}–{end:%H:%M}")
    return "；".join(spans) or f"{assignment.date:%m-%d}"


def _post_title(assignment: DispatchAssignment) -> str:
    """The post's label without its leading date and time (the time column has them)."""
    parts = assignment.post_label.split(" ")
    if len(parts) > 2 and parts[0][:4].isdigit() and ":" in parts[1]:
        parts = parts[2:]
    elif parts and parts[0][:4].isdigit():
        parts = parts[1:]
    return " ".join(parts)


def _status(assignment: DispatchAssignment) -> str:
    if assignment.notice and assignment.status == DispatchAssignment.Status.PROPOSED:
        return "需重新确认"
    return assignment.get_status_display()


def _moved_note(assignments: Sequence[DispatchAssignment]) -> list:
    """The posts an approved change moved (R-CQ-8): the table shows the new time; this says what it was."""
    moved = [a for a in assignments if a.notice]
    if not moved:
        return []
    lines = "；".join(f"{_post_title(a)}：{a.notice}" for a in moved)
    return [para("时间变更", "heading"), para(lines)]


def _place(assignment: DispatchAssignment) -> str:
    site = assignment.site
    parts = [site.name if site else "", assignment.room.name if assignment.room_id else ""]
    return " ".join(p for p in parts if p) or "本批次各考点"


def dispatch_letter_person_pdf(run: DispatchRun, person: StaffMember,
                               assignments: Sequence[DispatchAssignment]) -> bytes:
    """派遣表 for one person: the batch, the person and their cards, every place and time, when to arrive."""
    now = timezone.localtime()
    profile = policy_active()
    posts = {p["id"]: p for p in run.posts}
    cards = "、".join(f"{c.number}（至{c.valid_until:%Y-%m-%d}）" for c in person.cards.all()) or "—"
    rows = [[i, _time(a, posts), _place(a), _post_title(a), _role(a), _status(a)]
            for i, a in enumerate(assignments, start=1)]
    widths = [10 * mm, 36 * mm, 36 * mm, 0, 22 * mm, 18 * mm]
    widths[3] = TEXT_WIDTH - sum(widths)
    plan = run.plan
    story = [
        para("考务人员派遣表", "title"),
        para(f"{run.center.name} · {plan.name}", "subtitle"),
        label_value_table([
            ("姓名", person.name),
            ("身份证号", id_mask(person.id_number)),
            ("工作单位", person.employer_name or (person.employer.name if person.employer_id else "—")),
            ("考评员证", cards),
            ("考核机构", plan.institution.name),
            ("派遣单位", run.center.name),
        ], label_width=30 * mm),
        para("派遣安排", "heading"),
        grid_table(["序号", "时间（含提前到场）", "考点/考场", "岗位", "角色", "状态"], rows, widths=widths,
                   align=["center", "center", "left", "left", "center", "center"]),
        *_moved_note(assignments),
        para("须知", "heading"),
        para(f"1. 请于开考前{profile.assessor_arrival_minutes_before}分钟到达考场（R-FJ-19、R-SC21-7），"
             "佩戴有效证件上岗（R-FJ-8）。"),
        para("2. 与考生有亲属等利害关系，或系考生所在单位、考核机构人员的，应主动申请回避（R-FJ-19）；"
             "本批次考生的培训授课人员不得参与本批次考务（考培分离，R-FJ-7）。"),
        para(f"3. 督导人员于考核前{profile.paper_collection_days_before}天凭本表领取试卷，清点数量、检查密封，"
             "双方签字交接（R-FJ-9）。"),
        spacer(4),
        KeepTogether([signature_block([("派遣单位（盖章）：", "本人签收："),
                                       (f"{now:%Y}年{now.month}月{now.day}日", "          年      月      日")],
                                      row_height_mm=16)]),
    ]
    return pdf_build(story, title="考务人员派遣表", subject=f"{person.name} {plan.name}", generated_at=now,
                     footer_note=f"派遣编号 {run.pk}")


def dispatch_letter_site_pdf(run: DispatchRun, site: Site | None, assignments: Sequence[DispatchAssignment]) -> bytes:
    """派遣表 for one site: every person dispatched there, by day, time and room; the batch's chief examiner."""
    now = timezone.localtime()
    posts = {p["id"]: p for p in run.posts}
    rows = [[i, _time(a, posts), a.room.name if a.room_id else "—",
             _post_title(a).removesuffix(a.room.name if a.room_id else "").strip(), _role(a), a.staff.name,
             a.staff.employer_name or "—", _status(a)]
            for i, a in enumerate(assignments, start=1)]
    widths = [8 * mm, 34 * mm, 18 * mm, 0, 16 * mm, 18 * mm, 22 * mm, 14 * mm]
    widths[3] = TEXT_WIDTH - sum(widths)
    plan = run.plan
    title_site = site.name if site else "全部考点"
    story = [
        para("考点考务人员派遣表", "title"),
        para(f"{plan.name} · {title_site}", "subtitle"),
        label_value_table([
            ("考核机构", plan.institution.name),
            ("考点", f"{site.name}（{site.address}）" if site else "—"),
            ("派遣单位", run.center.name),
            ("发布时间", f"{timezone.localtime(run.published_at):%Y-%m-%d %H:%M}" if run.published_at else "未发布"),
            ("人数", f"{len({a.staff_id for a in assignments})} 人，{len(assignments)} 个岗位"),
        ], label_width=30 * mm),
        para("人员安排", "heading"),
        grid_table(["序号", "时间", "考场", "岗位", "角色", "姓名", "工作单位", "状态"], rows, widths=widths,
                   align=["center", "center", "left", "left", "center", "center", "left", "center"]),
        spacer(4),
        KeepTogether([signature_block([("派遣单位（盖章）：", "考点负责人（签收）："),
                                       (f"{now:%Y}年{now.month}月{now.day}日", "          年      月      日")],
                                      row_height_mm=16)]),
    ]
    return pdf_build(story, title="考点考务人员派遣表", subject=f"{plan.name} {title_site}", generated_at=now,
                     footer_note=f"派遣编号 {run.pk}")

