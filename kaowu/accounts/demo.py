"""Demo organisations and accounts: 四川 with 成都 and 绵阳, users for every role.

Part of the one seeded generator (kaowu.workspace.demo); benchmarks and the demo agree on it.
"""

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from kaowu.accounts.models import Organisation, Role
from kaowu.accounts.services import organisation_create, user_create

DEMO_PASSWORD = "Kaowu@2026"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉梅建国志红晓东海燕婷鑫宇浩然子涵欣怡雨萱思远俊杰文博"

CITIES = [
    # name, short, region code, districts used for institutions
    ("成都市职业技能鉴定指导中心", "成都中心", "510100", ["510104", "510105", "510106", "510107", "510108"], "cd"),
    ("绵阳市职业技能鉴定指导中心", "绵阳中心", "510700", ["510703", "510704"], "my"),
]

INSTITUTIONS = {
    "510100": [
        ("成都市职业技能鉴定第一站", "锦江区东大街100号"),
        ("四川城市技师学院职业技能等级认定站", "金牛区蜀西路46号"),
        ("成都工业职业技术学院职业技能评价中心", "青羊区光华大道二段88号"),
        ("四川省商务学校职业技能鉴定站", "武侯区武侯祠大街260号"),
    ],
    "510700": [
        ("绵阳市职业技能鉴定站", "涪城区临园路东段66号"),
        ("绵阳职业技术学院职业技能等级认定中心", "游仙区仙人路一段36号"),
        ("四川长虹电器股份有限公司职业技能等级认定站", "涪城区绵兴东路35号"),
    ],
}


@dataclass
class DemoLogin:
    role: str
    username: str
    organisation: str


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def phone_number(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "158", "177", "186", "199"]) + f"{rng.randrange(10**8):08d}"


def demo_accounts_build(*, rng: random.Random, scale: int) -> list[DemoLogin]:
    """Build the organisation tree and accounts; return the logins worth printing."""
    password_hash = make_password(DEMO_PASSWORD)  # one argon2 hash, reused: thousands of users stay fast
    logins: list[DemoLogin] = []

    def add_user(username: str, role: str, org: Organisation | None, *, show: bool = False):
        user = user_create(
            username=username, role=role, full_name=person_name(rng), organisation=org,
            phone=phone_number(rng), password_hash=password_hash,
        )
        if show:
            logins.append(DemoLogin(Role(role).label, username, org.name if org else "—"))
        return user

    province = organisation_create(
        name="四川省职业技能鉴定指导中心", short_name="省中心", kind=Organisation.Kind.PROVINCE,
        code="510000", region_code="510000", address="成都市青羊区长顺上街118号", contact_name="考务科",
        contact_phone="02886000000",
    )
    add_user("sc_admin", Role.PROVINCE_ADMIN, province, show=True)
    for n in range(1, 1 + 2 * scale):
        add_user(f"sc_supervisor{n:02d}", Role.SUPERVISOR, province, show=n == 1)

    for city_name, short, region, districts, prefix in CITIES:
        city = organisation_create(
            name=city_name, short_name=short, kind=Organisation.Kind.CITY, code=region, region_code=region,
            parent=province, contact_name="鉴定科", contact_phone=phone_number(rng),
        )
        add_user(f"{prefix}_reviewer", Role.CITY_REVIEWER, city, show=True)
        add_user(f"{prefix}_reviewer2", Role.CITY_REVIEWER, city)
        for n in range(1, 1 + 4 * scale):
            add_user(f"{prefix}_assessor{n:02d}", Role.ASSESSOR, city, show=prefix == "cd" and n == 1)
        for n in range(1, 1 + scale):
            add_user(f"{prefix}_supervisor{n:02d}", Role.SUPERVISOR, city)

        named = INSTITUTIONS[region]
        count = max(len(named), len(named) * scale)
        for index in range(1, count + 1):
            district = districts[(index - 1) % len(districts)]
            if index <= len(named):
                name, address = named[index - 1]
            else:
                name, address = f"{short[:2]}市第{index}职业技能培训学校鉴定站", f"{short[:2]}市{index}号"
            inst = organisation_create(
                name=name, kind=Organisation.Kind.INSTITUTION, code=f"{district}{index:03d}",
                region_code=district, parent=city, address=address,
                contact_name=person_name(rng), contact_phone=phone_number(rng),
            )
            first = index <= 2
            tag = f"{prefix}{index:02d}"
            add_user(f"{tag}_admin", Role.INSTITUTION_ADMIN, inst, show=first and prefix == "cd" and index == 1)
            add_user(f"{tag}_clerk", Role.INSTITUTION_CLERK, inst, show=first)
            add_user(f"{tag}_clerk2", Role.INSTITUTION_CLERK, inst)
            for n in range(1, 3):
                show = index == 1 and n == 1 and prefix == "cd"
                add_user(f"{tag}_invigilator{n:02d}", Role.INVIGILATOR, inst, show=show)
            for n in range(1, 1 + 5 * scale):
                add_user(f"{tag}_candidate{n:03d}", Role.CANDIDATE, inst, show=index == 1 and n == 1 and prefix == "cd")
    return logins
