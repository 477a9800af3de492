from __future__ import annotations

import random

import pytest
from django.db.models import Sum

from touchbase.catalogue.demo import demo_catalogue
from touchbase.core import registry
from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.ideas import selectors
from touchbase.ideas.choices import IdeaStatus
from touchbase.ideas.demo import DECISIONS, DUPLICATE, IDEAS, ORIGINAL, demo_ideas
from touchbase.ideas.models import Comment, Evidence, Idea, Vote
from touchbase.ideas.services import vote_weight
from touchbase.visitors.models import Visitor


@pytest.fixture
def demo_workspace(workspace, contact):
    team = {
        username: member_add(workspace=workspace, username=username, password=None, role=role)
        for username, role in (("markus", Role.LEADER), ("joseph", Role.LEADER))
    }
    demo_catalogue(workspace=workspace, rng=random.Random(1))
    demo_ideas(workspace=workspace, team=team, rng=random.Random(7))
    return workspace


def test_the_ideas_step_runs_after_the_catalogue_and_listening():
    steps = [step.name for step in registry.demo_steps]

    assert steps.index("ideas") > steps.index("listening") > steps.index("catalogue")


def test_the_demo_portal_lists_every_idea_but_the_merged_duplicate(demo_workspace):
    rows, more = selectors.ideas_page(
        selectors.ideas_filtered(workspace=demo_workspace, wanted=selectors.IdeaFilter()), page=1
    )
    listed = Idea.objects.filter(workspace=demo_workspace, listed=True)

    assert listed.count() == len(IDEAS) - 1
    assert len(rows) == selectors.PAGE_SIZE
    assert more is True
    assert rows[0].vote_count >= rows[-1].vote_count
    assert rows[0].vote_count >= 8


def test_the_roadmap_has_ideas_in_every_column(demo_workspace):
    columns = selectors.roadmap(workspace=demo_workspace)
    planned = [title for title, (status, _answer) in DECISIONS.items() if status == "planned"]

    assert [status for status, ideas in columns.items() if ideas] == [
        IdeaStatus.PLANNED, IdeaStatus.IN_PROGRESS, IdeaStatus.DONE,
    ]  # fmt: skip
    assert sorted(idea.title for idea in columns[IdeaStatus.PLANNED]) == sorted(planned)
    assert all(idea.answer for ideas in columns.values() for idea in ideas)


def test_the_duplicate_is_merged_into_the_original(demo_workspace):
    duplicate = Idea.objects.get(workspace=demo_workspace, title=DUPLICATE)
    original = Idea.objects.get(workspace=demo_workspace, title=ORIGINAL)

    assert duplicate.merged_into == original
    assert duplicate.listed is False
    assert Vote.objects.filter(idea=duplicate).count() == 0
    # the duplicate's four voters count on the original now
    assert original.vote_count >= 4
    assert original.status == IdeaStatus.PLANNED


def test_the_counts_on_each_idea_are_those_of_its_rows(demo_workspace):
    for idea in Idea.objects.filter(workspace=demo_workspace):
        votes = Vote.objects.filter(idea=idea, counted=True)
        trend = sum(vote_weight(at) for at in votes.values_list("created_at", flat=True))
        comments = Comment.objects.filter(idea=idea, published_at__isnull=False, hidden_at=None)

        assert idea.vote_count == votes.count()
        assert idea.comment_count == comments.count()
        assert idea.trend_score == pytest.approx(trend)


def test_demo_visitors_are_confirmed_and_on_example_domains(demo_workspace):
    visitors = Visitor.objects.filter(workspace=demo_workspace)

    assert visitors.count() == 12
    assert all(visitor.is_confirmed for visitor in visitors)
    assert {visitor.email.rsplit("@", 1)[1] for visitor in visitors} <= {
        "example.com", "example.org", "example.net",
    }  # fmt: skip


def test_staff_voted_for_customers_and_attached_what_they_said(demo_workspace, contact):
    on_behalf = Vote.objects.filter(workspace=demo_workspace, visitor=None)
    evidence = Evidence.objects.filter(workspace=demo_workspace, touchpoint__isnull=False)

    assert list(on_behalf.values_list("contact_id", "note")) == [
        (contact.pk, "Im Telefonat gewünscht")
    ]
    assert on_behalf.get().recorded_by.username == "joseph"
    assert evidence.get().contact == contact
    assert Idea.objects.filter(workspace=demo_workspace).aggregate(n=Sum("vote_count"))["n"] == (
        Vote.objects.filter(workspace=demo_workspace, counted=True).count()
    )


def test_running_the_step_again_adds_nothing(demo_workspace):
    before = Idea.objects.filter(workspace=demo_workspace).count()

    demo_ideas(workspace=demo_workspace, team={}, rng=random.Random(7))

    assert Idea.objects.filter(workspace=demo_workspace).count() == before
