"""Ratings on real rows: what counts, the interval, the weekly trend and the removal rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from touchbase.catalogue.choices import ProductStatus
from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.listening import ratings
from touchbase.listening.choices import AlertKind, RemovalStep
from touchbase.listening.models import Alert, MentionProduct, RemovalDecision
from touchbase.listening.services import listening_settings_save
from touchbase.listening.statistics import stars_interval
from touchbase.listening.tests.factories import mention_about, mention_make, source_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(workspace):
    return source_make(workspace, "Google")


@pytest.fixture
def aurora(workspace):
    return product_save(product=Product(workspace=workspace, name="Aurora", sku="A-1"))


def rate(product, source, *stars, estimated=False, **fields):
    for value in stars:
        if estimated:
            mention_about(product, source, stars_estimated=value, **fields)
        else:
            mention_about(product, source, stars=value, **fields)


def test_given_and_estimated_stars_of_analysed_mentions_count(workspace, source, aurora):
    # given two given ratings, one estimated, and three mentions that are no rating
    rate(aurora, source, 5.0, 4.0)
    rate(aurora, source, 2.0, estimated=True)
    mention_about(aurora, source)  # read, but neither given nor estimated stars
    unread = mention_make(source, "Noch nicht gelesen: die Aurora hat fünf Sterne verdient.",
                          stars=5.0)  # fmt: skip
    MentionProduct.objects.create(workspace=workspace, mention=unread, product=aurora)
    # when
    figures = ratings.product_rating(product=aurora)
    # then
    assert (figures.count, figures.given, figures.estimated) == (3, 2, 1)
    assert figures.average == pytest.approx(11 / 3)
    expected = stars_interval(11 / 3, 3)
    assert (figures.low, figures.high) == (
        pytest.approx(expected.low),
        pytest.approx(expected.high),
    )


def test_given_stars_win_over_the_estimate(source, aurora):
    mention_about(aurora, source, stars=1.0, stars_estimated=4.0)
    figures = ratings.product_rating(product=aurora)
    assert (figures.count, figures.given, figures.average) == (1, 1, 1.0)


def test_other_products_and_workspaces_do_not_count(workspace, other_workspace, source, aurora):
    boreas = product_save(product=Product(workspace=workspace, name="Boreas"))
    theirs = product_save(product=Product(workspace=other_workspace, name="Aurora"))
    rate(aurora, source, 4.0)
    rate(boreas, source, 1.0, 1.0)
    rate(theirs, source_make(other_workspace, "Ihr Shop"), 1.0)
    figures = ratings.product_ratings(workspace=workspace, products=[aurora, boreas])
    assert [(item.product.name, item.count, item.average) for item in figures] == [
        ("Aurora", 1, 4.0), ("Boreas", 2, 1.0),
    ]  # fmt: skip


def test_a_product_without_ratings_has_no_average(aurora):
    figures = ratings.product_rating(product=aurora)
    assert (figures.count, figures.average, figures.low, figures.high) == (0, None, None, None)


def test_the_weekly_trend_averages_iso_weeks_in_the_workspaces_time_zone(workspace, source, aurora):
    berlin = workspace.zone
    now = dt.datetime(2026, 3, 18, 12, 0, tzinfo=berlin)  # a Wednesday, week 12
    # Monday 00:30 in Berlin is Sunday in UTC: it belongs to week 12 all the same
    rate(aurora, source, 4.0, published_at=dt.datetime(2026, 3, 16, 0, 30, tzinfo=berlin))
    rate(aurora, source, 2.0, published_at=dt.datetime(2026, 3, 18, 9, 0, tzinfo=berlin))
    rate(aurora, source, 1.0, published_at=dt.datetime(2026, 3, 15, 23, 0, tzinfo=berlin))
    rate(aurora, source, 5.0, published_at=dt.datetime(2025, 12, 29, 8, 0, tzinfo=berlin))
    rate(aurora, source, 3.0, published_at=dt.datetime(2025, 12, 28, 8, 0, tzinfo=berlin))
    # when
    weeks = ratings.weekly_trend(product=aurora, now=now)
    # then twelve weeks from 2026-W01 to 2026-W12; week 52 of 2025 is too old
    assert [week.label for week in weeks] == [f"2026-W{n:02d}" for n in range(1, 13)]
    assert weeks[0].starts_on == dt.date(2025, 12, 29)
    assert [(week.count, week.average) for week in weeks if week.count] == [
        (1, 5.0), (1, 1.0), (2, 3.0),
    ]  # fmt: skip
    assert weeks[-1].low == pytest.approx(stars_interval(3.0, 2).low)
    assert weeks[5].average is None


# --- the removal rules --------------------------------------------------------------------------


def test_under_two_stars_from_enough_ratings_proposes_the_product_once(workspace, source, aurora):
    rate(aurora, source, *[1.0] * 5, *[2.0] * 5)
    # when the rules run twice
    outcome = ratings.ratings_rules_apply(workspace=workspace)
    again = ratings.ratings_rules_apply(workspace=workspace)
    # then
    aurora.refresh_from_db()
    assert aurora.status == ProductStatus.PROPOSED_FOR_REMOVAL
    assert [product.name for product in outcome.proposed] == ["Aurora"]
    assert again.proposed == []
    decision = RemovalDecision.objects.get(product=aurora)
    assert (decision.step, decision.ratings, decision.average, decision.decided_by) == (
        RemovalStep.PROPOSED, 10, 1.5, None)  # fmt: skip
    alert = Alert.objects.get(workspace=workspace)
    assert (alert.kind, alert.product, alert.params["count"], alert.params["average"]) == (
        AlertKind.REMOVAL_PROPOSED, aurora, 10, 1.5)  # fmt: skip
    assert alert.message == "Aurora is proposed for removal: 1.5 stars from 10 ratings."


def test_too_few_ratings_or_two_stars_exactly_propose_nothing(workspace, source, aurora):
    boreas = product_save(product=Product(workspace=workspace, name="Boreas"))
    rate(aurora, source, *[1.0] * 9)
    rate(boreas, source, *[2.0] * 12)
    outcome = ratings.ratings_rules_apply(workspace=workspace)
    assert outcome.proposed == []
    assert set(Product.objects.values_list("status", flat=True)) == {ProductStatus.ON_SALE}
    assert not Alert.objects.exists()


def test_the_workspace_decides_how_many_ratings_are_enough(workspace, source, aurora):
    listening_settings_save(workspace=workspace, removal_min_ratings=3)
    rate(aurora, source, 1.0, 1.0, 2.0)
    ratings.ratings_rules_apply(workspace=workspace)
    aurora.refresh_from_db()
    assert aurora.status == ProductStatus.PROPOSED_FOR_REMOVAL


@pytest.fixture
def proposed(workspace, source, aurora):
    rate(aurora, source, *[1.0] * 10)
    ratings.ratings_rules_apply(workspace=workspace)
    aurora.refresh_from_db()
    assert aurora.status == ProductStatus.PROPOSED_FOR_REMOVAL
    return aurora


def test_a_leader_confirms_the_removal(proposed, alice):
    decision = ratings.removal_confirm(product=proposed, by=alice)
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.REMOVED
    assert (decision.step, decision.decided_by, decision.ratings) == (
        RemovalStep.CONFIRMED, alice, 10)  # fmt: skip


def test_an_override_without_a_reason_is_refused_and_changes_nothing(proposed, alice):
    with pytest.raises(ValidationError) as refused:
        ratings.removal_override(product=proposed, by=alice, reason="   ")
    assert list(refused.value.message_dict) == ["reason"]
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.PROPOSED_FOR_REMOVAL
    assert RemovalDecision.objects.filter(product=proposed).count() == 1


def test_only_a_proposed_product_can_be_confirmed_or_overridden(aurora, alice):
    with pytest.raises(ValidationError) as refused:
        ratings.removal_confirm(product=aurora, by=alice)
    assert list(refused.value.message_dict) == ["status"]
    with pytest.raises(ValidationError):
        ratings.removal_override(product=aurora, by=alice, reason="Läuft gut")
    aurora.refresh_from_db()
    assert aurora.status == ProductStatus.ON_SALE
    assert not RemovalDecision.objects.exists()


def test_an_override_holds_until_as_many_new_ratings_arrived_as_the_rule_needs(
    workspace, proposed, source, alice
):
    # given a leader kept the product on sale
    decision = ratings.removal_override(product=proposed, by=alice, reason=" Neue Charge ab Mai ")
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.ON_SALE
    assert (decision.step, decision.reason, decision.ratings, decision.decided_by) == (
        RemovalStep.OVERRIDDEN, "Neue Charge ab Mai", 10, alice)  # fmt: skip
    # when nine more bad ratings arrive, the override holds
    rate(proposed, source, *[1.0] * 9)
    assert ratings.ratings_rules_apply(workspace=workspace).proposed == []
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.ON_SALE
    # when the tenth arrives, the rule judges again
    rate(proposed, source, 1.0)
    assert ratings.ratings_rules_apply(workspace=workspace).proposed == [proposed]
    proposed.refresh_from_db()
    assert proposed.status == ProductStatus.PROPOSED_FOR_REMOVAL
    assert Alert.objects.filter(kind=AlertKind.REMOVAL_PROPOSED).count() == 2
    assert Alert.objects.order_by("-id").first().params["count"] == 20


def test_a_product_on_sale_for_30_days_without_a_rating_is_flagged_once(workspace, source):
    now = timezone.now()
    old = product_save(product=Product(workspace=workspace, name="Alt"))
    Product.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=31))
    relaunched = product_save(product=Product(workspace=workspace, name="Neu aufgelegt",
                                              launched_at=now - dt.timedelta(days=10)))  # fmt: skip
    Product.objects.filter(pk=relaunched.pk).update(created_at=now - dt.timedelta(days=400))
    rated = product_save(product=Product(workspace=workspace, name="Bewertet"))
    Product.objects.filter(pk=rated.pk).update(created_at=now - dt.timedelta(days=60))
    rate(rated, source, 1.0)
    removed = product_save(product=Product(workspace=workspace, name="Weg",
                                           status=ProductStatus.REMOVED))  # fmt: skip
    Product.objects.filter(pk=removed.pk).update(created_at=now - dt.timedelta(days=60))
    # when the rules run twice
    first = ratings.ratings_rules_apply(workspace=workspace)
    second = ratings.ratings_rules_apply(workspace=workspace)
    # then only the old product is flagged, and its alert is raised once
    assert [product.name for product in first.flagged] == ["Alt"]
    assert second.flagged == []
    alert = Alert.objects.get(kind=AlertKind.NO_RATING)
    assert alert.product.name == "Alt"
    assert alert.message == "Alt has been on sale for 30 days without any rating."
    figures = ratings.product_ratings(workspace=workspace, products=Product.objects.all())
    assert [item.product.name for item in figures if item.is_unrated] == ["Alt"]
