"""Coffee pairing: random groups of two (one of three when the number is odd).

Rules, strongest first: a customer is never grouped with another customer; two people who met
in the recent rounds are not grouped again while any other way exists; colleagues who share
customers but never met are grouped first when the workspace prefers it; everyone else at
random. Greedy with repair: each person takes the first allowed partner from a shuffled pool,
and the few left over are fixed by swapping with pairs already made. Linear in the number of
people for the usual short histories (10,000 people in well under a second).
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

# How many existing pairs a leftover person tries to swap with before accepting a repeat.
REPAIR_TRIES = 3000
RESTARTS = 30


@dataclass
class PairingInput:
    people: Sequence[int]
    customers: Collection[int] = frozenset()
    # Who met whom in the rounds to avoid (both directions).
    recent: Mapping[int, Collection[int]] = field(default_factory=dict)
    # Who shares customers with whom; only used for pairs that never met.
    shared: Mapping[int, Collection[int]] = field(default_factory=dict)
    ever_met: Collection[frozenset[int]] = frozenset()
    # Who may be grouped with a customer (colleagues who work with customers); None: anyone.
    may_meet_customers: Collection[int] | None = None


@dataclass
class PairingResult:
    groups: list[tuple[int, ...]]
    shared: set[tuple[int, ...]]
    repeats: int
    # Customers left without a colleague this round.
    unpaired: list[int]


class _Pairer:
    def __init__(self, data: PairingInput, rng: random.Random) -> None:
        self.data = data
        self.rng = rng
        self.customers = set(data.customers)
        self.hosts = None if data.may_meet_customers is None else set(data.may_meet_customers)
        self.groups: list[list[int]] = []
        self.shared: set[tuple[int, ...]] = set()
        self.repeats = 0

    def allowed(self, a: int, b: int) -> bool:
        if a == b or (a in self.customers and b in self.customers):
            return False
        if self.hosts is not None and (
            (a in self.customers and b not in self.hosts)
            or (b in self.customers and a not in self.hosts)
        ):
            return False
        return b not in self.data.recent.get(a, ())

    def run(self) -> PairingResult:
        people = list(dict.fromkeys(self.data.people))
        self.rng.shuffle(people)
        free = set(people)
        self._pair_shared(people, free)
        customers = [p for p in people if p in free and p in self.customers]
        members = [p for p in people if p in free and p not in self.customers]
        leftover = self._pair_customers(customers, members, free)
        leftover += self._pair_pool(members, free)
        unpaired = self._repair(leftover)
        return PairingResult(
            groups=[tuple(group) for group in self.groups],
            shared=self.shared,
            repeats=self.repeats,
            unpaired=unpaired,
        )

    def _pair_shared(self, people: list[int], free: set[int]) -> None:
        ever = self.data.ever_met
        for person in people:
            if person not in free or person in self.customers:
                continue
            options = [
                other
                for other in self.data.shared.get(person, ())
                if other in free
                and other != person
                and other not in self.customers
                and frozenset((person, other)) not in ever
                and self.allowed(person, other)
            ]
            if options:
                other = self.rng.choice(sorted(options))
                free -= {person, other}
                self.groups.append([person, other])
                self.shared.add(tuple(sorted((person, other))))

    def _pair_customers(
        self, customers: list[int], members: list[int], free: set[int]
    ) -> list[int]:
        """Each customer takes a colleague; members are taken from the shuffled list's end."""
        leftover: list[int] = []
        for customer in customers:
            partner = self._take(customer, members)
            if partner is None:
                leftover.append(customer)
                continue
            free -= {customer, partner}
            self.groups.append([customer, partner])
        return leftover

    def _pair_pool(self, pool: list[int], free: set[int]) -> list[int]:
        leftover: list[int] = []
        while pool:
            person = pool.pop()
            partner = self._take(person, pool)
            if partner is None:
                leftover.append(person)
                continue
            free -= {person, partner}
            self.groups.append([person, partner])
        return leftover

    def _take(self, person: int, pool: list[int]) -> int | None:
        """The allowed partner nearest the pool's end, removed from the pool (swap-remove)."""
        for index in range(len(pool) - 1, -1, -1):
            if self.allowed(person, pool[index]):
                pool[index], pool[-1] = pool[-1], pool[index]
                return pool.pop()
        return None

    def _repair(self, leftover: list[int]) -> list[int]:
        """Pair the left-over people: with each other, by swapping into existing pairs, or as a
        third person; a repeat meeting only when nothing else is possible."""
        unpaired: list[int] = []
        while leftover:
            person = leftover.pop()
            partner = next((other for other in leftover if self.allowed(person, other)), None)
            if partner is not None:
                leftover.remove(partner)
                self.groups.append([person, partner])
            elif leftover and self._swap(person, leftover):
                continue
            elif not leftover:
                if not self._join_a_group(person):
                    unpaired.append(person)
            else:
                partner = next((o for o in leftover if self._may_share(person, o)), None)
                if partner is None:
                    unpaired.append(person)
                    continue
                leftover.remove(partner)
                self.groups.append([person, partner])
                self.repeats += 1
        return unpaired

    def _both_customers(self, a: int, b: int) -> bool:
        return a in self.customers and b in self.customers

    def _may_share(self, a: int, b: int) -> bool:
        """Whether two may sit together at all, recent meetings aside."""
        return self.allowed(a, b) or b in self.data.recent.get(a, ())

    def _swap(self, person: int, leftover: list[int]) -> bool:
        """(a, b) + person + other → (person, a) + (other, b) when both new pairs are allowed."""
        pairs = [g for g in self.groups if len(g) == 2]
        for group in self.rng.sample(pairs, min(len(pairs), REPAIR_TRIES)):
            for a, b in ((group[0], group[1]), (group[1], group[0])):
                if not self.allowed(person, a):
                    continue
                other = next((o for o in leftover if self.allowed(o, b)), None)
                if other is not None:
                    leftover.remove(other)
                    group[:] = [person, a]
                    self.groups.append([other, b])
                    self.shared.discard(tuple(sorted((a, b))))
                    return True
        return False

    def _join_a_group(self, person: int) -> bool:
        """The odd one out joins a pair both of whom they may meet (else the least bad one)."""
        pairs = [g for g in self.groups if len(g) == 2]
        if not pairs:
            return False
        fits = [g for g in pairs if all(self.allowed(person, m) for m in g)]
        if not fits:
            fits = [g for g in pairs if all(self._may_share(person, m) for m in g)]
            if not fits:
                return False
            self.repeats += 1
        self.rng.choice(fits).append(person)
        return True


def pair(data: PairingInput, *, rng: random.Random | None = None) -> PairingResult:
    """Group the people of one round; see the module's rules. Small teams can corner the
    greedy pass into a repeat that another order avoids, so a round with a repeat is tried
    again with new shuffles a few times and the best kept."""
    rng = rng or random.Random()
    best = _Pairer(data, rng).run()
    for _attempt in range(RESTARTS):
        if best.repeats == 0:
            break
        again = _Pairer(data, rng).run()
        if (again.repeats, len(again.unpaired)) < (best.repeats, len(best.unpaired)):
            best = again
    return best
