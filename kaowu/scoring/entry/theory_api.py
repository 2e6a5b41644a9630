"""Theory scores sent by an institution's own marking tool through the API (成绩接口), checked exactly as the
Excel import checks them.

The request's rows go, as the import's rows, through the import's own checks
(`entry.imports.theory_lines_validate`) and all-or-none creation (`theory_rows_create`: attendance, audit
event, source "import" waiting for the second check, R-CQ-11), under the session's lock: identity by
admission ticket, name, range and decimals, duplicates, agreement with the attendance on record, and "the
same score again is 已存在, a different one an error" (so a repeated call creates nothing). Nothing is
written to disk on the way. What the import's columns cannot say is handled here: an application id
(given as the candidate's ticket, or ID number when there is none), absent as a flag, a row without either
identifier or without a score; and the import's errors (row and column) are translated back to the
request's rows (index from 0, field name).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from kaowu.accounts.models import User
from kaowu.accounts.roles import is_institution_staff_of
from kaowu.core.errors import PermissionRefused, RuleViolation
from kaowu.plans.models import Session
from kaowu.registration.models import Application
from kaowu.scoring.entry.imports import (
    COLUMNS,
    MAX_ROWS,
    TheoryReport,
    theory_import_require,
    theory_lines_validate,
    theory_rows_create,
)
from kaowu.scoring.entry.selectors import session_candidates, session_is_assessed

SOURCE_LABEL = "成绩接口"
# The import's columns as the API's fields. 身份证号 is only ever given for a row that named its
# candidate by application id, so an error in that column is about the application id.
FIELD_OF_COLUMN = {COLUMNS["ticket"]: "ticket_number", COLUMNS["id_number"]: "application_id",
                   COLUMNS["name"]: "name", COLUMNS["score"]: "score", COLUMNS["absent"]: "absent", "": ""}
LINE_KEYS = ("ticket", "id_number", "name", "score", "absent")  # the cells of each row handed to the import
POSITIONS = {key: index for index, key in enumerate(LINE_KEYS)}
ROW_NUMBER = re.compile(r"第(\d+)行")  # the import names another row so: here its number is the request's index
UNKNOWN_NAME = "—"  # a row whose ticket is not the session's: the ticket's error is the one that matters


@dataclass(frozen=True, slots=True)
class RowProblem:
    index: int  # the row's position in the request, from 0
    field: str  # the request's field, "" for the row as a whole
    message: str

    def as_json(self) -> dict:
        return {"index": self.index, "field": self.field, "message": self.message}


class TheoryRowsRefused(Exception):
    """Some rows are wrong: nothing was recorded. `problems` says which and why, row by row."""

    def __init__(self, problems: list[RowProblem]):
        rows = len({p.index for p in problems})
        self.message = f"{rows}行存在错误，未登记任何成绩；请修改后重新提交"
        super().__init__(self.message)
        self.problems = problems


def _cell(value) -> str:
    return "" if value is None else str(value).strip()


def _translated(message: str) -> str:
    """'与第5行是同一名考生' names a row by its number, here the request's index: say it as the request does."""
    def swap(match: re.Match) -> str:
        index = int(match.group(1))
        return f"第{index + 1}条（index {index}）"
    return ROW_NUMBER.sub(swap, message)


@transaction.atomic
def theory_scores_record(*, session: Session, rows: Sequence[Mapping], by: User) -> TheoryReport:
    """Record the session's theory scores from `rows` ({application_id or ticket_number, score, or absent:
    True, optionally name}): every new one or none. Rows identical to scores already recorded count as
    existing and create nothing. Refused (R-CQ-11) for a session scored by an assessor group; raises
    TheoryRowsRefused with every row's problems."""
    if not is_institution_staff_of(by, session.plan.institution_id):
        raise PermissionRefused("只有本计划所属机构的管理员或经办人可以登记理论成绩")
    if session_is_assessed(session):
        raise RuleViolation("R-CQ-11", "本场次由考评组评分，成绩以考评员签名的评分表为准，不能通过接口登记")
    theory_import_require(by=by, session=session)
    if not rows:
        raise ValidationError("没有成绩：请至少提交一行")
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"行数过多（{len(rows)}行），每次最多{MAX_ROWS}行")
    # One call into a session at a time, as one import: the check and the creation see the same scores.
    session = Session.objects.select_for_update(of=("self",)).select_related("plan", "subject").get(pk=session.pk)

    candidates = session_candidates(session)
    by_application = {c.application_id: c for c in candidates}
    by_ticket = {c.ticket: c for c in candidates if c.ticket}
    unticketed = [c.application_id for c in candidates if not c.ticket]
    id_numbers = dict(Application.objects.filter(pk__in=unticketed).values_list("pk", "candidate__id_number"))

    problems: list[RowProblem] = []
    lines: list[tuple[int, list[str]]] = []  # (the request's index, the cells in LINE_KEYS order), all text
    for index, row in enumerate(rows):
        bad = len(problems)
        application_id = row.get("application_id")
        ticket = _cell(row.get("ticket_number")).replace(" ", "").upper()
        candidate = None
        if application_id is not None:
            candidate = by_application.get(application_id)
            if candidate is None:
                problems.append(RowProblem(index, "application_id", f"报名编号{application_id}不是本场次的考生"))
            elif ticket and candidate.ticket != ticket:
                problems.append(RowProblem(index, "ticket_number",
                                           f"准考证号“{ticket}”与报名编号{application_id}不是同一名考生"))
        elif not ticket:
            problems.append(RowProblem(index, "application_id", "报名编号和准考证号至少填写一项"))
        score, absent = row.get("score"), bool(row.get("absent"))
        if not absent and _cell(score) == "":
            problems.append(RowProblem(index, "score", "成绩不能为空（缺考的填写 absent: true）"))
        if len(problems) > bad:
            continue
        candidate = candidate or by_ticket.get(ticket)
        if ticket or candidate.ticket:
            identity = [ticket or candidate.ticket, ""]
        else:
            identity = ["", id_numbers[candidate.application_id]]
        name = _cell(row.get("name")) or (candidate.name if candidate else UNKNOWN_NAME)
        lines.append((index, [*identity, name, _cell(score), "是" if absent else ""]))

    report = TheoryReport(total=len(rows))
    if lines:
        report = theory_lines_validate(session=session, positions=POSITIONS, lines=lines)
        problems += [RowProblem(e.row, FIELD_OF_COLUMN.get(e.column, ""), _translated(e.reason))
                     for e in report.errors]
        if problems:
            raise TheoryRowsRefused(sorted(problems, key=lambda p: p.index))
        if report.rows:
            theory_rows_create(session=session, report=report, by=by, file_name=SOURCE_LABEL)
    if problems:
        raise TheoryRowsRefused(sorted(problems, key=lambda p: p.index))
    return report
