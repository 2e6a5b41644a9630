"""Bulk import of candidates and draft applications from an Excel or CSV file (批量导入报名).

The flow: the institution downloads `import_template_build` (drop-downs for the code lists), fills it
and uploads it; `import_upload` checks the bytes and keeps the file under MEDIA_ROOT/imports/
with a signed, database-free token (so any app server can pick it up, given a shared MEDIA_ROOT; the
file and sheet handling shared with the other imports is in kaowu.core.excel, which also takes the files
offices make instead: CSV in UTF-8 or GBK, a title row above the header, a renamed data sheet, and the
other titles of `SYNONYMS`); `import_validate` reads it and reports every faulty cell by its spreadsheet row number
and column in Chinese; `import_commit` validates again inside one transaction and creates all rows
or none. Rows whose candidate already has an application for the same item of the plan count as
"已存在" (not errors), so uploading the same file twice creates nothing new.

The optional 申报资历 columns (学历, 开始从事本职业时间, the highest relevant certificate, 学徒期满;
see `imports.profile`) become the application's declared profile in the eligibility engine's format.
Where the item's occupation has rules, each new row's profile is run through the engine and a
shortfall is reported as a warning, not an error: the clerk may import a class whose documents
come later. Imported applications are drafts either way; eligibility (R-LN-7) is evaluated again
when the application is submitted. The template itself is built in `imports.template`.
An existing candidate (same ID type and number) is reused as registered: the file does not
overwrite the person's data, and a different 姓名 is reported as an error.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.core import signing
from django.db import IntegrityError, transaction
from stdnum.cn import ric

from kaowu.accounts.models import User
from kaowu.accounts.roles import require_institution_staff_of
from kaowu.catalog.eligibility.rules import LEVEL_NAMES
from kaowu.core.excel import ImportRefused, RowError, row_reader, sheet_rows_read, upload_keep, upload_token_load
from kaowu.core.excel import import_file_path as import_file_path  # re-exported, as are ImportRefused, RowError
from kaowu.core.ids import IdCheck, id_check, region_code_ever_existed
from kaowu.core.services import audit_record
from kaowu.plans.models import Plan, PlanItem
from kaowu.registration.audit import RegistrationAction
from kaowu.registration.imports.profile import (
    PROFILE_KEYS,
    eligibility_warning,
    level_parse,
    profile_present,
    profile_read,
)
from kaowu.registration.imports.profile import cell_date as _date
from kaowu.registration.imports.profile import cell_text as _text
from kaowu.registration.models import Application, Candidate, EducationLevel, Gender, IdType

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
BACKGROUND_ROWS = 2_000  # above this, validation and import run as a background task
PROGRESS_EVERY = 500
ERRORS_KEPT = 1_000  # errors (and warnings) kept in a background job's result (the counts are always complete)
TOKEN_SALT = "kaowu.registration.import"
TOKEN_MAX_AGE = 24 * 60 * 60  # "导入已过期（超过24小时）" says so
STORAGE_DIR = "imports"
SHEET_NAME = "报名信息"
OPEN_PLAN = {Plan.Status.REGISTRATION_OPEN}


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    required: bool
    help: str
    profile: bool = False  # one of the optional 申报资历 columns


PROFILE = "申报资历"


COLUMNS: list[Column] = [
    Column("name", "姓名", True, "与证件一致，不超过40字"),
    Column("id_type", "证件类型", True, "从下拉列表选择；留空按居民身份证处理"),
    Column("id_number", "证件号码", True, "请以文本格式填写（模板已设为文本），居民身份证为18位，末位可为X"),
    Column("gender", "性别", False, "男/女；居民身份证留空时按证件号码自动填写，填写的须与证件号码一致"),
    Column("birth_date", "出生日期", False, "如 1990-01-31；居民身份证留空时按证件号码自动填写，填写的须一致"),
    Column("education", "文化程度", True, "从下拉列表选择"),
    Column("phone", "手机号", True, "以1开头的11位数字"),
    Column("address", "通讯地址", True, "不超过200字"),
    Column("postal_code", "邮政编码", False, "6位数字，可留空"),
    Column("employer", "工作单位", False, "不超过120字，可留空"),
    Column("item", "报考项目", True, "从下拉列表选择本计划的考核项目，如“育婴员 四级/中级工”"),
    # 申报资历 (optional): one education entry, one work period, the highest relevant certificate.
    Column("school", "学历层次", False, "最高相关学历，从下拉列表选择（技工学校、中等职业学校……大学本科、硕士研究生）；"
           "不申报学历条件的可留空", True),
    Column("major", "所学专业", False, "与毕业证书一致，如“学前教育”；系统按职业标准的专业目录判断是否本专业或相关专业",
           True),
    Column("study_status", "学习状态", False, "毕业、应届（在校应届毕业生）或在校；留空按毕业处理", True),
    Column("graduated_on", "毕业时间", False, "如 2015-07-01，须填写到日；学习状态为毕业时必填", True),
    Column("work_start", "开始从事本职业时间", False, "如 2012-03-01，须填写到日；按一直从事至报名截止日计算工作年限",
           True),
    Column("work_occupation", "从事职业", False, "留空即报考的职业；从事相关职业的填写该职业名称，如“保育员”", True),
    Column("cert_occupation", "证书职业", False, "已取得的最高相关证书的职业（工种）；留空即报考的职业", True),
    Column("cert_level", "证书等级", False, "从下拉列表选择，或填1至5（1为一级/高级技师，5为五级/初级工）；"
           "填写证书时必填（预备技师证书除外）", True),
    Column("cert_kind", "证书类别", False, "技能等级、职业资格或预备技师；留空按技能等级处理", True),
    Column("cert_issued_on", "发证日期", False, "如 2016-06-01，须填写到日；填写证书时必填", True),
    Column("apprenticeship", "学徒期满", False, "本职业或相关职业学徒期满的填“是”，否则留空或填“否”", True),
]
TITLES = {c.key: c.title for c in COLUMNS}
ITEM_PARTS = {"报考职业": "item_occupation", "申报等级": "item_level"}  # not in the template: see SYNONYMS
# The other titles offices give the columns (compared as core.excel.header_key does: spaces, line breaks,
# full-width brackets and required-marks do not count).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("考生姓名", "学员姓名", "报名人姓名"),
    "id_type": ("证件种类", "身份证件类型"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号", "身份证件号码"),
    "birth_date": ("出生年月", "出生年月日", "出生时间", "生日"),
    "education": ("学历", "最高学历", "文化水平"),
    "phone": ("手机号码", "联系电话", "手机", "电话", "联系方式", "移动电话"),
    "address": ("地址", "联系地址", "家庭住址", "通信地址", "家庭地址"),
    "postal_code": ("邮编",),
    "employer": ("单位", "单位名称", "所在单位", "工作单位名称"),
    "item": ("考核项目", "报考职业（工种）及等级", "申报项目", "报考职业及等级"),
    # Instead of 报考项目, an office's list may give the occupation (or special item) and the level apart.
    "item_occupation": ("报考职业（工种）", "申报职业", "申报职业（工种）", "职业（工种）", "报考工种", "职业",
                        "职业名称", "专项职业能力考核项目"),
    "item_level": ("等级", "报考等级", "申报级别", "报考级别", "级别", "职业等级"),
    "work_start": ("参加工作时间", "从事本职业时间"),
    "cert_issued_on": ("证书发证日期", "发证时间"),
}
ID_TYPES = {label: value for value, label in IdType.choices}
GENDERS = {value for value, _label in Gender.choices}
EDUCATION = {label: value for value, label in EducationLevel.choices} | {
    "高中": EducationLevel.SENIOR, "中专": EducationLevel.SENIOR, "技校": EducationLevel.SENIOR,
    "中专/技校": EducationLevel.SENIOR, "硕士": EducationLevel.MASTER, "博士": EducationLevel.DOCTOR,
}
PHONE_RE = re.compile(r"^1\d{10}$")
POSTAL_RE = re.compile(r"^\d{6}$")
MAX_LENGTHS = {"name": 40, "address": 200, "employer": 120, "id_number": 32}

Progress = Callable[[int, int, str], None]


@dataclass(slots=True)
class ImportRow:
    row: int
    name: str
    id_type: str
    id_number: str
    gender: str
    birth_date: date
    education: str
    phone: str
    address: str
    postal_code: str
    employer: str
    item_id: int
    profile: dict  # the declared profile in the engine's format, {} when the row declares none


@dataclass
class ImportReport:
    total: int = 0  # data rows in the file
    existing: int = 0  # already registered for the same item: skipped
    errors: list[RowError] = field(default_factory=list)
    # New rows whose declared profile does not meet the level's conditions: imported all the same.
    warnings: list[RowError] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)  # the rows that would be created
    candidates_new: int = 0  # filled in by import_commit

    @property
    def new(self) -> int:
        return len(self.rows)

    @property
    def faulty_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def as_json(self, *, errors_limit: int | None = ERRORS_KEPT) -> dict:
        errors = self.errors if errors_limit is None else self.errors[:errors_limit]
        warnings = self.warnings if errors_limit is None else self.warnings[:errors_limit]
        return {"total": self.total, "new": self.new, "existing": self.existing,
                "faulty": len(self.faulty_rows), "error_count": len(self.errors),
                "errors": [e.as_json() for e in errors], "candidates_new": self.candidates_new,
                "with_profile": sum(1 for row in self.rows if row.profile),
                "warning_count": len(self.warnings), "warnings": [w.as_json() for w in warnings]}


# --- permissions and the stored file -----------------------------------------------------------

def import_require_staff(*, by: User, plan: Plan) -> None:
    require_institution_staff_of(by, plan.institution_id, "只有本机构的管理员或经办人可以为本机构的计划批量导入报名")


def import_upload(*, upload, plan: Plan, by: User) -> tuple[str, str]:
    """Keep an uploaded file and check its shape; returns (token, task id of the background check or "").

    A file with more than BACKGROUND_ROWS rows is checked by a background task; a refused file is deleted.
    """
    from kaowu.core.jobs import job_start
    from kaowu.registration.imports.tasks import import_applications_validate

    import_require_staff(by=by, plan=plan)
    name, sha256, (_positions, lines) = upload_keep(upload, storage_dir=STORAGE_DIR, max_bytes=MAX_BYTES,
                                                    read=sheet_read)
    task_id = ""
    if len(lines) > BACKGROUND_ROWS:
        job = job_start(task=import_applications_validate, title=f"校验导入文件（{plan.name}）", owner=by,
                        total=len(lines), plan_id=plan.pk, user_id=by.pk, file_name=name)
        task_id = job.task_id
    token = import_token_make(plan=plan, by=by, file_name=name, sha256=sha256, task_id=task_id, rows=len(lines))
    return token, task_id


def import_token_make(*, plan: Plan, by: User, file_name: str, sha256: str = "", task_id: str = "",
                      rows: int = 0) -> str:
    data = {"f": file_name, "p": plan.pk, "u": by.pk, "s": sha256[:16], "t": task_id, "n": rows}
    return signing.dumps(data, salt=TOKEN_SALT, compress=True)


def import_token_read(token: str, *, by: User) -> dict:
    """The token's data if it is genuine, recent and the user's own; ImportRefused otherwise."""
    return upload_token_load(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE, storage_dir=STORAGE_DIR,
                             expect={"u": by.pk})


# --- reading -----------------------------------------------------------------------------------

def sheet_read(path: Path) -> tuple[dict[str, int], list[tuple[int, list]]]:
    """The column positions and the non-empty data rows (row number, cells) of the data sheet (or the CSV)."""
    return sheet_rows_read(path, sheet_name=SHEET_NAME, columns={c.title: c.key for c in COLUMNS} | ITEM_PARTS,
                           required={c.title: (c.key, "item_occupation") if c.key == "item" else (c.key,)
                                     for c in COLUMNS if c.required}, synonyms=SYNONYMS,
                           template_label="请使用导入模板", row_hint="一名考生", max_rows=MAX_ROWS)


def item_labels(plan: Plan) -> dict[str, PlanItem]:
    """The drop-down text of each item of the plan ("育婴员 四级/中级工", or the special item's name)."""
    items = plan.items.select_related("occupation", "special_item").order_by("pk")
    return {str(item): item for item in items}


def _normal(label: str) -> str:
    return re.sub(r"\s+", " ", label.replace("\u3000", " ")).strip()


def _item_label(occupation: str, level_cell, fail: Callable[[str, str], None]) -> str:
    """The 报考项目 of a row that gives the occupation and the level apart: "育婴员" and "四级" (or 4, 中级工,
    四级/中级工) make "育婴员 四级/中级工"; a special item has no level. "" after a faulty level."""
    level_text = _text(level_cell)
    if not level_text:
        return _normal(occupation)
    level = level_parse(level_cell)
    if level is None:
        fail("item", f"申报等级“{level_text}”无效，应为一级至五级（如“四级”“四级/中级工”或4）")
        return ""
    return _normal(f"{occupation} {LEVEL_NAMES[level]}")


# --- validation --------------------------------------------------------------------------------

# The region look-up reads python-stdnum's code table: cached per code for 10,000-row files.
_region_valid = lru_cache(maxsize=4096)(region_code_ever_existed)


def _resident_check(number: str, today: date) -> IdCheck:
    """id_check, with its slow region look-up cached per code for 10,000-row files.

    A number that fails any check goes to id_check itself, so the reasons are always its own.
    """
    if len(number) == 18 and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X"):
        try:
            birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            birth = None
        if (birth is not None and date(1900, 1, 1) <= birth <= today and ric.calc_check_digit(number) == number[17]
                and _region_valid(number[:6])):
            return IdCheck(valid=True, birth_date=birth, gender="男" if int(number[16]) % 2 else "女",
                           region=number[:6])
    return id_check(number, today=today)


def _chunks(values: list, size: int = 900) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def import_validate(*, plan: Plan, path: Path, progress: Progress | None = None,
                    today: date | None = None) -> ImportReport:
    """Read the file and check every row; nothing is written."""
    today = today or date.today()
    if plan.status not in OPEN_PLAN:
        raise ImportRefused(f"该计划当前为“{plan.get_status_display()}”，不接受报名")
    positions, lines = sheet_read(path)
    plan_items = item_labels(plan)
    items = {_normal(label): item.pk for label, item in plan_items.items()}
    # The default occupation of a row's work period and certificate: the item's occupation (or special item).
    item_occupation = {item.pk: item.occupation.name if item.occupation_id else str(item.special_item)
                       for item in plan_items.values()}
    with_profile = any(key in positions for key in PROFILE_KEYS)
    report = ImportReport(total=len(lines))
    errors = report.errors
    parsed: list[ImportRow] = []
    seen_item: dict[tuple[str, str, int], int] = {}
    seen_person: dict[tuple[str, str], tuple[int, str]] = {}
    cells_of = row_reader(positions, [*TITLES, *ITEM_PARTS.values()])

    for done, (number, line) in enumerate(lines, start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, len(lines), f"正在校验第{done}行")
        bad: list[RowError] = []

        def fail(key: str, reason: str, number=number, bad=bad) -> None:
            bad.append(RowError(number, TITLES.get(key, ""), reason))

        cell = cells_of(line)
        name = _text(cell["name"])
        if not name:
            fail("name", "姓名不能为空")
        elif len(name) > MAX_LENGTHS["name"]:
            fail("name", f"姓名过长（{len(name)}字，最多{MAX_LENGTHS['name']}字）")

        id_type_label = _text(cell["id_type"]) or IdType.RESIDENT.label
        id_type = ID_TYPES.get(id_type_label)
        if id_type is None:
            fail("id_type", f"证件类型“{id_type_label}”不在代码表中，应为：{'、'.join(ID_TYPES)}")

        raw_id = cell["id_number"]
        id_number = ""
        birth_date = gender = None
        if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool):
            fail("id_number", "证件号码被存为数字格式（末位可能已丢失），请将该列设为文本格式后重新填写")
        else:
            id_number = _text(raw_id).replace(" ", "").upper()
            if id_type == IdType.RESIDENT:
                check = _resident_check(id_number, today)
                if check.valid:
                    birth_date, gender = check.birth_date, check.gender
                else:
                    fail("id_number", check.error)
            elif not id_number:
                fail("id_number", "证件号码不能为空")
            elif len(id_number) > MAX_LENGTHS["id_number"]:
                fail("id_number", f"证件号码过长（最多{MAX_LENGTHS['id_number']}位）")

        given_gender = _text(cell["gender"])
        if given_gender and given_gender not in GENDERS:
            fail("gender", f"性别“{given_gender}”应为“男”或“女”")
        elif gender and given_gender and given_gender != gender:
            fail("gender", f"性别与身份证号不符：身份证号显示为{gender}")
        elif not gender:
            gender = given_gender or None
            if gender is None and id_type not in (None, IdType.RESIDENT):
                fail("gender", "性别不能为空")

        try:
            given_birth = _date(cell["birth_date"])
        except (ValueError, OverflowError):
            fail("birth_date", f"出生日期“{_text(cell['birth_date'])}”不是有效日期")
        else:
            if birth_date and given_birth and given_birth != birth_date:
                fail("birth_date", f"出生日期与身份证号不符：身份证号显示为{birth_date:%Y-%m-%d}")
            elif not birth_date:
                birth_date = given_birth
                if birth_date is None and id_type not in (None, IdType.RESIDENT):
                    fail("birth_date", "出生日期不能为空")
                elif birth_date is not None and not (date(1900, 1, 1) <= birth_date <= today):
                    fail("birth_date", f"出生日期{birth_date:%Y-%m-%d}不可能")

        education_label = _text(cell["education"])
        education = EDUCATION.get(education_label)
        if not education_label:
            fail("education", "文化程度不能为空")
        elif education is None:
            fail("education", f"文化程度“{education_label}”不在代码表中，应为："
                              f"{'、'.join(label for _v, label in EducationLevel.choices)}")

        phone = _text(cell["phone"]).replace(" ", "").replace("-", "")
        if not phone:
            fail("phone", "手机号不能为空")
        elif not PHONE_RE.match(phone):
            fail("phone", f"手机号“{phone}”应为以1开头的11位数字")

        address = _text(cell["address"])
        if not address:
            fail("address", "通讯地址不能为空")
        elif len(address) > MAX_LENGTHS["address"]:
            fail("address", f"通讯地址过长（最多{MAX_LENGTHS['address']}字）")

        postal_code = _text(cell["postal_code"])
        if postal_code.isdigit() and len(postal_code) < 6 and isinstance(cell["postal_code"], (int, float)):
            postal_code = postal_code.zfill(6)  # a number cell drops leading zeros
        if postal_code and not POSTAL_RE.match(postal_code):
            fail("postal_code", f"邮政编码“{postal_code}”应为6位数字")

        employer = _text(cell["employer"])
        if len(employer) > MAX_LENGTHS["employer"]:
            fail("employer", f"工作单位过长（最多{MAX_LENGTHS['employer']}字）")

        item_label = _normal(_text(cell["item"]))
        if not item_label and _text(cell["item_occupation"]):
            item_label = _item_label(_text(cell["item_occupation"]), cell["item_level"], fail)
        item_id = items.get(item_label)
        if not item_label:
            if not any(e.column == TITLES["item"] for e in bad):  # a faulty 申报等级 is reported already
                fail("item", "报考项目不能为空")
        elif item_id is None:
            fail("item", f"报考项目“{item_label}”不是本计划的考核项目，应为：{'、'.join(items)}")

        if id_type and id_number and not any(e.column == TITLES["id_number"] for e in bad):
            person = (id_type, id_number)
            first = seen_person.get(person)
            if first is None:
                seen_person[person] = (number, name)
            elif name and first[1] != name:
                fail("name", f"与第{first[0]}行证件号码相同但姓名不同（“{first[1]}”）")
            if item_id is not None:
                earlier = seen_item.get((id_type, id_number, item_id))
                if earlier is not None:
                    fail("id_number", f"与第{earlier}行重复：同一证件号码报考同一项目（第{earlier}行、第{number}行）")
                else:
                    seen_item[(id_type, id_number, item_id)] = number

        profile = {}
        if with_profile and profile_present(cell):
            profile = profile_read(cell, fail, occupation=item_occupation.get(item_id, ""), birth_date=birth_date,
                                   today=today)

        if bad:
            errors.extend(bad)
            continue
        parsed.append(ImportRow(number, name, id_type, id_number, gender, birth_date, education, phone, address,
                                postal_code, employer, item_id, profile))

    _against_database(plan=plan, report=report, parsed=parsed)
    _eligibility_check(plan=plan, report=report, items=plan_items.values())
    if progress:
        progress(len(lines), len(lines), "校验完成")
    return report


def _against_database(*, plan: Plan, report: ImportReport, parsed: list[ImportRow]) -> None:
    """Sort the valid rows into new and already registered; a candidate on record under another name is an error."""
    known: dict[tuple[str, str], tuple[int, str]] = {}
    by_type: dict[str, list[str]] = {}
    for row in parsed:
        by_type.setdefault(row.id_type, []).append(row.id_number)
    for id_type, numbers in by_type.items():
        for chunk in _chunks(sorted(set(numbers))):
            for pk, number, name in Candidate.objects.filter(id_type=id_type, id_number__in=chunk).values_list(
                    "pk", "id_number", "name"):
                known[(id_type, number)] = (pk, name)
    applied: set[tuple[int, int]] = set()
    candidate_ids = sorted({pk for pk, _name in known.values()})
    for chunk in _chunks(candidate_ids):
        applied.update(Application.objects.filter(plan=plan, candidate_id__in=chunk)
                       .values_list("candidate_id", "item_id"))
    for row in parsed:
        on_record = known.get((row.id_type, row.id_number))
        if on_record is None:
            report.rows.append(row)
            continue
        pk, name = on_record
        if name != row.name:
            report.errors.append(RowError(row.row, TITLES["name"],
                                          f"该证件号码已登记为考生“{name}”，与本行姓名不一致，请核对"))
        elif (pk, row.item_id) in applied:
            report.existing += 1
        else:
            report.rows.append(row)
    report.errors.sort(key=lambda e: e.row)


def _eligibility_check(*, plan: Plan, report: ImportReport, items: Iterable[PlanItem]) -> None:
    """Warn about each new row whose declared profile meets no condition of its level (R-LN-7).

    Only rows that declare a profile, for an occupation that has rules, are checked: the others are
    checked when the application is submitted, as are these again.
    """
    ruled = {item.pk: (item.occupation.name, item.level) for item in items
             if item.occupation_id and item.occupation.eligibility_rules and item.level}
    for row in report.rows:
        target = ruled.get(row.item_id) if row.profile else None
        if target is None:
            continue
        reason = eligibility_warning(occupation=target[0], level=target[1], profile=row.profile,
                                     as_of=plan.registration_closes)
        if reason:
            report.warnings.append(RowError(row.row, "", reason))


# --- import ------------------------------------------------------------------------------------

@transaction.atomic
def import_commit(*, plan: Plan, path: Path, by: User, progress: Progress | None = None,
                  file_name: str = "") -> ImportReport:
    """Validate again and create the candidates and draft applications of every new row: all or none."""
    import_require_staff(by=by, plan=plan)
    # Imports into one plan run one at a time, so two confirmations of one file cannot both create.
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    report = import_validate(plan=plan, path=path)
    if report.errors:
        raise ImportRefused(f"文件中有{len(report.faulty_rows)}行存在错误，未导入任何记录；请修改后重新上传")
    known = {}
    by_type: dict[str, list[str]] = {}
    for row in report.rows:
        by_type.setdefault(row.id_type, []).append(row.id_number)
    for id_type, numbers in by_type.items():
        for chunk in _chunks(sorted(set(numbers))):
            known.update({(id_type, n): pk for pk, n in Candidate.objects.filter(
                id_type=id_type, id_number__in=chunk).values_list("pk", "id_number")})
    fresh: dict[tuple[str, str], Candidate] = {}
    for row in report.rows:
        key = (row.id_type, row.id_number)
        if key not in known and key not in fresh:
            fresh[key] = Candidate(name=row.name, gender=row.gender, birth_date=row.birth_date,
                                   education=row.education, id_type=row.id_type, id_number=row.id_number,
                                   address=row.address, postal_code=row.postal_code, phone=row.phone,
                                   employer=row.employer)
    try:
        with transaction.atomic():
            created = Candidate.objects.bulk_create(list(fresh.values()), batch_size=1000)
            known.update({(c.id_type, c.id_number): c.pk for c in created})
            if progress:
                progress(len(report.rows) // 2, len(report.rows), f"已登记考生{len(created)}人，正在创建报名")
            Application.objects.bulk_create(
                [Application(candidate_id=known[(row.id_type, row.id_number)], plan=plan, item_id=row.item_id,
                             profile=row.profile) for row in report.rows], batch_size=1000)
    except IntegrityError:
        raise ImportRefused("导入时其他人同时登记了部分考生或报名，未导入任何记录；请重新上传文件") from None
    report.candidates_new = len(created)
    audit_record(action=RegistrationAction.REGISTRATION_IMPORT, actor=by, target=plan, organisation=plan.institution,
                 after={"file": file_name, "rows": report.total, "applications_new": report.new,
                        "candidates_new": report.candidates_new, "existing": report.existing,
                        "with_profile": sum(1 for row in report.rows if row.profile),
                        "eligibility_warnings": len(report.warnings)})
    if progress:
        progress(len(report.rows), len(report.rows), "导入完成")
    return report
