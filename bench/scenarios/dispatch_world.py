"""A generated province for the `dispatch` benchmark: posts, staff and site caps, deterministic from a seed.

At scale 1: 21 cities (Sichuan's codes), ~170 institutions each running one batch (plan) over two exam
days with a morning and an afternoon slot at one or two sites; ~2,000 room posts (practical rooms needing
3–4 assessors with a leader, theory rooms needing 2 of the institution's invigilators), one supervisor per
site and day from the city's center, one chief examiner per batch from the institution; ~8,000 staff.

Feasible by construction: posts are made first, then a *planted* dispatch is built person by person (an
assessor is reused, within their city, while free at that time and under three posts; otherwise a new one is
registered with a card covering the post), and only then is noise added, always sparing the planted posts:
expired cards, days off, training classes (考培分离), declared relations and employers shared with
candidates (回避), last batch's institutions, post limits. Unplanted staff (about a third) are added with
the same kinds of noise. `World.planted` is that dispatch; a test checks that it keeps every rule.
"""

import math
import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from kaowu.staffing.solver.eligibility import card_covers
from kaowu.staffing.solver.model import CardSpec, Placement, PostSpec, SiteCapSpec, StaffSpec

SEED = 20261205
DAYS = (date(2026, 12, 5), date(2026, 12, 6))
LEAD = timedelta(minutes=30)  # assessors arrive 30 minutes early (R-FJ-19): part of every post's interval
SITE_CAP = 50  # R-SC21-2: candidates plus staff at one site in one slot
SITE_CANDIDATES = 40

# (city code, name, institutions at scale 1, districts)
CITIES = (
    ("5101", "成都", 26, 12), ("5103", "自贡", 6, 4), ("5104", "攀枝花", 5, 4), ("5105", "泸州", 8, 6),
    ("5106", "德阳", 9, 6), ("5107", "绵阳", 11, 8), ("5108", "广元", 6, 6), ("5109", "遂宁", 7, 4),
    ("5110", "内江", 7, 4), ("5111", "乐山", 8, 8), ("5113", "南充", 10, 8), ("5114", "眉山", 7, 5),
    ("5115", "宜宾", 9, 9), ("5116", "广安", 7, 5), ("5117", "达州", 9, 6), ("5118", "雅安", 5, 6),
    ("5119", "巴中", 6, 4), ("5120", "资阳", 5, 3), ("5132", "阿坝", 4, 6), ("5133", "甘孜", 4, 6),
    ("5134", "凉山", 6, 8),
)
ITEMS = ("育婴员", "保育员", "养老护理员", "中式烹调师", "中式面点师", "西式面点师", "美容师", "美发师", "茶艺师",
         "健康管理师", "电工", "焊工", "钳工", "车工", "汽车维修工", "电子商务师", "企业人力资源管理师", "家政服务员",
         "保安员", "消防设施操作员", "保健按摩师", "农业技术员", "插花花艺师", "眼镜验光员", "物流服务师",
         "网络与信息安全管理员", "工业机器人系统运维员", "砌筑工", "架子工", "评茶员")
LEVEL_LABELS = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红燕鹏辉建国云飞亮婷雪琴梅琳斌宇浩凯"
SLOTS = (("上午", time(9, 0), (time(10, 30), time(11, 30))), ("下午", time(14, 0), (time(15, 30), time(17, 0))))


@dataclass
class World:
    posts: list[PostSpec]
    staff: list[StaffSpec]
    site_caps: list[SiteCapSpec]
    planted: list[Placement]
    summary: dict = field(default_factory=dict)


@dataclass
class _Person:
    """A staff member while the world is built (StaffSpec is frozen)."""

    id: int
    roles: set
    organisation_id: int
    region_code: str
    cards: list
    planted: list = field(default_factory=list)  # posts
    employer_keys: set = field(default_factory=set)
    unavailable: set = field(default_factory=set)
    available_only: set | None = None
    trained: set = field(default_factory=set)
    related: set = field(default_factory=set)
    recent: set = field(default_factory=set)
    max_posts: int | None = None


class _Builder:
    def __init__(self, seed: int, scale: float):
        self.rng = random.Random(seed)
        self.scale = scale
        self.people: list[_Person] = []
        self.posts: list[PostSpec] = []
        self.caps: list[SiteCapSpec] = []
        self.next_candidate = 1
        self.rooms = 0
        self.batch_candidates: dict[int, list[int]] = {}
        self.institutions: list[tuple[int, str, str, list[str]]] = []  # (org id, city code, district, items)
        self.centers: dict[str, int] = {}
        self.companies: dict[str, list[str]] = {}
        # Item popularity: a few items draw most candidates (Zipf-like).
        self.item_weights = [1 / (n + 1) ** 0.8 for n in range(len(ITEMS))]

    # -- organisations and posts -------------------------------------------------------------------

    def organisations(self) -> None:
        count = max(2, round(len(CITIES) * min(1.0, math.sqrt(self.scale))))
        org = 1000
        for n, (code, name, institutions, districts) in enumerate(CITIES[:count]):
            self.centers[code] = 100 + n
            self.companies[code] = [f"name:{name}第{k}单位" for k in range(1, 61)]
            for _ in range(max(1, round(institutions * self.scale * len(CITIES) / count))):
                org += 1
                district = f"{code}{self.rng.randint(2, 1 + districts):02d}"
                items = self.rng.choices(range(len(ITEMS)), weights=self.item_weights, k=self.rng.randint(3, 6))
                self.institutions.append((org, code, district, sorted({f"item{k:02d}" for k in items})))

    def schedule(self) -> None:
        for org, code, district, items in self.institutions:
            plan = org  # one batch per institution
            sites = 2 if self.rng.random() < 0.4 else 1
            batch_posts: list[PostSpec] = []
            site_posts: dict[tuple[int, date], list[PostSpec]] = {}
            for site_no in range(1, sites + 1):
                site = org * 10 + site_no
                for day in DAYS:
                    for half, start, ends in SLOTS:
                        if self.rng.random() < 0.15:
                            continue  # the site is idle in this slot
                        rooms = self._slot_rooms(plan, org, site, district, items, day, half, start, ends)
                        batch_posts += rooms
                        site_posts.setdefault((site, day), []).extend(rooms)
            if not batch_posts:
                continue
            chief = self._chief_post(plan, org, district, batch_posts)
            for (site, day), rooms in sorted(site_posts.items()):
                supervisor = self._supervisor_post(plan, org, code, site, district, day, rooms)
                self.posts.append(supervisor)
                self._caps(site, day, rooms, supervisor, chief if site == org * 10 + 1 else None)
            self.posts += batch_posts
            self.posts.append(chief)

    def _slot_rooms(self, plan, org, site, district, items, day, half, start, ends) -> list[PostSpec]:
        """One site in one slot: 1–2 practical rooms and 1–2 theory rooms within R-SC21-2 (40 candidates,
        50 people with staff, keeping 2 places for the supervisor and the chief)."""
        practical = self.rng.choice((1, 1, 2))
        theory = self.rng.choice((1, 1, 1, 2))
        rooms: list[PostSpec] = []
        stations_total = assessors_total = 0
        for n in range(practical):
            stations = self.rng.randint(6, 10 if practical == 1 else 8)
            assessors = max(3, math.ceil(stations / 3))  # one assessor per 3 stations, at least 3 (R-SC21-3)
            stations_total += stations
            assessors_total += assessors
            item = self.rng.choice(items)
            level = self.rng.choices((2, 3, 4, 5), weights=(1, 4, 4, 2))[0]
            name = ITEMS[int(item[4:])]
            begin = datetime.combine(day, start) + timedelta(minutes=self.rng.choice((0, 0, 30)))
            end = datetime.combine(day, ends[1])
            rooms.append(self._room(plan, org, site, district, day, begin, end, "assessor", assessors, stations,
                                    f"{name} {LEVEL_LABELS[level]} 操作技能 第{n + 1}实操室", item=item,
                                    level=level, item_label=f"{name}{LEVEL_LABELS[level]}"))
        seats = min(SITE_CANDIDATES - stations_total, SITE_CAP - 2 - assessors_total - 2 * theory - stations_total)
        if seats < 10 * theory:
            theory = 1
        for n in range(theory):
            room_seats = min(30, seats // (theory - n))
            seats -= room_seats
            begin, end = datetime.combine(day, start), datetime.combine(day, ends[0])
            rooms.append(self._room(plan, org, site, district, day, begin, end, "invigilator", 2, room_seats,
                                    f"理论知识 第{n + 1}考场"))
        return rooms

    def _room(self, plan, org, site, district, day, begin, end, role, count, candidates, what, *, item=None,
              level=None, item_label="") -> PostSpec:
        ids = list(range(self.next_candidate, self.next_candidate + candidates))
        self.next_candidate += candidates
        self.batch_candidates.setdefault(plan, []).extend(ids)
        code = district[:4]
        conflicts = {f"org:{org}"} | set(self.rng.sample(self.companies[code], self.rng.randint(0, 4)))
        self.rooms += 1
        return PostSpec(
            id=f"room:{plan}{begin:%d%H%M}:{site}{self.rooms:05d}", role=role, count=count, plan_id=plan,
            institution_id=org, day=day, intervals=((begin - LEAD, end),),
            label=f"{begin:%Y-%m-%d %H:%M} {what}（考点{site}）", leader=role == "assessor", site_id=site,
            region_code=district, item_key=item, level=level, item_label=item_label, candidate_ids=frozenset(ids),
            conflict_employer_keys=frozenset(conflicts),
            staff_organisation_ids=frozenset({org}) if role == "invigilator" else None)

    def _supervisor_post(self, plan, org, code, site, district, day, rooms) -> PostSpec:
        begin = min(r.intervals[0][0] for r in rooms)
        end = max(r.intervals[0][1] for r in rooms)
        return PostSpec(
            id=f"site:{site}:{day:%Y-%m-%d}:{plan}", role="supervisor", count=1, plan_id=plan, institution_id=org,
            day=day, intervals=((begin, end),), label=f"{day:%Y-%m-%d} 考点{site} 督导", site_id=site,
            region_code=district, candidate_ids=frozenset().union(*(r.candidate_ids for r in rooms)),
            conflict_employer_keys=frozenset().union(*(r.conflict_employer_keys for r in rooms)),
            staff_organisation_ids=frozenset({self.centers[code]}))

    def _chief_post(self, plan, org, district, batch_posts) -> PostSpec:
        spans: dict[date, list] = {}
        for post in batch_posts:
            spans.setdefault(post.day, []).extend(post.intervals[0])
        intervals = tuple((min(times), max(times)) for _day, times in sorted(spans.items()))
        return PostSpec(
            id=f"batch:{plan}", role="chief", count=1, plan_id=plan, institution_id=org, day=min(spans),
            intervals=intervals, label=f"批次{plan} 主考", region_code=district,
            candidate_ids=frozenset(self.batch_candidates[plan]), conflict_employer_keys=frozenset({f"org:{org}"}),
            staff_organisation_ids=frozenset({org}))

    def _caps(self, site, day, rooms, supervisor, chief) -> None:
        for half, start, ends in SLOTS:
            low = datetime.combine(day, start) - LEAD
            high = datetime.combine(day, ends[1])
            inside = [r for r in rooms if low <= r.intervals[0][0] < high]
            if not inside:
                continue
            post_ids = tuple(r.id for r in inside) + (supervisor.id,) + ((chief.id,) if chief else ())
            candidates = sum(len(r.candidate_ids) for r in inside)
            people = sum(r.count for r in inside) + 1 + (1 if chief else 0)
            assert candidates <= SITE_CANDIDATES and candidates + people <= SITE_CAP, (candidates, people)
            self.caps.append(SiteCapSpec(site, low, high, SITE_CAP, candidates, post_ids,
                                         label=f"考点{site} {day:%Y-%m-%d} {half}"))

    # -- people -------------------------------------------------------------------------------------

    def person(self, roles, org, region, cards=()) -> _Person:
        person = _Person(len(self.people) + 1, set(roles), org, region, list(cards))
        self.people.append(person)
        return person

    def district_of(self, code: str) -> str:
        districts = next(c[3] for c in CITIES if c[0] == code)
        return f"{code}{self.rng.randint(2, 1 + districts):02d}"

    def random_card(self, item=None, best=5, expired=False) -> CardSpec:
        item = item or f"item{self.rng.choices(range(len(ITEMS)), weights=self.item_weights)[0]:02d}"
        level = self.rng.randint(1, best)
        if expired:
            valid = DAYS[0] - timedelta(days=self.rng.randint(1, 400))
        else:
            valid = DAYS[-1] + timedelta(days=self.rng.randint(30, 1500))
        return CardSpec(item, level, f"KP{self.rng.randrange(10**9):09d}", valid)

    def plant(self) -> list[Placement]:
        """A dispatch that keeps every rule, registering people as needed."""
        placements: list[Placement] = []
        by_slot: dict[tuple, list[PostSpec]] = {}
        for post in self.posts:
            # Rooms of one slot overlap; a supervisor's post covers the site's whole day.
            morning = post.intervals[0][0].hour < 12 if post.role in ("assessor", "invigilator") else True
            by_slot.setdefault((post.role, post.day, morning), []).append(post)
        city_of_org = {org: code for org, code, _d, _i in self.institutions}
        assessors: dict[str, list[_Person]] = {}
        invigilators: dict[int, list[_Person]] = {}
        supervisors: dict[str, list[_Person]] = {}
        for (role, _day, _morning), posts in sorted(by_slot.items(), key=lambda kv: (kv[0][1], not kv[0][2],
                                                                                     kv[0][0])):
            used: set[int] = set()
            for post in posts:
                code = post.region_code[:4]
                if role == "assessor":
                    pool = assessors.setdefault(code, [])
                    near = pool
                    if self.rng.random() < 0.15:  # now and then another city's assessor
                        near = assessors[self.rng.choice(sorted(assessors))]
                    fits = [p for p in near if p.id not in used and len(p.planted) < 3
                            and any(card_covers(c, post) for c in p.cards)]
                elif role == "invigilator":
                    pool = invigilators.setdefault(post.institution_id, [])
                    fits = [p for p in pool if p.id not in used]
                elif role == "supervisor":
                    pool = supervisors.setdefault(code, [])
                    fits = [p for p in pool if p.id not in used]
                else:
                    fits, pool = [], []
                self.rng.shuffle(fits)
                chosen = fits[:post.count]
                while len(chosen) < post.count:
                    chosen.append(self._new_for(post, city_of_org, pool))
                for n, person in enumerate(chosen):
                    used.add(person.id)
                    person.planted.append(post)
                    placements.append(Placement(post.id, person.id, post.leader and n == 0))
        return placements

    def _new_for(self, post: PostSpec, city_of_org: dict, pool: list) -> _Person:
        code = post.region_code[:4]
        if post.role == "assessor":
            cards = [self.random_card(post.item_key, best=post.level)]
            cards += [self.random_card() for _ in range(self.rng.choice((0, 1, 1, 2)))]
            roles = {"assessor"} | ({"supervisor"} if self.rng.random() < 0.05 else set())
            person = self.person(roles, self.centers[code], self.district_of(code), cards)
        elif post.role == "supervisor":
            roles = {"supervisor"} | ({"assessor"} if self.rng.random() < 0.2 else set())
            cards = [self.random_card() for _ in range(2)] if "assessor" in roles else []
            person = self.person(roles, self.centers[code], self.district_of(code), cards)
        elif post.role == "invigilator":
            roles = {"invigilator"} | ({"chief"} if self.rng.random() < 0.1 else set())
            person = self.person(roles, post.institution_id, self.district_of(code))
        else:
            person = self.person({"chief"} | ({"invigilator"} if self.rng.random() < 0.5 else set()),
                                 post.institution_id, post.region_code)
        pool.append(person)
        return person

    def extras(self, total: int) -> None:
        """Unplanted staff up to `total`: assessors (60 %), invigilators, chiefs and supervisors."""
        codes = sorted(self.centers)
        weights = [next(c[2] for c in CITIES if c[0] == code) for code in codes]
        while len(self.people) < total:
            draw = self.rng.random()
            code = self.rng.choices(codes, weights=weights)[0]
            if draw < 0.6:
                cards = [self.random_card() for _ in range(self.rng.choice((1, 1, 2, 3)))]
                self.person({"assessor"}, self.centers[code], self.district_of(code), cards)
            elif draw < 0.9:
                org, _code, district, _items = self.rng.choice(self.institutions)
                roles = {"invigilator"} | ({"chief"} if self.rng.random() < 0.15 else set())
                self.person(roles, org, self.district_of(district[:4]))
            else:
                self.person({"supervisor"}, self.centers[code], self.district_of(code))

    def noise(self) -> None:
        """Complications that spare every planted post (so the planted dispatch stays valid)."""
        rng = self.rng
        batches = sorted(self.batch_candidates)
        city_orgs: dict[str, list[int]] = {}
        for org, code, _district, _items in self.institutions:
            city_orgs.setdefault(code, []).append(org)
        for person in self.people:
            days = {post.day for post in person.planted}
            mine = frozenset().union(*(post.candidate_ids for post in person.planted)) if person.planted else set()
            planted_batches = {post.plan_id for post in person.planted}
            conflicts = set().union(*(post.conflict_employer_keys for post in person.planted
                                      if post.role in ("assessor", "supervisor")))
            free_days = [day for day in DAYS if day not in days]
            if free_days and rng.random() < 0.12:
                person.unavailable.add(rng.choice(free_days))
            elif rng.random() < 0.04:
                person.available_only = days | {rng.choice(DAYS)}
            if "assessor" in person.roles and rng.random() < 0.12:
                person.cards.append(self.random_card(expired=True))
            if rng.random() < 0.10:
                # Taught a class of some batch they do not work in (考培分离).
                others = [b for b in batches if b not in planted_batches]
                if person.organisation_id in self.batch_candidates and not person.planted and rng.random() < 0.5:
                    others = [person.organisation_id]  # an unplanted invigilator taught their own candidates
                if others:
                    batch = rng.choice(others)
                    person.trained.update(rng.sample(self.batch_candidates[batch],
                                                     min(5, len(self.batch_candidates[batch]))))
            if rng.random() < 0.06:
                batch = rng.choice(batches)
                candidate = rng.choice(self.batch_candidates[batch])
                if candidate not in mine:
                    person.related.add(candidate)
            code = person.region_code[:4]
            if person.roles & {"assessor", "supervisor"} and rng.random() < 0.4:
                options = [key for key in self.companies.get(code, ()) if key not in conflicts]
                if "supervisor" in person.roles and rng.random() < 0.3:
                    options = [f"org:{org}" for org in city_orgs.get(code, ()) if f"org:{org}" not in conflicts]
                if options:
                    person.employer_keys.add(rng.choice(options))
            if "assessor" in person.roles and rng.random() < 0.3 and city_orgs.get(code):
                person.recent.update(rng.sample(city_orgs[code], min(len(city_orgs[code]), rng.randint(1, 2))))
            if rng.random() < 0.05:
                person.max_posts = max(len(person.planted), rng.randint(1, 2))

    def staff_specs(self) -> list[StaffSpec]:
        specs = []
        for person in self.people:
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.randint(1, 2)))
            specs.append(StaffSpec(
                id=person.id, name=name, roles=frozenset(person.roles), organisation_id=person.organisation_id,
                region_code=person.region_code, employer_keys=frozenset(person.employer_keys),
                cards=tuple(person.cards), unavailable=frozenset(person.unavailable),
                available_only=None if person.available_only is None else frozenset(person.available_only),
                trained_candidate_ids=frozenset(person.trained), related_candidate_ids=frozenset(person.related),
                recent_institution_ids=frozenset(person.recent), max_posts=person.max_posts))
        return specs


def build_world(seed: int = SEED, scale: float = 1.0) -> World:
    """The province at `scale` (1.0: ~2,000 room posts and ~8,000 staff; 0.05: a few cities for tests)."""
    builder = _Builder(seed, scale)
    builder.organisations()
    builder.schedule()
    planted = builder.plant()
    builder.extras(max(len(builder.people), round(8_000 * scale)))
    builder.noise()
    staff = builder.staff_specs()
    posts = builder.posts
    rooms = [post for post in posts if post.id.startswith("room:")]
    summary = {
        "cities": len(builder.centers), "institutions": len(builder.institutions), "room_posts": len(rooms),
        "practical_rooms": sum(1 for p in rooms if p.role == "assessor"), "posts": len(posts),
        "places": sum(p.count for p in posts), "staff": len(staff), "planted_staff": sum(1 for p in builder.people
                                                                                       if p.planted),
        "candidates": builder.next_candidate - 1, "site_caps": len(builder.caps),
    }
    return World(posts, staff, builder.caps, planted, summary)


def shuffled(world: World, seed: int) -> World:
    """The same world with its rows in another order (the solver must not care)."""
    rng = random.Random(seed)
    posts, staff = list(world.posts), list(world.staff)
    rng.shuffle(posts)
    rng.shuffle(staff)
    return replace(world, posts=posts, staff=staff)
