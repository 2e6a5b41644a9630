"""Forms of the score entry pages. The grids (attendance, a sheet, the blind check) have one input per
candidate (and item), named `a_<application>`, `s_<application>_<part>`, `c_<score>` / `x_<score>`; these
helpers read them back into what the services take, and lay the grids out for the templates."""

from django import forms

from kaowu.core.forms import bootstrap
from kaowu.scoring.entry.selectors import CandidateRow, CheckRow, Part, SheetPage
from kaowu.scoring.models import Attendance

ATTENDANCE_CHOICES = Attendance.Status.choices


def attendance_parse(data, candidates: list[CandidateRow]) -> dict[int, str]:
    """{application: status} of the radios that were set (an unset row stays unrecorded)."""
    out = {}
    for row in candidates:
        value = data.get(f"a_{row.application_id}", "")
        if value:
            out[row.application_id] = value
    return out


def attendance_grid(candidates: list[CandidateRow], proposed: dict[int, str] | None = None,
                    typed: dict[int, str] | None = None) -> list[dict]:
    """Rows of the attendance form: what was typed (after a refusal), else what is on record, else what the
    check-in proposes."""
    rows = []
    for row in candidates:
        chosen = (typed or {}).get(row.application_id) or row.attendance or (proposed or {}).get(row.application_id,
                                                                                                  "")
        rows.append({"c": row, "name": f"a_{row.application_id}", "chosen": chosen,
                     "proposed": bool(proposed) and not row.attendance and row.application_id in proposed})
    return rows


def sheet_parse(data, page: SheetPage) -> dict[tuple[int, int], str]:
    """{(application, part): text} of every input of the sheet (blank clears a score)."""
    out = {}
    for row in page.candidates:
        if not row.scored:
            continue
        for part in page.parts:
            key = f"s_{row.application_id}_{part.order}"
            if key in data:
                out[(row.application_id, part.order)] = data.get(key, "").strip()
    return out


def sheet_grid(page: SheetPage, typed: dict[tuple[int, int], str] | None = None) -> list[dict]:
    """Rows of the sheet: the candidate and one cell per item with the value to show."""
    rows = []
    for row in page.candidates:
        cells = []
        for part in page.parts:
            key = (row.application_id, part.order)
            if typed is not None and key in typed:
                value = typed[key]
            else:
                value = page.scores.get(key)
                value = "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")
            cells.append({"name": f"s_{row.application_id}_{part.order}", "value": value, "part": part})
        rows.append({"c": row, "cells": cells})
    return rows


def check_parse(data, rows: list[CheckRow]) -> dict[int, str | None]:
    """{score id: typed score, or None for 缺考/成绩取消} of the rows the checker filled."""
    out = {}
    for row in rows:
        if row.state != "todo":
            continue
        pk = row.score.pk
        typed = data.get(f"c_{pk}", "").strip()
        if data.get(f"x_{pk}"):
            out[pk] = None
        elif typed:
            out[pk] = typed
    return out


def part_label(part: Part) -> str:
    return f"{part.name}（{part.full_marks.normalize():f}分）"


class SettleForm(forms.Form):
    score = forms.CharField(label="裁定成绩", max_length=10, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    reason = forms.CharField(label="裁定理由", max_length=300, widget=forms.TextInput(
        attrs={"placeholder": "如：组内复议，按评分细则第3项扣分"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ResolveForm(forms.Form):
    score = forms.CharField(label="更正后成绩", max_length=10, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                            help_text="原成绩无误的，填写原成绩；缺考、成绩取消的留空")
    reason = forms.CharField(label="更正说明", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class SummaryForm(forms.Form):
    photo = forms.FileField(label="签名汇总表照片", widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
                            help_text="全部考评员签字确认的评分记录汇总表照片（JPG、PNG 或 WebP，最大10 MB，R-FJ-10）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel或CSV文件", widget=forms.ClearableFileInput(
        attrs={"accept": ".xlsx,.xls,.csv", "aria-describedby": "import-file-help"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
