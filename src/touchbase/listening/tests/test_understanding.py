"""The worker's reading of new mentions: sentiment, products, customers, the answer queue."""

from __future__ import annotations

import datetime as dt

import pytest

from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.listening.matching import fold, matcher_build
from touchbase.listening.models import MentionProduct
from touchbase.listening.services import author_link, listening_settings
from touchbase.listening.tests.factories import mention_make, source_make
from touchbase.listening.understanding import mentions_analyse
from touchbase.relationships.models import Touchpoint
from touchbase.relationships.services import contact_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(workspace):
    made = {}
    for name, sku, aliases in (
        ("Kaffeemühle Pro", "KM-310", ["Mühle Pro"]),
        ("Kaffeemühle", "KM-100", []),
        ("Toaster Borealis", "TO-2", []),
    ):
        made[name] = product_save(
            product=Product(workspace=workspace, name=name, sku=sku), aliases=aliases
        )
    return made


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Die KAFFEEMÜHLE-PRO ist super", {"Kaffeemühle Pro"}),
        ("die kaffeemuehle pro klemmt", {"Kaffeemühle Pro"}),
        ("Meine Kaffeemühle ist laut", {"Kaffeemühle"}),
        ("Kaffeemühle Profi? ProKaffeemühle? Nie gehört.", {"Kaffeemühle"}),
        ("ProKaffeemühle und Kaffeemühlen", set()),
        ("Bestellt: km-310 und TO-2!", {"Kaffeemühle Pro", "Toaster Borealis"}),
        ("Die Mühle Pro und der Toaster Borealis", {"Kaffeemühle Pro", "Toaster Borealis"}),
    ],
)
def test_products_are_found_by_name_alias_and_sku_as_whole_words(products, text, names):
    matcher = matcher_build(
        [(product.pk, product.name, product.sku, product.aliases) for product in products.values()]
    )
    found = matcher.products_in(text)
    assert found == {products[name].pk for name in names}


def test_folding_treats_umlauts_case_and_punctuation_alike():
    assert fold("KAFFEEMÜHLE-Pro!") == fold("kaffeemuehle  pro") == "kaffeemuehle pro"
    assert fold("Straße") == "strasse"


def test_the_worker_reads_links_and_queues_a_negative_mention(workspace, alice, products):
    source = source_make(workspace, "Google", owner=alice)
    ina = contact_save(
        workspace=workspace,
        fields={"first_name": "Ina", "last_name": "Lang", "email": "ina.lang@example.org"},
    )
    bad = mention_make(
        source,
        "Die Kaffeemühle Pro ist nach einer Woche kaputt gegangen. Sehr enttäuscht, nie wieder!",
        author_email="INA.LANG@example.org",
    )
    good = mention_make(source, "Great toaster, the Toaster Borealis works perfectly. Love it!")

    assert mentions_analyse(workspace_id=workspace.pk) == 2
    bad.refresh_from_db()
    good.refresh_from_db()

    assert (bad.sentiment, bad.language) == ("negative", "de")
    assert bad.stars_estimated is not None
    assert bad.stars_estimated < 2.5
    assert (good.sentiment, good.language) == ("positive", "en")
    assert set(bad.products.values_list("name", flat=True)) == {"Kaffeemühle Pro"}
    assert set(good.products.values_list("name", flat=True)) == {"Toaster Borealis"}
    # the customer's: on their timeline, not a personal contact
    assert bad.contact == ina
    touchpoint = Touchpoint.objects.get(contact=ina)
    assert (touchpoint.source_kind, touchpoint.source_id, touchpoint.is_personal) == (
        "mention",
        bad.pk,
        False,
    )
    assert bad.touchpoint == touchpoint
    # negative and unanswered: due within the workspace's SLA, owned by the source's owner
    sla = listening_settings(workspace=workspace).response_sla_hours
    assert bad.due_at == bad.received_at + dt.timedelta(hours=sla)
    assert bad.owner == alice
    assert good.due_at is None
    assert good.contact is None


def test_a_mention_is_read_once_and_given_stars_are_kept(workspace, products):
    source = source_make(workspace, "Google")
    rated = mention_make(source, "Die Kaffeemühle ist okay.", stars=4.0)
    assert mentions_analyse(workspace_id=workspace.pk) == 1
    assert mentions_analyse(workspace_id=workspace.pk) == 0
    rated.refresh_from_db()
    assert rated.stars == 4.0
    assert rated.stars_estimated is None
    assert MentionProduct.objects.filter(mention=rated).count() == 1


def test_an_answered_negative_mention_is_not_queued(workspace):
    source = source_make(workspace, "Google")
    answered = mention_make(
        source,
        "Furchtbarer Service, nie wieder, total enttäuscht.",
        reply_text="Das tut uns leid.",
        replied_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
    )
    mentions_analyse(workspace_id=workspace.pk)
    answered.refresh_from_db()
    assert answered.sentiment == "negative"
    assert answered.due_at is None


def test_a_handle_linked_once_brings_the_next_mentions_to_the_customer(workspace, alice):
    source = source_make(workspace, "Twitter")
    ina = contact_save(workspace=workspace, fields={"first_name": "Ina", "last_name": "Lang"})
    first = mention_make(
        source, "@pollux danke für die schnelle Hilfe!", author_handle="ina_l", sentiment="positive"
    )
    author_link(mention=first, contact=ina, by=alice)
    later = mention_make(
        source, "@pollux und wieder ein Paket beschädigt angekommen", author_handle="@Ina_L"
    )
    mentions_analyse(workspace_id=workspace.pk)
    later.refresh_from_db()
    assert later.contact == ina
    assert Touchpoint.objects.filter(contact=ina, source_kind="mention").count() == 2


def test_each_workspace_reads_only_its_own_products_and_contacts(workspace, other_workspace):
    product_save(product=Product(workspace=other_workspace, name="Geheimmixer"), aliases=[])
    contact_save(workspace=other_workspace, fields={"last_name": "X", "email": "x@example.org"})
    source = source_make(workspace, "Google")
    mention = mention_make(source, "Der Geheimmixer ist toll", author_email="x@example.org")
    mentions_analyse()
    mention.refresh_from_db()
    assert mention.contact is None
    assert not mention.products.exists()
