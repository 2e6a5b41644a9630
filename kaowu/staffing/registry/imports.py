"""Bulk import of the staff registry from Excel or CSV (考务人员批量导入).

The same flow as the candidates' import (kaowu.registration.imports.services), with the file checks, storage,
token, sheet reading and refusal and row-error types of kaowu.core.excel and registration's cell
readers: the clerk downloads `registry_template_build` (in import_template), uploads it;
`registry_import_upload` checks the bytes and the header and keeps the file under MEDIA_ROOT/imports/staff/
behind a signed token; `registry_import_validate` reports every faulty cell by Excel row and column in
Chinese and writes nothing; `registry_import_commit`, once the clerk confirms, validates again inside one
transaction and writes every row or none.

One row is one person with at most one card; a person with several cards takes several rows with the
same 身份证号 (the later rows may leave the person's columns empty; what they fill must agree). A person
already in this registry (same 身份证号) is reused: their data is not overwritten, roles the file adds
are added, cards not yet recorded are added, and a card already recorded for them is "已存在". So the
same file uploaded twice creates nothing the second time. Imports run synchronously: MAX_ROWS rows take
a few seconds (tested with 3,000 rows).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core import signing
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from kaowu.accounts.models import Organisation, User
from kaowu.catalog.models import Occupation, SpecialItem
from kaowu.core.excel import (
    ImportRefused,
    RowError,
    import_file_path,
    row_reader,
    sheet_rows_read,
    upload_keep,
    upload_token_load,
)
from kaowu.core.ids import id_check
from kaowu.core.services import audit_record
from kaowu.registration.imports.profile import cell_date, cell_text, level_parse
from kaowu.staffing.audit import StaffingAction
from kaowu.staffing.models import AssessorCard, StaffMember
from kaowu.staffing.registry.services import (
    CENTER_KINDS,
    PHONE_RE,
    REGION_RE,
    ROLE_BY_LABEL,
    ROLE_FLAGS,
    ROLE_LABELS,
    registry_require_editor,
    roles_allowed,
)

__all__ = ["ImportRefused", "RowError", "import_file_path"]  # the views take them from here

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5_000
ERRORS_SHOWN = 1_000  # errors (and warnings) listed on the report page; the counts are always complete
TOKEN_SALT = "kaowu.staffing.registry_import"
TOKEN_MAX_AGE = 24 * 60 * 60  # "导入已过期（超过24小时）" says so
STORAGE_DIR = "imports/staff"
SHEET_NAME = "考务人员"
ROLE_SPLIT_RE = re.compile(r"[、,，;；/／\s]+")
LEVEL_SHORT = {5: "五级", 4: "四级", 3: "三级", 2: "二级", 1: "一级"}
OCCUPATION_CODE_RE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}(-\d{2})?$")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    required: bool  # the header must be present and the first row of a person must fill it
    help: str


COLUMNS: list[Column] = [
    Column("name", "姓名", True, "与身份证一致，不超过40字"),
    Column("id_number", "身份证号", True, "18位居民身份证号码，末位可为X；请以文本格式填写（模板已设为文本）"),
    Column("phone", "手机号", False, "以1开头的11位数字，可留空"),
    Column("employer", "工作单位", False, "不超过120字；与本系统内机构名称一致时自动关联该机构"),
    Column("region_code", "常住地行政区划代码", True, "6位数字，如 510104（成都市锦江区）"),
    Column("roles", "角色", True, "考评员、督导员、监考员、主考、试卷保管员中的一个或多个，用“、”分隔；"
           "中心登记考评员、督导员、试卷保管员，报名考核机构登记主考、监考员"),
    Column("item", "考评职业或专项", False, "考评员证对应的职业（工种）名称或编码（如 育婴员 或 4-10-01-02），"
           "或专项职业能力考核项目名称或编码"),
    Column("level", "等级", False, "职业的最高考评等级：一级至五级；专项项目留空"),
    Column("card_number", "考评员证号", False, "全省唯一；一人多证时每证一行，身份证号相同"),
    Column("valid_until", "证书有效期至", False, "如 2027-12-31；已过期的证书照样登记，但显示为已过期且不被派遣"),
]
TITLES = {c.key: c.title for c in COLUMNS}
# The other titles offices give the columns (compared as core.excel.header_key does).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("人员姓名", "考评员姓名"),
    "id_number": ("证件号码", "身份证号码", "公民身份号码", "身份证", "证件号"),
    "phone": ("手机号码", "联系电话", "手机", "电话", "联系方式"),
    "employer": ("单位", "单位名称", "所在单位"),
    "region_code": ("行政区划代码", "常住地代码", "区划代码", "常住地区划代码"),
    "roles": ("人员类别", "考务角色", "岗位"),
    "item": ("考评职业", "职业（工种）", "考评职业（工种）", "职业", "考评项目"),
    "level": ("考评等级", "申报等级", "级别"),
    "card_number": ("考评员证编号", "证书编号", "证书号", "考评员证书编号"),
    "valid_until": ("有效期至", "证书有效期", "有效期", "有效期限"),
}
CARD_KEYS = ("item", "level", "card_number", "valid_until")
PERSON_KEYS = ("phone", "employer", "region_code", "roles")
MAX_LENGTHS = {"name": 40, "employer": 120, "card_number": 40}


@dataclass
class CardRow:
    row: int
    occupation_id: int | None
    level: int | None
    special_item_id: int | None
    number: str
    valid_until: date


@dataclass
class PersonRow:
    row: int  # the first row of the person
    name: str
    id_number: str
    phone: str
    employer_name: str
    employer_id: int | None
    region_code: str
    roles: list[str]
    cards: list[CardRow] = field(default_factory=list)
    staff_id: int | None = None  # set when the person is already in the registry
    roles_added: list[str] = field(default_factory=list)


@dataclass
class RegistryImportReport:
    total: int = 0  # data rows
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    cards_existing: int = 0

    @property
    def people_new(self) -> int:
        return sum(1 for p in self.people if p.staff_id is None)

    @property
    def people_existing(self) -> int:
        return sum(1 for p in self.people if p.staff_id is not None)

    @property
    def people_updated(self) -> int:
        return sum(1 for p in self.people if p.staff_id is not None and p.roles_added)

    @property
    def cards_new(self) -> int:
        return sum(len(p.cards) for p in self.people)

    @property
    def faulty_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    @property
    def changes(self) -> int:
        return self.people_new + self.people_updated + self.cards_new

    def as_json(self, *, limit: int = ERRORS_SHOWN) -> dict:
        return {"total": self.total, "people_new": self.people_new, "people_existing": self.people_existing,
                "people_updated": self.people_updated, "cards_new": self.cards_new,
                "cards_existing": self.cards_existing, "faulty": len(self.faulty_rows),
                "error_count": len(self.errors), "errors": [e.as_json() for e in self.errors[:limit]],
                "warning_count": len(self.warnings), "warnings": [w.as_json() for w in self.warnings[:limit]],
                "changes": self.changes}


# --- the stored file ---------------------------------------------------------------------------

def registry_import_upload(*, upload, organisation: Organisation, by: User) -> str:
    """Check an uploaded file (kind, size, header, row count), keep it and return the signed token for it."""
    registry_require_editor(by=by, organisation=organisation)
    name, sha256, (_positions, lines) = upload_keep(upload, storage_dir=STORAGE_DIR, max_bytes=MAX_BYTES,
                                                    read=sheet_read)
    data = {"f": name, "o": organisation.pk, "u": by.pk, "s": sha256[:16], "n": len(lines)}
    return signing.dumps(data, salt=TOKEN_SALT, compress=True)


def registry_import_token_read(token: str, *, by: User) -> dict:
    """The token's data if it is genuine, recent, the user's own and for the user's registry."""
    return upload_token_load(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE, storage_dir=STORAGE_DIR,
                             expect={"u": by.pk, "o": by.organisation_id})


# --- reading -----------------------------------------------------------------------------------

def sheet_read(path: Path) -> tuple[dict[str, int], list[tuple[int, list]]]:
    """The column positions and the non-empty data rows (row number, cells) of the staff sheet (or the CSV)."""
    # The card's columns come all or none: a file with some of them must have them all.
    return sheet_rows_read(path, sheet_name=SHEET_NAME, columns={c.title: c.key for c in COLUMNS},
                           required={c.title: (c.key,) for c in COLUMNS if c.required}, together=CARD_KEYS,
                           synonyms=SYNONYMS,
                           template_label="请使用考务人员导入模板", row_hint="一名人员（或一本考评员证）",
                           max_rows=MAX_ROWS)


def _items() -> tuple[dict[str, tuple[str, int]], dict[int, tuple[str, list[int]]]]:
    """Look-up of 考评职业或专项 (name or code → ("o"|"s", pk)) and the occupations' names and levels."""
    lookup: dict[str, tuple[str, int]] = {}
    occupations: dict[int, tuple[str, list[int]]] = {}
    # The latest edition wins a name shared by two editions of the classification.
    for pk, code, name, levels in Occupation.objects.filter(is_active=True).order_by("edition", "pk").values_list(
            "pk", "code", "name", "levels"):
        lookup[name] = lookup[code] = lookup[_normal(f"{name}（{code}）")] = ("o", pk)
        occupations[pk] = (name, list(levels or []))
    for pk, code, name in SpecialItem.objects.filter(is_active=True).order_by("pk").values_list("pk", "code", "name"):
        lookup.setdefault(name, ("s", pk))
        lookup.setdefault(code, ("s", pk))
    return lookup, occupations


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u3000", ""))


def _same_key(key: str, text: str):
    """What two rows of one person must agree on: the text, or for 角色 the set of roles in any order."""
    if key == "roles":
        return frozenset(part for part in ROLE_SPLIT_RE.split(text) if part)
    return _normal(text)


# --- validation --------------------------------------------------------------------------------

def registry_import_validate(*, organisation: Organisation, path: Path,
                             today: date | None = None) -> RegistryImportReport:
    """Read the file and check every row against the registry; nothing is written."""
    today = today or timezone.localdate()
    positions, lines = sheet_read(path)
    allowed = roles_allowed(organisation)
    lookup, occupations = _items()
    employers = {}
    for pk, name, short in Organisation.objects.filter(is_active=True).values_list("pk", "name", "short_name"):
        employers[name] = pk
        if short:
            employers.setdefault(short, pk)
    report = RegistryImportReport(total=len(lines))
    people: dict[str, PersonRow] = {}
    first_cells: dict[str, dict] = {}
    cards_seen: dict[str, int] = {}
    faulty_people: set[str] = set()
    cells_of = row_reader(positions, TITLES)

    for number, line in lines:
        bad: list[RowError] = []

        def fail(key: str, reason: str, number=number, bad=bad) -> None:
            bad.append(RowError(number, TITLES.get(key, ""), reason))

        cell = cells_of(line)
        text = {key: cell_text(value) for key, value in cell.items()}
        name = text["name"]
        if len(name) > MAX_LENGTHS["name"]:
            fail("name", f"姓名过长（{len(name)}字，最多{MAX_LENGTHS['name']}字）")

        id_number = ""
        if isinstance(cell["id_number"], (int, float)) and not isinstance(cell["id_number"], bool):
            fail("id_number", "身份证号被存为数字格式（末位可能已丢失），请将该列设为文本格式后重新填写")
        else:
            id_number = text["id_number"].replace(" ", "").upper()
            check = id_check(id_number, today=today)
            if not check.valid:
                fail("id_number", check.error)
                id_number = ""

        earlier = people.get(id_number) if id_number else None
        if earlier is not None:
            # A further card of a person already read: the person's columns may stay empty, else must agree.
            if name and name != earlier.name:
                fail("name", f"与第{earlier.row}行身份证号相同但姓名不同（“{earlier.name}”）")
            for key in PERSON_KEYS:
                if text[key] and _same_key(key, text[key]) != _same_key(key, first_cells[id_number][key]):
                    fail(key, f"与第{earlier.row}行（同一身份证号）填写的{TITLES[key]}不一致")
            person = earlier
        else:
            if not name:
                fail("name", "姓名不能为空")
            person = _person_read(text, fail, number=number, name=name, id_number=id_number, allowed=allowed,
                                  organisation=organisation, employers=employers)
            if person is not None:
                # Known from here on even if this row is faulty, so that its further rows read as further cards
                # (a faulty row writes nothing: the whole file is refused).
                people[id_number] = person
                first_cells[id_number] = text

        card = None
        if any(text[key] for key in CARD_KEYS):
            card = _card_read(text, cell, fail, lookup=lookup, occupations=occupations, number=number)
            if person is not None and person.roles and "assessor" not in person.roles:
                fail("roles", "本行登记了考评员证，角色须包含“考评员”")
            card_number = text["card_number"].replace(" ", "")
            first = cards_seen.get(card_number) if card_number else None
            if first is not None:
                fail("card_number", f"考评员证号{card_number}与第{first}行重复")
            elif card_number:
                cards_seen[card_number] = number
        if bad:
            report.errors.extend(bad)
            if earlier is None and person is not None:
                faulty_people.add(id_number)
            continue
        if card is not None:
            person.cards.append(card)
            if card.valid_until < today:
                report.warnings.append(RowError(number, TITLES["valid_until"],
                                                f"证书已于{card.valid_until:%Y-%m-%d}过期：照样登记，显示为已过期，"
                                                f"派遣时不会选用（R-SC24-8）"))

    # A person whose first row is faulty is not counted as new (the file is refused anyway).
    report.people = [p for number, p in people.items() if number not in faulty_people]
    _against_database(organisation=organisation, report=report)
    report.errors.sort(key=lambda e: e.row)
    report.warnings.sort(key=lambda e: e.row)
    return report


def _person_read(text: dict, fail, *, number: int, name: str, id_number: str, allowed,
                 organisation: Organisation, employers: dict[str, int]) -> PersonRow | None:
    phone = text["phone"].replace(" ", "").replace("-", "")
    if phone and not PHONE_RE.match(phone):
        fail("phone", f"手机号“{phone}”应为以1开头的11位数字")
    employer = text["employer"]
    if len(employer) > MAX_LENGTHS["employer"]:
        fail("employer", f"工作单位过长（最多{MAX_LENGTHS['employer']}字）")
    region = text["region_code"]
    if not region:
        fail("region_code", "常住地行政区划代码不能为空")
    elif not REGION_RE.match(region):
        fail("region_code", f"常住地行政区划代码“{region}”应为6位数字，如 510104")
    roles: list[str] = []
    labels = [part for part in ROLE_SPLIT_RE.split(text["roles"]) if part]
    if not labels:
        fail("roles", "角色不能为空：填写考评员、督导员、监考员、主考、试卷保管员中的一个或多个，用“、”分隔")
    unknown = [label for label in labels if label not in ROLE_BY_LABEL]
    if unknown:
        fail("roles", f"角色“{'、'.join(unknown)}”不在代码表中，应为：{'、'.join(ROLE_BY_LABEL)}")
    else:
        roles = list(dict.fromkeys(ROLE_BY_LABEL[label] for label in labels))
        refused = [ROLE_LABELS[r] for r in roles if r not in allowed]
        if refused:
            roles = []  # said once, here: the row's card is not refused a second time for its roles
            if organisation.kind in CENTER_KINDS:
                fail("roles", f"{'、'.join(refused)}由报名考核机构登记，中心的人员库只登记考评员、督导员、试卷保管员"
                              f"（R-FJ-7）")
            else:
                fail("roles", f"{'、'.join(refused)}由职业技能鉴定中心登记和派遣，本机构人员库只登记主考、监考员"
                              f"（R-FJ-8）")
    if not name or not id_number:
        return None
    return PersonRow(row=number, name=name, id_number=id_number, phone=phone, employer_name=employer,
                     employer_id=employers.get(employer), region_code=region, roles=roles)


def _card_read(text: dict, cell: dict, fail, *, number: int, lookup, occupations) -> CardRow | None:
    """The card of a row that fills any card column; None (with the faults reported) unless complete."""
    occupation_id = special_item_id = level = None
    item = _normal(text["item"])
    if not item:
        fail("item", "填写了考评员证，须填写考评职业或专项")
    else:
        found = lookup.get(item) or lookup.get(text["item"].strip())
        if found is None:
            hint = "职业编码格式应为 X-XX-XX-XX" if OCCUPATION_CODE_RE.match(item) is None and item[:1].isdigit() \
                else "请填写目录中的职业（工种）或专项职业能力考核项目的名称或编码"
            fail("item", f"考评职业或专项“{text['item']}”不在目录中：{hint}")
        elif found[0] == "o":
            occupation_id = found[1]
        else:
            special_item_id = found[1]
    raw_level = cell["level"]
    if special_item_id is not None and text["level"]:
        fail("level", "专项职业能力考核项目不分等级，等级应留空")
    elif occupation_id is not None:
        level = level_parse(raw_level)
        name, offered = occupations[occupation_id]
        if not text["level"]:
            fail("level", f"请填写{name}的最高考评等级（一级至五级）")
        elif level is None:
            fail("level", f"等级“{text['level']}”应为一级、二级、三级、四级或五级")
        elif offered and level not in offered:
            fail("level", f"{name}未开设{LEVEL_SHORT[level]}，开设等级为："
                          f"{'、'.join(LEVEL_SHORT[lv] for lv in sorted(offered, reverse=True))}")
    card_number = text["card_number"].replace(" ", "")
    if not card_number:
        fail("card_number", "填写了考评职业或专项，须填写考评员证号")
    elif len(card_number) > MAX_LENGTHS["card_number"]:
        fail("card_number", f"考评员证号过长（最多{MAX_LENGTHS['card_number']}位）")
    valid_until = None
    try:
        valid_until = cell_date(cell["valid_until"])
    except (ValueError, OverflowError):
        fail("valid_until", f"证书有效期至“{text['valid_until']}”不是有效日期，应如 2027-12-31")
    else:
        if valid_until is None:
            fail("valid_until", "填写了考评员证，须填写证书有效期至")
        elif valid_until.year < 1990:
            fail("valid_until", f"证书有效期至“{text['valid_until']}”不是有效日期，应如 2027-12-31")
            valid_until = None
    if card_number and valid_until and (occupation_id or special_item_id):
        return CardRow(row=number, occupation_id=occupation_id, level=level, special_item_id=special_item_id,
                       number=card_number, valid_until=valid_until)
    return None


def _against_database(*, organisation: Organisation, report: RegistryImportReport) -> None:
    """People already in the registry are reused (same name required); cards already recorded for them
    are skipped; a card number recorded for anybody else is an error."""
    numbers = [p.id_number for p in report.people]
    known: dict[str, StaffMember] = {}
    for start in range(0, len(numbers), 900):
        for staff in StaffMember.objects.filter(organisation=organisation, id_number__in=numbers[start:start + 900]):
            known[staff.id_number] = staff
    card_numbers = [c.number for p in report.people for c in p.cards]
    recorded: dict[str, tuple] = {}
    for start in range(0, len(card_numbers), 900):
        for row in AssessorCard.objects.filter(number__in=card_numbers[start:start + 900]).values_list(
                "number", "staff_id", "occupation_id", "level", "special_item_id", "valid_until"):
            recorded[row[0]] = row[1:]
    kept: list[PersonRow] = []
    for person in report.people:
        staff = known.get(person.id_number)
        bad = False
        if staff is not None:
            if staff.name != person.name:
                report.errors.append(RowError(person.row, TITLES["name"],
                                              f"人员库中该身份证号已登记为“{staff.name}”，与本行姓名不一致，请核对"))
                bad = True
            person.staff_id = staff.pk
            held = {key for key, flag in ROLE_FLAGS.items() if getattr(staff, flag)}
            person.roles_added = [r for r in person.roles if r not in held]
        fresh: list[CardRow] = []
        for card in person.cards:
            on_record = recorded.get(card.number)
            if on_record is None:
                fresh.append(card)
            elif staff is None or on_record[0] != staff.pk:
                report.errors.append(RowError(card.row, TITLES["card_number"],
                                              f"考评员证号{card.number}已登记在其他人员名下，证号不能重复"))
                bad = True
            else:
                report.cards_existing += 1
                if on_record[1:4] != (card.occupation_id, card.level, card.special_item_id) \
                        or on_record[4] != card.valid_until:
                    report.warnings.append(RowError(card.row, TITLES["card_number"],
                                                    f"考评员证号{card.number}已登记，本行的职业、等级或有效期与已登记的"
                                                    f"不同，未修改；如需更正请在人员页面删除后重新登记"))
        person.cards = fresh
        if not bad:
            kept.append(person)
    report.people = kept


# --- import ------------------------------------------------------------------------------------

@transaction.atomic
def registry_import_commit(*, organisation: Organisation, path: Path, by: User,
                           file_name: str = "") -> RegistryImportReport:
    """Validate again and write every person and card of the file: all or none. `file_name` is the stored
    upload (named in the audit event, deleted once the import is written)."""
    registry_require_editor(by=by, organisation=organisation)
    # Imports into one registry run one at a time, so two confirmations of one file cannot both create.
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    report = registry_import_validate(organisation=organisation, path=path)
    if report.errors:
        raise ImportRefused(f"文件中有{len(report.faulty_rows)}行存在错误，未导入任何记录；请修改后重新上传")
    try:
        with transaction.atomic():
            fresh = [StaffMember(organisation=organisation, name=p.name, id_number=p.id_number, phone=p.phone,
                                 employer_id=p.employer_id, employer_name=p.employer_name, region_code=p.region_code,
                                 **{flag: key in p.roles for key, flag in ROLE_FLAGS.items()})
                     for p in report.people if p.staff_id is None]
            created = {s.id_number: s.pk for s in StaffMember.objects.bulk_create(fresh, batch_size=500)}
            if not all(created.values()):  # a backend that does not return keys: read them back
                created = dict(StaffMember.objects.filter(organisation=organisation, id_number__in=list(created))
                               .values_list("id_number", "pk"))
            widen = {p.staff_id: p.roles_added for p in report.people if p.staff_id is not None and p.roles_added}
            updated = list(StaffMember.objects.in_bulk(list(widen)).values())
            for staff in updated:
                for role in widen[staff.pk]:
                    setattr(staff, ROLE_FLAGS[role], True)
            StaffMember.objects.bulk_update(updated, [ROLE_FLAGS[key] for key in ROLE_FLAGS], batch_size=500)
            AssessorCard.objects.bulk_create([
                AssessorCard(staff_id=p.staff_id or created[p.id_number], occupation_id=c.occupation_id,
                             level=c.level, special_item_id=c.special_item_id, number=c.number,
                             valid_until=c.valid_until)
                for p in report.people for c in p.cards], batch_size=500)
    except IntegrityError:
        raise ImportRefused("导入时其他人同时登记了部分人员或考评员证，未导入任何记录；请重新上传文件") from None
    audit_record(action=StaffingAction.REGISTRY_IMPORT, actor=by, target=organisation, organisation=organisation,
                 after={"file": file_name, "rows": report.total, "people_new": report.people_new,
                        "people_updated": report.people_updated, "people_existing": report.people_existing,
                        "cards_new": report.cards_new, "cards_existing": report.cards_existing,
                        "staff_ids_new": sorted(created.values())})
    if file_name:
        # The file holds ID numbers: keep it no longer than the import needs. Deleted last, once every
        # write has succeeded; at worst a failed commit means uploading the file again.
        default_storage.delete(file_name)
    return report
