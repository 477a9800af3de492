"""Batch assignment: every open request to at most one helper, the total score as high as it gets.

The model. A request can take one of its edges (helper, start hour); the edge's score is the
matching score of that helper for that request (matching.py, same rules and weights). A job of
k hours (the skill's hours, rounded up) blocks the helper's hours start … start + k − 1; two
jobs of one helper never share an hour. Each request is proposed at most once.

The product (`batch_propose`):
1. load the open, confirmed requests, their future windows, the eligible helpers with their
   calendars, booked hours and track record — a dozen queries for the whole workspace;
2. edges: per skill and block of requests, distances, scores and free runs of all request ×
   helper pairs with numpy (free time as a helpers × hours matrix over the horizon); per
   request the best `HELPERS_PER_REQUEST` helpers that are free in a window, each with up to
   `STARTS_PER_HELPER` start hours;
3. solve the linear relaxation of the exact model on those edges (HiGHS, a second or two;
   its solution is integral for nearly every edge);
4. take the edges it chose, best first, skipping any that would overlap a job already taken;
5. fill: requests left take their best edge still free (greedy by score), then single swaps
   (an unmatched request takes a helper's hours if the request holding them moves to another
   free edge of its own, or gives way when its score is lower) while they raise the total.

`optimal_total` solves the exact model as an integer program on all edges — every eligible
helper and every start hour — for benchmarks and tests; `relaxed_total` is the faster bound
with overlaps allowed (one job per helper and start hour, LAPJVsp).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from touchbase.community.availability import Span, hour_datetime
from touchbase.community.choices import OfferState, RequestState
from touchbase.community.geo import EARTH_RADIUS_KM
from touchbase.community.matching import (
    DISTANCE_HALF_KM,
    EXPERIENCE_FULL_JOBS,
    HELPER_COLUMNS,
    RADIUS_TOLERANCE_KM,
    RESPONSE_HALF_HOURS,
    WEIGHT_DISTANCE,
    WEIGHT_EXPERIENCE,
    WEIGHT_PRICE,
    WEIGHT_RATING,
    WEIGHT_RESPONSE,
    Candidate,
    HelperFacts,
    RequestFacts,
    busy_load,
    eligible_helpers,
    facts_load,
    rating_average,
    request_facts,
    score_parts,
    score_reasons,
)
from touchbase.community.models import (
    CustomerBlock,
    Helper,
    HelpRequest,
    Offer,
    RequestWindow,
    Skill,
)
from touchbase.core.models import Workspace

HELPERS_PER_REQUEST = 12
STARTS_PER_HELPER = 8
CHUNK = 128  # requests per numpy block: memory stays near CHUNK × helpers × hours
SOLVER_SECONDS = 2.5  # the linear relaxation's share of the 5 s (it needs about one)
SWAP_SECONDS = 0.5
MISSING = 101.0  # cost of "not assigned"; an edge costs MISSING − score (always > 0)


@dataclass
class Proposal:
    """The proposed pairs (no offers made yet), their total score, the requests left over."""

    pairs: list[tuple[HelpRequest, Candidate]]
    total_score: float
    unmatched: list[HelpRequest]
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, for benchmarks


@dataclass
class BatchProblem:
    """Requests, helpers and the edges between them, as arrays (edges grouped by request)."""

    requests: list[HelpRequest]
    targets: list[RequestFacts]
    helpers: list[HelperFacts]
    edge_request: np.ndarray
    edge_helper: np.ndarray
    edge_start: np.ndarray
    edge_score: np.ndarray
    edge_distance: np.ndarray
    first_edge: np.ndarray  # request index → its first edge; first_edge[-1] = number of edges
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def edges(self) -> int:
        return len(self.edge_score)

    def subset(self, indexes: list[int]) -> BatchProblem:
        """The same problem for some of the requests only (benchmarks on smaller sizes)."""
        keep = np.concatenate(
            [np.arange(self.first_edge[i], self.first_edge[i + 1]) for i in indexes]
            or [np.empty(0, dtype=np.int64)]
        ).astype(np.int64)
        counts = np.array([self.first_edge[i + 1] - self.first_edge[i] for i in indexes])
        return BatchProblem(
            requests=[self.requests[i] for i in indexes],
            targets=[self.targets[i] for i in indexes], helpers=self.helpers,
            edge_request=np.repeat(np.arange(len(indexes), dtype=np.int64), counts),
            edge_helper=self.edge_helper[keep], edge_start=self.edge_start[keep],
            edge_score=self.edge_score[keep], edge_distance=self.edge_distance[keep],
            first_edge=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        )  # fmt: skip


def batch_problem(
    workspace: Workspace,
    *,
    now: dt.datetime | None = None,
    helpers_per_request: int | None = HELPERS_PER_REQUEST,
    starts_per_helper: int | None = STARTS_PER_HELPER,
) -> BatchProblem:
    """Load the open requests and eligible helpers, and build the scored edges.

    `helpers_per_request=None` and `starts_per_helper=None` keep every feasible edge (for the
    exact optimum)."""
    began = time.perf_counter()
    now = now or timezone.now()
    today = timezone.localdate(now)
    blocked = {email.casefold() for email in CustomerBlock.objects.filter(
        workspace=workspace).values_list("email", flat=True)}  # fmt: skip
    requests = list(
        HelpRequest.objects.filter(
            workspace=workspace, state=RequestState.OPEN, confirmed_at__isnull=False
        ).order_by("created_at", "pk")
    )
    skills = {skill.pk: skill for skill in Skill.objects.filter(workspace=workspace)}
    windows: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for request_id, starts_at, ends_at in RequestWindow.objects.filter(
        workspace=workspace, request__state=RequestState.OPEN, ends_at__gt=now
    ).values_list("request_id", "starts_at", "ends_at"):
        windows[request_id].append((starts_at, ends_at))
    targets = [
        # A blocked customer's request gets no windows, so no helper: it stays unmatched.
        request_facts(
            request,
            skills[request.skill_id],
            [] if request.email.casefold() in blocked else windows[request.pk],
            now=now,
        )  # fmt: skip
        for request in requests
    ]
    skill_ids = sorted({target.skill_id for target in targets})
    helper_skills: dict[int, set[int]] = defaultdict(set)
    rows = {}
    for *row, skill_id in eligible_helpers(workspace, skill_ids=skill_ids, today=today).values_list(
        *HELPER_COLUMNS, "helper_skills__skill_id"
    ):
        rows[row[0]] = tuple(row)
        helper_skills[row[0]].add(skill_id)
    facts = facts_load(rows.values(), skill_ids=skill_ids, today=today, workspace=workspace)
    helpers = list(facts.values())
    turned_down = set(
        Offer.objects.filter(
            workspace=workspace, request__state=RequestState.OPEN,
            state__in=[OfferState.DECLINED, OfferState.EXPIRED],
        ).values_list("request_id", "helper_id")
    )  # fmt: skip
    spans = [window for target in targets for window in target.windows]
    horizon = (0, 0)
    if spans and helpers:
        horizon = (min(span[0] for span in spans), max(span[1] for span in spans))
        busy = busy_load(None, *horizon, workspace=workspace)
        for helper in helpers:
            helper.free = helper.calendar.free_spans(*horizon, busy.get(helper.id, ()))
    loaded = time.perf_counter()
    problem = _edges(requests, targets, helpers, helper_skills, turned_down, horizon,
                     helpers_per_request, starts_per_helper)  # fmt: skip
    problem.timings = {"load_s": loaded - began, "edges_s": time.perf_counter() - loaded}
    return problem


def _edges(
    requests: list[HelpRequest],
    targets: list[RequestFacts],
    helpers: list[HelperFacts],
    helper_skills: dict[int, set[int]],
    turned_down: set[tuple[int, int]],
    horizon: Span,
    helpers_per_request: int | None,
    starts_per_helper: int | None,
) -> BatchProblem:
    """Scores of all request × helper pairs per skill with numpy; slots for the best ones.

    Free time is a helpers × hours matrix over the horizon of all windows; for a job of L
    hours, `runs[L][h, t]` says whether helper h is free from hour t for L hours. A request
    looks only at the columns where its windows allow a start."""
    first, end = horizon
    width = max(0, end - first)
    free = np.zeros((len(helpers), width + 8), dtype=bool)
    for index, helper in enumerate(helpers):
        for begin, finish in helper.free:
            free[index, begin - first : finish - first] = True
    runs: dict[int, np.ndarray] = {}
    for length in {target.length for target in targets}:
        run = free.copy()
        for shift in range(1, length):
            run[:, : width + 8 - shift] &= free[:, shift:]
            run[:, width + 8 - shift :] = False
        runs[length] = run
    latitude = np.radians([helper.latitude for helper in helpers])
    longitude = np.radians([helper.longitude for helper in helpers])
    reach = np.array([helper.radius_km + RADIUS_TOLERANCE_KM for helper in helpers])
    price = np.array([helper.hourly_price for helper in helpers])
    # The parts of the score that depend on the helper only.
    fixed = np.array([
        WEIGHT_RATING * (rating_average(helper) - 1) / 4
        + (WEIGHT_RESPONSE / 2 if helper.response_hours is None
           else WEIGHT_RESPONSE / (1 + helper.response_hours / RESPONSE_HALF_HOURS))
        for helper in helpers
    ])  # fmt: skip
    helper_key = np.array([helper.id for helper in helpers], dtype=np.int64)
    request_key = np.array([request.pk for request in requests], dtype=np.int64)
    turned_down_keys = np.array(
        sorted(request_id * (1 << 32) + helper_id for request_id, helper_id in turned_down),
        dtype=np.int64,
    )
    parts: list[tuple[np.ndarray, ...]] = []
    by_skill: dict[int, list[int]] = defaultdict(list)
    for index, target in enumerate(targets):
        if target.windows:
            by_skill[target.skill_id].append(index)
    for skill_id, request_indexes in by_skill.items():
        able = np.array([index for index, helper in enumerate(helpers)
                         if skill_id in helper_skills[helper.id]], dtype=np.int64)  # fmt: skip
        if not len(able):
            continue
        experience = np.array([
            WEIGHT_EXPERIENCE * min(helpers[index].jobs.get(skill_id, 0), EXPERIENCE_FULL_JOBS)
            / EXPERIENCE_FULL_JOBS for index in able
        ])  # fmt: skip
        base = fixed[able] + experience
        able_latitude, able_longitude, able_reach = latitude[able], longitude[able], reach[able]
        for chunk_start in range(0, len(request_indexes), CHUNK):
            chunk = request_indexes[chunk_start : chunk_start + CHUNK]
            request_latitude = np.radians([targets[index].latitude for index in chunk])[:, None]
            request_longitude = np.radians([targets[index].longitude for index in chunk])[:, None]
            half_dphi = (able_latitude[None, :] - request_latitude) / 2
            half_dlambda = (able_longitude[None, :] - request_longitude) / 2
            a = (
                np.sin(half_dphi) ** 2
                + np.cos(request_latitude)
                * np.cos(able_latitude[None, :])
                * np.sin(half_dlambda) ** 2
            )
            distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
            inside = distance <= able_reach[None, :]
            score = WEIGHT_DISTANCE / (1 + distance / DISTANCE_HALF_KM) + base[None, :]
            score += _price_points(chunk, targets, price[able])
            score = np.round(np.clip(score, 0.0, 100.0), 1)
            parts.append(_chunk_edges(
                chunk, targets, able, inside, score, distance, runs, first, width,
                turned_down_keys, helper_key, request_key, helpers_per_request, starts_per_helper,
            ))  # fmt: skip
    edges = [np.concatenate([_NO_EDGES[k], *(part[k] for part in parts)]) for k in range(5)]
    order = np.argsort(edges[0], kind="stable")  # grouped by request, best edges first
    counts = np.bincount(edges[0], minlength=len(targets)).astype(np.int64)
    return BatchProblem(
        requests=requests, targets=targets, helpers=helpers,
        edge_request=edges[0][order].astype(np.int64), edge_helper=edges[1][order].astype(np.int64),
        edge_start=edges[2][order].astype(np.int64), edge_score=edges[3][order].astype(np.float64),
        edge_distance=edges[4][order].astype(np.float64),
        first_edge=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
    )  # fmt: skip


_NO_EDGES = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64),
             np.empty(0, dtype=np.int64), np.empty(0), np.empty(0))  # fmt: skip


def _chunk_edges(
    chunk: list[int],
    targets: list[RequestFacts],
    able: np.ndarray,
    inside: np.ndarray,
    score: np.ndarray,
    distance: np.ndarray,
    runs: dict[int, np.ndarray],
    first: int,
    width: int,
    turned_down_keys: np.ndarray,
    helper_key: np.ndarray,
    request_key: np.ndarray,
    helpers_per_request: int | None,
    starts_per_helper: int | None,
) -> tuple[np.ndarray, ...]:
    """Edges of a chunk of requests of one skill: (request, helper, start, score, distance).

    All pairs in reach at once: a pair fits where the helper's free runs meet the hours at
    which the request's windows allow a start; per request the best helpers that fit."""
    length = targets[chunk[0]].length
    allowed = np.zeros((len(chunk), width + 8), dtype=bool)
    for row, index in enumerate(chunk):
        for begin, finish in targets[index].windows:
            allowed[row, max(0, begin - first) : max(0, finish - first - length + 1)] = True
    rows, columns = np.nonzero(inside)
    fits = runs[length][able[columns]] & allowed[rows]
    keep = fits.any(axis=1)
    chunk_requests = np.asarray(chunk, dtype=np.int64)
    if len(turned_down_keys):
        keys = request_key[chunk_requests[rows]] * (1 << 32) + helper_key[able[columns]]
        keep &= ~np.isin(keys, turned_down_keys)
    rows, columns, fits = rows[keep], columns[keep], fits[keep]
    order = np.lexsort((distance[rows, columns], -score[rows, columns], rows))
    rows, columns, fits = rows[order], columns[order], fits[order]
    if helpers_per_request is not None and len(rows):
        starts_of_group = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        sizes = np.diff(np.r_[starts_of_group, len(rows)])
        rank = np.arange(len(rows)) - np.repeat(starts_of_group, sizes)
        best = rank < helpers_per_request
        rows, columns, fits = rows[best], columns[best], fits[best]
    if starts_per_helper is not None:
        fits = _first_true(fits, starts_per_helper)
    pair, hour = np.nonzero(fits)
    rows, columns = rows[pair], columns[pair]
    return (chunk_requests[rows], able[columns], hour + first, score[rows, columns],
            distance[rows, columns])  # fmt: skip


def _first_true(matrix: np.ndarray, count: int) -> np.ndarray:
    """The matrix with only the first `count` True values of each row kept."""
    return matrix & (np.cumsum(matrix, axis=1) <= count)


def _price_points(chunk: list[int], targets: list[RequestFacts], price: np.ndarray) -> np.ndarray:
    """The price part of the score (as matching.score_parts) for requests × helpers."""
    known = np.array([targets[index].reference_price is not None for index in chunk])[:, None]
    reference = np.array([targets[index].reference_price or 0.0 for index in chunk])[:, None]
    price = price[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        under = np.where(reference > 0, WEIGHT_PRICE * (1 - 0.5 * price / reference),
                         WEIGHT_PRICE)  # fmt: skip
    over = -WEIGHT_PRICE * np.minimum(1.0, (price - reference) / np.maximum(reference, 1.0))
    points = np.where(price <= reference, under, over)
    return np.where(known, points, WEIGHT_PRICE / 2)


# --- solving -----------------------------------------------------------------------------------


def _exact(problem: BatchProblem) -> np.ndarray:
    """Edge indices of a maximum-score assignment with one job per (helper, start) (relaxed)."""
    if not problem.edges:
        return np.empty(0, dtype=np.int64)
    requests = len(problem.targets)
    slot_keys = problem.edge_helper * (1 << 32) + (problem.edge_start - problem.edge_start.min())
    slots, slot_column = np.unique(slot_keys, return_inverse=True)
    # One "not assigned" column per request keeps a full matching possible.
    rows = np.concatenate([problem.edge_request, np.arange(requests)])
    columns = np.concatenate([slot_column, len(slots) + np.arange(requests)])
    costs = np.concatenate([MISSING - problem.edge_score, np.full(requests, MISSING)])
    # Equal (row, column) pairs cannot happen: an edge is unique per request, helper, start.
    matrix = csr_array((costs, (rows, columns)), shape=(requests, len(slots) + requests))
    row_index, column_index = min_weight_full_bipartite_matching(matrix)
    chosen = column_index < len(slots)
    # Map (request, slot column) back to the edge: keys are unique, so a sorted search.
    width = len(slots) + requests
    keys = problem.edge_request * width + slot_column
    order = np.argsort(keys, kind="stable")
    wanted = row_index[chosen].astype(np.int64) * width + column_index[chosen]
    return np.asarray(order[np.searchsorted(keys[order], wanted)], dtype=np.int64)


def relaxed_total(problem: BatchProblem) -> float:
    """The best total with one job per (helper, start hour), overlaps of longer jobs allowed:
    an upper bound of the optimum, solved exactly by LAPJVsp (fast on millions of edges)."""
    return round(float(problem.edge_score[_exact(problem)].sum()), 1)


def _integer_program(
    problem: BatchProblem, *, seconds: float | None = None, relaxed: bool = False
) -> tuple[int, np.ndarray | None]:
    """Solve the true model with HiGHS: (status, x per edge or None).

    Variables: one per edge, 0/1 (or 0..1 with `relaxed`, the linear relaxation). Constraints:
    a request takes at most one edge; every (helper, hour) is covered by at most one chosen
    edge. Status 0 is optimal; on a time-out (status 1) the best solution found so far comes
    back, if any."""
    lengths = np.array([target.length for target in problem.targets], dtype=np.int64)
    edge_length = lengths[problem.edge_request]
    edges = np.arange(problem.edges, dtype=np.int64)
    cover_edge = np.repeat(edges, edge_length)
    before = np.repeat(np.cumsum(edge_length) - edge_length, edge_length)
    cover_hour = problem.edge_start[cover_edge] - problem.edge_start.min()
    cover_hour += np.arange(len(cover_edge)) - before
    keys = problem.edge_helper[cover_edge] * (1 << 32) + cover_hour
    slots, hour_row = np.unique(keys, return_inverse=True)
    requests = len(problem.targets)
    rows = np.concatenate([problem.edge_request, requests + hour_row])
    columns = np.concatenate([edges, cover_edge])
    matrix = csr_array((np.ones(len(rows)), (rows, columns)),
                       shape=(requests + len(slots), problem.edges))  # fmt: skip
    options: dict[str, float] = {"time_limit": seconds} if seconds else {}
    result = milp(-problem.edge_score, constraints=LinearConstraint(matrix, ub=1),
                  integrality=None if relaxed else np.ones(problem.edges), bounds=Bounds(0, 1),
                  options=options)  # fmt: skip
    return result.status, result.x


def optimal_total(problem: BatchProblem, *, seconds: float | None = None) -> float:
    """The best total score of the true model (no helper hour twice), solved exactly.

    Build the problem with every edge (`helpers_per_request=None, starts_per_helper=None`) for
    the optimum over all choices. A time limit that runs out raises TimeoutError."""
    if not problem.edges:
        return 0.0
    status, x = _integer_program(problem, seconds=seconds)
    if status != 0 or x is None:
        raise TimeoutError(f"no optimum within {seconds} s (HiGHS status {status})")
    return round(float(problem.edge_score[x > 0.5].sum()), 1)


class _Assignment:
    """A feasible assignment under construction: each helper's taken hours, each request's edge."""

    def __init__(self, problem: BatchProblem) -> None:
        self.problem = problem
        self.lengths = [target.length for target in problem.targets]
        self.helper = problem.edge_helper.tolist()
        self.start = problem.edge_start.tolist()
        self.score = problem.edge_score.tolist()
        self.request = problem.edge_request.tolist()
        self.first = problem.first_edge.tolist()
        self.occupied: dict[int, dict[int, int]] = defaultdict(dict)  # helper → hour → request
        self.chosen: dict[int, int] = {}  # request → edge

    def hours(self, edge: int) -> range:
        start = self.start[edge]
        return range(start, start + self.lengths[self.request[edge]])

    def free(self, edge: int, ignore: int = -1) -> bool:
        taken = self.occupied.get(self.helper[edge])
        return not taken or all(taken.get(hour, ignore) == ignore for hour in self.hours(edge))

    def take(self, edge: int) -> None:
        taken, request = self.occupied[self.helper[edge]], self.request[edge]
        for hour in self.hours(edge):
            taken[hour] = request
        self.chosen[request] = edge

    def drop(self, request: int) -> None:
        edge = self.chosen.pop(request)
        taken = self.occupied[self.helper[edge]]
        for hour in self.hours(edge):
            taken.pop(hour, None)

    def swap_in(self, request: int) -> bool:
        """Place an unmatched request: on a free edge, or by moving or displacing the one
        request in its way when that raises the total."""
        best: tuple[float, int, int, int] | None = None  # gain, edge, other request, its move
        for edge in range(self.first[request], self.first[request + 1]):
            if self.free(edge):
                self.take(edge)
                return True
            taken = self.occupied[self.helper[edge]]
            blockers = {taken[hour] for hour in self.hours(edge) if hour in taken}
            if len(blockers) != 1:
                continue
            other = blockers.pop()
            current = self.chosen[other]
            gain, move = self.score[edge] - self.score[current], -1
            for alternative in range(self.first[other], self.first[other + 1]):
                if alternative == current or not self.free(alternative, ignore=other):
                    continue
                if self.helper[alternative] == self.helper[edge] and _overlap(
                    self.hours(edge), self.hours(alternative)
                ):
                    continue
                moved = self.score[edge] + self.score[alternative] - self.score[current]
                if moved > gain:
                    gain, move = moved, alternative
            if gain > 1e-9 and (best is None or gain > best[0]):
                best = (gain, edge, other, move)
        if best is None:
            return False
        _gain, edge, other, move = best
        self.drop(other)
        self.take(edge)
        if move >= 0:
            self.take(move)
        return True


def batch_total(problem: BatchProblem, *, seconds: float = SOLVER_SECONDS) -> float:
    """The total score the product's solver reaches on a problem (benchmarks and tests)."""
    return round(float(problem.edge_score[_solve(problem, seconds=seconds)].sum()), 1)


def _solve(problem: BatchProblem, *, seconds: float = SOLVER_SECONDS) -> list[int]:
    """Edge indices of the proposal (steps 3–5 of the module's docstring)."""
    state = _Assignment(problem)
    began = time.perf_counter()
    x = None
    if problem.edges:
        _status, x = _integer_program(problem, seconds=seconds, relaxed=True)
    # Edges the linear relaxation chose (x = 1) first, then by their share, then by score.
    weight = np.zeros(problem.edges) if x is None else np.round(x, 6)
    for edge in np.lexsort((problem.edge_start, -problem.edge_score, -weight)).tolist():
        if weight[edge] <= 1e-6:
            break
        if state.request[edge] not in state.chosen and state.free(edge):
            state.take(edge)
    for edge in np.lexsort((problem.edge_start, -problem.edge_score)).tolist():
        if state.request[edge] not in state.chosen and state.free(edge):
            state.take(edge)
    deadline = began + seconds + SWAP_SECONDS
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for request in range(len(problem.targets)):
            if request not in state.chosen and state.swap_in(request):
                improved = True
    return sorted(state.chosen.values())


def _overlap(first: range, second: range) -> bool:
    return first.start < second.stop and second.start < first.stop


def batch_propose(workspace: Workspace, *, now: dt.datetime | None = None) -> Proposal:
    """The best proposal over all open requests (see the module's steps); makes no offers."""
    problem = batch_problem(workspace, now=now)
    solving = time.perf_counter()
    edges = _solve(problem)
    problem.timings["solve_s"] = time.perf_counter() - solving
    helper_rows = Helper.objects.in_bulk(
        {problem.helpers[int(problem.edge_helper[edge])].id for edge in edges}
    )
    pairs = []
    for edge in edges:
        request_index = int(problem.edge_request[edge])
        target, facts = problem.targets[request_index], problem.helpers[problem.edge_helper[edge]]
        distance, start = float(problem.edge_distance[edge]), int(problem.edge_start[edge])
        candidate = Candidate(
            helper=helper_rows[facts.id],
            starts_at=hour_datetime(start),
            ends_at=hour_datetime(start + target.length),
            score=float(problem.edge_score[edge]),
            reasons=score_reasons(facts, target, distance, score_parts(facts, target, distance)),
            distance_km=round(distance, 2),
        )
        pairs.append((problem.requests[request_index], candidate))
    matched = {request.pk for request, _candidate in pairs}
    return Proposal(
        pairs=pairs,
        total_score=round(sum(candidate.score for _request, candidate in pairs), 1),
        unmatched=[request for request in problem.requests if request.pk not in matched],
        timings={**problem.timings, "edges": problem.edges},
    )
