"""The publishing API: the whole journey from draft to post, and who may do what."""

from __future__ import annotations

import pytest

from touchbase.core.choices import Role
from touchbase.core.services import api_token_create, member_add
from touchbase.publishing import services
from touchbase.publishing.choices import ChannelKind, CommentState, DraftState
from touchbase.publishing.models import (
    AuditEntry,
    Channel,
    ChannelPublication,
    Draft,
    NewsComment,
    NewsSettings,
    ReachabilityNotice,
    Review,
    SensitiveTopic,
)
from touchbase.publishing.tests.conftest import approve
from touchbase.testing import bearer
from touchbase.visitors.services import visitor_for_email

pytestmark = pytest.mark.django_db

API = "/api/v1/publishing"
TOO_BIG = 2**63


def send(client, method, url, body, token):
    return getattr(client, method)(url, body, content_type="application/json",
                                   headers=bearer(token))  # fmt: skip


def get(client, url, token, **query):
    return client.get(url, query, headers=bearer(token))


def field_errors(response) -> list[str]:
    """The fields a 422 names, in order."""
    assert response.status_code == 422, response.content
    return [item["loc"][-1] for item in response.json()["detail"]]


@pytest.fixture
def bob_token(bob_membership) -> str:
    return api_token_create(membership=bob_membership, name="tests")[1]


@pytest.fixture
def dana_token(dana) -> str:
    from touchbase.core.models import Membership

    return api_token_create(membership=Membership.objects.get(user=dana), name="tests")[1]


@pytest.fixture
def helper_token(workspace) -> str:
    membership = member_add(workspace=workspace, username="hugo", password=None,
                            role=Role.HELPER, first_name="Hugo")  # fmt: skip
    return api_token_create(membership=membership, name="tests")[1]


@pytest.fixture
def published(post_draft, alice, bob, dana):
    """Alice's draft, approved by bob and dana and published: on the news page."""
    approve(post_draft, bob, dana)
    return services.draft_publish(draft=post_draft, actor=alice)


@pytest.fixture
def carol_draft(other_workspace, carol):
    channel = services.channel_save(workspace=other_workspace, name="Carols Blog",
                                    kind=ChannelKind.NEWS_PAGE, permanence=5,
                                    control=8)  # fmt: skip
    return services.draft_create(workspace=other_workspace, author=carol, title="Geheim",
                                 channels=[channel])  # fmt: skip


def draft_url(draft, tail: str = "") -> str:
    return f"{API}/drafts/{draft.pk}{tail}"


def waiting_comment(draft, email="vera@example.com", text="Schön!"):
    visitor = visitor_for_email(workspace=draft.workspace, email=email)
    visitor.name = "Vera"
    visitor.save()
    return services.comment_post(draft=draft, visitor=visitor, text=text, verified=True)


# --- the whole journey --------------------------------------------------------------------------


def test_a_draft_goes_from_writing_through_two_approvals_to_the_news_page(
    client, alice_token, bob_token, dana_token, alice, bob, dana, blog, press
):
    # given alice checks the rule as she types: the press channel asks for two reviewers
    rule = send(client, "post", f"{API}/rule", {"channels": [blog.pk, press.pk],
                "title": "Neue Zeiten", "body": "Ab Montag"}, alice_token).json()  # fmt: skip
    assert rule["required"] == 2
    assert len(rule["reasons"]) == 1
    assert rule["topics"] == []
    assert [member["name"] for member in rule["eligible_reviewers"]] == [
        bob.display_name, dana.display_name]  # fmt: skip
    # when she writes the draft
    created = send(client, "post", f"{API}/drafts", {
        "title": "Neue Zeiten", "body": "Ab **Montag** um 8.", "channels": [blog.pk, press.pk],
        "tags": ["Service", " Öffnungszeiten "], "planned_at": None, "image_alt": "",
    }, alice_token)  # fmt: skip
    assert created.status_code == 201, created.content
    answer = created.json()
    draft = Draft.objects.get(pk=answer["id"])
    assert (answer["version"], answer["state"], answer["author"]["id"]) == (1, "draft", alice.pk)
    assert [channel["name"] for channel in answer["channels"]] == ["News page", "Press"]
    assert set(answer["tags"]) == {"Öffnungszeiten", "Service"}
    assert answer["status"]["required"] == 2
    assert answer["status"]["can_publish"] is False
    # and asks bob and dana to review
    asked = send(client, "post", draft_url(draft, "/reviewers"),
                 {"reviewers": [bob.pk, dana.pk]}, alice_token)  # fmt: skip
    assert asked.status_code == 200
    assert asked.json()["state"] == "in_review"
    assert [member["id"] for member in asked.json()["reviewers"]] == [bob.pk, dana.pk]
    queue = get(client, f"{API}/review-queue", bob_token).json()
    assert [item["id"] for item in queue["items"]] == [draft.pk]
    # then her own approval is refused
    own = send(client, "post", draft_url(draft, "/reviews"),
               {"version": 1, "verdict": "approved"}, alice_token)  # fmt: skip
    assert field_errors(own) == ["__all__"]
    # when bob approves version 1 and alice then changes the text
    first = send(client, "post", draft_url(draft, "/reviews"),
                 {"version": 1, "verdict": "approved"}, bob_token)  # fmt: skip
    assert first.status_code == 201
    assert (first.json()["version"], first.json()["reviewer"]["id"]) == (1, bob.pk)
    edited = send(client, "patch", draft_url(draft), {"body": "Ab **Montag** um 7."},
                  alice_token).json()  # fmt: skip
    assert (edited["version"], edited["status"]["approved_by"]) == (2, [])
    # then dana's approval of the outdated version 1 is refused, naming the version
    outdated = send(client, "post", draft_url(draft, "/reviews"),
                    {"version": 1, "verdict": "approved"}, dana_token)  # fmt: skip
    assert field_errors(outdated) == ["version"]
    assert Review.objects.filter(reviewer=dana).count() == 0
    # when both approve version 2
    for token in (bob_token, dana_token):
        response = send(client, "post", draft_url(draft, "/reviews"),
                        {"version": 2, "verdict": "approved"}, token)  # fmt: skip
        assert response.status_code == 201
    status = get(client, draft_url(draft), alice_token).json()["status"]
    assert (status["missing"], status["problems"], status["can_publish"]) == (0, [], True)
    assert get(client, f"{API}/review-queue", bob_token).json()["items"] == []
    # and alice publishes
    done = send(client, "post", draft_url(draft, "/publish"), {}, alice_token)
    # then the public copy is set from version 2
    assert done.status_code == 200, done.content
    assert (done.json()["state"], done.json()["on_news"]) == ("published", True)
    draft.refresh_from_db()
    assert (draft.state, draft.on_news, draft.published_version) == (DraftState.PUBLISHED, True, 2)
    assert draft.public_title == "Neue Zeiten"
    assert draft.public_html.strip() == "<p>Ab <strong>Montag</strong> um 7.</p>"
    assert draft.published_at is not None
    # and the press channel waits to be marked published by hand
    publications = get(client, draft_url(draft, "/publications"), alice_token).json()["items"]
    assert [(p["channel_name"], p["url"], p["published_at"]) for p in publications] == [
        ("Press", "", None)]  # fmt: skip
    marked = send(client, "post", draft_url(draft, f"/publications/{publications[0]['id']}"),
                  {"url": "https://presse.example/neue-zeiten"}, alice_token)  # fmt: skip
    assert marked.status_code == 200
    assert (marked.json()["url"], marked.json()["published_by"]["id"]) == (
        "https://presse.example/neue-zeiten", alice.pk)  # fmt: skip
    assert ChannelPublication.objects.get().published_at is not None
    # and the audit trail tells every step
    audit = get(client, draft_url(draft, "/audit"), alice_token).json()["items"]
    assert [(entry["action"], entry["version"], entry["actor_id"]) for entry in audit] == [
        ("created", 1, alice.pk), ("review_requested", 1, alice.pk), ("approved", 1, bob.pk),
        ("edited", 2, alice.pk), ("approved", 2, bob.pk), ("approved", 2, dana.pk),
        ("published", 2, alice.pk), ("channel_published", 2, alice.pk),
    ]  # fmt: skip


def test_versions_list_each_version_with_its_reviews_and_the_diff_to_the_one_before(
    client, alice_token, post_draft, alice, bob, press
):
    approve(post_draft, bob)
    services.draft_update(draft=post_draft, actor=alice, title="Neue Öffnungszeiten",
                          body="From **Monday** we open at 7.", channels=[press],
                          tags=["Service"])  # fmt: skip
    answer = get(client, draft_url(post_draft, "/versions"), alice_token).json()
    first, second = answer["items"]
    assert (first["number"], first["diff"]["title_changed"], first["diff"]["lines"]) == (
        1, True, [{"op": "+", "text": "From **Monday** we open at 8."}])  # fmt: skip
    assert [(r["reviewer"]["id"], r["verdict"]) for r in first["reviews"]] == [
        (bob.pk, "approved")]  # fmt: skip
    assert second["number"] == 2
    assert second["reviews"] == []
    assert (second["diff"]["title_before"], second["diff"]["title_after"]) == (
        "New opening hours", "Neue Öffnungszeiten")  # fmt: skip
    assert (second["diff"]["channels_added"], second["diff"]["channels_removed"]) == (
        [], ["News page"])  # fmt: skip
    assert second["diff"]["lines"] == [
        {"op": "-", "text": "From **Monday** we open at 8."},
        {"op": "+", "text": "From **Monday** we open at 7."},
    ]
    # the second page still diffs against the version before it
    page = get(client, draft_url(post_draft, "/versions"), alice_token, offset=1).json()
    assert [item["number"] for item in page["items"]] == [2]
    assert page["items"][0]["diff"]["title_before"] == "New opening hours"


def test_publishing_without_enough_approvals_is_refused_with_the_problems(
    client, alice_token, post_draft, bob, dana
):
    approve(post_draft, bob)
    response = send(client, "post", draft_url(post_draft, "/publish"), {}, alice_token)
    assert response.status_code == 409
    assert response.json()["problems"] == ["1 more approval of version 1 needed."]
    post_draft.refresh_from_db()
    assert (post_draft.state, post_draft.on_news, post_draft.published_version) == (
        DraftState.IN_REVIEW, False, None)  # fmt: skip
    assert not ChannelPublication.objects.exists()


def test_a_draft_needing_more_reviewers_than_the_team_has_says_so(
    client, alice_token, workspace, alice
):
    print_channel = services.channel_save(workspace=workspace, name="Print", kind="other",
                                          permanence=10, control=1)  # fmt: skip
    draft = services.draft_create(workspace=workspace, author=alice, title="Flyer",
                                  channels=[print_channel])  # fmt: skip
    status = get(client, draft_url(draft), alice_token).json()["status"]
    assert (status["required"], status["eligible"], status["can_publish"]) == (9, 0, False)
    response = send(client, "post", draft_url(draft, "/publish"), {}, alice_token)
    assert response.status_code == 409
    assert "only 0 other members may review" in response.json()["problems"][0]


def test_a_draft_planned_later_is_scheduled_not_published(client, alice_token, alice, blog):
    draft = services.draft_create(workspace=blog.workspace, author=alice, title="Später",
                                  channels=[blog])  # fmt: skip
    response = send(client, "put", draft_url(draft), {
        "title": "Später", "channels": [blog.pk], "planned_at": "2099-01-01T08:00:00+02:00",
    }, alice_token)  # fmt: skip
    assert response.json()["planned_at"] == "2099-01-01T06:00:00Z"
    published = send(client, "post", draft_url(draft, "/publish"), {}, alice_token).json()
    assert (published["state"], published["on_news"]) == ("scheduled", False)


def test_withdrawing_takes_the_post_off_the_news_page(client, alice_token, published):
    response = send(client, "post", draft_url(published, "/withdraw"), {}, alice_token)
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    published.refresh_from_db()
    assert (published.state, published.on_news) == (DraftState.WITHDRAWN, False)
    again = send(client, "post", draft_url(published, "/publish"), {}, alice_token)
    assert again.status_code == 409
    assert "The draft was withdrawn." in again.json()["problems"]
    edit = send(client, "patch", draft_url(published), {"title": "Neu"}, alice_token)
    assert field_errors(edit) == ["__all__"]
    assert Draft.objects.get(pk=published.pk).title == "New opening hours"


def test_reviewers_must_be_members_who_may_review_other_than_the_author(
    client, alice_token, post_draft, alice, carol, bob
):
    for reviewers in ([alice.pk], [carol.pk], [], [bob.pk, TOO_BIG - 1]):
        response = send(client, "post", draft_url(post_draft, "/reviewers"),
                        {"reviewers": reviewers}, alice_token)  # fmt: skip
        assert field_errors(response) == ["reviewers"], reviewers
    assert not post_draft.requests.exists()


def test_asking_for_changes_needs_a_comment(client, bob_token, post_draft, bob):
    response = send(client, "post", draft_url(post_draft, "/reviews"),
                    {"version": 1, "verdict": "changes", "comment": " "}, bob_token)  # fmt: skip
    assert field_errors(response) == ["comment"]
    body = {"version": 1, "verdict": "changes", "comment": "Zu lang"}
    response = send(client, "post", draft_url(post_draft, "/reviews"), body, bob_token)
    assert response.status_code == 201
    status = get(client, draft_url(post_draft), bob_token).json()["status"]
    assert [member["id"] for member in status["changes_by"]] == [bob.pk]
    assert status["can_publish"] is False


def test_the_draft_list_filters_by_state_and_pages(client, alice_token, post_draft, alice, blog):
    other = services.draft_create(workspace=blog.workspace, author=alice, title="Zweiter",
                                  channels=[blog])  # fmt: skip
    services.draft_publish(draft=other, actor=alice)
    listed = get(client, f"{API}/drafts", alice_token).json()
    assert [item["id"] for item in listed["items"]] == [other.pk, post_draft.pk]
    published = get(client, f"{API}/drafts", alice_token, state="published").json()
    assert [item["id"] for item in published["items"]] == [other.pk]
    first = get(client, f"{API}/drafts", alice_token, limit=1).json()
    assert ([item["id"] for item in first["items"]], first["next_offset"]) == ([other.pk], 1)
    assert field_errors(get(client, f"{API}/drafts", alice_token, state="lost")) == ["state"]


def test_a_new_draft_needs_a_title_and_channels_of_this_workspace(
    client, alice_token, carol_draft, blog
):
    carols = carol_draft.channels.get()
    assert field_errors(send(client, "post", f"{API}/drafts", {"title": ""}, alice_token)) == [
        "title"]  # fmt: skip
    foreign = send(client, "post", f"{API}/drafts", {"title": "X", "channels": [carols.pk]},
                   alice_token)  # fmt: skip
    assert field_errors(foreign) == ["channels"]
    body = {"title": "X", "tags": [str(n) for n in range(11)]}
    too_many_tags = send(client, "post", f"{API}/drafts", body, alice_token)
    assert field_errors(too_many_tags) == ["tags"]
    bad_time = send(client, "post", f"{API}/drafts", {"title": "X", "planned_at": "morgen"},
                    alice_token)  # fmt: skip
    assert field_errors(bad_time) == ["planned_at"]
    rule = send(client, "post", f"{API}/rule", {"channels": [carols.pk]}, alice_token)
    assert field_errors(rule) == ["channels"]
    assert Draft.objects.filter(workspace=blog.workspace).count() == 0


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-10:00"]
)
def test_planned_times_no_database_can_hold_are_field_errors(client, alice_token, blog, when):
    body = {"title": "X", "planned_at": when, "channels": [blog.pk]}
    response = send(client, "post", f"{API}/drafts", body, alice_token)
    assert field_errors(response) == ["planned_at"]
    assert not Draft.objects.exists()


def test_the_export_of_a_social_channel_checks_the_length_per_network(
    client, alice_token, alice, social
):
    draft = services.draft_create(workspace=social.workspace, author=alice, title="Kurz",
                                  body="x" * 300, channels=[social])  # fmt: skip
    answer = get(client, draft_url(draft, f"/export/{social.pk}"), alice_token).json()
    assert answer["text"] == "Kurz\n\n" + "x" * 300
    checks = {check["network"]: (check["fits"], check["over"]) for check in answer["checks"]}
    assert checks["X"] == (False, 26)
    assert checks["Mastodon"] == (True, 0)
    assert answer["channel"]["id"] == social.pk


def test_the_export_is_only_for_the_drafts_own_channels(client, alice_token, post_draft, social):
    assert (
        get(client, draft_url(post_draft, f"/export/{social.pk}"), alice_token).status_code == 404
    )


# --- channels, topics, the rule ------------------------------------------------------------------


def test_the_channel_list_loads_the_defaults_once(client, alice_token, workspace):
    answer = get(client, f"{API}/channels", alice_token).json()
    assert len(answer["items"]) == 9
    assert answer["items"][0]["key"] == "website"
    press = next(item for item in answer["items"] if item["key"] == "press")
    assert (press["permanence"], press["control"], press["risk"]) == (8, 2, 6)
    Channel.objects.filter(key="press").delete()
    again = get(client, f"{API}/channels", alice_token).json()
    assert len(again["items"]) == 8


def test_leaders_add_change_and_remove_channels(client, alice_token, workspace):
    body = {"name": "Podcast", "kind": "other", "permanence": 7, "control": 3,
            "explanation": "Bleibt"}  # fmt: skip
    created = send(client, "post", f"{API}/channels", body, alice_token)
    assert created.status_code == 201
    channel_id = created.json()["id"]
    url = f"{API}/channels/{channel_id}"
    patched = send(client, "patch", url, {"control": 6}, alice_token).json()
    assert (patched["name"], patched["permanence"], patched["control"], patched["risk"]) == (
        "Podcast", 7, 6, 1)  # fmt: skip
    replaced = send(client, "put", url, {"name": "Funk", "permanence": 2, "control": 9},
                    alice_token).json()  # fmt: skip
    assert (replaced["name"], replaced["kind"], replaced["explanation"]) == ("Funk", "other", "")
    assert get(client, url, alice_token).json()["name"] == "Funk"
    assert send(client, "delete", url, None, alice_token).status_code == 204
    assert not Channel.objects.filter(pk=channel_id).exists()


def test_channel_scores_outside_1_to_10_and_taken_names_are_field_errors(client, alice_token, blog):
    body = {"name": "Podcast", "permanence": 0, "control": 11}
    assert field_errors(send(client, "post", f"{API}/channels", body, alice_token)) == [
        "permanence", "control"]  # fmt: skip
    patch = send(client, "patch", f"{API}/channels/{blog.pk}", {"permanence": 11}, alice_token)
    assert field_errors(patch) == ["permanence"]
    clash = send(client, "post", f"{API}/channels",
                 {"name": "news PAGE", "permanence": 1, "control": 1}, alice_token)  # fmt: skip
    assert field_errors(clash) == ["name"]
    blog.refresh_from_db()
    assert (blog.permanence, Channel.objects.count()) == (5, 1)


def test_sensitive_topics_count_in_the_rule(client, alice_token, blog):
    added = send(client, "post", f"{API}/topics", {"phrase": "Rückruf"}, alice_token)
    assert added.status_code == 201
    assert field_errors(send(client, "post", f"{API}/topics", {"phrase": "rückruf"},
                             alice_token)) == ["phrase"]  # fmt: skip
    assert field_errors(send(client, "post", f"{API}/topics", {"phrase": " - "},
                             alice_token)) == ["phrase"]  # fmt: skip
    listed = get(client, f"{API}/topics", alice_token).json()["items"]
    assert [topic["phrase"] for topic in listed] == ["Rückruf"]
    rule = send(client, "post", f"{API}/rule", {"channels": [blog.pk], "title": "Zum Rückruf"},
                alice_token).json()  # fmt: skip
    assert (rule["required"], rule["topics"]) == (1, ["Rückruf"])
    url = f"{API}/topics/{added.json()['id']}"
    assert send(client, "delete", url, None, alice_token).status_code == 204
    assert not SensitiveTopic.objects.exists()


# --- comments ------------------------------------------------------------------------------------


def test_moderators_let_comments_through_reject_answer_and_delete_them(
    client, bob_token, published, bob
):
    # given two confirmed comments waiting and one whose writer has not confirmed yet
    good = waiting_comment(published)
    rude = waiting_comment(published, email="troll@example.com", text="Buh")
    unconfirmed = services.comment_post(
        draft=published, visitor=visitor_for_email(workspace=published.workspace,
                                                   email="neu@example.com"),
        text="Hallo", verified=False,
    )  # fmt: skip
    waiting = get(client, f"{API}/comments", bob_token, state="waiting").json()["items"]
    assert [item["id"] for item in waiting] == [rude.pk, good.pk]
    assert waiting[1]["author_name"] == "Vera"
    assert waiting[1]["post_title"] == "New opening hours"
    assert "example.com" not in str(waiting)
    # when bob lets one through, rejects the other and answers the first
    shown = send(client, "post", f"{API}/comments/{good.pk}/moderate", {"show": True}, bob_token)
    assert shown.json()["state"] == "shown"
    rejected = send(client, "post", f"{API}/comments/{rude.pk}/moderate", {"show": False},
                    bob_token)  # fmt: skip
    assert rejected.json()["state"] == "rejected"
    reply = send(client, "post", f"{API}/comments/{good.pk}/reply", {"text": "Danke!"}, bob_token)
    # then
    assert reply.status_code == 201
    assert (reply.json()["reply_to_id"], reply.json()["author_kind"], reply.json()["state"]) == (
        good.pk, "member", "shown")  # fmt: skip
    unconfirmed_moderation = send(client, "post", f"{API}/comments/{unconfirmed.pk}/moderate",
                                  {"show": True}, bob_token)  # fmt: skip
    assert field_errors(unconfirmed_moderation) == ["__all__"]
    empty_reply = send(client, "post", f"{API}/comments/{good.pk}/reply", {"text": "  "},
                       bob_token)  # fmt: skip
    assert field_errors(empty_reply) == ["text"]
    assert send(client, "delete", f"{API}/comments/{rude.pk}", None, bob_token).status_code == 204
    assert {(c.text, c.state) for c in NewsComment.objects.all()} == {
        ("Schön!", CommentState.SHOWN), ("Danke!", CommentState.SHOWN),
        ("Hallo", CommentState.UNCONFIRMED)}  # fmt: skip
    only_post = get(client, f"{API}/comments", bob_token, draft_id=published.pk).json()["items"]
    assert len(only_post) == 3


# --- the notice and the news page's settings -----------------------------------------------------


def test_the_notice_is_saved_confirmed_and_given_out_per_language(
    client, alice_token, bob_token, alice
):
    body = {"reach": "089 123", "operation": "limited", "operation_note": "Nur vormittags",
            "booking_url": "https://termine.example", "review_every_days": 14}  # fmt: skip
    saved = send(client, "put", f"{API}/notice", body, alice_token)
    assert saved.status_code == 200
    answer = saved.json()
    assert (answer["reach"], answer["operation"], answer["review_every_days"],
            answer["reviewed_by"]["id"], answer["is_old"]) == (
        "089 123", "limited", 14, alice.pk, False)  # fmt: skip
    outputs = get(client, f"{API}/notice/outputs", bob_token).json()
    assert [item["language"] for item in outputs] == ["en", "en-gb", "de"]
    german = get(client, f"{API}/notice/outputs", bob_token, language="de").json()
    assert len(german) == 1
    assert "089 123" in german[0]["html"]
    assert "089 123" in german[0]["signature_html"]
    assert "089 123" in german[0]["text"]
    assert outputs[0]["text"].splitlines()[0] == "How to reach us now: 089 123"
    assert "<script" not in german[0]["html"]
    before = ReachabilityNotice.objects.get().reviewed_at
    confirmed = send(client, "post", f"{API}/notice/confirm", {}, alice_token)
    assert confirmed.status_code == 200
    assert ReachabilityNotice.objects.get().reviewed_at > before
    bad = send(client, "put", f"{API}/notice", {"booking_url": "kein link",
               "review_every_days": 0}, alice_token)  # fmt: skip
    assert set(field_errors(bad)) == {"review_every_days"}
    bad_url = send(client, "put", f"{API}/notice", {"booking_url": "kein link"}, alice_token)
    assert field_errors(bad_url) == ["booking_url"]
    assert ReachabilityNotice.objects.get().booking_url == "https://termine.example"


def test_the_news_page_settings_are_read_and_changed(client, alice_token, workspace):
    answer = get(client, f"{API}/news-settings", alice_token).json()
    assert (answer["enabled"], answer["title"], answer["comments_open"]) == (
        True, workspace.name, True)  # fmt: skip
    version = NewsSettings.objects.get().cache_version
    changed = send(client, "put", f"{API}/news-settings", {"enabled": True, "title": "Neues",
                   "intro": "Hallo", "comments_open": False}, alice_token)  # fmt: skip
    assert changed.json() == {"enabled": True, "title": "Neues", "intro": "Hallo",
                              "comments_open": False}  # fmt: skip
    row = NewsSettings.objects.get()
    assert (row.title, row.comments_open, row.cache_version) == ("Neues", False, version + 1)


# --- who may do what -----------------------------------------------------------------------------


def test_another_workspaces_rows_are_not_found(client, carol_token, published, blog, alice, bob):
    comment = waiting_comment(published)
    topic = services.topic_add(workspace=published.workspace, phrase="Geheim")
    publication = published.publications.get()
    refused = [
        get(client, draft_url(published), carol_token),
        send(client, "patch", draft_url(published), {"title": "Meins"}, carol_token),
        send(client, "put", draft_url(published), {"title": "Meins"}, carol_token),
        get(client, draft_url(published, "/versions"), carol_token),
        get(client, draft_url(published, "/audit"), carol_token),
        get(client, draft_url(published, "/reviews"), carol_token),
        send(client, "post", draft_url(published, "/reviewers"), {"reviewers": [bob.pk]},
             carol_token),
        send(client, "post", draft_url(published, "/reviews"),
             {"version": 1, "verdict": "approved"}, carol_token),
        send(client, "post", draft_url(published, "/publish"), {}, carol_token),
        send(client, "post", draft_url(published, "/withdraw"), {}, carol_token),
        get(client, draft_url(published, "/publications"), carol_token),
        send(client, "post", draft_url(published, f"/publications/{publication.pk}"),
             {"url": ""}, carol_token),
        get(client, draft_url(published, f"/export/{blog.pk}"), carol_token),
        get(client, f"{API}/channels/{blog.pk}", carol_token),
        send(client, "patch", f"{API}/channels/{blog.pk}", {"control": 1}, carol_token),
        send(client, "delete", f"{API}/channels/{blog.pk}", None, carol_token),
        send(client, "delete", f"{API}/topics/{topic.pk}", None, carol_token),
        send(client, "post", f"{API}/comments/{comment.pk}/moderate", {"show": True}, carol_token),
        send(client, "post", f"{API}/comments/{comment.pk}/reply", {"text": "Hi"}, carol_token),
        send(client, "delete", f"{API}/comments/{comment.pk}", None, carol_token),
    ]  # fmt: skip
    assert [response.status_code for response in refused] == [404] * len(refused)
    # and her lists show none of alice's rows
    assert get(client, f"{API}/drafts", carol_token).json()["items"] == []
    assert get(client, f"{API}/comments", carol_token).json()["items"] == []
    assert all(item["name"] != "News page"
               for item in get(client, f"{API}/channels", carol_token).json()["items"])  # fmt: skip
    assert field_errors(get(client, f"{API}/comments", carol_token, draft_id=published.pk)) == [
        "draft_id"]  # fmt: skip
    published.refresh_from_db()
    assert (published.title, published.state, published.on_news) == (
        "New opening hours", DraftState.PUBLISHED, True)  # fmt: skip
    assert NewsComment.objects.get().state == CommentState.WAITING
    assert Channel.objects.filter(pk=blog.pk, control=8).exists()
    assert SensitiveTopic.objects.filter(pk=topic.pk).exists()
    assert AuditEntry.objects.filter(actor__username="carol").count() == 0


def test_ids_no_row_can_have_are_field_errors(client, alice_token):
    assert field_errors(get(client, f"{API}/drafts/{TOO_BIG}", alice_token)) == ["draft_id"]
    assert get(client, f"{API}/drafts/0", alice_token).status_code == 422
    assert get(client, f"{API}/channels/abc", alice_token).status_code == 422


def test_anonymous_callers_get_401_and_nothing_changes(client, post_draft, blog):
    calls = [
        client.get(f"{API}/drafts"),
        client.get(draft_url(post_draft)),
        client.post(f"{API}/drafts", {"title": "X"}, content_type="application/json"),
        client.post(draft_url(post_draft, "/publish"), {}, content_type="application/json"),
        client.get(f"{API}/channels"),
        client.post(f"{API}/rule", {}, content_type="application/json"),
        client.get(f"{API}/review-queue"),
        client.get(f"{API}/comments"),
        client.get(f"{API}/notice"),
        client.put(f"{API}/notice", {}, content_type="application/json"),
        client.get(f"{API}/news-settings"),
    ]
    assert [response.status_code for response in calls] == [401] * len(calls)
    assert Draft.objects.count() == 1
    assert post_draft.state == DraftState.DRAFT


def test_staff_may_not_manage_channels_topics_the_notice_or_the_news_page(client, bob_token, blog):
    refused = [
        send(client, "post", f"{API}/channels", {"name": "X", "permanence": 1, "control": 1},
             bob_token),
        send(client, "patch", f"{API}/channels/{blog.pk}", {"control": 1}, bob_token),
        send(client, "put", f"{API}/channels/{blog.pk}",
             {"name": "X", "permanence": 1, "control": 1}, bob_token),
        send(client, "delete", f"{API}/channels/{blog.pk}", None, bob_token),
        send(client, "post", f"{API}/topics", {"phrase": "X"}, bob_token),
        send(client, "put", f"{API}/notice", {"reach": "X"}, bob_token),
        send(client, "post", f"{API}/notice/confirm", {}, bob_token),
        send(client, "put", f"{API}/news-settings", {"title": "X"}, bob_token),
    ]  # fmt: skip
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert Channel.objects.get().control == 8
    assert not SensitiveTopic.objects.exists()
    assert not ReachabilityNotice.objects.filter(reach="X").exists()
    assert not NewsSettings.objects.filter(title="X").exists()


def test_a_role_without_publishing_sees_and_does_nothing(client, helper_token, post_draft, bob):
    refused = [
        get(client, f"{API}/drafts", helper_token),
        get(client, draft_url(post_draft), helper_token),
        send(client, "post", f"{API}/drafts", {"title": "X"}, helper_token),
        send(client, "post", draft_url(post_draft, "/reviewers"), {"reviewers": [bob.pk]},
             helper_token),
        send(client, "post", draft_url(post_draft, "/reviews"),
             {"version": 1, "verdict": "approved"}, helper_token),
        send(client, "post", draft_url(post_draft, "/publish"), {}, helper_token),
        get(client, f"{API}/review-queue", helper_token),
        get(client, f"{API}/channels", helper_token),
        send(client, "post", f"{API}/rule", {}, helper_token),
        get(client, f"{API}/comments", helper_token),
        get(client, f"{API}/notice", helper_token),
        get(client, f"{API}/notice/outputs", helper_token),
        get(client, f"{API}/news-settings", helper_token),
    ]  # fmt: skip
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert Draft.objects.count() == 1
    assert not post_draft.requests.exists()
