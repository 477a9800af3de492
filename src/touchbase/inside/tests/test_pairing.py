"""The pairing rules over many rounds: no repeats inside the window, odd numbers, customers."""

from __future__ import annotations

import random
from collections import defaultdict, deque

from touchbase.inside.pairing import PairingInput, pair


def _rounds(people: list[int], rounds: int, window: int, seed: int = 7, customers=frozenset()):
    """Run many rounds as the service does: each round avoids the last `window` rounds."""
    rng = random.Random(seed)
    history: deque[list[tuple[int, ...]]] = deque(maxlen=window)
    results = []
    for _round in range(rounds):
        recent: dict[int, set[int]] = defaultdict(set)
        for groups in history:
            for group in groups:
                for person in group:
                    recent[person].update(set(group) - {person})
        result = pair(PairingInput(people=people, customers=customers, recent=recent), rng=rng)
        results.append((result, {p: set(r) for p, r in recent.items()}))
        history.append(result.groups)
    return results


def test_fifty_rounds_never_repeat_a_pair_inside_the_window():
    people = list(range(1, 24))
    for result, recent in _rounds(people, rounds=50, window=6):
        assert result.repeats == 0
        for group in result.groups:
            for person in group:
                assert not (set(group) - {person}) & recent.get(person, set())


def test_everyone_is_grouped_exactly_once_per_round():
    people = list(range(1, 24))
    for result, _recent in _rounds(people, rounds=10, window=3):
        seated = [person for group in result.groups for person in group]
        assert sorted(seated) == people
        assert result.unpaired == []


def test_an_odd_number_makes_one_group_of_three():
    result = pair(PairingInput(people=list(range(7))), rng=random.Random(1))
    sizes = sorted(len(group) for group in result.groups)
    assert sizes == [2, 2, 3]


def test_two_people_who_met_recently_meet_again_only_when_nothing_else_is_possible():
    only_two = pair(PairingInput(people=[1, 2], recent={1: {2}, 2: {1}}), rng=random.Random(3))
    assert only_two.groups == [(2, 1)] or only_two.groups == [(1, 2)]
    assert only_two.repeats == 1
    four = pair(
        PairingInput(people=[1, 2, 3, 4], recent={1: {2}, 2: {1}, 3: {4}, 4: {3}}),
        rng=random.Random(3),
    )
    assert four.repeats == 0
    assert all({1, 2} != set(g) and {3, 4} != set(g) for g in four.groups)


def test_customers_are_never_grouped_with_each_other():
    customers = {101, 102, 103}
    people = [1, 2, 3, 101, 102, 103]
    for seed in range(30):
        result = pair(PairingInput(people=people, customers=customers), rng=random.Random(seed))
        for group in result.groups:
            assert len(set(group) & customers) <= 1


def test_customers_beyond_the_colleagues_wait_for_the_next_round():
    result = pair(PairingInput(people=[1, 101, 102, 103], customers={101, 102, 103}))
    assert len(result.groups) == 1
    assert sorted(result.unpaired) == sorted({101, 102, 103} - set(result.groups[0]))


def test_colleagues_who_share_customers_but_never_met_are_grouped_first():
    people = list(range(1, 21))
    shared = {4: {17}, 17: {4}}
    for seed in range(20):
        result = pair(PairingInput(people=people, shared=shared), rng=random.Random(seed))
        assert (4, 17) in result.shared
        assert any(set(group) == {4, 17} for group in result.groups)


def test_sharing_customers_does_not_bring_together_people_who_met_before():
    people = list(range(1, 21))
    shared = {4: {17}, 17: {4}}
    result = pair(
        PairingInput(people=people, shared=shared, ever_met={frozenset((4, 17))}),
        rng=random.Random(5),
    )
    assert result.shared == set()


def test_customers_meet_only_colleagues_who_work_with_customers():
    people = [1, 2, 3, 101]
    for seed in range(30):
        result = pair(
            PairingInput(people=people, customers={101}, may_meet_customers={3}),
            rng=random.Random(seed),
        )
        customer_group = next(g for g in result.groups if 101 in g)
        assert set(customer_group) - {101} <= {3}
