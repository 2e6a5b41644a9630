"""Load the versioned catalogue file (data/catalogue.json) into the catalog tables.

The whole file is checked before anything is written, and written in one transaction, so a
bad file leaves the database as it was. Rows are matched on their natural keys, so loading
the same file twice changes nothing. Subjects and their parts belong to their scheme: one
that the file no longer lists is deleted; occupations, items, schemes and fees that the file
does not mention are left alone (they may have been added in the admin).
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError

from kaowu.catalog.audit import CatalogAction
from kaowu.catalog.models import (
    AnswerMode,
    AssessmentType,
    Fee,
    Occupation,
    Scheme,
    SpecialItem,
    Subject,
    SubjectKind,
    SubjectPart,
)
from kaowu.core.services import audit_record

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "catalogue.json"
DEFAULT_EDITION = "2015"
SECTIONS = ["occupations", "special_items", "schemes", "subjects", "subject_parts", "fees"]
SECTION_LABELS = {
    "occupations": "职业（工种）",
    "special_items": "专项职业能力考核项目",
    "schemes": "考核方案",
    "subjects": "科目",
    "subject_parts": "科目组成",
    "fees": "收费标准",
}
TOP_KEYS = {"version", "sources", "note", "notes", "occupations", "special_items", "schemes", "fees"}


class CatalogueError(Exception):
    """The catalogue file was refused; `errors` names each faulty entry ("occupations[2].levels: …")."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("考核目录文件未通过校验：\n" + "\n".join(errors))


# --- reading and checking -------------------------------------------------------------------

_MISSING = object()


class _Entry:
    """Typed access to one JSON object that records a Chinese error per bad field."""

    def __init__(self, data: Any, path: str, errors: list[str], allowed: set[str]):
        self.path = path
        self.errors = errors
        self.ok = self.is_object = isinstance(data, dict)
        self.data = data if self.is_object else {}
        if not self.is_object:
            errors.append(f"{path}: 应为对象（{{…}}）")
            return
        for key in sorted(set(self.data) - allowed - {"note"}):
            self.error(key, f"未知字段（可用字段：{'、'.join(sorted(allowed))}）")

    def error(self, key: str, message: str) -> None:
        self.ok = False
        self.errors.append(f"{self.path}.{key}: {message}")

    def _get(self, key: str, required: bool, default: Any) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None or value == "":
            if required:
                self.error(key, "不能为空")
                return _MISSING
            return default
        return value

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self._get(key, required, default)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            self.error(key, "应为文字")
            return default
        return value.strip()

    def integer(self, key: str, *, required: bool = False, low: int | None = None, high: int | None = None,
                message: str = "") -> int | None:
        value = self._get(key, required, None)
        if value is _MISSING or value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, message or "应为整数")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.error(key, message or f"应在{low}至{high}之间")
            return None
        return value

    def decimal(self, key: str, *, required: bool = False, default: Decimal | None = None) -> Decimal | None:
        value = self._get(key, required, default)
        if value is _MISSING:
            return None
        if isinstance(value, bool):
            self.error(key, "应为数值")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.error(key, "应为数值")
            return None
        if not number.is_finite() or number < 0:
            self.error(key, "应为不小于0的数值")
            return None
        return number

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.error(key, "应为 true 或 false")
            return default
        return value

    def day(self, key: str) -> date | None:
        value = self._get(key, True, None)
        if value is _MISSING:
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.error(key, "日期格式应为 YYYY-MM-DD")
            return None

    def choice(self, key: str, choices: type[models.TextChoices], *, required: bool = True,
               blank: bool = False) -> str:
        value = self.text(key, required=required)
        if value == "" and (blank or not required):
            return ""
        if value not in choices.values:
            self.error(key, f"“{value}”无效，应为 {'、'.join(choices.values)} 之一")
        return value

    def items(self, key: str, *, required: bool = False) -> list[tuple[str, Any]]:
        value = self._get(key, required, [])
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.error(key, "应为列表（[…]）")
            return []
        return [(f"{self.path}.{key}[{i}]", item) for i, item in enumerate(value)]


def _field_errors(instance: models.Model, path: str, errors: list[str], exclude: list[str]) -> None:
    """Run the model's own field validators (lengths, formats, choices) without the database."""
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.extend(f"{path}.{name}: {message}" for message in messages)


@dataclass
class _Plan:
    """The checked file: plain values ready to write, keyed as the database keys them."""

    version: str = ""
    occupations: list[dict] = field(default_factory=list)
    special_items: list[dict] = field(default_factory=list)
    schemes: list[dict] = field(default_factory=list)
    fees: list[dict] = field(default_factory=list)


def _check_occupation(path: str, data: Any, errors: list[str]) -> dict | None:
    entry = _Entry(data, path, errors, {
        "code", "edition", "name", "levels", "assessment_types", "eligibility_rules", "source", "is_active",
    })
    if not entry.is_object:
        return None
    values = {
        "code": entry.text("code", required=True),
        "edition": entry.text("edition", default=DEFAULT_EDITION),
        "name": entry.text("name", required=True),
        "eligibility_rules": entry.text("eligibility_rules"),
        "source": entry.text("source"),
        "is_active": entry.boolean("is_active", default=True),
    }
    levels = entry.data.get("levels")
    if (not isinstance(levels, list) or not levels
            or any(isinstance(x, bool) or not isinstance(x, int) or not 1 <= x <= 5 for x in levels)):
        entry.error("levels", "等级须为1至5")
    elif len(set(levels)) != len(levels):
        entry.error("levels", "等级不能重复")
    values["levels"] = levels
    types = entry.data.get("assessment_types", [])
    if not isinstance(types, list) or any(t not in AssessmentType.values for t in types):
        entry.error("assessment_types", f"评价方式应为 {'、'.join(AssessmentType.values)} 中的若干项")
    values["assessment_types"] = types
    if not entry.ok:
        return None
    before = len(errors)
    _field_errors(Occupation(**values), path, errors, exclude=[])
    return values if len(errors) == before else None


def _check_special_item(path: str, data: Any, errors: list[str]) -> dict | None:
    entry = _Entry(data, path, errors, {"code", "name", "is_unified", "region_code", "source", "is_active"})
    if not entry.is_object:
        return None
    values = {
        "code": entry.text("code", required=True),
        "name": entry.text("name", required=True),
        "is_unified": entry.boolean("is_unified", default=False),
        "region_code": entry.text("region_code", default="510000"),
        "source": entry.text("source"),
        "is_active": entry.boolean("is_active", default=True),
    }
    if not values["region_code"].isdigit() or len(values["region_code"]) != 6:
        entry.error("region_code", "地区代码应为6位数字")
    if not entry.ok:
        return None
    before = len(errors)
    _field_errors(SpecialItem(**values), path, errors, exclude=[])
    return values if len(errors) == before else None


def _check_target(entry: _Entry, occupations: dict[tuple[str, str], list[int] | None],
                  special_codes: set[str]) -> dict[str, Any]:
    """Either an occupation at one level or a special item; both must be known (file or database)."""
    code = entry.text("occupation")
    item = entry.text("special_item")
    if bool(code) == bool(item):
        entry.error("occupation", "须且只能填写 occupation+level 或 special_item 之一")
        return {}
    if item:
        if "level" in entry.data:
            entry.error("level", "专项职业能力考核项目不分等级")
        if item not in special_codes and not SpecialItem.objects.filter(code=item).exists():
            entry.error("special_item", f"找不到专项职业能力考核项目 {item}")
        return {"special_item": item}
    edition = entry.text("occupation_edition", default=DEFAULT_EDITION)
    level = entry.integer("level", required=True, low=1, high=5, message="等级须为1至5")
    if (code, edition) in occupations:
        levels = occupations[(code, edition)]
    else:
        known = Occupation.objects.filter(code=code, edition=edition).first()
        if known is None:
            entry.error("occupation", f"找不到职业 {code}（{edition}版）")
            return {}
        levels = known.levels
    if level is not None and levels is not None and level not in levels:
        entry.error("level", f"职业 {code} 未开设{level}级")
    return {"occupation": (code, edition), "level": level}


def _check_subject(path: str, data: Any, errors: list[str], position: int) -> dict | None:
    entry = _Entry(data, path, errors, {
        "order", "kind", "name", "question_types", "question_count", "answer_mode", "duration_minutes",
        "full_marks", "pass_mark", "weight", "parts",
    })
    if not entry.is_object:
        return None
    values = {
        "order": entry.integer("order", low=1, high=99) or position,
        "kind": entry.choice("kind", SubjectKind),
        "name": entry.text("name", required=True),
        "question_types": entry.text("question_types"),
        "question_count": entry.integer("question_count", low=1, high=10000),
        "answer_mode": entry.choice("answer_mode", AnswerMode),
        "duration_minutes": entry.integer("duration_minutes", low=1, high=24 * 60),
        "full_marks": entry.decimal("full_marks", default=Decimal("100")),
        "pass_mark": entry.decimal("pass_mark", default=Decimal("60")),
        "weight": entry.decimal("weight", default=Decimal("1")),
    }
    full, passing, weight = values["full_marks"], values["pass_mark"], values["weight"]
    if full is not None and full == 0:
        entry.error("full_marks", "满分须大于0")
    if full is not None and passing is not None and passing > full:
        entry.error("pass_mark", f"合格分（{passing}）不能高于满分（{full}）")
    if weight is not None and not Decimal("0") < weight <= Decimal("1"):
        entry.error("weight", "权重须大于0且不超过1")
    parts = []
    for i, (part_path, part_data) in enumerate(entry.items("parts"), 1):
        part = _Entry(part_data, part_path, errors, {"order", "name", "full_marks", "weight"})
        part_values = {
            "order": part.integer("order", low=1, high=99) or i,
            "name": part.text("name", required=True),
            "full_marks": part.decimal("full_marks", required=True),
            "weight": part.decimal("weight", required=True),
        }
        if part.ok:
            _field_errors(SubjectPart(**part_values), part_path, errors, exclude=["subject"])
            parts.append(part_values)
        else:
            entry.ok = False
    if parts and entry.ok:
        orders = [p["order"] for p in parts]
        if len(set(orders)) != len(orders):
            entry.error("parts", "组成部分的顺序号不能重复")
        total_weight = sum(p["weight"] for p in parts)
        if total_weight != Decimal("1"):
            entry.error("parts", f"各组成部分权重之和须为1（现为{total_weight}）")
        total_marks = sum(p["full_marks"] for p in parts)
        if full is not None and total_marks != full:
            entry.error("parts", f"各组成部分分值之和（{total_marks}）须等于科目满分（{full}）")
    if not entry.ok:
        return None
    before = len(errors)
    _field_errors(Subject(**values), path, errors, exclude=["scheme"])
    values["parts"] = parts
    return values if len(errors) == before else None


def _check_scheme(path: str, data: Any, errors: list[str], occupations: dict, special_codes: set[str]) -> dict | None:
    entry = _Entry(data, path, errors, {
        "occupation", "occupation_edition", "level", "special_item", "name", "source", "is_active", "subjects",
    })
    if not entry.is_object:
        return None
    target = _check_target(entry, occupations, special_codes)
    values = {
        "name": entry.text("name", required=True),
        "source": entry.text("source"),
        "is_active": entry.boolean("is_active", default=True),
    }
    subject_items = entry.items("subjects", required=True)
    if entry.data.get("subjects") == []:
        entry.error("subjects", "至少须有一个科目")
    subjects = []
    for position, (subject_path, subject_data) in enumerate(subject_items, 1):
        subject = _check_subject(subject_path, subject_data, errors, position)
        if subject is None:
            entry.ok = False
        else:
            subjects.append(subject)
    orders = [s["order"] for s in subjects]
    if len(set(orders)) != len(orders):
        entry.error("subjects", "科目的顺序号不能重复")
    if not entry.ok:
        return None
    before = len(errors)
    _field_errors(Scheme(**values), path, errors, exclude=["occupation", "special_item", "level"])
    return {**target, **values, "subjects": subjects} if len(errors) == before else None


def _check_fee(path: str, data: Any, errors: list[str], occupations: dict, special_codes: set[str]) -> dict | None:
    entry = _Entry(data, path, errors, {
        "region_code", "occupation", "occupation_edition", "level", "special_item", "subject_kind", "amount",
        "valid_from", "basis",
    })
    if not entry.is_object:
        return None
    target = _check_target(entry, occupations, special_codes)
    values = {
        "region_code": entry.text("region_code", required=True),
        "subject_kind": entry.choice("subject_kind", SubjectKind, required=False, blank=True),
        "amount": entry.decimal("amount", required=True),
        "valid_from": entry.day("valid_from"),
        "basis": entry.text("basis"),
    }
    if not entry.ok:
        return None
    before = len(errors)
    _field_errors(Fee(**values), path, errors, exclude=["occupation", "special_item", "level"])
    return {**target, **values} if len(errors) == before else None


def _duplicates(entries: list[tuple[str, dict | None]], key, errors: list[str]) -> None:
    seen: dict[Any, str] = {}
    for entry_path, values in entries:
        if values is None:
            continue
        k = key(values)
        if k in seen:
            errors.append(f"{entry_path}: 与 {seen[k]} 重复")
        else:
            seen[k] = entry_path


def catalogue_check(document: Any) -> _Plan:
    """Check a parsed catalogue document; raise CatalogueError listing every faulty entry."""
    errors: list[str] = []
    if not isinstance(document, dict):
        raise CatalogueError(["文件内容应为 JSON 对象"])
    for key in sorted(set(document) - TOP_KEYS):
        errors.append(f"{key}: 未知字段")
    version = document.get("version")
    if not isinstance(version, str) or not version.strip():
        errors.append("version: 须填写数据版本")
    if not isinstance(document.get("sources"), list) or not document["sources"]:
        errors.append("sources: 须列出数据来源")
    sections: dict[str, list] = {}
    for key in ["occupations", "special_items", "schemes", "fees"]:
        value = document.get(key, [])
        if not isinstance(value, list):
            errors.append(f"{key}: 应为列表（[…]）")
            value = []
        sections[key] = value

    occupations = [(f"occupations[{i}]", _check_occupation(f"occupations[{i}]", d, errors))
                   for i, d in enumerate(sections["occupations"])]
    _duplicates(occupations, lambda v: (v["code"], v["edition"]), errors)
    items = [(f"special_items[{i}]", _check_special_item(f"special_items[{i}]", d, errors))
             for i, d in enumerate(sections["special_items"])]
    _duplicates(items, lambda v: v["code"], errors)

    # References are checked against the raw file too, so that one bad occupation does not
    # also report every scheme that names it.
    # A level check against an occupation whose own levels are bad would only repeat that error.
    occupation_levels: dict[tuple[str, str], list[int] | None] = {}
    for raw in sections["occupations"]:
        if isinstance(raw, dict) and isinstance(raw.get("code"), str):
            levels = raw.get("levels")
            valid = isinstance(levels, list) and all(isinstance(x, int) and 1 <= x <= 5 for x in levels)
            occupation_levels[(raw["code"].strip(), str(raw.get("edition") or DEFAULT_EDITION))] = (
                levels if valid else None
            )
    special_codes = {raw["code"].strip() for raw in sections["special_items"]
                     if isinstance(raw, dict) and isinstance(raw.get("code"), str)}

    schemes = [(f"schemes[{i}]", _check_scheme(f"schemes[{i}]", d, errors, occupation_levels, special_codes))
               for i, d in enumerate(sections["schemes"])]
    _duplicates(schemes,
                lambda v: (v.get("occupation"), v.get("level"), v.get("special_item"), v["name"]), errors)
    fees = [(f"fees[{i}]", _check_fee(f"fees[{i}]", d, errors, occupation_levels, special_codes))
            for i, d in enumerate(sections["fees"])]
    _duplicates(fees, lambda v: (v["region_code"], v.get("occupation"), v.get("level"),
                                         v.get("special_item"), v["subject_kind"], v["valid_from"]), errors)
    if errors:
        raise CatalogueError(errors)
    return _Plan(
        version=version.strip(),
        occupations=[v for _, v in occupations if v],
        special_items=[v for _, v in items if v],
        schemes=[v for _, v in schemes if v],
        fees=[v for _, v in fees if v],
    )


# --- writing --------------------------------------------------------------------------------


def _new_counts() -> dict[str, dict[str, int]]:
    return {section: {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0} for section in SECTIONS}


def _full_clean(instance: models.Model, path: str) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        raise CatalogueError([
            f"{path}{'.' + name if name and name != '__all__' else ''}: {message}"
            for name, texts in messages.items() for message in texts
        ]) from exc


def _upsert(model: type[models.Model], *, key: dict, values: dict, counts: dict, path: str) -> models.Model:
    instance = model.objects.filter(**key).first()
    if instance is None:
        instance = model(**key, **values)
        _full_clean(instance, path)
        instance.save()
        counts["created"] += 1
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if not changed:
        counts["unchanged"] += 1
        return instance
    for name in changed:
        setattr(instance, name, values[name])
    _full_clean(instance, path)
    instance.save(update_fields=[*changed, "updated_at"])
    counts["updated"] += 1
    return instance


def _delete_stale(queryset: models.QuerySet, counts: dict, path: str) -> None:
    stale = list(queryset)
    if not stale:
        return
    try:
        for instance in stale:
            instance.delete()
    except ProtectedError as exc:
        raise CatalogueError([f"{path}: 文件中已删去的“{instance}”仍被业务数据引用，不能删除"]) from exc
    counts["deleted"] += len(stale)


def _resolve(values: dict, occupations: dict, special_items: dict) -> dict:
    """Turn the file's references (codes) into the rows they name."""
    if values.get("special_item"):
        code = values["special_item"]
        item = special_items.get(code) or SpecialItem.objects.get(code=code)
        return {"occupation": None, "level": None, "special_item": item}
    code, edition = values["occupation"]
    occupation = occupations.get((code, edition)) or Occupation.objects.get(code=code, edition=edition)
    return {"occupation": occupation, "level": values["level"], "special_item": None}


def _write(plan: _Plan) -> dict[str, dict[str, int]]:
    counts = _new_counts()
    occupations: dict[tuple[str, str], Occupation] = {}
    for i, values in enumerate(plan.occupations):
        fields = {k: v for k, v in values.items() if k not in {"code", "edition"}}
        occupations[(values["code"], values["edition"])] = _upsert(
            Occupation, key={"code": values["code"], "edition": values["edition"]}, values=fields,
            counts=counts["occupations"], path=f"occupations[{i}]",
        )
    special_items: dict[str, SpecialItem] = {}
    for i, values in enumerate(plan.special_items):
        fields = {k: v for k, v in values.items() if k != "code"}
        special_items[values["code"]] = _upsert(
            SpecialItem, key={"code": values["code"]}, values=fields,
            counts=counts["special_items"], path=f"special_items[{i}]",
        )
    for i, values in enumerate(plan.schemes):
        path = f"schemes[{i}]"
        scheme = _upsert(
            Scheme, key={**_resolve(values, occupations, special_items), "name": values["name"]},
            values={"source": values["source"], "is_active": values["is_active"]},
            counts=counts["schemes"], path=path,
        )
        orders = [subject["order"] for subject in values["subjects"]]
        _delete_stale(scheme.subjects.exclude(order__in=orders), counts["subjects"], f"{path}.subjects")
        for j, subject_values in enumerate(values["subjects"]):
            subject_path = f"{path}.subjects[{j}]"
            fields = {k: v for k, v in subject_values.items() if k not in {"order", "parts"}}
            subject = _upsert(
                Subject, key={"scheme": scheme, "order": subject_values["order"]}, values=fields,
                counts=counts["subjects"], path=subject_path,
            )
            part_orders = [part["order"] for part in subject_values["parts"]]
            _delete_stale(subject.parts.exclude(order__in=part_orders), counts["subject_parts"],
                          f"{subject_path}.parts")
            for k, part_values in enumerate(subject_values["parts"]):
                fields = {name: v for name, v in part_values.items() if name != "order"}
                _upsert(
                    SubjectPart, key={"subject": subject, "order": part_values["order"]}, values=fields,
                    counts=counts["subject_parts"], path=f"{subject_path}.parts[{k}]",
                )
    for i, values in enumerate(plan.fees):
        key = {
            **_resolve(values, occupations, special_items),
            "region_code": values["region_code"], "subject_kind": values["subject_kind"],
            "valid_from": values["valid_from"],
        }
        _upsert(Fee, key=key, values={"amount": values["amount"], "basis": values["basis"]},
                counts=counts["fees"], path=f"fees[{i}]")
    return counts


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            # Decimals, not floats: 0.10 must stay 0.10 for weights and amounts.
            return json.load(fh, parse_float=Decimal)
    except FileNotFoundError as exc:
        raise CatalogueError([f"找不到目录文件 {path}"]) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f"第{exc.lineno}行第{exc.colno}列：" if isinstance(exc, json.JSONDecodeError) else ""
        raise CatalogueError([f"{path.name} 不是有效的 JSON（{where}{exc}）"]) from exc


@transaction.atomic
def catalogue_load(*, path: Path | str | None = None, by=None) -> dict[str, dict[str, int]]:
    """Load the catalogue file; return, per table, how many rows were created, updated, unchanged, deleted."""
    source = Path(path) if path is not None else DEFAULT_PATH
    plan = catalogue_check(_read(source))
    counts = _write(plan)
    audit_record(
        action=CatalogAction.LOAD, actor=by,
        after={"file": source.name, "version": plan.version, "counts": counts},
    )
    return counts


def counts_summary(counts: dict[str, dict[str, int]]) -> list[str]:
    """One Chinese line per table, for the command and for messages."""
    lines = []
    for section in SECTIONS:
        c = counts[section]
        line = f"{SECTION_LABELS[section]}：新增 {c['created']}，更新 {c['updated']}，未变 {c['unchanged']}"
        if c["deleted"]:
            line += f"，删除 {c['deleted']}"
        lines.append(line)
    return lines
