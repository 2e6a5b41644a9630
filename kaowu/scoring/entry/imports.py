"""Theory scores from an Excel or CSV file (成绩导入), for a session scored outside the system (paper or computer
exam): one row per candidate with 准考证号 or 身份证号, 姓名, and 成绩 or 缺考.

The flow is registration's bulk import (kaowu/registration/imports.py), with the file checks, storage and
sheet reading of kaowu.core.excel: the upload is checked and kept under MEDIA_ROOT/imports/ with a signed
token; `theory_validate` reports every faulty cell by Excel row and column in Chinese and writes nothing;
`theory_commit` validates again inside one transaction and creates every new score or none. The checks of
the rows themselves (`theory_lines_validate`) and the creation (`theory_rows_create`) take rows from
anywhere: the scoring API (entry.theory_api) gives them its request's rows. A row whose candidate already has the
same score counts as 已存在, so the same file twice creates nothing new; a different score is an error
(a score is corrected through the second check's mismatch, not by a second import). The scores come in
as SubjectScore source "import", waiting for a second person's check (R-CQ-11)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaowu.accounts.models import User
from kaowu.accounts.roles import is_institution_staff_of
from kaowu.arrangement.models import AdmissionTicket
from kaowu.core.errors import PermissionRefused
from kaowu.core.excel import ImportRefused, RowError, row_reader, sheet_rows_read, upload_keep, upload_token_load
from kaowu.core.services import audit_record
from kaowu.plans.models import Session
from kaowu.registration.imports.profile import cell_text
from kaowu.registration.imports.services import MAX_BYTES, STORAGE_DIR, TOKEN_MAX_AGE
from kaowu.registration.models import Application
from kaowu.scoring.audit import ScoringAction
from kaowu.scoring.entry.selectors import (
    session_candidates,
    session_full_marks,
    session_is_assessed,
)
from kaowu.scoring.entry.services import require_entry_open, require_started, score_parse
from kaowu.scoring.models import Attendance, SubjectScore

TOKEN_SALT = "kaowu.scoring.theory_import"
SHEET_NAME = "成绩"
MAX_ROWS = 5_000
COLUMNS = {"ticket": "准考证号", "id_number": "身份证号", "name": "姓名", "score": "成绩", "absent": "缺考"}
# The other titles offices (and computer-exam systems) give the columns, compared as core.excel.header_key does.
SYNONYMS = {"ticket": ("准考证号码", "准考证", "准考证编号"),
            "id_number": ("证件号码", "身份证号码", "公民身份号码", "身份证", "证件号"),
            "name": ("考生姓名", "学员姓名"),
            "score": ("分数", "得分", "考试成绩", "理论成绩", "理论知识成绩", "总分", "总成绩"),
            "absent": ("是否缺考", "缺考标记", "缺考情况")}
# The title said when missing → the columns any one of which will do.
REQUIRED = {"准考证号或身份证号": ("ticket", "id_number"), "姓名": ("name",), "成绩": ("score", "absent")}
ABSENT_WORDS = {"是", "缺考", "√", "✓", "Y", "y"}
NOT_ABSENT_WORDS = {"", "否", "N", "n"}
CANCELLED_WORDS = {"成绩取消", "取消"}
AStatus = Attendance.Status


@dataclass(slots=True)
class TheoryRow:
    row: int
    application_id: int
    name: str
    score: Decimal | None
    attendance: str


@dataclass
class TheoryReport:
    total: int = 0
    existing: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: list[TheoryRow] = field(default_factory=list)  # the scores that would be created

    @property
    def new(self) -> int:
        return len(self.rows)

    @property
    def absent(self) -> int:
        return sum(1 for r in self.rows if r.attendance != AStatus.PRESENT)

    @property
    def faulty_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})


# --- permissions, the stored file and its token ------------------------------------------------------

def theory_import_require(*, by: User, session: Session) -> None:
    """Institution staff of the plan, a session not scored by assessors, entry still open, exam begun."""
    if not is_institution_staff_of(by, session.plan.institution_id):
        raise PermissionRefused("只有本计划所属机构的管理员或经办人可以导入成绩")
    if session_is_assessed(session):
        raise ImportRefused("本场次由考评组评分，成绩以考评员签名的评分表为准，不能导入（R-CQ-11）")
    try:
        require_entry_open(session.plan)
        require_started(session)
    except ValidationError as exc:
        raise ImportRefused("；".join(exc.messages)) from None


def theory_file_store(*, upload, session: Session, by: User) -> str:
    """Check the upload (registration's checks), keep it and return the signed token for it."""
    theory_import_require(by=by, session=session)
    name, sha256, _read = upload_keep(upload, storage_dir=STORAGE_DIR, max_bytes=MAX_BYTES, read=theory_sheet_read)
    return signing.dumps({"f": name, "s": session.pk, "u": by.pk, "h": sha256[:16]}, salt=TOKEN_SALT, compress=True)


def theory_token_read(token: str, *, by: User) -> dict:
    return upload_token_load(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE, storage_dir=STORAGE_DIR,
                             expect={"u": by.pk})


# --- reading ---------------------------------------------------------------------------------------

def theory_sheet_read(path: Path) -> tuple[dict[str, int], list[tuple[int, list]]]:
    """The column positions and the non-empty data rows (row number, cells) of the score sheet (or the CSV)."""
    return sheet_rows_read(path, sheet_name=SHEET_NAME, columns={title: key for key, title in COLUMNS.items()},
                           required=REQUIRED, synonyms=SYNONYMS, template_label="请使用成绩导入模板",
                           row_hint="一名考生的成绩",
                           max_rows=MAX_ROWS, too_many_advice="")


def _score_text(value) -> str:
    """A score cell as text; a float from a formula (87.549999…) is taken to the cent it means."""
    if isinstance(value, float) and not value.is_integer():
        rounded = round(value, 2)
        if abs(rounded - value) < 1e-9:
            return f"{rounded:.2f}"
    return cell_text(value)


# --- validation ------------------------------------------------------------------------------------

def theory_validate(*, session: Session, path: Path) -> TheoryReport:
    """Read the file and check every row against the session's candidates; nothing is written."""
    positions, lines = theory_sheet_read(path)
    return theory_lines_validate(session=session, positions=positions, lines=lines)


def theory_lines_validate(*, session: Session, positions: Mapping[str, int],
                          lines: Sequence[tuple[int, Sequence]]) -> TheoryReport:
    """Check rows against the session's candidates; nothing is written.

    `positions` gives the index of each column (a key of COLUMNS) in a row; `lines` are (row number, cells),
    the row number being what the errors name ("与第5行是同一名考生"): the Excel row for a file.
    """
    candidates = {c.application_id: c for c in session_candidates(session)}
    by_ticket = dict(AdmissionTicket.objects.filter(application_id__in=list(candidates),
                                                    status=AdmissionTicket.Status.VALID)
                     .values_list("number", "application_id"))
    by_id_number = {number.upper(): pk for pk, number in Application.objects.filter(
        pk__in=list(candidates)).values_list("pk", "candidate__id_number")}
    recorded = dict(Attendance.objects.filter(session=session, application_id__in=list(candidates))
                    .values_list("application_id", "status"))
    scores = {s.application_id: s for s in SubjectScore.objects.filter(session=session)}
    full = session_full_marks(session)
    report = TheoryReport(total=len(lines))
    seen: dict[int, int] = {}
    cells_of = row_reader(positions, COLUMNS)

    for number, line in lines:
        bad: list[RowError] = []

        def fail(key: str, reason: str, number=number, bad=bad) -> None:
            bad.append(RowError(number, COLUMNS.get(key, ""), reason))

        cell = cells_of(line)
        application_id = None
        ticket = cell_text(cell["ticket"]).replace(" ", "").upper()
        raw_id = cell["id_number"]
        id_number = ""
        if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool):
            fail("id_number", "身份证号被存为数字格式（末位可能已丢失），请将该列设为文本格式后重新填写")
        else:
            id_number = cell_text(raw_id).replace(" ", "").upper()
        if ticket:
            application_id = by_ticket.get(ticket)
            if application_id is None:
                fail("ticket", f"准考证号“{ticket}”不是本场次考生的有效准考证号")
        if id_number:
            from_id = by_id_number.get(id_number)
            if from_id is None:
                fail("id_number", "该身份证号不是本场次的考生")
            elif application_id is not None and from_id != application_id:
                fail("id_number", "身份证号与准考证号不是同一名考生")
            application_id = application_id or from_id
        if not ticket and not id_number and not bad:
            fail("ticket", "准考证号和身份证号至少填写一项")

        name = cell_text(cell["name"])
        candidate = candidates.get(application_id) if application_id else None
        if not name:
            fail("name", "姓名不能为空")
        elif candidate is not None and candidate.name != name:
            fail("name", f"姓名与该考生（“{candidate.name}”）不一致，请核对")

        score_text = _score_text(cell["score"])
        absent_text = cell_text(cell["absent"])
        attendance, value = AStatus.PRESENT, None
        if score_text in ABSENT_WORDS - {"是", "Y", "y"}:
            attendance, score_text = AStatus.ABSENT, ""
        elif score_text in CANCELLED_WORDS:
            attendance, score_text = AStatus.CANCELLED, ""
        if absent_text in ABSENT_WORDS:
            attendance = AStatus.ABSENT if attendance == AStatus.PRESENT else attendance
        elif absent_text in CANCELLED_WORDS:
            attendance = AStatus.CANCELLED
        elif absent_text not in NOT_ABSENT_WORDS:
            fail("absent", f"缺考列填写“{absent_text}”无法识别：缺考的填“是”，否则留空")
        if attendance == AStatus.PRESENT:
            if not score_text:
                fail("score", "成绩不能为空（缺考的在“缺考”列填“是”）")
            else:
                try:
                    value = score_parse(score_text, full_marks=full, label="成绩")
                except ValidationError as exc:
                    fail("score", exc.messages[0].removeprefix("成绩："))
        elif score_text:
            fail("score", "已标为缺考或成绩取消的考生不能同时填写成绩")

        if application_id is not None and candidate is not None:
            earlier = seen.get(application_id)
            if earlier is not None:
                fail("ticket" if ticket else "id_number", f"与第{earlier}行是同一名考生")
            else:
                seen[application_id] = number
            was = recorded.get(application_id)
            if was and not bad:
                if was != AStatus.PRESENT and attendance == AStatus.PRESENT:
                    fail("score", f"到考情况已登记为“{dict(AStatus.choices)[was]}”，本行却有成绩，请核对")
                elif was == AStatus.PRESENT and attendance != AStatus.PRESENT:
                    fail("absent", "到考情况已登记为“到考”，本行却标为缺考或成绩取消，请核对")

        if bad:
            report.errors.extend(bad)
            continue
        existing = scores.get(application_id)
        if existing is not None:
            if existing.source != SubjectScore.Source.IMPORT:
                report.errors.append(RowError(number, "", f"该考生本场次已有{existing.get_source_display()}的成绩"))
            elif existing.score == value and existing.attendance == attendance:
                report.existing += 1
            else:
                shown = existing.score if existing.score is not None else existing.get_attendance_display()
                report.errors.append(RowError(number, COLUMNS["score"], f"该考生已导入成绩{shown}，与本行不一致；"
                                                                        f"已导入的成绩经复核不一致后由录入人更正"))
            continue
        report.rows.append(TheoryRow(row=number, application_id=application_id, name=name, score=value,
                                     attendance=attendance))
    report.errors.sort(key=lambda e: e.row)
    return report


# --- import ----------------------------------------------------------------------------------------

@transaction.atomic
def theory_commit(*, session: Session, path: Path, by: User, file_name: str = "") -> TheoryReport:
    """Validate again and create every new score (and its attendance where none was recorded): all or none."""
    theory_import_require(by=by, session=session)
    # Imports into one session run one at a time, so two confirmations of one file cannot both create.
    session = Session.objects.select_for_update(of=("self",)).select_related("plan", "subject").get(pk=session.pk)
    report = theory_validate(session=session, path=path)
    if report.errors:
        raise ImportRefused(f"文件中有{len(report.faulty_rows)}行存在错误，未导入任何成绩；请修改后重新上传")
    theory_rows_create(session=session, report=report, by=by, file_name=file_name)
    return report


@transaction.atomic
def theory_rows_create(*, session: Session, report: TheoryReport, by: User, file_name: str) -> None:
    """Create the report's new scores (and their attendance where none was recorded) and the audit event.

    For a report without errors that was validated under the session's lock (`select_for_update`), in the
    same transaction: the caller checked the permission (`theory_import_require`).
    """
    now = timezone.now()
    SubjectScore.objects.bulk_create([
        SubjectScore(application_id=row.application_id, session=session, subject=session.subject, score=row.score,
                     attendance=row.attendance, source=SubjectScore.Source.IMPORT, entered_by=by, entered_at=now)
        for row in report.rows])
    ids = [r.application_id for r in report.rows]
    recorded = set(Attendance.objects.filter(session=session, application_id__in=ids)
                   .values_list("application_id", flat=True))
    Attendance.objects.bulk_create([
        Attendance(session=session, application_id=row.application_id, status=row.attendance, recorded_by=by,
                   recorded_at=now, note="成绩导入")
        for row in report.rows if row.application_id not in recorded])
    audit_record(action=ScoringAction.THEORY_IMPORT, actor=by, target=session,
                 organisation_id=session.plan.institution_id,
                 after={"file": file_name, "rows": report.total, "new": report.new, "existing": report.existing,
                        "absent": report.absent,
                        "scores": {str(r.application_id): (f"{r.score:.2f}" if r.score is not None else r.attendance)
                                   for r in report.rows}})
