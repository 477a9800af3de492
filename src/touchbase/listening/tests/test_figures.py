"""Answer figures on known data: response rate, median time to first answer, silence rate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from touchbase.listening.figures import answer_figures, trend, week_starts
from touchbase.listening.models import Mention
from touchbase.listening.tests.factories import mention_make, source_make

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def known(workspace, other_workspace, alice, bob):
    """Three weeks of mentions, the last one the week of `now` (Wednesday 12 March 2025, noon).

    Week of 24 Feb: alice answers after 2 h and 24 h, leaves one unanswered past its due time,
    closes one as spam; bob answers one after 6 h.
    Week of 3 Mar: alice answers one after 1 h and a neutral one she queued by hand after 4 h;
    nobody owns one that is never answered.
    Week of 10 Mar: one of alice's still within its time.
    Not counted: a positive mention, one before the weeks asked for, another workspace's.
    """
    zone = workspace.zone
    source = source_make(workspace, "Google")

    def at(day: int, hour: int, month: int = 2) -> dt.datetime:
        return dt.datetime(2025, month, day, hour, tzinfo=zone)

    def make(text, published, *, owner=None, answered_after=None, due=None, sentiment="negative",
             closed=False):  # fmt: skip
        mention = mention_make(source, text, sentiment=sentiment, published_at=published)
        mention.owner = owner
        mention.due_at = due or published + 24 * HOUR
        if sentiment != "negative" and due is None:
            mention.due_at = None
        mention.answered_at = published + answered_after if answered_after else None
        mention.closed_at = published + HOUR if closed else None
        mention.close_reason = "spam" if closed else ""
        mention.save()
        return mention

    make("a1", at(25, 10), owner=alice, answered_after=2 * HOUR)
    make("a2", at(25, 11), owner=alice, answered_after=24 * HOUR)
    make("a3", at(26, 9), owner=alice)
    make("a4", at(26, 10), owner=alice, closed=True)
    make("b1", at(27, 8), owner=bob, answered_after=6 * HOUR)
    make("a5", at(3, 10, month=3), owner=alice, answered_after=HOUR)
    make("a6", at(4, 10, month=3), owner=alice, answered_after=4 * HOUR, sentiment="neutral",
         due=at(5, 10, month=3))  # fmt: skip
    make("n1", at(5, 9, month=3))
    make("a7", at(12, 9, month=3), owner=alice, due=at(13, 9, month=3))
    make("p1", at(5, 12, month=3), owner=alice, sentiment="positive")
    make("old", at(10, 9), owner=alice)
    other = mention_make(source_make(other_workspace, "Google"), "fremd", sentiment="negative",
                         published_at=at(25, 10))  # fmt: skip
    Mention.objects.filter(pk=other.pk).update(due_at=at(26, 10))
    return {"now": at(12, 12, month=3), "at": at}


def rates(tally):
    return (tally.received, tally.answered, tally.silent, tally.waiting, tally.closed,
            tally.response_rate, tally.median_hours, tally.silence_rate)  # fmt: skip


def test_the_weeks_are_mondays_ending_with_this_one():
    assert week_starts(today=dt.date(2025, 3, 12), weeks=3) == [
        dt.date(2025, 2, 24), dt.date(2025, 3, 3), dt.date(2025, 3, 10)]  # fmt: skip


def test_figures_per_owner_and_week(workspace, known, alice, bob):
    figures = answer_figures(workspace=workspace, weeks=3, now=known["now"])
    assert figures.weeks == [dt.date(2025, 2, 24), dt.date(2025, 3, 3), dt.date(2025, 3, 10)]
    by_name = {owner.name: owner for owner in figures.owners}
    assert [owner.name for owner in figures.owners] == ["Alice Adler", "Bob Bauer", ""]
    alices = by_name["Alice Adler"]
    assert alices.owner_id == alice.pk
    assert rates(alices.weeks[0]) == (3, 2, 1, 0, 1, 2 / 3, 13.0, 1 / 3)
    assert rates(alices.weeks[1]) == (2, 2, 0, 0, 0, 1.0, 2.5, 0.0)
    assert rates(alices.weeks[2]) == (1, 0, 0, 1, 0, 0.0, None, 0.0)
    assert rates(alices.total) == (6, 4, 1, 1, 1, 4 / 6, 3.0, 1 / 6)
    assert rates(by_name["Bob Bauer"].weeks[0]) == (1, 1, 0, 0, 0, 1.0, 6.0, 0.0)
    assert rates(by_name[""].weeks[1]) == (1, 0, 1, 0, 0, 0.0, None, 1.0)


def test_team_figures_add_up_everyone(workspace, known):
    team = answer_figures(workspace=workspace, weeks=3, now=known["now"]).team
    assert rates(team.weeks[0]) == (4, 3, 1, 0, 1, 3 / 4, 6.0, 1 / 4)
    assert rates(team.weeks[1]) == (3, 2, 1, 0, 0, 2 / 3, 2.5, 1 / 3)
    assert rates(team.total) == (8, 5, 2, 1, 1, 5 / 8, 4.0, 2 / 8)
    assert (team.total.response_percent, team.total.silence_percent) == (62, 25)


def test_a_week_without_mentions_has_no_rates(workspace, known):
    figures = answer_figures(workspace=workspace, weeks=4, now=known["now"] + 7 * 24 * HOUR)
    last = figures.team.weeks[-1]
    assert rates(last) == (0, 0, 0, 0, 0, None, None, None)


def test_an_unanswered_mention_turns_silent_when_its_due_time_passes(workspace, known):
    at = known["at"]
    before = answer_figures(workspace=workspace, weeks=1, now=at(13, 8, month=3)).team.weeks[0]
    after = answer_figures(workspace=workspace, weeks=1, now=at(13, 10, month=3)).team.weeks[0]
    assert (before.waiting, before.silent) == (1, 0)
    assert (after.waiting, after.silent) == (0, 1)


def test_the_trend_puts_full_at_the_top_and_skips_empty_weeks():
    line = trend([1.0, None, 0.5, 0.0], width=300, height=80)
    assert line.dots == [(0.0, 0.0), (200.0, 40.0), (300.0, 80.0)]
    assert line.points == "0.0,0.0 200.0,40.0 300.0,80.0"


def test_the_figures_page_shows_the_tables_and_the_chart(alice_client, workspace, alice):
    source = source_make(workspace, "Google")
    now = timezone.now()
    mention = mention_make(source, "kaputt", sentiment="negative", published_at=now - 30 * HOUR)
    Mention.objects.filter(pk=mention.pk).update(owner=alice, due_at=now - 6 * HOUR)
    html = alice_client.get(reverse("listening:queue-figures"), {"weeks": "4"}).content.decode()
    assert "<svg" in html
    assert "<polyline" in html
    assert 'id="team-figures"' in html
    assert 'id="owner-figures"' in html
    assert "Alice Adler" in html
    assert html.count('<td style="white-space:nowrap">') == 4 + 4  # team and alice, by week
    assert "100 %" in html  # alice's silence rate: the one mention, never answered


def test_the_figures_page_in_german_keeps_the_chart_numbers_in_svg_syntax(alice_client, alice,
                                                                           workspace):  # fmt: skip
    source = source_make(workspace, "Google")
    mention = mention_make(source, "kaputt", sentiment="negative")
    Mention.objects.filter(pk=mention.pk).update(due_at=timezone.now() - HOUR)
    alice.language = "de"
    alice.save()
    html = alice_client.get(reverse("listening:queue-figures"), {"weeks": "13"}).content.decode()
    points = html.split('<polyline points="')[1].split('"')[0]
    assert "," in points
    assert all(part.count(",") == 1 for part in points.split())
    circles = html.split("<circle ")[1]
    assert 'cx="' in circles
    assert "," not in circles.split('cx="')[1].split('"')[0]
