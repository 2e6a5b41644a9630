"""R-LN-7 property tests: more experience, a further certificate or a later date never hurt."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kaowu.catalog.eligibility import eligibility_evaluate, rulesets_all
from kaowu.catalog.eligibility.profile import CERTIFICATE_KINDS, SCHOOLS, STATUSES

RULESETS = rulesets_all()
OCCUPATIONS = sorted({o for r in RULESETS for o in r.work_occupations | r.certificate_occupations} | {"厨师", "焊工"})
MAJORS = sorted({m for r in RULESETS for m in r.majors_same} | {
    m for r in RULESETS for names in r.majors_related.values() for m in names} | {"会计", "机械工程"})
LEVELS = [(r.occupation, level) for r in RULESETS for level in r.levels]

days = st.dates(min_value=date(1995, 1, 1), max_value=date(2024, 12, 31))


@st.composite
def work_entries(draw):
    start = draw(days)
    end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=date(2025, 12, 31))))
    return {"occupation": draw(st.sampled_from(OCCUPATIONS)), "start": start.isoformat(),
            "end": end.isoformat() if end else None}


@st.composite
def certificates(draw):
    kind = draw(st.sampled_from(CERTIFICATE_KINDS))
    level = None if kind == "预备技师" and draw(st.booleans()) else draw(st.integers(1, 5))
    return {"occupation": draw(st.sampled_from(OCCUPATIONS)), "level": level, "kind": kind,
            "issued_on": draw(days).isoformat()}


@st.composite
def education_entries(draw):
    status = draw(st.sampled_from(STATUSES))
    graduated = draw(days) if status == "毕业" else None
    return {"school": draw(st.sampled_from(SCHOOLS)), "major": draw(st.sampled_from(MAJORS)), "status": status,
            "graduated_on": graduated.isoformat() if graduated else None}


@st.composite
def profiles(draw):
    return {
        "as_of": draw(st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 12, 31))).isoformat(),
        "work": draw(st.lists(work_entries(), max_size=3)),
        "certificates": draw(st.lists(certificates(), max_size=2)),
        "education": draw(st.lists(education_entries(), max_size=2)),
        "apprenticeship_completed": draw(st.booleans()),
    }


def eligible_levels(data: dict) -> set[tuple[str, int]]:
    return {(occ, level) for occ, level in LEVELS if eligibility_evaluate(occ, level, data).eligible}


@settings(max_examples=300, deadline=None)
@given(profiles(), work_entries())
def test_r_ln_7_adding_work_experience_never_makes_a_profile_ineligible(data, extra):
    before = eligible_levels(data)
    after = eligible_levels({**data, "work": [*data["work"], extra]})
    assert before <= after


@settings(max_examples=300, deadline=None)
@given(profiles(), certificates())
def test_r_ln_7_adding_a_certificate_never_makes_a_profile_ineligible(data, extra):
    before = eligible_levels(data)
    after = eligible_levels({**data, "certificates": [*data["certificates"], extra]})
    assert before <= after


@settings(max_examples=300, deadline=None)
@given(profiles(), st.data())
def test_r_ln_7_raising_a_certificate_level_never_makes_a_profile_ineligible(data, draw):
    ranked = [c for c in data["certificates"] if c["level"] and c["level"] > 1]
    if not ranked:
        return
    chosen = draw.draw(st.sampled_from(ranked))
    higher = {**chosen, "level": draw.draw(st.integers(1, chosen["level"] - 1))}
    raised = [higher if c is chosen else c for c in data["certificates"]]
    assert eligible_levels(data) <= eligible_levels({**data, "certificates": raised})


@settings(max_examples=300, deadline=None)
@given(profiles(), st.integers(min_value=1, max_value=3000))
def test_r_ln_7_a_later_date_never_makes_a_profile_less_eligible(data, later_by):
    later = date.fromisoformat(data["as_of"]) + timedelta(days=later_by)
    assert eligible_levels(data) <= eligible_levels({**data, "as_of": later.isoformat()})
