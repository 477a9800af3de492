"""The public portal as strangers use it: post, confirm by mail, vote, comment, and abuse."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from touchbase.ideas import services
from touchbase.ideas.models import Comment, Idea, Subscription, Vote
from touchbase.ideas.tests.conftest import confirmed, signed_in_client
from touchbase.visitors import services as visitors
from touchbase.visitors.models import Visitor

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def portal_url(workspace, name="ideas:portal", *args):
    return reverse(name, args=[workspace.slug, *args])


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/v/\S+/confirm/\S+/", body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


@pytest.mark.django_db(transaction=True)
def test_a_stranger_posts_confirms_by_mail_and_the_idea_appears(workspace, kettle, smtp):
    client = Client()
    response = client.post(portal_url(workspace, "ideas:portal-new"), {
        "title": "Kessel per App steuern", "text": "Vom Sofa aus.", "product": kettle.pk,
        "email": "Jana@Example.com", "name": "Jana", "subscribe": "on",
    })  # fmt: skip
    assert response.status_code == 200
    assert "check-mail" in response.content.decode()
    idea = Idea.objects.get()
    assert not idea.listed
    # nothing is public before the confirmation
    assert "Kessel per App" not in client.get(portal_url(workspace)).content.decode()
    assert client.get(portal_url(workspace, "ideas:portal-idea", idea.pk)).status_code == 404
    run_worker()
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["To"] == "jana@example.com"
    link = link_in(smtp.messages[0])
    confirmed_response = client.post(path_of(link))
    assert confirmed_response.status_code == 303
    assert confirmed_response["Location"] == services.public_path(idea)
    idea.refresh_from_db()
    assert idea.listed
    page = client.get(portal_url(workspace)).content.decode()
    assert "Kessel per App steuern" in page
    # the browser is remembered: the next vote counts at once, without another mail
    client.post(portal_url(workspace, "ideas:portal-vote", idea.pk))
    assert Idea.objects.get(pk=idea.pk).vote_count == 1
    assert Subscription.objects.filter(idea=idea).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_typed_address_of_a_confirmed_visitor_proves_nothing(workspace, eva, smtp):
    idea = services.idea_create(workspace=workspace, by=None, title="Dunkelmodus")
    # someone else types eva's address on their own browser
    response = Client().post(
        portal_url(workspace, "ideas:portal-vote", idea.pk), {"email": "eva@example.com"}
    )
    assert response.status_code == 200
    vote = Vote.objects.get(idea=idea)
    assert not vote.counted
    assert Idea.objects.get(pk=idea.pk).vote_count == 0
    run_worker()
    # eva gets a link; following it counts the vote
    Client().post(path_of(link_in(smtp.messages[0])))
    assert Idea.objects.get(pk=idea.pk).vote_count == 1


def test_vote_retract_and_vote_again(workspace, eva, eva_client):
    idea = services.idea_create(workspace=workspace, by=None, title="Export als CSV")
    url = portal_url(workspace, "ideas:portal-vote", idea.pk)
    eva_client.post(url)
    eva_client.post(url)
    assert Idea.objects.get(pk=idea.pk).vote_count == 1
    assert Vote.objects.filter(idea=idea).count() == 1
    eva_client.post(url, {"action": "retract"})
    assert Idea.objects.get(pk=idea.pk).vote_count == 0
    assert not Vote.objects.filter(idea=idea).exists()
    eva_client.post(url)
    idea.refresh_from_db()
    assert idea.vote_count == 1
    assert idea.trend_score == pytest.approx(
        services.vote_weight(Vote.objects.get(idea=idea).created_at)
    )


def test_the_vote_button_answers_htmx_with_the_new_count(workspace, eva_client):
    idea = services.idea_create(workspace=workspace, by=None, title="Export als CSV")
    response = eva_client.post(
        portal_url(workspace, "ideas:portal-vote", idea.pk), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'class="vote-count"' in html
    assert ">1<" in html
    assert 'aria-pressed="true"' in html


def test_a_new_visitor_pressing_vote_in_the_list_is_asked_for_the_address(workspace):
    idea = services.idea_create(workspace=workspace, by=None, title="Export als CSV")
    response = Client().post(
        portal_url(workspace, "ideas:portal-vote", idea.pk), headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == portal_url(workspace, "ideas:portal-vote-address", idea.pk)
    page = Client().get(response["HX-Redirect"])
    assert 'name="email"' in page.content.decode()
    assert not Vote.objects.exists()


def test_a_comment_from_a_remembered_browser_shows_at_once(workspace, eva_client):
    idea = services.idea_create(workspace=workspace, by=None, title="Export als CSV")
    response = eva_client.post(portal_url(workspace, "ideas:portal-comment", idea.pk),
                               {"text": "Unbedingt, bitte mit Semikolon."})  # fmt: skip
    assert response.status_code == 302
    page = eva_client.get(services.public_path(idea)).content.decode()
    assert "Unbedingt, bitte mit Semikolon." in page
    assert Idea.objects.get(pk=idea.pk).comment_count == 1


def test_script_in_every_field_a_visitor_writes_is_shown_as_text(workspace, kettle):
    visitor = confirmed(workspace, "mallory@example.com", SCRIPT[:60])
    client = signed_in_client(visitor)
    client.post(portal_url(workspace, "ideas:portal-new"),
                {"title": SCRIPT[:140], "text": SCRIPT, "product": kettle.pk})  # fmt: skip
    idea = Idea.objects.get()
    client.post(portal_url(workspace, "ideas:portal-comment", idea.pk), {"text": SCRIPT})
    assert Comment.objects.filter(idea=idea).count() == 1
    pages = [
        client.get(portal_url(workspace)),
        client.get(services.public_path(idea)),
        client.get(portal_url(workspace, "ideas:portal-me")),
        client.get(portal_url(workspace, "ideas:portal-similar") + "?title=" + SCRIPT[:30]),
        client.get(portal_url(workspace) + "?q=%3Cscript%3E"),
    ]
    for response in pages:
        html = response.content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    assert "&lt;script&gt;alert" in pages[1].content.decode()


def test_the_honeypot_keeps_nothing(workspace):
    response = Client().post(portal_url(workspace, "ideas:portal-new"), {
        "title": "Billige Uhren", "email": "bot@example.com", "website": "http://spam.example",
    })  # fmt: skip
    assert response.status_code == 200
    assert not Idea.objects.exists()
    assert not Visitor.objects.exists()


def test_too_many_ideas_from_one_address_are_refused(workspace):
    client = Client()
    limit = visitors.LIMITS["idea"].per_email
    for number in range(limit):
        client.post(portal_url(workspace, "ideas:portal-new"),
                    {"title": f"Idee {number}", "email": "viel@example.com"})  # fmt: skip
    response = client.post(portal_url(workspace, "ideas:portal-new"),
                           {"title": "Noch eine", "email": "viel@example.com"})  # fmt: skip
    assert response.status_code == 429
    assert Idea.objects.count() == limit


def test_a_blocked_address_cannot_post_vote_or_comment(workspace, eva, eva_client):
    idea = services.idea_create(workspace=workspace, by=None, title="Export als CSV")
    visitors.visitor_block(workspace=workspace, email=eva.email)
    assert (
        eva_client.post(portal_url(workspace, "ideas:portal-new"), {"title": "Spam"}).status_code
        == 403
    )
    assert eva_client.post(portal_url(workspace, "ideas:portal-vote", idea.pk)).status_code == 403
    assert eva_client.post(portal_url(workspace, "ideas:portal-comment", idea.pk),
                           {"text": "Spam"}).status_code == 403  # fmt: skip
    assert Idea.objects.count() == 1
    assert not Vote.objects.exists()
    assert not Comment.objects.exists()


def test_bad_input_gets_field_errors(workspace):
    response = Client().post(portal_url(workspace, "ideas:portal-new"),
                             {"title": "x" * 141, "email": "not-an-address"})  # fmt: skip
    assert response.status_code == 422
    html = response.content.decode()
    assert "errorlist" in html
    assert not Idea.objects.exists()


def test_odd_query_strings_fall_back_to_the_defaults(workspace):
    services.idea_create(workspace=workspace, by=None, title="Export als CSV")
    for query in ("?sort=drop", "?page=-1", "?page=99999999999999999999", "?product=abc",
                  "?status=<x>", "?q=" + "a" * 5000):  # fmt: skip
        response = Client().get(portal_url(workspace) + query)
        assert response.status_code == 200, query


def test_one_workspaces_portal_never_shows_anothers_ideas(workspace, other_workspace, eva_client):
    theirs = services.idea_create(workspace=other_workspace, by=None, title="Geheime Idee")
    assert "Geheime Idee" not in eva_client.get(portal_url(workspace)).content.decode()
    assert eva_client.get(portal_url(workspace, "ideas:portal-idea", theirs.pk)).status_code == 404
    assert eva_client.post(portal_url(workspace, "ideas:portal-vote", theirs.pk)).status_code == 404
    assert eva_client.post(portal_url(workspace, "ideas:portal-comment", theirs.pk),
                           {"text": "x"}).status_code == 404  # fmt: skip
    # eva's device is her workspace's: on the other portal she is a stranger
    assert "portal-me-link" in eva_client.get(portal_url(other_workspace)).content.decode()
    assert not Vote.objects.exists()


def test_a_visitor_cannot_reach_staff_pages_or_the_api(workspace, eva_client):
    idea = services.idea_create(workspace=workspace, by=None, title="Export als CSV")
    assert eva_client.get("/ideas/manage/").status_code in {302, 404}
    assert eva_client.get(f"/ideas/manage/{idea.pk}/").status_code in {302, 404}
    assert eva_client.get("/api/v1/ideas").status_code in {401, 404}
    assert eva_client.post(f"/api/v1/ideas/{idea.pk}/status", {"status": "done"},
                           content_type="application/json").status_code in {401, 404}  # fmt: skip
    assert Idea.objects.get(pk=idea.pk).status == "new"


def test_a_closed_portal_is_not_found(workspace):
    row = services.portal_settings(workspace=workspace)
    services.portal_settings_save(row=row, changes={"enabled": False})
    assert Client().get(portal_url(workspace)).status_code == 404
    assert Client().get(portal_url(workspace, "ideas:portal-roadmap")).status_code == 404


def test_the_roadmap_shows_planned_in_progress_and_done(workspace, alice):
    for title, status in [("A", "planned"), ("B", "in_progress"), ("C", "done"), ("D", "declined")]:
        idea = services.idea_create(workspace=workspace, by=alice, title=f"Idee {title}")
        services.status_set(idea=idea, status=status, answer="", by=alice)
    html = Client().get(portal_url(workspace, "ideas:portal-roadmap")).content.decode()
    assert "Idee A" in html
    assert "Idee B" in html
    assert "Idee C" in html
    assert "Idee D" not in html


def test_similar_ideas_are_suggested_while_typing(workspace, alice):
    services.idea_create(workspace=workspace, by=alice, title="Dunkelmodus für die App")
    services.idea_create(workspace=workspace, by=alice, title="Rechnungen als PDF")
    html = (
        Client()
        .get(portal_url(workspace, "ideas:portal-similar") + "?title=dunkel modus app")
        .content.decode()
    )
    assert "Dunkelmodus für die App" in html
    assert "Rechnungen" not in html


def test_a_merged_idea_redirects_to_the_survivor(workspace, alice, eva_client):
    first = services.idea_create(workspace=workspace, by=alice, title="Dark mode")
    second = services.idea_create(workspace=workspace, by=alice, title="Dunkelmodus")
    services.idea_merge(source=first, target=second, by=alice)
    response = eva_client.get(services.public_path(first))
    assert response.status_code == 301
    assert response["Location"] == services.public_path(second)


def test_the_visitor_downloads_and_deletes_their_data(workspace, eva, eva_client):
    idea = services.idea_create(workspace=workspace, by=None, title="Export als CSV")
    eva_client.post(portal_url(workspace, "ideas:portal-vote", idea.pk))
    eva_client.post(portal_url(workspace, "ideas:portal-comment", idea.pk), {"text": "Ja!"})
    me = portal_url(workspace, "ideas:portal-me")
    exported = eva_client.post(me, {"action": "export"}).json()
    assert exported["email"] == "eva@example.com"
    assert exported["ideas"]["votes"][0]["idea"] == "Export als CSV"
    assert exported["ideas"]["comments"][0]["text"] == "Ja!"
    eva_client.post(me, {"action": "erase"})
    assert not Visitor.objects.filter(pk=eva.pk).exists()
    idea.refresh_from_db()
    assert idea.vote_count == 0
    assert idea.comment_count == 0


def test_the_confirmation_page_shows_what_the_link_publishes(workspace):
    idea = services.idea_create(workspace=workspace, by=None, title="Export als CSV")
    visitor = visitors.visitor_for_email(workspace=workspace, email="jana@example.com")
    comment = services.comment_post(idea=idea, visitor=visitor, text=SCRIPT, verified=False)
    link = visitors.confirmation_link(visitor=visitor, next_path="/", items={"comment": comment.pk})
    html = Client().get(path_of(link)).content.decode()
    assert "jana@example.com" in html
    assert 'id="pending-preview"' in html
    assert "Export als CSV" in html
    assert "&lt;script&gt;" in html
    assert "<script>alert" not in html


def test_a_workspace_never_takes_a_slug_the_staff_pages_use(db):
    from touchbase.core.services import workspace_create

    workspace = workspace_create(name="Manage")
    assert workspace.slug == "manage-2"
    assert Client().get(portal_url(workspace)).status_code == 200


def test_unsubscribing_works_after_the_idea_was_merged(workspace, alice, eva):
    from touchbase.ideas import mails

    source = services.idea_create(workspace=workspace, by=alice, title="Dark mode")
    target = services.idea_create(workspace=workspace, by=alice, title="Dunkelmodus")
    services.vote_cast(idea=source, visitor=eva)
    token = mails.unsubscribe_token(idea=source, visitor_id=eva.pk)
    services.idea_merge(source=source, target=target, by=alice)
    Client().post(portal_url(workspace, "ideas:portal-unsubscribe", token))
    assert not Subscription.objects.filter(visitor=eva).exists()
