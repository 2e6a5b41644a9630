"""Eligibility rules as data: one JSON file per occupation under rules/, read into dataclasses.

Pure module: no Django. A center adds an occupation's national standard by adding a file
(docs/eligibility.md explains the format); the loader checks it and names what is wrong.
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kaowu.catalog.eligibility.profile import CERTIFICATE_KINDS, SCHOOLS, STATUSES

RULES_DIR = Path(__file__).resolve().parent / "rules"

LEVEL_NAMES = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}
LEVEL_SHORT = {5: "五级", 4: "四级", 3: "三级", 2: "二级", 1: "一级"}

# Which list of related majors applies to a school (the 育婴员 standard splits them by tier).
SCHOOL_TIERS = {
    "技工学校": "中职", "中等职业学校": "中职",
    "高级技工学校": "高职高专", "技师学院": "高职高专", "高等职业学校": "高职高专", "大学专科": "高职高专",
    "大学本科": "普通高校", "硕士研究生": "普通高校", "博士研究生": "普通高校",
}


class RuleDataError(ValueError):
    """A rule file is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class WorkClause:
    years: int
    after_certificate: bool = False  # count only work after the condition's certificate was issued


@dataclass(frozen=True, slots=True)
class CertificateClause:
    kinds: frozenset[str]
    level: int | None = None  # this level or higher (a smaller number); None for 预备技师


@dataclass(frozen=True, slots=True)
class EducationClause:
    schools: tuple[str, ...]
    statuses: frozenset[str]
    same_or_related_major: bool
    label: str  # how a reviewer reads it: "大学本科本专业或相关专业学历证书"
    note: str = ""  # what the reviewer must check by hand (e.g. 经评估论证的职业学校)


@dataclass(frozen=True, slots=True)
class ApprenticeshipClause:
    pass


Clause = WorkClause | CertificateClause | EducationClause | ApprenticeshipClause


@dataclass(frozen=True, slots=True)
class Condition:
    id: str  # "L3-4"
    level: int
    number: str  # "(4)" or "(2)第一种情形"
    summary: str  # "本科 + 四级证书 + 证后1年"
    text: str  # the standard's own words
    clauses: tuple[Clause, ...]
    # The same clauses sorted by kind once, so that evaluating a condition needs no dispatch.
    certificate: CertificateClause | None = field(init=False)
    educations: tuple[EducationClause, ...] = field(init=False)
    works: tuple[WorkClause, ...] = field(init=False)
    apprenticeship: bool = field(init=False)
    label: str = field(init=False)  # "三级 条件(4)"

    def __post_init__(self):
        object.__setattr__(self, "label", f"{LEVEL_SHORT[self.level]} 条件{self.number}")
        certificates = [c for c in self.clauses if isinstance(c, CertificateClause)]
        object.__setattr__(self, "certificate", certificates[0] if certificates else None)
        object.__setattr__(self, "educations", tuple(c for c in self.clauses if isinstance(c, EducationClause)))
        object.__setattr__(self, "works", tuple(c for c in self.clauses if isinstance(c, WorkClause)))
        object.__setattr__(self, "apprenticeship", any(isinstance(c, ApprenticeshipClause) for c in self.clauses))


@dataclass(frozen=True, slots=True)
class RuleSet:
    occupation: str
    code: str
    rule_id: str
    source: str
    work_occupations: frozenset[str]
    certificate_occupations: frozenset[str]
    majors_same: frozenset[str]
    majors_related: dict[str, frozenset[str]]  # tier → majors; "*" for every tier
    levels: dict[int, tuple[Condition, ...]]
    certificate_occupations_text: str = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "certificate_occupations_text", "、".join(sorted(self.certificate_occupations)))

    def major_counts(self, school: str, major: str) -> bool:
        major = normalise_major(major)
        if major in self.majors_same:
            return True
        return major in self.majors_related.get("*", ()) or major in self.majors_related.get(
            SCHOOL_TIERS[school], ()
        )


def normalise_major(major: str) -> str:
    major = major.strip()
    return major[:-2] if major.endswith("专业") and len(major) > 2 else major


def _fail(path: Path, where: str, message: str):
    raise RuleDataError(f"{path.name} {where}：{message}")


def _strings(value, path: Path, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        _fail(path, where, "应为文字列表")
    return frozenset(value)


def _clause(data: dict, path: Path, where: str, has_certificate: bool) -> Clause:
    kind = data.get("type")
    if kind == "work":
        years = data.get("years")
        if not isinstance(years, int) or years < 1:
            _fail(path, where, "years 应为正整数")
        after = bool(data.get("after_certificate", False))
        if after and not has_certificate:
            _fail(path, where, "after_certificate 要求同一条件中有 certificate 条款")
        return WorkClause(years=years, after_certificate=after)
    if kind == "certificate":
        kinds = _strings(data.get("kinds", ["职业资格", "技能等级"]), path, where + ".kinds")
        if not kinds <= set(CERTIFICATE_KINDS):
            _fail(path, where, f"kinds 只能是{'、'.join(CERTIFICATE_KINDS)}")
        level = data.get("level")
        if level is not None and (not isinstance(level, int) or not 1 <= level <= 5):
            _fail(path, where, "level 应为1至5")
        return CertificateClause(kinds=kinds, level=level)
    if kind == "education":
        schools = tuple(data.get("schools") or ())
        if not schools or not set(schools) <= set(SCHOOLS):
            _fail(path, where, f"schools 只能是{'、'.join(SCHOOLS)}")
        statuses = _strings(data.get("statuses", ["毕业"]), path, where + ".statuses")
        if not statuses <= set(STATUSES):
            _fail(path, where, f"statuses 只能是{'、'.join(STATUSES)}")
        major = data.get("major", "same_or_related")
        if major not in {"same_or_related", "any"}:
            _fail(path, where, "major 应为 same_or_related 或 any")
        label = data.get("label")
        if not isinstance(label, str) or not label:
            _fail(path, where, "缺少 label（审核人员看到的说法）")
        return EducationClause(schools, statuses, major == "same_or_related", label, data.get("note", ""))
    if kind == "apprenticeship":
        return ApprenticeshipClause()
    _fail(path, where, f"未知条款类型“{kind}”")


def ruleset_parse(data: dict, path: Path) -> RuleSet:
    for key in ("occupation", "code", "rule_id", "source", "levels"):
        if not data.get(key):
            _fail(path, key, "不能为空")
    occupation = data["occupation"]
    majors = data.get("majors") or {}
    related = majors.get("related", [])
    related_by_tier = (
        {"*": _strings(related, path, "majors.related")} if isinstance(related, list)
        else {tier: _strings(names, path, f"majors.related.{tier}") for tier, names in related.items()}
    )
    levels: dict[int, tuple[Condition, ...]] = {}
    seen_ids: set[str] = set()
    for level_key, conditions in data["levels"].items():
        if not level_key.isdigit() or not 1 <= int(level_key) <= 5:
            _fail(path, f"levels.{level_key}", "等级应为1至5")
        level = int(level_key)
        parsed = []
        for index, cond in enumerate(conditions):
            where = f"levels.{level_key}[{index}]"
            clauses_data = cond.get("all") or []
            if not clauses_data:
                _fail(path, where, "条件至少要有一个条款（all）")
            certificate_count = sum(c.get("type") == "certificate" for c in clauses_data)
            if certificate_count > 1:
                _fail(path, where, "一个条件最多一个 certificate 条款")
            has_certificate = certificate_count == 1
            clauses = tuple(
                _clause(c, path, f"{where}.all[{n}]", has_certificate) for n, c in enumerate(clauses_data)
            )
            cid = cond.get("id")
            if not cid or cid in seen_ids:
                _fail(path, where, f"条件编号“{cid}”缺失或重复")
            seen_ids.add(cid)
            parsed.append(Condition(cid, level, cond.get("number", ""), cond.get("summary", ""),
                                    cond.get("text", ""), clauses))
        levels[level] = tuple(parsed)
    return RuleSet(
        occupation=occupation,
        code=data["code"],
        rule_id=data["rule_id"],
        source=data["source"],
        work_occupations=frozenset({occupation}) | _strings(data.get("related_occupations", []), path,
                                                            "related_occupations"),
        certificate_occupations=frozenset({occupation}) | _strings(data.get("related_certificates", []), path,
                                                                   "related_certificates"),
        majors_same=frozenset(normalise_major(m) for m in _strings(majors.get("same", []), path, "majors.same")),
        majors_related={t: frozenset(normalise_major(m) for m in names) for t, names in related_by_tier.items()},
        levels=levels,
    )


def ruleset_load(path: Path) -> RuleSet:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RuleDataError(f"{path.name} 第{exc.lineno}行：JSON 格式错误（{exc.msg}）") from None
    return ruleset_parse(data, path)


@cache
def rulesets_all(directory: Path = RULES_DIR) -> tuple[RuleSet, ...]:
    return tuple(ruleset_load(path) for path in sorted(directory.glob("*.json")))


def ruleset_find(name_or_code: str, directory: Path = RULES_DIR) -> RuleSet | None:
    """The rule set of an occupation given by its name or code, or None."""
    wanted = name_or_code.strip()
    for ruleset in rulesets_all(directory):
        if wanted in {ruleset.occupation, ruleset.code}:
            return ruleset
    return None


def names_known(rulesets=None) -> tuple[frozenset[str], frozenset[str]]:
    """The occupation (工种) names and the majors the rule files know: every occupation with rules, its
    related occupations and certificates; every same and related major (normalised). Forms offer them; a
    major outside them counts for nothing (the engine warns, `engine.name_warnings`)."""
    rulesets = rulesets_all() if rulesets is None else rulesets
    occupations: set[str] = set()
    majors: set[str] = set()
    for ruleset in rulesets:
        occupations |= ruleset.work_occupations | ruleset.certificate_occupations
        majors |= ruleset.majors_same
        for names in ruleset.majors_related.values():
            majors |= names
    return frozenset(occupations), frozenset(majors)
