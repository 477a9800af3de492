"""The ideas API: lists, writing and moderating, votes, evidence, top lists and settings."""

from __future__ import annotations

import pytest
from django.utils import timezone

from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.core.choices import Role
from touchbase.core.services import api_token_create, member_add
from touchbase.ideas import services
from touchbase.ideas.choices import IdeaStatus
from touchbase.ideas.models import Comment, Evidence, Idea, PortalSettings, StatusChange, Vote
from touchbase.listening.models import Mention
from touchbase.listening.services import mention_enter, source_save
from touchbase.relationships.services import contact_save, touchpoint_log
from touchbase.testing import bearer
from touchbase.visitors.models import Visitor
from touchbase.visitors.services import visitor_block, visitor_for_email

pytestmark = pytest.mark.django_db

IDEAS = "/api/v1/ideas"
TOO_BIG = 2**63


def send(client, method, url, body, token):
    return getattr(client, method)(url, body, content_type="application/json",
                                   headers=bearer(token))  # fmt: skip


def get(client, url, token, **query):
    return client.get(url, query, headers=bearer(token))


@pytest.fixture
def bob_token(bob_membership) -> str:
    return api_token_create(membership=bob_membership, name="tests")[1]


@pytest.fixture
def product(workspace) -> Product:
    return product_save(product=Product(workspace=workspace, name="Aurora", sku="A-1"))


@pytest.fixture
def visitor(workspace) -> Visitor:
    found = visitor_for_email(workspace=workspace, email="vera@example.com")
    found.name = "Vera"
    found.confirmed_at = timezone.now()
    found.save()
    return found


@pytest.fixture
def idea(workspace, visitor, product) -> Idea:
    return services.idea_post(workspace=workspace, visitor=visitor, title="Dunkelmodus",
                              text="Bitte abends dunkel", product=product)  # fmt: skip


@pytest.fixture
def other(workspace, alice) -> Idea:
    return services.idea_create(workspace=workspace, by=alice, title="Export als PDF")


@pytest.fixture
def carol_idea(other_workspace, carol) -> Idea:
    return services.idea_create(workspace=other_workspace, by=carol, title="Geheime Idee")


@pytest.fixture
def mention(workspace, contact):
    source = source_save(workspace=workspace, name="Google", kind="upload")
    found = mention_enter(source=source, text="Ein Dunkelmodus wäre toll")
    Mention.objects.filter(pk=found.pk).update(contact=contact)
    found.refresh_from_db()
    return found


@pytest.fixture
def touchpoint(workspace, contact, alice):
    return touchpoint_log(workspace=workspace, contact=contact, channel="phone",
                          occurred_at=timezone.now(), logged_by=alice,
                          summary="Will Berichte als PDF")  # fmt: skip


def idea_url(idea: Idea, tail: str = "") -> str:
    return f"{IDEAS}/{idea.pk}{tail}"


def field_errors(response) -> list[str]:
    """The fields a 422 names, in order (body, query and path alike)."""
    assert response.status_code == 422, response.content
    return [item["loc"][-1] for item in response.json()["detail"]]


# --- lists and one idea -------------------------------------------------------------------------


def test_the_list_shows_ideas_most_voted_first_and_pages(client, alice_token, idea, other,
                                                         contact, alice):  # fmt: skip
    services.vote_for_customer(idea=other, contact=contact, by=alice)
    answer = get(client, IDEAS, alice_token).json()
    assert [item["id"] for item in answer["items"]] == [other.pk, idea.pk]
    assert answer["next_offset"] is None
    first = get(client, IDEAS, alice_token, limit=1).json()
    assert ([item["id"] for item in first["items"]], first["next_offset"]) == ([other.pk], 1)
    second = get(client, IDEAS, alice_token, limit=1, offset=1).json()
    assert ([item["id"] for item in second["items"]], second["next_offset"]) == ([idea.pk], None)


def test_the_list_filters_by_product_status_words_sort_and_state(
    client, alice_token, idea, other, product, alice
):
    services.status_set(idea=other, status=IdeaStatus.PLANNED, answer="", by=alice)
    hidden = services.idea_create(workspace=idea.workspace, by=alice, title="Versteckt")
    services.idea_hide(idea=hidden, hidden=True)
    pending_visitor = visitor_for_email(workspace=idea.workspace, email="neu@example.com")
    pending = services.idea_post(workspace=idea.workspace, visitor=pending_visitor, title="Neu")

    def listed(**query):
        return [item["id"] for item in get(client, IDEAS, alice_token, **query).json()["items"]]

    assert listed(product_id=product.pk) == [idea.pk]
    assert listed(status="planned") == [other.pk]
    assert listed(q="abends") == [idea.pk]
    assert listed(sort="new") == [pending.pk, hidden.pk, other.pk, idea.pk]
    assert listed(state="public", sort="new") == [other.pk, idea.pk]
    assert listed(state="pending") == [pending.pk]
    assert listed(state="hidden") == [hidden.pk]


def test_the_list_refuses_unknown_filters_with_field_errors(client, alice_token, carol_idea):
    carol_product = product_save(
        product=Product(workspace=carol_idea.workspace, name="Geheim", sku="G-1")
    )
    assert get(client, IDEAS, alice_token, status="someday").status_code == 422
    assert get(client, IDEAS, alice_token, sort="random").status_code == 422
    assert get(client, IDEAS, alice_token, state="gone").status_code == 422
    assert get(client, IDEAS, alice_token, product_id="abc").status_code == 422
    assert get(client, IDEAS, alice_token, limit=TOO_BIG).status_code == 422
    answer = get(client, IDEAS, alice_token, product_id=carol_product.pk)
    assert field_errors(answer) == ["product_id"]


def test_one_idea_shows_counts_status_author_and_the_customers_behind_it(
    client, alice_token, idea, contact, alice, account
):
    # given a customer's vote recorded by staff, a colleague of theirs heard, and a comment
    services.vote_for_customer(idea=idea, contact=contact, by=alice)
    colleague = contact_save(workspace=idea.workspace,
                             fields={"last_name": "Kollegin", "account": account})  # fmt: skip
    services.evidence_attach(
        idea=idea, by=alice,
        touchpoint=touchpoint_log(workspace=idea.workspace, contact=colleague, channel="phone",
                                  occurred_at=timezone.now(), logged_by=alice, summary="Ja"),
    )  # fmt: skip
    services.comment_post(idea=idea, text="Gern", member=alice)
    services.status_set(idea=idea, status=IdeaStatus.PLANNED, answer="Kommt im Mai", by=alice)
    # when
    answer = get(client, idea_url(idea), alice_token).json()
    # then an account counts once, with its value
    assert {key: answer[key] for key in ("id", "title", "status", "answer", "product",
                                         "author_kind", "author_name", "votes", "comments",
                                         "state", "locked", "merged_into_id", "customers",
                                         "people", "value")} == {
        "id": idea.pk, "title": "Dunkelmodus", "status": "planned", "answer": "Kommt im Mai",
        "product": "Aurora", "author_kind": "visitor", "author_name": "Vera", "votes": 1,
        "comments": 1, "state": "public", "locked": False, "merged_into_id": None,
        "customers": 1, "people": 2, "value": 12000,
    }  # fmt: skip
    assert "vera@example.com" not in str(answer)


def test_ids_no_row_can_have_are_field_errors_and_words_are_too(client, alice_token):
    assert field_errors(get(client, f"{IDEAS}/{TOO_BIG}", alice_token)) == ["idea_id"]
    assert get(client, f"{IDEAS}/0", alice_token).status_code == 422
    assert get(client, f"{IDEAS}/abc", alice_token).status_code == 422


def test_literal_paths_are_not_read_as_idea_ids(client, alice_token, idea):
    assert get(client, f"{IDEAS}/top", alice_token).status_code == 200
    assert get(client, f"{IDEAS}/settings", alice_token).status_code == 200
    assert get(client, f"{IDEAS}/blocked-visitors", alice_token).status_code == 200
    response = send(client, "post", f"{IDEAS}/from-evidence", {"title": "x"}, alice_token)
    assert set(field_errors(response)) == {"mention_id", "touchpoint_id"}


# --- writing and moderating ---------------------------------------------------------------------


def test_a_member_writes_an_idea_down_for_a_customer(client, bob_token, bob, product, contact):
    response = send(client, "post", IDEAS, {"title": " Offline-Modus ", "text": "Im Keller",
                                            "product_id": product.pk, "contact_id": contact.pk},
                    bob_token)  # fmt: skip
    assert response.status_code == 201
    idea = Idea.objects.get()
    assert (idea.title, idea.text, idea.product, idea.author_member, idea.author_contact,
            idea.listed) == ("Offline-Modus", "Im Keller", product, bob, contact, True)  # fmt: skip
    answer = response.json()
    assert (answer["id"], answer["author_kind"], answer["author_contact_id"], answer["customers"],
            answer["value"]) == (idea.pk, "member", contact.pk, 1, 12000)  # fmt: skip


def test_a_new_idea_needs_a_title_and_refs_of_this_workspace(client, alice_token, carol_contact):
    assert field_errors(send(client, "post", IDEAS, {"title": "  "}, alice_token)) == ["title"]
    too_long = send(client, "post", IDEAS, {"title": "x" * 141}, alice_token)
    assert too_long.status_code == 422
    foreign = send(client, "post", IDEAS, {"title": "Neu", "contact_id": carol_contact.pk},
                   alice_token)  # fmt: skip
    assert field_errors(foreign) == ["contact_id"]
    wrong_type = send(client, "post", IDEAS, {"title": "Neu", "product_id": "abc"}, alice_token)
    assert wrong_type.status_code == 422
    assert Idea.objects.count() == 0


def test_staff_correct_title_text_and_product(client, bob_token, idea, product):
    response = send(client, "patch", idea_url(idea), {"title": "Dunkler Modus"}, bob_token)
    assert response.status_code == 200
    idea.refresh_from_db()
    assert (idea.title, idea.text, idea.product) == (
        "Dunkler Modus",
        "Bitte abends dunkel",
        product,
    )
    send(client, "patch", idea_url(idea), {"product_id": None, "text": "Nachts"}, bob_token)
    idea.refresh_from_db()
    assert (idea.title, idea.text, idea.product) == ("Dunkler Modus", "Nachts", None)
    blank = send(client, "patch", idea_url(idea), {"title": ""}, bob_token)
    assert field_errors(blank) == ["title"]
    idea.refresh_from_db()
    assert idea.title == "Dunkler Modus"


def test_setting_the_status_records_the_change_and_the_answer(client, bob_token, bob, idea):
    response = send(client, "post", idea_url(idea, "/status"),
                    {"status": "in_progress", "answer": "Wir bauen es"}, bob_token)  # fmt: skip
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["answer"]) == ("in_progress", "Wir bauen es")
    change = StatusChange.objects.get(idea=idea)
    assert (change.old_status, change.new_status, change.by) == ("new", "in_progress", bob)
    unknown = send(client, "post", idea_url(idea, "/status"), {"status": "someday"}, bob_token)
    assert unknown.status_code == 422
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.IN_PROGRESS


def test_hiding_and_locking_an_idea_and_undoing_it(client, bob_token, idea):
    hidden = send(client, "post", idea_url(idea, "/hide"), {}, bob_token).json()
    assert (hidden["state"], Idea.objects.get(pk=idea.pk).listed) == ("hidden", False)
    shown = send(client, "post", idea_url(idea, "/unhide"), {}, bob_token).json()
    assert (shown["state"], Idea.objects.get(pk=idea.pk).listed) == ("public", True)
    assert send(client, "post", idea_url(idea, "/lock"), {}, bob_token).json()["locked"] is True
    assert Idea.objects.get(pk=idea.pk).locked_at is not None
    assert send(client, "post", idea_url(idea, "/unlock"), {}, bob_token).json()["locked"] is False
    assert Idea.objects.get(pk=idea.pk).locked_at is None


def test_a_merge_through_the_api_keeps_a_double_voter_once(client, alice_token, idea, other,
                                                           visitor, contact, alice):  # fmt: skip
    # given a visitor and a customer who voted for both ideas
    for each in (idea, other):
        services.vote_cast(idea=each, visitor=visitor)
        services.vote_for_customer(idea=each, contact=contact, by=alice)
    # when the duplicate goes into the other
    response = send(client, "post", idea_url(idea, "/merge"), {"target_id": other.pk},
                    alice_token)  # fmt: skip
    # then each keeps one vote there
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["votes"]) == (other.pk, 2)
    assert Vote.objects.filter(idea=other).count() == 2
    assert Vote.objects.filter(idea=idea).count() == 0
    idea.refresh_from_db()
    assert (idea.merged_into, idea.listed) == (other, False)
    assert get(client, idea_url(idea), alice_token).json()["state"] == "merged"


def test_a_merge_into_itself_or_again_is_a_field_error(client, alice_token, alice, idea, other):
    itself = send(client, "post", idea_url(idea, "/merge"), {"target_id": idea.pk}, alice_token)
    assert field_errors(itself) == ["target_id"]
    services.idea_merge(source=idea, target=other, by=alice)
    again = send(client, "post", idea_url(other, "/merge"), {"target_id": idea.pk}, alice_token)
    assert field_errors(again) == ["target_id"]
    assert Idea.objects.get(pk=other.pk).merged_into is None


def test_merging_and_the_portal_settings_are_for_leaders_not_staff(client, bob_token, idea,
                                                                   other, visitor):  # fmt: skip
    blocked = visitor_block(workspace=idea.workspace, email="spam@example.com")
    refused = [
        send(client, "post", idea_url(idea, "/merge"), {"target_id": other.pk}, bob_token),
        get(client, f"{IDEAS}/settings", bob_token),
        send(client, "patch", f"{IDEAS}/settings", {"enabled": False}, bob_token),
        send(client, "post", f"{IDEAS}/settings/rotate-secret", {}, bob_token),
        get(client, f"{IDEAS}/blocked-visitors", bob_token),
        send(client, "post", f"{IDEAS}/blocked-visitors", {"email": "x@example.com"}, bob_token),
        send(client, "delete", f"{IDEAS}/blocked-visitors/{blocked.pk}", None, bob_token),
    ]
    assert [response.status_code for response in refused] == [403] * 7
    assert Idea.objects.get(pk=idea.pk).merged_into is None
    assert PortalSettings.objects.filter(enabled=False).count() == 0
    assert set(Visitor.objects.filter(blocked_at__isnull=False)) == {blocked}


def test_anonymous_callers_get_401_and_nothing_changes(client, idea):
    assert client.get(IDEAS).status_code == 401
    assert client.get(idea_url(idea)).status_code == 401
    response = client.post(idea_url(idea, "/hide"), {}, content_type="application/json")
    assert response.status_code == 401
    assert Idea.objects.get(pk=idea.pk).listed is True


def test_another_workspaces_ideas_are_not_found(client, alice_token, carol_idea, idea):
    calls = [
        get(client, idea_url(carol_idea), alice_token),
        send(client, "patch", idea_url(carol_idea), {"title": "Meins"}, alice_token),
        send(client, "post", idea_url(carol_idea, "/hide"), {}, alice_token),
        send(client, "post", idea_url(carol_idea, "/status"), {"status": "done"}, alice_token),
        send(client, "post", idea_url(carol_idea, "/comments"), {"text": "Hallo"}, alice_token),
        get(client, idea_url(carol_idea, "/votes"), alice_token),
        get(client, idea_url(carol_idea, "/evidence"), alice_token),
        send(client, "post", idea_url(carol_idea, "/merge"), {"target_id": idea.pk}, alice_token),
    ]
    assert [response.status_code for response in calls] == [404] * len(calls)
    merge_into_carols = send(client, "post", idea_url(idea, "/merge"),
                             {"target_id": carol_idea.pk}, alice_token)  # fmt: skip
    assert field_errors(merge_into_carols) == ["target_id"]
    carol_idea.refresh_from_db()
    assert (carol_idea.title, carol_idea.listed, carol_idea.status) == ("Geheime Idee", True, "new")
    assert Comment.objects.count() == 0


# --- comments -----------------------------------------------------------------------------------


def test_comments_list_public_ones_and_staff_see_hidden_with_the_flag(client, bob_token, idea,
                                                                      visitor, alice):  # fmt: skip
    public = services.comment_post(idea=idea, visitor=visitor, text="Ja")
    hidden = services.comment_post(idea=idea, member=alice, text="Intern")
    services.comment_hide(comment=hidden, hidden=True)
    url = idea_url(idea, "/comments")
    items = get(client, url, bob_token).json()["items"]
    assert [(item["id"], item["author_name"], item["state"]) for item in items] == [
        (public.pk, "Vera", "public")
    ]
    everything = get(client, url, bob_token, include_hidden="true").json()["items"]
    assert [(item["id"], item["state"]) for item in everything] == [
        (public.pk, "public"), (hidden.pk, "hidden")
    ]  # fmt: skip
    assert "vera@example.com" not in str(everything)


def test_a_member_comments_and_moderates_comments(client, bob_token, bob, idea):
    response = send(client, "post", idea_url(idea, "/comments"), {"text": " Danke! "}, bob_token)
    assert response.status_code == 201
    comment = Comment.objects.get()
    assert (comment.text, comment.member, response.json()["author_kind"]) == (
        "Danke!", bob, "member"
    )  # fmt: skip
    assert Idea.objects.get(pk=idea.pk).comment_count == 1
    url = f"{IDEAS}/comments/{comment.pk}"
    assert send(client, "post", f"{url}/hide", {}, bob_token).json()["state"] == "hidden"
    assert Idea.objects.get(pk=idea.pk).comment_count == 0
    assert send(client, "post", f"{url}/unhide", {}, bob_token).json()["state"] == "public"
    assert Idea.objects.get(pk=idea.pk).comment_count == 1
    assert send(client, "delete", url, None, bob_token).status_code == 204
    assert (Comment.objects.count(), Idea.objects.get(pk=idea.pk).comment_count) == (0, 0)


def test_a_comment_on_a_locked_idea_or_without_text_is_refused(client, bob_token, idea):
    empty = send(client, "post", idea_url(idea, "/comments"), {"text": "  "}, bob_token)
    assert field_errors(empty) == ["text"]
    services.idea_lock(idea=idea, locked=True)
    locked = send(client, "post", idea_url(idea, "/comments"), {"text": "Hallo"}, bob_token)
    assert field_errors(locked) == ["__all__"]
    assert Comment.objects.count() == 0


def test_another_workspaces_comments_are_not_found(client, alice_token, carol_idea, carol):
    comment = services.comment_post(idea=carol_idea, member=carol, text="Geheim")
    url = f"{IDEAS}/comments/{comment.pk}"
    assert send(client, "post", f"{url}/hide", {}, alice_token).status_code == 404
    assert send(client, "delete", url, None, alice_token).status_code == 404
    comment.refresh_from_db()
    assert comment.hidden_at is None


# --- votes --------------------------------------------------------------------------------------


def test_a_customer_vote_is_counted_once_per_customer(client, bob_token, bob, idea, contact):
    url = idea_url(idea, "/customer-votes")
    first = send(client, "post", url, {"contact_id": contact.pk, "note": "Am Telefon"}, bob_token)
    again = send(client, "post", url, {"contact_id": contact.pk}, bob_token)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    vote = Vote.objects.get(idea=idea)
    assert (vote.contact, vote.recorded_by, vote.note, vote.counted) == (
        contact, bob, "Am Telefon", True
    )  # fmt: skip
    assert Idea.objects.get(pk=idea.pk).vote_count == 1


def test_taking_back_a_customer_vote(client, bob_token, idea, contact, alice):
    services.vote_for_customer(idea=idea, contact=contact, by=alice)
    url = idea_url(idea, f"/customer-votes/{contact.pk}")
    assert send(client, "delete", url, None, bob_token).status_code == 204
    assert (Vote.objects.count(), Idea.objects.get(pk=idea.pk).vote_count) == (0, 0)
    assert send(client, "delete", url, None, bob_token).status_code == 404


def test_a_customer_vote_for_another_workspaces_customer_is_a_field_error(
    client, bob_token, idea, carol_contact
):
    response = send(client, "post", idea_url(idea, "/customer-votes"),
                    {"contact_id": carol_contact.pk}, bob_token)  # fmt: skip
    assert field_errors(response) == ["contact_id"]
    assert Vote.objects.count() == 0


def test_the_votes_show_the_count_and_the_customers_behind_without_addresses(
    client, bob_token, idea, visitor, contact, alice, workspace
):
    # given a confirmed visitor who is no customer, and two customers of different value
    services.vote_cast(idea=idea, visitor=visitor)
    services.vote_for_customer(idea=idea, contact=contact, by=alice, note="Messe")
    private = contact_save(workspace=workspace, fields={"last_name": "Privat", "value": 500})
    services.vote_for_customer(idea=idea, contact=private, by=alice)
    # when
    answer = get(client, idea_url(idea, "/votes"), bob_token).json()
    # then
    assert (answer["votes"], answer["customers"], answer["value"]) == (3, 2, 12500)
    assert [(b["contact_id"], b["account"], b["value"], b["voted"], b["note"])
            for b in answer["backers"]] == [
        (contact.pk, "Bäckerei Sonnenschein", 12000, True, "Messe"),
        (private.pk, None, 500, True, ""),
    ]  # fmt: skip
    assert "vera@example.com" not in str(answer)
    paged = get(client, idea_url(idea, "/votes"), bob_token, limit=1).json()
    assert ([b["contact_id"] for b in paged["backers"]], paged["next_offset"]) == ([contact.pk], 1)


def test_a_customer_who_voted_themselves_and_through_staff_is_one_backer_with_the_note(
    client, bob_token, idea, contact, alice, workspace
):
    own = visitor_for_email(workspace=workspace, email=contact.email)
    own.confirmed_at = timezone.now()
    own.save()
    services.vote_for_customer(idea=idea, contact=contact, by=alice, note="Messe")
    services.vote_cast(idea=idea, visitor=own)
    answer = get(client, idea_url(idea, "/votes"), bob_token).json()
    assert (answer["votes"], answer["customers"]) == (1, 1)
    assert [(b["contact_id"], b["voted"], b["note"]) for b in answer["backers"]] == [
        (contact.pk, True, "Messe")
    ]


# --- evidence -----------------------------------------------------------------------------------


def test_attaching_a_mention_and_a_touchpoint_as_evidence(client, bob_token, bob, other, mention,
                                                          touchpoint, contact):  # fmt: skip
    url = idea_url(other, "/evidence")
    heard = send(client, "post", url, {"mention_id": mention.pk}, bob_token)
    noted = send(client, "post", url, {"touchpoint_id": touchpoint.pk, "quote": "PDF!"},
                 bob_token)  # fmt: skip
    assert (heard.status_code, noted.status_code) == (201, 201)
    rows = {(e.mention_id, e.touchpoint_id, e.contact, e.quote, e.added_by)
            for e in Evidence.objects.filter(idea=other)}  # fmt: skip
    assert rows == {(mention.pk, None, contact, "Ein Dunkelmodus wäre toll", bob),
                    (None, touchpoint.pk, contact, "PDF!", bob)}  # fmt: skip
    again = send(client, "post", url, {"mention_id": mention.pk}, bob_token)
    assert again.json()["id"] == heard.json()["id"]
    listed = get(client, url, bob_token).json()["items"]
    assert [item["id"] for item in listed] == [noted.json()["id"], heard.json()["id"]]
    assert get(client, idea_url(other), bob_token).json()["customers"] == 1


def test_evidence_names_one_source_of_this_workspace(client, bob_token, other, mention,
                                                     touchpoint, carol_contact):  # fmt: skip
    url = idea_url(other, "/evidence")
    both = send(client, "post", url, {"mention_id": mention.pk, "touchpoint_id": touchpoint.pk},
                bob_token)  # fmt: skip
    assert set(field_errors(both)) == {"mention_id", "touchpoint_id"}
    carols = touchpoint_log(
        workspace=carol_contact.workspace, contact=carol_contact, channel="phone",
        occurred_at=timezone.now(), logged_by=None,
    )  # fmt: skip
    foreign = send(client, "post", url, {"touchpoint_id": carols.pk}, bob_token)
    assert field_errors(foreign) == ["touchpoint_id"]
    assert Evidence.objects.count() == 0


def test_an_idea_from_evidence_is_written_for_the_customer_with_it_attached(
    client, bob_token, mention, product, contact
):
    response = send(client, "post", f"{IDEAS}/from-evidence",
                    {"title": "Dunkelmodus", "product_id": product.pk, "mention_id": mention.pk},
                    bob_token)  # fmt: skip
    assert response.status_code == 201
    idea = Idea.objects.get()
    assert (idea.title, idea.product, idea.author_contact) == ("Dunkelmodus", product, contact)
    assert list(Evidence.objects.values_list("idea_id", "mention_id")) == [(idea.pk, mention.pk)]
    assert (response.json()["id"], response.json()["customers"]) == (idea.pk, 1)


def test_an_idea_from_another_workspaces_mention_is_refused(client, bob_token, carol_contact):
    source = source_save(workspace=carol_contact.workspace, name="Web", kind="upload")
    carols = mention_enter(source=source, text="Geheim")
    response = send(client, "post", f"{IDEAS}/from-evidence",
                    {"title": "Klau", "mention_id": carols.pk}, bob_token)  # fmt: skip
    assert field_errors(response) == ["mention_id"]
    assert Idea.objects.count() == 0


# --- top lists ----------------------------------------------------------------------------------


def test_the_top_list_ranks_by_votes_or_by_the_customers_value(client, bob_token, idea, other,
                                                               visitor, contact, workspace,
                                                               alice, product):  # fmt: skip
    # given idea with two small customers' votes, other with one valuable customer
    for name in ("Klein", "Kleiner"):
        small = contact_save(workspace=workspace, fields={"last_name": name, "value": 10})
        services.vote_for_customer(idea=idea, contact=small, by=alice)
    services.vote_for_customer(idea=other, contact=contact, by=alice)
    url = f"{IDEAS}/top"

    def ranked(**query):
        return [(row["id"], row["votes"], row["customers"], row["value"])
                for row in get(client, url, bob_token, **query).json()]  # fmt: skip

    assert ranked() == [(idea.pk, 2, 2, 20), (other.pk, 1, 1, 12000)]
    assert ranked(by="value") == [(other.pk, 1, 1, 12000), (idea.pk, 2, 2, 20)]
    assert ranked(product_id=product.pk) == [(idea.pk, 2, 2, 20)]
    assert ranked(limit=1) == [(idea.pk, 2, 2, 20)]
    assert get(client, url, bob_token, by="mood").status_code == 422
    assert get(client, url, bob_token, limit=1000).status_code == 422


def test_the_top_list_of_another_workspaces_product_is_a_field_error(client, bob_token,
                                                                     other_workspace):  # fmt: skip
    carols = product_save(product=Product(workspace=other_workspace, name="G", sku="G"))
    response = get(client, f"{IDEAS}/top", bob_token, product_id=carols.pk)
    assert field_errors(response) == ["product_id"]


# --- the portal's settings and blocked visitors ------------------------------------------------


def test_the_settings_change_and_never_show_the_secret(client, alice_token, workspace):
    url = f"{IDEAS}/settings"
    assert get(client, url, alice_token).json() == {"enabled": True, "intro": "",
                                                    "webhook_url": ""}  # fmt: skip
    response = send(client, "patch", url, {"enabled": False, "intro": "Willkommen",
                                           "webhook_url": "https://tracker.example/hook"},
                    alice_token)  # fmt: skip
    assert response.json() == {"enabled": False, "intro": "Willkommen",
                               "webhook_url": "https://tracker.example/hook"}  # fmt: skip
    row = PortalSettings.objects.get(workspace=workspace)
    assert (row.enabled, row.intro, row.webhook_url) == (
        False, "Willkommen", "https://tracker.example/hook"
    )  # fmt: skip
    assert row.webhook_secret not in response.content.decode()
    bad = send(client, "patch", url, {"webhook_url": "kein link"}, alice_token)
    assert field_errors(bad) == ["webhook_url"]
    assert PortalSettings.objects.get(workspace=workspace).webhook_url == (
        "https://tracker.example/hook"
    )


def test_rotating_the_secret_shows_the_new_one_once(client, alice_token, workspace):
    old = services.portal_settings(workspace=workspace).webhook_secret
    response = send(client, "post", f"{IDEAS}/settings/rotate-secret", {}, alice_token)
    new = PortalSettings.objects.get(workspace=workspace).webhook_secret
    assert response.json() == {"webhook_secret": new}
    assert new != old
    assert new.startswith("whsec_")


def test_blocking_listing_and_unblocking_visitors(client, alice_token, workspace, visitor):
    url = f"{IDEAS}/blocked-visitors"
    response = send(client, "post", url, {"email": " Spam@Example.com ", "reason": "Werbung"},
                    alice_token)  # fmt: skip
    assert response.status_code == 201
    blocked = Visitor.objects.get(email="spam@example.com")
    assert (blocked.is_blocked, blocked.block_reason) == (True, "Werbung")
    items = get(client, url, alice_token).json()["items"]
    assert [(item["id"], item["email"], item["reason"]) for item in items] == [
        (blocked.pk, "spam@example.com", "Werbung")
    ]
    assert field_errors(send(client, "post", url, {"email": "kein"}, alice_token)) == ["email"]
    # a visitor who is not blocked cannot be unblocked: there is no such blocked row
    assert send(client, "delete", f"{url}/{visitor.pk}", None, alice_token).status_code == 404
    assert send(client, "delete", f"{url}/{blocked.pk}", None, alice_token).status_code == 204
    assert Visitor.objects.get(pk=blocked.pk).is_blocked is False


def test_another_workspaces_blocked_visitor_is_not_found(client, alice_token, other_workspace):
    carols = visitor_block(workspace=other_workspace, email="spam@example.com")
    url = f"{IDEAS}/blocked-visitors/{carols.pk}"
    assert send(client, "delete", url, None, alice_token).status_code == 404
    assert Visitor.objects.get(pk=carols.pk).is_blocked is True


def test_a_leader_may_manage_the_portal(client, workspace):
    leader = member_add(workspace=workspace, username="lena", password="lena-password-1",
                        role=Role.LEADER, email="lena@pollux.example")  # fmt: skip
    token = api_token_create(membership=leader, name="t")[1]
    assert get(client, f"{IDEAS}/settings", token).status_code == 200


# --- the description ----------------------------------------------------------------------------


def test_the_openapi_description_lists_the_ideas_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/ideas", "/api/v1/ideas/{idea_id}", "/api/v1/ideas/{idea_id}/status",
        "/api/v1/ideas/{idea_id}/hide", "/api/v1/ideas/{idea_id}/unhide",
        "/api/v1/ideas/{idea_id}/lock", "/api/v1/ideas/{idea_id}/unlock",
        "/api/v1/ideas/{idea_id}/merge", "/api/v1/ideas/{idea_id}/comments",
        "/api/v1/ideas/comments/{comment_id}", "/api/v1/ideas/comments/{comment_id}/hide",
        "/api/v1/ideas/comments/{comment_id}/unhide", "/api/v1/ideas/{idea_id}/votes",
        "/api/v1/ideas/{idea_id}/customer-votes",
        "/api/v1/ideas/{idea_id}/customer-votes/{contact_id}", "/api/v1/ideas/{idea_id}/evidence",
        "/api/v1/ideas/from-evidence", "/api/v1/ideas/top", "/api/v1/ideas/settings",
        "/api/v1/ideas/settings/rotate-secret", "/api/v1/ideas/blocked-visitors",
        "/api/v1/ideas/blocked-visitors/{visitor_id}",
    } <= set(paths)  # fmt: skip
    assert set(paths["/api/v1/ideas/{idea_id}"]) == {"get", "patch"}


def test_the_ideas_schemas_have_names_no_other_schema_has():
    # the OpenAPI description keys schemas by class name: a twin would replace the other's body
    from ninja import Schema

    import touchbase.api  # noqa: F401 - imports every app's schemas

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    everywhere = {}
    for cls in subclasses(Schema):
        everywhere.setdefault(cls.__name__, set()).add(cls.__module__)
    ours = {name for name, modules in everywhere.items()
            if any(module.startswith("touchbase.ideas.api") for module in modules)}  # fmt: skip
    assert "IdeaMergeIn" in ours
    assert {name: everywhere[name] for name in ours if len(everywhere[name]) > 1} == {}
