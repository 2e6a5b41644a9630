"""What a batch needs and who can fill it: the dispatch solver's input read from the database.

Posts come from the plan's seats (the rooms a session really uses) and the policy profile:
- a room of a session scored by assessors (its subject answered hands-on, orally or by a thesis; without a
  subject, a practical room): max(min_assessors_per_practical_room, ⌈seats used / stations_per_assessor⌉)
  assessors, one of them the group leader (R-SC21-3);
- a room of any other session (answered on computers or paper, e.g. a computer-answered 专业能力, whatever the
  room): invigilators_per_room invigilators from the institution (R-FJ-7);
- a site on an exam day: one supervisor from the center (R-FJ-8);
- the batch: one chief examiner from the institution (R-FJ-7).
People are occupied from `assessor_arrival_minutes_before` before a session to its end (R-FJ-19, R-SC21-7).
Each site and time slot carries the person cap (R-SC21-2): its candidates plus the people of its posts.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import ceil

from django.db.models import Count, Q

from kaowu.accounts.models import Organisation
from kaowu.arrangement.models import SeatAssignment
from kaowu.arrangement.solver.model import SessionSpec
from kaowu.arrangement.solver.timeslots import session_cliques
from kaowu.catalog.models.catalogue import LEVEL_LABELS
from kaowu.catalog.policy import policy_active
from kaowu.plans.models import Plan, PlanItem, Session
from kaowu.sites.models import RoomKind
from kaowu.staffing.models import DispatchAssignment, DispatchRun, StaffMember, StaffRelation, TrainingClass
from kaowu.staffing.solver import CardSpec, Placement, PostSpec, SiteCapSpec, StaffSpec
from kaowu.staffing.solver.model import RULE_OVERLAP

LIVE_ASSIGNMENT = (DispatchAssignment.Status.PROPOSED, DispatchAssignment.Status.CONFIRMED)
LIVE_RUN = (DispatchRun.Status.PROPOSED, DispatchRun.Status.PUBLISHED)


def item_key(occupation_id: int | None, special_item_id: int | None) -> str:
    return f"occ:{occupation_id}" if occupation_id else f"sp:{special_item_id}"


def employer_key_of_name(name: str) -> str | None:
    name = "".join((name or "").split())
    return f"name:{name}" if name else None


def item_title(item: PlanItem) -> str:
    if item.special_item_id:
        return item.special_item.name
    return f"{item.occupation.name}{LEVEL_LABELS.get(item.level, item.level)}"


def _dt(day: date, moment) -> datetime:
    return datetime.combine(day, moment)


@dataclass
class DispatchInput:
    posts: list[PostSpec]
    staff: list[StaffSpec]
    site_caps: list[SiteCapSpec]
    # (post id, staff id) -> the rule that keeps the person out of the post (R-FJ-8 busy elsewhere, declined)
    forbidden: dict[tuple[str, int], str] = field(default_factory=dict)
    # post id -> (session id, room id, site id) for writing assignments back
    post_places: dict[str, tuple[int | None, int | None, int | None]] = field(default_factory=dict)
    unseated_sessions: int = 0
    # post id -> the sessions it staffs (a theory room's post may watch several at once); a supervisor's
    # post the sessions of its site that day, the chief's every session seated
    post_sessions: dict[str, frozenset[int]] = field(default_factory=dict)


def center_chain_ids(center: Organisation) -> list[int]:
    """The center and the organisations above it: whose assessors and supervisors it may dispatch."""
    codes = [part for part in center.path.split("/") if part]
    paths = ["/".join(codes[:n]) + "/" for n in range(1, len(codes) + 1)]
    return list(Organisation.objects.filter(path__in=paths).values_list("pk", flat=True))


def _posts(plan: Plan, profile,
           post_sessions: dict | None = None) -> tuple[list[PostSpec], dict, list[SiteCapSpec], int]:
    """Posts of one batch and the site caps, from the seats the arrangement gave (the sessions' current
    times). `post_sessions`, when given, receives each post's sessions."""
    post_sessions = {} if post_sessions is None else post_sessions
    arrival = timedelta(minutes=profile.assessor_arrival_minutes_before)
    sessions = {s.pk: s for s in Session.objects.filter(plan=plan)
                .select_related("item__occupation", "item__special_item", "subject")}
    seats = (SeatAssignment.objects.filter(session__plan=plan)
             .values("session_id", "room_id", "room__kind", "room__name", "room__site_id", "room__site__region_code")
             .annotate(n=Count("pk")).order_by("session_id", "room_id"))
    members: dict[tuple[int, int], set[int]] = defaultdict(set)
    employers: dict[int, str] = {}
    for session_id, room_id, candidate_id, employer in (
            SeatAssignment.objects.filter(session__plan=plan)
            .values_list("session_id", "room_id", "application__candidate_id", "application__candidate__employer")):
        members[(session_id, room_id)].add(candidate_id)
        employers[candidate_id] = employer
    institution_keys = {f"org:{plan.institution_id}"} | {employer_key_of_name(plan.institution.name)}
    posts: list[PostSpec] = []
    places: dict[str, tuple] = {}
    by_site_day: dict[tuple[int, date], list] = defaultdict(list)
    site_region: dict[int, str] = {}
    room_posts_of_session_site: dict[tuple[int, int], list[str]] = defaultdict(list)
    candidates_of_session_site: dict[tuple[int, int], int] = defaultdict(int)
    for unit in _units(list(seats), sessions):
        first = sessions[unit[0]["session_id"]]
        room_id, site_id = unit[0]["room_id"], unit[0]["room__site_id"]
        site_region[site_id] = unit[0]["room__site__region_code"]
        candidate_ids = frozenset().union(*(members[(row["session_id"], room_id)] for row in unit))
        conflict = frozenset(k for k in {employer_key_of_name(employers[c]) for c in candidate_ids} | institution_keys
                             if k)
        titles = []
        for row in unit:
            session = sessions[row["session_id"]]
            subject = session.subject.name if session.subject_id else ""
            titles.append(" ".join(part for part in (item_title(session.item), subject) if part))
        label = f"{first.date:%Y-%m-%d} {first.start:%H:%M} {'、'.join(titles)} {unit[0]['room__name']}"
        interval = (min(_dt(sessions[r["session_id"]].date, sessions[r["session_id"]].start) for r in unit) - arrival,
                    max(_dt(sessions[r["session_id"]].date, sessions[r["session_id"]].end) for r in unit))
        common = dict(plan_id=plan.pk, institution_id=plan.institution_id, day=first.date, intervals=(interval,),
                      label=label, site_id=site_id, region_code=site_region[site_id],
                      candidate_ids=candidate_ids, conflict_employer_keys=conflict)
        post_id = f"room:{first.pk}:{room_id}"
        seated = sum(row["n"] for row in unit)
        if _assessed(unit[0], sessions):
            count = max(profile.min_assessors_per_practical_room, ceil(seated / profile.stations_per_assessor))
            post = PostSpec(id=post_id, role="assessor", count=count, leader=True,
                            item_key=item_key(first.item.occupation_id, first.item.special_item_id),
                            level=first.item.level, item_label=item_title(first.item), **common)
        else:
            post = PostSpec(id=post_id, role="invigilator", count=profile.invigilators_per_room,
                            staff_organisation_ids=frozenset({plan.institution_id}), **common)
        posts.append(post)
        places[post_id] = (first.pk, room_id, site_id)
        post_sessions[post_id] = frozenset(row["session_id"] for row in unit)
        by_site_day[(site_id, first.date)].append((interval, candidate_ids, post_sessions[post_id]))
        for row in unit:
            room_posts_of_session_site[(row["session_id"], site_id)].append(post_id)
            candidates_of_session_site[(row["session_id"], site_id)] += row["n"]
    center_ids = frozenset(center_chain_ids(plan.reviewing_center)) if plan.reviewing_center_id else None
    days: dict[date, list] = defaultdict(list)
    for (site_id, day), entries in sorted(by_site_day.items()):
        start = min(i[0] for i, _c, _s in entries)
        end = max(i[1] for i, _c, _s in entries)
        candidate_ids = frozenset().union(*(c for _i, c, _s in entries))
        conflict = frozenset(k for k in {employer_key_of_name(employers[c]) for c in candidate_ids} | institution_keys
                             if k)
        post_id = f"site:{site_id}:{day:%Y%m%d}"
        posts.append(PostSpec(
            id=post_id, role="supervisor", count=1, plan_id=plan.pk, institution_id=plan.institution_id, day=day,
            intervals=((start, end),), label=f"{day:%Y-%m-%d} 考点督导", site_id=site_id,
            region_code=site_region[site_id], candidate_ids=candidate_ids, conflict_employer_keys=conflict,
            staff_organisation_ids=center_ids))
        places[post_id] = (None, None, site_id)
        post_sessions[post_id] = frozenset().union(*(s for _i, _c, s in entries))
        days[day].append((start, end))
    if days:
        intervals = tuple((min(s for s, _e in spans), max(e for _s, e in spans)) for _d, spans in sorted(days.items()))
        all_candidates = frozenset().union(*members.values())
        first_site = min(site_region)
        posts.append(PostSpec(
            id=f"batch:{plan.pk}", role="chief", count=1, plan_id=plan.pk, institution_id=plan.institution_id,
            day=min(days), intervals=intervals, label=f"{plan.name} 主考", site_id=first_site,
            region_code=site_region[first_site], candidate_ids=all_candidates,
            staff_organisation_ids=frozenset({plan.institution_id})))
        places[f"batch:{plan.pk}"] = (None, None, None)
        post_sessions[f"batch:{plan.pk}"] = frozenset().union(*(post_sessions[p.id] for p in posts
                                                                 if p.role != "chief"))
    caps = _site_caps(sessions, room_posts_of_session_site, candidates_of_session_site, profile, arrival)
    unseated = sum(1 for s in sessions.values() if not any(k[0] == s.pk for k in room_posts_of_session_site))
    return posts, places, caps, unseated


def _assessed(row: dict, sessions: dict) -> bool:
    """Whether the seat row's session is scored by an assessor group: its subject's answer mode decides
    (catalog.Subject.scored_by_assessors, as score entry asks); a session without a subject, its room."""
    session = sessions[row["session_id"]]
    if session.subject_id:
        return session.subject.scored_by_assessors
    return row["room__kind"] == RoomKind.PRACTICAL


def _units(rows: list[dict], sessions: dict) -> list[list[dict]]:
    """The seat rows (session × room) that one team staffs. An assessor group examines one session's item
    (their cards are for it); invigilators watch the room, so sessions sharing a room they invigilate at
    overlapping times (directly or through a chain) are one post."""
    units: list[list[dict]] = []
    theory: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        if _assessed(row, sessions):
            units.append([row])
        else:
            theory[row["room_id"]].append(row)

    def span(row):
        session = sessions[row["session_id"]]
        return _dt(session.date, session.start), _dt(session.date, session.end)

    for room_rows in theory.values():
        room_rows.sort(key=lambda r: (span(r), r["session_id"]))
        current, current_end = [], None
        for row in room_rows:
            start, end = span(row)
            if current and start < current_end:
                current.append(row)
                current_end = max(current_end, end)
            else:
                if current:
                    units.append(current)
                current, current_end = [row], end
        if current:
            units.append(current)
    units.sort(key=lambda unit: (span(unit[0]), unit[0]["room_id"]))
    return units


def _site_caps(sessions, room_posts, candidates, profile, arrival) -> list[SiteCapSpec]:
    """R-SC21-2 per site and clique of sessions running at one instant: the candidates seated plus the people
    of the room posts and of the site's supervisor that day."""
    caps = []
    sites = {site for (_s, site) in room_posts}
    for site_id in sorted(sites):
        used = [sessions[s] for (s, site) in room_posts if site == site_id]
        specs = [SessionSpec(id=s.pk, start=_dt(s.date, s.start), end=_dt(s.date, s.end), subject_kind="theory")
                 for s in used]
        cliques: dict[int, list[int]] = defaultdict(list)
        for session_id, numbers in session_cliques(specs).items():
            for number in numbers:
                cliques[number].append(session_id)
        for members in cliques.values():
            first = sessions[members[0]]
            post_ids = [p for s in members for p in room_posts[(s, site_id)]] + [f"site:{site_id}:{first.date:%Y%m%d}"]
            caps.append(SiteCapSpec(
                site_id=site_id, start=max(_dt(sessions[s].date, sessions[s].start) for s in members) - arrival,
                end=min(_dt(sessions[s].date, sessions[s].end) for s in members), cap=profile.site_slot_person_cap,
                candidates=sum(candidates[(s, site_id)] for s in members), post_ids=tuple(post_ids),
                label=f"{first.date:%Y-%m-%d} {first.start:%H:%M} 考点（编号 {site_id}）"))
    return caps


def staff_spec(member: StaffMember, *, trained: frozenset[int], related: frozenset[int],
               recent: frozenset[int]) -> StaffSpec:
    keys = {employer_key_of_name(member.employer_name)}
    if member.employer_id:
        keys |= {f"org:{member.employer_id}", employer_key_of_name(member.employer.name)}
    unavailable = frozenset(a.date for a in member.availability.all() if not a.available)
    only = frozenset(a.date for a in member.availability.all() if a.available) or None
    cards = tuple(CardSpec(item_key=item_key(c.occupation_id, c.special_item_id), highest_level=c.level,
                           number=c.number, valid_until=c.valid_until) for c in member.cards.all())
    return StaffSpec(
        id=member.pk, name=member.name, roles=frozenset(member.roles), organisation_id=member.organisation_id,
        region_code=member.region_code, employer_keys=frozenset(k for k in keys if k), cards=cards,
        unavailable=unavailable, available_only=only, trained_candidate_ids=trained, related_candidate_ids=related,
        recent_institution_ids=recent)


def staff_pool(plan: Plan) -> list[StaffMember]:
    """Who may fill the batch's posts: the institution's own chief examiners and invigilators, and the
    assessors and supervisors of the reviewing center and the registries above it."""
    chain = center_chain_ids(plan.reviewing_center) if plan.reviewing_center_id else []
    return list(StaffMember.objects.filter(is_active=True).filter(
        Q(organisation_id=plan.institution_id, is_chief=True) | Q(organisation_id=plan.institution_id,
                                                                   is_invigilator=True)
        | Q(organisation_id__in=chain, is_assessor=True) | Q(organisation_id__in=chain, is_supervisor=True))
        .select_related("employer").prefetch_related("cards", "availability").order_by("pk"))


def _trained_and_related(staff_ids: list[int]) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    trained: dict[int, set[int]] = defaultdict(set)
    for staff_id, candidate_id in TrainingClass.candidates.through.objects.filter(
            trainingclass__staff_id__in=staff_ids).values_list("trainingclass__staff_id", "candidate_id"):
        trained[staff_id].add(candidate_id)
    related: dict[int, set[int]] = defaultdict(set)
    for staff_id, candidate_id in StaffRelation.objects.filter(staff_id__in=staff_ids).values_list(
            "staff_id", "candidate_id"):
        related[staff_id].add(candidate_id)
    return trained, related


def _recent_institutions(plan: Plan, staff_ids: list[int]) -> dict[int, set[int]]:
    """Where each assessor worked in the batch before this one (the last published run of an earlier plan)."""
    recent: dict[int, set[int]] = defaultdict(set)
    first_day = Session.objects.filter(plan=plan).order_by("date").values_list("date", flat=True).first()
    if first_day is None:
        return recent
    rows = (DispatchAssignment.objects.filter(
        staff_id__in=staff_ids, role=DispatchAssignment.Role.ASSESSOR, status__in=LIVE_ASSIGNMENT,
        run__status=DispatchRun.Status.PUBLISHED, date__lt=first_day, date__gte=first_day - timedelta(days=62))
        .exclude(run__plan=plan).values_list("staff_id", "run__plan__institution_id", "date").order_by("-date"))
    latest: dict[int, date] = {}
    for staff_id, institution_id, day in rows:
        # Only the most recent batch counts: "consecutive batches".
        if latest.setdefault(staff_id, day) == day:
            recent[staff_id].add(institution_id)
    return recent


def busy_elsewhere(plan: Plan, staff_ids: list[int]) -> dict[int, list[tuple[datetime, datetime, str]]]:
    """Other batches' live assignments of these people, as (start, end, label): nobody in two places.

    The times are the sessions' current ones (a post of another batch computed again from its sessions), not
    the copy its run kept when it was solved: an approved change (R-CQ-8) that moved that batch frees the
    people at the old time and ties them up at the new one."""
    busy: dict[int, list] = defaultdict(list)
    rows = list(DispatchAssignment.objects.filter(staff_id__in=staff_ids, status__in=LIVE_ASSIGNMENT,
                                                  run__status__in=LIVE_RUN)
                .exclude(run__plan=plan)
                .values_list("staff_id", "run_id", "run__plan_id", "post_id", "post_label", "session_id"))
    if not rows:
        return busy
    profile = policy_active()
    arrival = timedelta(minutes=profile.assessor_arrival_minutes_before)
    current: dict[int, dict[str, PostSpec]] = {}
    for other in Plan.objects.filter(pk__in={row[2] for row in rows}).select_related("institution",
                                                                                    "reviewing_center"):
        current[other.pk] = {post.id: post for post in _posts(other, profile)[0]}
    sessions = {s.pk: s for s in Session.objects.filter(pk__in={row[5] for row in rows if row[5]})}
    stored: dict[int, dict[str, list]] = {}
    for staff_id, run_id, plan_id, post_id, label, session_id in rows:
        post = current.get(plan_id, {}).get(post_id)
        if post is not None:
            spans, label = list(post.intervals), post.label
        elif session_id in sessions:  # the post is gone (seats rearranged): its session still says when
            session = sessions[session_id]
            spans = [(_dt(session.date, session.start) - arrival, _dt(session.date, session.end))]
        else:  # nothing left to compute it from: what the run kept
            if run_id not in stored:
                run_posts = DispatchRun.objects.filter(pk=run_id).values_list("posts", flat=True).first() or []
                stored[run_id] = {p["id"]: [(datetime.fromisoformat(a), datetime.fromisoformat(b))
                                            for a, b in p.get("intervals", [])] for p in run_posts}
            spans = stored[run_id].get(post_id, [])
        for start, end in spans:
            busy[staff_id].append((start, end, label))
    return busy


def overlaps(intervals, start: datetime, end: datetime) -> bool:
    return any(s < end and start < e for s, e in intervals)


def dispatch_input_load(plan: Plan) -> DispatchInput:
    profile = policy_active()
    post_sessions: dict[str, frozenset[int]] = {}
    posts, places, caps, unseated = _posts(plan, profile, post_sessions)
    members = staff_pool(plan)
    ids = [m.pk for m in members]
    trained, related = _trained_and_related(ids)
    recent = _recent_institutions(plan, ids)
    staff = [staff_spec(m, trained=frozenset(trained[m.pk]), related=frozenset(related[m.pk]),
                        recent=frozenset(recent[m.pk])) for m in members]
    # Busy in another batch at the same time: kept out under R-FJ-8 (a shortage counts them as busy, not as
    # having declined).
    forbidden: dict[tuple[str, int], str] = {}
    busy = busy_elsewhere(plan, ids)
    for staff_id, spans in busy.items():
        taken = [(s, e) for s, e, _label in spans]
        for post in posts:
            if any(overlaps(taken, s, e) for s, e in post.intervals):
                forbidden[(post.id, staff_id)] = RULE_OVERLAP
    return DispatchInput(posts=posts, staff=staff, site_caps=caps, forbidden=forbidden, post_places=places,
                         unseated_sessions=unseated, post_sessions=post_sessions)


def post_as_json(post: PostSpec) -> dict:
    """What a run keeps of a post: enough to list it, re-check it and tell other runs when it is busy."""
    return {"id": post.id, "role": post.role, "count": post.count, "leader": post.leader, "label": post.label,
            "item_label": post.item_label, "day": post.day.isoformat(), "site_id": post.site_id,
            "intervals": [(s.isoformat(), e.isoformat()) for s, e in post.intervals]}


def placements_of(assignments) -> list[Placement]:
    return [Placement(post_id=a.post_id, staff_id=a.staff_id, leader=a.leader) for a in assignments]
