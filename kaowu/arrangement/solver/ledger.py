"""What is taken so far: the free places of each room in each slot, and the head counts of each site at each
instant (clique) for the caps of R-SC21-2. The engine asks it how many candidates a room can still take for
a session, and tells it where it put them."""

import random

from kaowu.arrangement.solver.model import DESK_ROOM_KINDS, Assignment, Limits, RoomSpec


class RoomSlot:
    """One room in one slot: its free places in filling order, consumed from the front."""

    __slots__ = ("room_id", "site_id", "staff", "desk", "places", "next", "used")

    def __init__(self, room: RoomSpec, places: list[int]):
        self.room_id = room.id
        self.site_id = room.site_id
        self.staff = room.staff
        self.desk = room.kind in DESK_ROOM_KINDS
        self.places = places
        self.next = 0
        self.used = False

    @property
    def free(self) -> int:
        return len(self.places) - self.next


class Ledger:
    def __init__(self, *, rooms: dict[int, RoomSpec], limits: Limits, slot_of: dict[int, int],
                 cliques_of: dict[int, tuple[int, ...]], seed: int):
        self.rooms = rooms
        self.limits = limits
        self.slot_of = slot_of
        self.cliques_of = cliques_of
        # One generator for the whole run, consumed in the solver's fixed order: the same input and seed
        # give the same seats. (One per room would be tidier for audit, but seeding a Mersenne Twister
        # costs ~15 µs, and a province has thousands of rooms per slot.)
        self.rng = random.Random(seed)
        self.candidate_cap = limits.site_slot_candidate_cap
        self.person_cap = limits.site_slot_person_cap
        self.site_staff = limits.site_staff if self.person_cap is not None else 0
        self._slots: dict[tuple[int, int], RoomSlot] = {}
        self._taken: dict[tuple[int, int], set[int]] = {}
        self._places: dict[int, tuple[int, ...]] = {}
        self.candidate_load: dict[tuple[int, int], int] = {}
        self.person_load: dict[tuple[int, int], int] = {}
        self.open_rooms: set[tuple[int, int]] = set()
        self.open_sites: set[tuple[int, int]] = set()

    # -- places ---------------------------------------------------------------------------------------------

    def room_slot(self, room_id: int, slot: int) -> RoomSlot:
        found = self._slots.get((room_id, slot))
        if found is None:
            room = self.rooms[room_id]
            places = self._room_places(room_id)
            taken = self._taken.get((room_id, slot))
            free = [p for p in places if p not in taken] if taken else list(places)
            found = self._slots[(room_id, slot)] = RoomSlot(room, free)
        return found

    def free_places(self, room_id: int, slot: int) -> int:
        """Free places without setting the room up (most rooms of a province are never looked at twice)."""
        found = self._slots.get((room_id, slot))
        if found is not None:
            return found.free
        return len(self._room_places(room_id)) - len(self._taken.get((room_id, slot), ()))

    def _room_places(self, room_id: int) -> tuple[int, ...]:
        places = self._places.get(room_id)
        if places is None:
            places = self._places[room_id] = self.rooms[room_id].places(self.limits.theory_room_max)
        return places

    def hold(self, fixed: list[Assignment]) -> None:
        """Published tickets keep their places; they count towards the caps like anyone else."""
        for held in fixed:
            slot = self.slot_of[held.session_id]
            assert (held.room_id, slot) not in self._slots, "hold() runs before any placement"
            self._taken.setdefault((held.room_id, slot), set()).add(held.place)
            self._count(self.rooms[held.room_id], self.cliques_of.get(held.session_id, ()), 1)

    # -- caps -----------------------------------------------------------------------------------------------

    def room_cost(self, room_id: int, site_id: int, staff: int, clique: int) -> int:
        """People who arrive with the first candidate in this room at this instant: its staff, and the
        site's own staff if the site is not in use yet."""
        cost = 0 if (room_id, clique) in self.open_rooms else staff
        if (site_id, clique) not in self.open_sites:
            cost += self.site_staff
        return cost

    def effective(self, rs: RoomSlot, cliques: tuple[int, ...]) -> int:
        """How many more candidates of a session in these cliques the room can take now."""
        best = len(rs.places) - rs.next
        if best <= 0 or not cliques:
            return best
        site = rs.site_id
        if self.candidate_cap is not None:
            load = self.candidate_load
            for clique in cliques:
                room = self.candidate_cap - load.get((site, clique), 0)
                if room < best:
                    best = room
        if self.person_cap is not None:
            load = self.person_load
            for clique in cliques:
                room = self.person_cap - load.get((site, clique), 0) - self.room_cost(rs.room_id, site, rs.staff,
                                                                                     clique)
                if room < best:
                    best = room
        return best

    def _count(self, room: RoomSpec, cliques: tuple[int, ...], count: int) -> None:
        site = room.site_id
        for clique in cliques:
            key = (site, clique)
            self.candidate_load[key] = self.candidate_load.get(key, 0) + count
            if self.person_cap is not None:
                cost = self.room_cost(room.id, site, room.staff, clique)
                self.person_load[key] = self.person_load.get(key, 0) + count + cost
                self.open_rooms.add((room.id, clique))
                self.open_sites.add(key)

    # -- placing --------------------------------------------------------------------------------------------

    def place(self, rs: RoomSlot, session_id: int, cliques: tuple[int, ...],
              application_ids: list[int]) -> list[Assignment]:
        """Seat these candidates on the next free places of the room, in an order drawn from its generator:
        a group takes one block of places, shuffled within the block."""
        count = len(application_ids)
        block = rs.places[rs.next:rs.next + count]
        rs.next += count
        rs.used = True
        if cliques:
            self._count(self.rooms[rs.room_id], cliques, count)
        order = shuffled(self.rng, application_ids)
        room_id = rs.room_id
        new = tuple.__new__  # Assignment(...) goes through a Python-level __new__; this is the same, 3× faster
        pairs = zip(order, block, strict=True)
        if rs.desk:
            return [new(Assignment, (app, session_id, room_id, place, None)) for app, place in pairs]
        return [new(Assignment, (app, session_id, room_id, None, place)) for app, place in pairs]

    def rooms_used(self) -> int:
        return sum(1 for rs in self._slots.values() if rs.used)


def shuffled(rng: random.Random, items: list[int]) -> list[int]:
    """A uniformly random order of `items`: sorted by 64-bit keys from one randbytes() call, which costs a
    fraction of random.shuffle's one Python call per element. Equal keys (odds 1 in 2**64) keep input order."""
    count = len(items)
    if count < 2:
        return list(items)
    # Native byte order: the same keys on every little-endian machine (x86-64, arm64), so the same seats.
    keys = memoryview(rng.randbytes(8 * count)).cast("Q")
    return [items[index] for index in sorted(range(count), key=keys.__getitem__)]
