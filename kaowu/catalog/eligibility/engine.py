"""The eligibility engine: does a profile meet any condition of an occupation's level?

Pure module: no Django. Every condition of the level is evaluated so that a reviewer sees, for
each, what is missing. Years of work are calendar years:

- A period runs from `start` to `end` inclusive; an open period (`end` null) runs up to the day
  before `as_of`, so from 2016-09-10 four years are complete on 2020-09-10.
- Overlapping periods count once. Only work in this or a related occupation counts; work
  "after obtaining the certificate" starts on the certificate's issue date.
- The periods are laid end to end from the first one's start: N years are complete when they
  cover as many days as the N calendar years from that start. (Anchoring at the start keeps
  the verdict stable as `as_of` moves on: more days never make it worse.)
"""

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date, timedelta

from kaowu.catalog.eligibility.profile import Certificate, Education, Profile, profile_parse
from kaowu.catalog.eligibility.rules import (
    LEVEL_NAMES,
    CertificateClause,
    Condition,
    EducationClause,
    RuleSet,
    WorkClause,
    names_known,
    normalise_major,
    ruleset_find,
    rulesets_all,
)


class LevelNotOffered(ValueError):
    pass


@dataclass(slots=True)
class ConditionResult:
    id: str
    label: str
    summary: str
    met: bool
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the reviewer to check by hand

    def as_json(self) -> dict:
        return {"id": self.id, "label": self.label, "summary": self.summary, "met": self.met,
                "missing": self.missing}


@dataclass(slots=True)
class Verdict:
    occupation: str
    level: int
    rule_id: str
    eligible: bool
    matched: str | None
    conditions: list[ConditionResult]
    warnings: list[str] = field(default_factory=list)  # names typed that the catalogue does not know

    def as_json(self) -> dict:
        return {"eligible": self.eligible, "matched": self.matched,
                "conditions": [c.as_json() for c in self.conditions], "warnings": self.warnings}


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one: the anniversary is 28 February
        return day.replace(year=day.year + years, day=28)


def merged_days(periods: list[tuple[date, date]]) -> tuple[date | None, int]:
    """First start and number of distinct days covered by half-open [start, stop) periods."""
    if not periods:
        return None, 0
    periods.sort()
    first = periods[0][0]
    total = 0
    current_start, current_stop = periods[0]
    for start, stop in periods[1:]:
        if start <= current_stop:
            if stop > current_stop:
                current_stop = stop
        else:
            total += (current_stop - current_start).days
            current_start, current_stop = start, stop
    total += (current_stop - current_start).days
    return first, total


def years_complete(first: date | None, days: int, years: int) -> bool:
    return first is not None and (add_years(first, years) - first).days <= days


def duration_text(first: date | None, days: int) -> str:
    if first is None or days <= 0:
        return "0天"
    end = first + timedelta(days=days)
    years = 0
    while add_years(first, years + 1) <= end:
        years += 1
    rest = (end - add_years(first, years)).days
    if years and rest:
        return f"{years}年{rest}天"
    return f"{years}年" if years else f"{rest}天"


class _Evaluation:
    """One profile against one rule set; caches the work periods it needs."""

    __slots__ = ("rules", "profile", "_periods", "_since")

    def __init__(self, rules: RuleSet, profile: Profile):
        self.rules = rules
        self.profile = profile
        self._periods: list[tuple[date, date]] | None = None
        self._since: dict[date | None, tuple[date | None, int]] = {}

    def periods(self) -> list[tuple[date, date]]:
        """Half-open periods of work in this or a related occupation, cut at as_of."""
        if self._periods is None:
            as_of = self.profile.as_of
            periods = []
            for work in self.profile.work:
                if work.occupation not in self.rules.work_occupations or work.start >= as_of:
                    continue
                stop = as_of if work.end is None else min(work.end + timedelta(days=1), as_of)
                periods.append((work.start, stop))
            self._periods = periods
        return self._periods

    def certificates(self, clause: CertificateClause) -> list[Certificate]:
        return [
            c for c in self.profile.certificates
            if c.occupation in self.rules.certificate_occupations and c.kind in clause.kinds
            and c.issued_on <= self.profile.as_of
            and (clause.level is None or (c.level is not None and c.level <= clause.level))
        ]

    def education(self, clause: EducationClause) -> list[Education]:
        return [
            e for e in self.profile.education
            if e.school in clause.schools and e.status in clause.statuses
            and (e.status != "毕业" or (e.graduated_on is not None and e.graduated_on <= self.profile.as_of))
            and (not clause.same_or_related_major or self.rules.major_counts(e.school, e.major))
        ]

    def work_since(self, since: date | None) -> tuple[date | None, int]:
        """First day and days of related work (after `since`); several conditions ask the same."""
        cached = self._since.get(since)
        if cached is None:
            periods = self.periods()
            if since is not None:
                periods = [(max(start, since), stop) for start, stop in periods if stop > since]
            cached = self._since[since] = merged_days(list(periods))
        return cached

    # --- explanations ----------------------------------------------------------------------

    def _certificate_missing(self, clause: CertificateClause) -> str:
        own = self.rules.certificate_occupations_text
        if "预备技师" in clause.kinds and clause.level is None:
            wanted = "预备技师证书"
        else:
            wanted = f"{LEVEL_NAMES[clause.level]}及以上职业资格证书（技能等级证书）"
        reasons = []
        for c in self.profile.certificates:
            name = f"{c.occupation}{LEVEL_NAMES.get(c.level, '') if c.level else ''}{c.kind}证书"
            if c.occupation not in self.rules.certificate_occupations:
                reasons.append(f"{name}不属于本职业或相关职业")
            elif c.kind not in clause.kinds:
                reasons.append(f"{name}的类别不符（需{'或'.join(sorted(clause.kinds))}）")
            elif c.issued_on > self.profile.as_of:
                reasons.append(f"{name}发证日期{c.issued_on}晚于审核日期")
            elif clause.level is not None and (c.level is None or c.level > clause.level):
                reasons.append(f"{name}等级不够")
        text = f"缺少本职业或相关职业（{own}）{wanted}"
        return text + (f"：{'；'.join(reasons)}" if reasons else "")

    def _education_missing(self, clause: EducationClause) -> str:
        reasons = []
        for e in self.profile.education:
            name = f"{e.school}{e.major}（{e.status}）"
            if e.school not in clause.schools:
                continue
            if e.status not in clause.statuses:
                reasons.append(f"{name}的学习状态不符（需{'或'.join(sorted(clause.statuses))}）")
            elif e.status == "毕业" and (e.graduated_on is None or e.graduated_on > self.profile.as_of):
                reasons.append(f"{name}的毕业日期晚于审核日期")
            elif clause.same_or_related_major and not self.rules.major_counts(e.school, e.major):
                reasons.append(f"所学专业“{e.major}”不属于本专业或相关专业")
        return f"缺少{clause.label}" + (f"：{'；'.join(reasons)}" if reasons else "")

    def _work_missing(self, clause: WorkClause, certificates: list[Certificate] | None) -> str:
        wanted = f"{clause.years}年（含）以上"
        if clause.after_certificate:
            if not certificates:
                return f"并需在取得该证书后累计从事本职业或相关职业工作{wanted}"
            best = max(certificates, key=lambda c: self.work_since(c.issued_on)[1])
            first, days = self.work_since(best.issued_on)
            return (f"取得证书后累计从事本职业或相关职业工作年限不足：需{wanted}，"
                    f"自{best.issued_on:%Y年%m月%d日}取证起现有{duration_text(first, days)}")
        first, days = self.work_since(None)
        if first is None:
            others = sorted({w.occupation for w in self.profile.work} - self.rules.work_occupations)
            extra = f"（“{'、'.join(others)}”不属于本职业或相关职业）" if others else ""
            return f"没有本职业或相关职业的工作经历{extra}，需累计{wanted}"
        return f"累计从事本职业或相关职业工作年限不足：需{wanted}，现有{duration_text(first, days)}"

    # --- conditions ------------------------------------------------------------------------

    def condition(self, condition: Condition) -> ConditionResult:
        missing: list[str] = []
        notes: list[str] = []
        certificates: list[Certificate] | None = None
        if condition.certificate is not None:
            certificates = self.certificates(condition.certificate)
            if not certificates:
                missing.append(self._certificate_missing(condition.certificate))
        for clause in condition.educations:
            if not self.education(clause):
                missing.append(self._education_missing(clause))
            elif clause.note:
                notes.append(clause.note)
        for clause in condition.works:
            if clause.after_certificate:
                ok = any(years_complete(*self.work_since(c.issued_on), clause.years) for c in certificates or ())
            else:
                ok = years_complete(*self.work_since(None), clause.years)
            if not ok:
                missing.append(self._work_missing(clause, certificates))
        if condition.apprenticeship and not self.profile.apprenticeship_completed:
            missing.append("没有本职业或相关职业学徒期满的证明")
        return ConditionResult(condition.id, condition.label, condition.summary, not missing, missing, notes)


def name_warnings(profile: Profile, rules: RuleSet, *, catalogue: Container[str] | None = None,
                  majors: Container[str] | None = None) -> list[str]:
    """A warning for every occupation typed in the profile that neither counts for `rules` (the occupation,
    its related occupations and certificates) nor is an occupation of the catalogue (`catalogue`, default:
    the occupations with rule files), and for every major no rule file knows (`majors`, default: all of
    them). Such a period, certificate or major counts for nothing, and whoever typed 「人力资源管理」 (a
    major) for an occupation should hear so rather than see 0 days. A catalogue occupation that does not
    count here is explained by the conditions' own text (「不属于本职业或相关职业」)."""
    _offered, known_majors = names_known()
    catalogue = frozenset(r.occupation for r in rulesets_all()) if catalogue is None else catalogue
    majors = known_majors if majors is None else majors
    counted = rules.work_occupations | rules.certificate_occupations
    out: list[str] = []

    def add(text: str) -> None:
        if text not in out:
            out.append(text)

    for work in profile.work:
        if work.occupation not in counted and work.occupation not in catalogue:
            add(f"“{work.occupation}”不是目录中的职业（工种）名称，该段工作年限未计入")
    for certificate in profile.certificates:
        if certificate.occupation not in counted and certificate.occupation not in catalogue:
            add(f"“{certificate.occupation}”不是目录中的职业（工种）名称，该证书未计入")
    for education in profile.education:
        if education.major and normalise_major(education.major) not in majors:
            add(f"“{education.major}”不是目录中的专业名称，未按本专业或相关专业计入")
    return out


def eligibility_check(rules: RuleSet, level: int, profile: Profile, *,
                      catalogue: Container[str] | None = None, majors: Container[str] | None = None) -> Verdict:
    """Evaluate every condition of `level`; eligible when any is met (R-LN-7 and the like)."""
    conditions = rules.levels.get(level)
    if conditions is None:
        offered = "、".join(LEVEL_NAMES[lv] for lv in sorted(rules.levels, reverse=True))
        wanted = LEVEL_NAMES.get(level, f"{level}级")
        raise LevelNotOffered(f"{rules.occupation}没有{wanted}的申报条件，可申报：{offered}")
    evaluation = _Evaluation(rules, profile)
    results = [evaluation.condition(c) for c in conditions]
    matched = next((r for r in results if r.met), None)
    return Verdict(
        occupation=rules.occupation, level=level, rule_id=rules.rule_id, eligible=matched is not None,
        matched=f"{matched.label}: {matched.summary}" if matched else None, conditions=results,
        warnings=name_warnings(profile, rules, catalogue=catalogue, majors=majors),
    )


class UnknownOccupation(ValueError):
    pass


def eligibility_evaluate(occupation: str, level: int, profile_data, rulesets=None, *,
                         catalogue: Container[str] | None = None,
                         majors: Container[str] | None = None) -> Verdict:
    """Find the occupation's rules, parse the profile and check it: the one entry point for the
    CLI, the API and registration. `catalogue` (the catalogue's occupation names) and `majors` are what
    `name_warnings` checks typed names against. Raises UnknownOccupation, LevelNotOffered or ProfileError."""
    rules = ruleset_find(occupation) if rulesets is None else next(
        (r for r in rulesets if occupation in {r.occupation, r.code}), None
    )
    if rules is None:
        known = "、".join(f"{r.occupation}（{r.code}）" for r in (rulesets or rulesets_all()))
        raise UnknownOccupation(f"没有职业“{occupation}”的申报条件；已有：{known}")
    if not isinstance(level, int) or isinstance(level, bool) or level not in LEVEL_NAMES:
        raise LevelNotOffered(f"等级“{level}”无效，应为1至5（1为一级/高级技师，5为五级/初级工）")
    if level not in rules.levels:
        eligibility_check(rules, level, None)  # raises LevelNotOffered with the offered levels
    return eligibility_check(rules, level, profile_parse(profile_data), catalogue=catalogue, majors=majors)
