import pytest
from django.core.management import call_command
from django.db import transaction

from kaowu.accounts.models import Organisation, Role, User
from kaowu.workspace.demo import demo_build

pytestmark = pytest.mark.django_db


def test_demo_builds_sichuan_with_chengdu_mianyang_and_every_role():
    demo_build(scale=1)
    province = Organisation.objects.get(kind=Organisation.Kind.PROVINCE)
    assert province.name == "四川省职业技能鉴定指导中心"
    cities = dict(Organisation.objects.filter(kind=Organisation.Kind.CITY).values_list("region_code", "name"))
    assert cities == {"510100": "成都市职业技能鉴定指导中心", "510700": "绵阳市职业技能鉴定指导中心"}
    assert Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION, parent__region_code="510100").count() >= 3
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.get(username="cd01_clerk").check_password("Kaowu@2026")


class Rollback(Exception):
    pass


def test_the_same_seed_builds_the_same_people():
    with pytest.raises(Rollback), transaction.atomic():
        demo_build(scale=1, seed=7)
        first = list(User.objects.order_by("username").values_list("username", "full_name", "phone"))
        raise Rollback  # the audit trail cannot be deleted, so undo the first build instead
    assert not User.objects.exists()
    demo_build(scale=1, seed=7)
    assert list(User.objects.order_by("username").values_list("username", "full_name", "phone")) == first


def test_scale_grows_institutions_and_people():
    demo_build(scale=2)
    assert Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION).count() == 14
    assert User.objects.filter(role=Role.CANDIDATE).count() == 14 * 10


def test_demo_command_prints_logins_and_is_safe_to_run_twice(capsys):
    call_command("demo")
    call_command("demo")
    out = capsys.readouterr().out
    assert "演示数据已存在" in out
    assert "sc_admin" in out and "cd01_clerk" in out and "Kaowu@2026" in out
    # The second clerk, reviewer and the rest of the 考评组 are what a 复核 or a group's scoring needs.
    for username in ("cd01_clerk2", "cd_reviewer2", "cd_assessor02", "cd_assessor03", "cd_assessor04"):
        assert f" {username} " in out, username
    assert Organisation.objects.filter(kind=Organisation.Kind.PROVINCE).count() == 1


def test_every_publication_period_of_the_demo_starts_before_it_ends():
    from django.utils import timezone

    from kaowu.scoring.models import ResultRelease

    demo_build(scale=1)
    releases = list(ResultRelease.objects.exclude(published_at=None))
    assert len(releases) >= 2  # the recent batch and the certificate batch
    for release in releases:
        assert timezone.localdate(release.published_at) <= release.publication_ends, release
