"""Shared fixtures: a small province and the named users every test speaks of.

成都 has two institutions (the clerk's and the other one); 绵阳 has one. `mianyang_reviewer`
is the outsider who must see nothing of 成都.
"""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password

from kaowu.accounts.models import Organisation, Role
from kaowu.accounts.services import organisation_create, user_create

# The `browser` fixture (Chromium through Playwright) for every app's browser tests.
pytest_plugins = ["kaowu.core.tests.browser_support"]

TEST_PASSWORD = "Kaowu@Test2026"
_hash_cache: dict[str, str] = {}


def pytest_addoption(parser):
    parser.addoption(
        "--shard", default="", metavar="I/N",
        help="run only the I-th of N groups of test files (files dealt round-robin in path order, so a "
             "module's fixtures stay in one group): CI runs the PostgreSQL suite as two halves side by side")


def pytest_collection_modifyitems(config, items):
    shard = config.getoption("--shard")
    if not shard:
        return
    index, count = (int(part) for part in shard.split("/"))
    if not 1 <= index <= count:
        raise pytest.UsageError(f"--shard {shard}: I must be between 1 and N")
    files = sorted({item.nodeid.split("::")[0] for item in items})
    group = {path: number % count for number, path in enumerate(files)}
    keep = [item for item in items if group[item.nodeid.split("::")[0]] == index - 1]
    config.hook.pytest_deselected(items=[item for item in items if group[item.nodeid.split("::")[0]] != index - 1])
    items[:] = keep


def pytest_configure(config):
    # The SQLite test database is a file under var/, which a fresh clone does not have yet.
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The holiday entries are re-read on a change (and at every test's start, see below), never on a timer.
    settings.KAOWU_HOLIDAY_CACHE_SECONDS = 10**9


@pytest.fixture(autouse=True)
def _holiday_entries_empty():
    """The province's holiday entries (kaowu.core.holidays) are cached per process. Every test starts with an
    empty table and its entries go with its rolled-back transaction: the cache is told so, without a query."""
    from kaowu.core.holidays import overrides_prime

    overrides_prime()
    yield
    overrides_prime()


def _password_hash() -> str:
    # One argon2 hash for the whole session: hashing is deliberately slow.
    if "hash" not in _hash_cache:
        _hash_cache["hash"] = make_password(TEST_PASSWORD)
    return _hash_cache["hash"]


def make_user(username: str, role: str, organisation: Organisation | None, full_name: str = "测试用户"):
    return user_create(
        username=username, role=role, full_name=full_name, organisation=organisation,
        phone="13800138000", password_hash=_password_hash(),
    )


@pytest.fixture
def province(db):
    return organisation_create(
        name="四川省职业技能鉴定指导中心", short_name="省中心", kind=Organisation.Kind.PROVINCE,
        code="510000", region_code="510000",
    )


@pytest.fixture
def chengdu(province):
    return organisation_create(
        name="成都市职业技能鉴定指导中心", short_name="成都中心", kind=Organisation.Kind.CITY,
        code="510100", region_code="510100", parent=province,
    )


@pytest.fixture
def mianyang(province):
    return organisation_create(
        name="绵阳市职业技能鉴定指导中心", short_name="绵阳中心", kind=Organisation.Kind.CITY,
        code="510700", region_code="510700", parent=province,
    )


@pytest.fixture
def chengdu_institution(chengdu):
    return organisation_create(
        name="成都市职业技能鉴定第一站", kind=Organisation.Kind.INSTITUTION, code="510104001",
        region_code="510104", parent=chengdu,
    )


@pytest.fixture
def chengdu_other_institution(chengdu):
    return organisation_create(
        name="四川城市技师学院职业技能等级认定站", kind=Organisation.Kind.INSTITUTION, code="510106002",
        region_code="510106", parent=chengdu,
    )


@pytest.fixture
def mianyang_institution(mianyang):
    return organisation_create(
        name="绵阳市职业技能鉴定站", kind=Organisation.Kind.INSTITUTION, code="510703001",
        region_code="510703", parent=mianyang,
    )


@pytest.fixture
def province_admin(province):
    return make_user("sc_admin", Role.PROVINCE_ADMIN, province, "王省")


@pytest.fixture
def chengdu_reviewer(chengdu):
    return make_user("cd_reviewer", Role.CITY_REVIEWER, chengdu, "李成")


@pytest.fixture
def mianyang_reviewer(mianyang, mianyang_institution):
    return make_user("my_reviewer", Role.CITY_REVIEWER, mianyang, "赵绵")


@pytest.fixture
def institution_admin(chengdu_institution):
    return make_user("cd01_admin", Role.INSTITUTION_ADMIN, chengdu_institution, "周站")


@pytest.fixture
def institution_clerk(chengdu_institution):
    return make_user("cd01_clerk", Role.INSTITUTION_CLERK, chengdu_institution, "陈录")


@pytest.fixture
def other_institution_clerk(chengdu_other_institution):
    return make_user("cd02_clerk", Role.INSTITUTION_CLERK, chengdu_other_institution, "孙他")


@pytest.fixture
def assessor(chengdu):
    return make_user("cd_assessor01", Role.ASSESSOR, chengdu, "吴考")


@pytest.fixture
def supervisor(province):
    return make_user("sc_supervisor01", Role.SUPERVISOR, province, "郑督")


@pytest.fixture
def invigilator(chengdu_institution):
    return make_user("cd01_invigilator01", Role.INVIGILATOR, chengdu_institution, "冯监")


@pytest.fixture
def candidate(chengdu_institution):
    return make_user("cd01_candidate001", Role.CANDIDATE, chengdu_institution, "张考生")


@pytest.fixture
def everyone(province_admin, chengdu_reviewer, mianyang_reviewer, institution_admin, institution_clerk,
             other_institution_clerk, assessor, supervisor, invigilator, candidate):
    return {u.username: u for u in [
        province_admin, chengdu_reviewer, mianyang_reviewer, institution_admin, institution_clerk,
        other_institution_clerk, assessor, supervisor, invigilator, candidate,
    ]}


@pytest.fixture
def login(client):
    """Log a user into the test client (through the real login form, so lockout and audit apply)."""

    def _login(user):
        client.logout()
        response = client.post("/login/", {"username": user.username, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.content.decode()[:500]
        return client

    return _login
