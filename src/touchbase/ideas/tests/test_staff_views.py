"""The staff screens of ideas: the list, an idea and its moderation, merging, evidence, the top
ideas with their exports, the portal's settings, and who may do what."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.ideas import services
from touchbase.ideas.choices import IdeaStatus, MailKind
from touchbase.ideas.models import Comment, Evidence, Idea, IdeaMail, PortalSettings, Vote
from touchbase.listening.tests.factories import mention_make, source_make
from touchbase.relationships.choices import Channel
from touchbase.relationships.services import account_save, contact_save, touchpoint_log
from touchbase.visitors.models import Visitor
from touchbase.visitors.services import visitor_block, visitor_for_email

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def confirmed(workspace, email: str, name: str = "") -> Visitor:
    visitor = visitor_for_email(workspace=workspace, email=email, name=name)
    Visitor.objects.filter(pk=visitor.pk).update(confirmed_at=timezone.now())
    visitor.refresh_from_db()
    return visitor


@pytest.fixture
def staff_client(workspace, bob) -> Client:
    client = Client()
    client.force_login(bob)
    return client


@pytest.fixture
def product(workspace) -> Product:
    return product_save(product=Product(workspace=workspace, name="Aurora", sku="AU-1"))


@pytest.fixture
def idea(workspace, product) -> Idea:
    visitor = confirmed(workspace, "maria@example.com", name="Maria")
    return services.idea_post(
        workspace=workspace, visitor=visitor, title="Dunkelmodus", text="Bitte!", product=product
    )


# --- pages ------------------------------------------------------------------------------------


def test_every_staff_page_renders_for_a_member(
    alice_client, workspace, idea, contact, product, bob
):
    other = services.idea_create(workspace=workspace, by=contact.account.owner, title="Export")
    mention = mention_make(source_make(workspace), "Ein Export nach Excel wäre toll.")
    touchpoint = touchpoint_log(
        workspace=workspace, contact=contact, channel=Channel.PHONE,
        occurred_at=timezone.now(), summary="Wünscht sich einen Export.", logged_by=bob,
    )  # fmt: skip
    pages = {
        "/ideas/manage/": "Dunkelmodus",
        f"/ideas/manage/{idea.pk}/": "maria@example.com",
        f"/ideas/manage/{idea.pk}/edit/": 'value="Dunkelmodus"',
        f"/ideas/manage/{idea.pk}/merge/?q=Export": "Merge into this idea",
        f"/ideas/manage/{idea.pk}/merge/{other.pk}/": "Merge these ideas?",
        f"/ideas/manage/from-mention/{mention.pk}/": "Ein Export nach Excel wäre toll.",
        f"/ideas/manage/from-touchpoint/{touchpoint.pk}/": "Wünscht sich einen Export.",
        f"/ideas/manage/top/?product={product.pk}": "Dunkelmodus",
        "/ideas/manage/settings/": "Blocked addresses",
    }
    for url, expected in pages.items():
        response = alice_client.get(url)
        assert response.status_code == 200, url
        assert expected in response.content.decode(), url


def test_the_list_shows_hidden_and_unconfirmed_ideas_but_not_merged_ones(
    alice_client, workspace, alice
):
    public = services.idea_create(workspace=workspace, by=alice, title="Öffentlich")
    hidden = services.idea_create(workspace=workspace, by=alice, title="Versteckt")
    services.idea_hide(idea=hidden, hidden=True)
    stranger = visitor_for_email(workspace=workspace, email="neu@example.com")
    services.idea_post(workspace=workspace, visitor=stranger, title="Unbestätigt")
    merged = services.idea_create(workspace=workspace, by=alice, title="Doppelt")
    services.idea_merge(source=merged, target=public, by=alice)

    every = alice_client.get("/ideas/manage/").content.decode()
    awaiting = alice_client.get("/ideas/manage/?state=awaiting").content.decode()
    only_hidden = alice_client.get("/ideas/manage/?state=hidden").content.decode()

    assert all(title in every for title in ("Öffentlich", "Versteckt", "Unbestätigt"))
    assert "Doppelt" not in every
    assert "Unbestätigt" in awaiting
    assert "Öffentlich" not in awaiting
    assert "Versteckt" in only_hidden
    assert "Öffentlich" not in only_hidden


def test_the_list_filters_by_product_and_pages(alice_client, workspace, alice, product):
    for number in range(25):
        services.idea_create(workspace=workspace, by=alice, title=f"Idee {number:02d}")
    services.idea_create(workspace=workspace, by=alice, title="Zur Aurora", product=product)

    first = alice_client.get("/ideas/manage/?sort=new").content.decode()
    second = alice_client.get("/ideas/manage/?sort=new&page=2").content.decode()
    aurora = alice_client.get(f"/ideas/manage/?product={product.pk}").content.decode()

    # newest first, twenty a page: the Aurora idea and Idee 24 … Idee 06, then Idee 05 … 00
    assert "Zur Aurora" in first
    assert "Idee 06" in first
    assert "Idee 05" not in first
    assert "page=2" in first
    assert "Idee 05" in second
    assert "Idee 00" in second
    assert "Idee 06" not in second
    assert "page=3" not in second
    assert "Zur Aurora" in aurora
    assert "Idee 01" not in aurora


def test_a_title_with_script_is_escaped_on_every_staff_page(alice_client, workspace, alice):
    visitor = confirmed(workspace, "evil@example.com", name=SCRIPT)
    idea = services.idea_post(workspace=workspace, visitor=visitor, title=SCRIPT, text=SCRIPT)
    services.comment_post(idea=idea, visitor=visitor, text=SCRIPT)
    other = services.idea_create(workspace=workspace, by=alice, title="Harmlos")
    mention = mention_make(source_make(workspace), SCRIPT)
    for url in (
        f"/ideas/manage/from-mention/{mention.pk}/?q=script",
        "/ideas/manage/",
        f"/ideas/manage/{idea.pk}/",
        f"/ideas/manage/{idea.pk}/edit/",
        f"/ideas/manage/{other.pk}/merge/?q=script",
        f"/ideas/manage/{idea.pk}/merge/{other.pk}/",
        "/ideas/manage/top/",
    ):
        page = alice_client.get(url).content.decode()
        assert "<script>alert(1)" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url


# --- status, moderation, comments -------------------------------------------------------------


def test_a_status_change_owes_a_mail_to_every_subscriber(staff_client, workspace, idea):
    voter = confirmed(workspace, "jonas@example.com")
    services.vote_cast(idea=idea, visitor=voter)

    response = staff_client.post(
        f"/ideas/manage/{idea.pk}/status/", {"status": "planned", "answer": "Kommt im Mai."}
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert (idea.status, idea.answer) == (IdeaStatus.PLANNED, "Kommt im Mai.")
    mails = IdeaMail.objects.filter(idea=idea, kind=MailKind.STATUS)
    assert sorted(mails.values_list("visitor__email", flat=True)) == [
        "jonas@example.com", "maria@example.com",
    ]  # fmt: skip
    page = staff_client.get(f"/ideas/manage/{idea.pk}/").content.decode()
    assert "Kommt im Mai." in page
    assert "New → Planned" in page


def test_an_invalid_status_is_refused_and_changes_nothing(staff_client, idea):
    response = staff_client.post(f"/ideas/manage/{idea.pk}/status/", {"status": "shipped"})
    idea.refresh_from_db()
    assert response.status_code == 422
    assert idea.status == IdeaStatus.NEW
    assert not IdeaMail.objects.exists()


def test_staff_edit_hide_and_lock_an_idea(staff_client, workspace, idea):
    staff_client.post(
        f"/ideas/manage/{idea.pk}/edit/", {"title": "Dunkler Modus", "text": "", "product": ""}
    )
    staff_client.post(f"/ideas/manage/{idea.pk}/hide/", {"on": "1"})
    staff_client.post(f"/ideas/manage/{idea.pk}/lock/", {"on": "1"})
    idea.refresh_from_db()
    assert (idea.title, idea.text, idea.product) == ("Dunkler Modus", "", None)
    assert idea.hidden_at is not None
    assert not idea.listed
    assert idea.locked_at is not None

    staff_client.post(f"/ideas/manage/{idea.pk}/hide/", {"on": "0"})
    idea.refresh_from_db()
    assert idea.hidden_at is None
    assert idea.listed


def test_staff_comment_officially_and_hide_and_delete_comments(staff_client, workspace, idea, bob):
    visitor = confirmed(workspace, "troll@example.com")
    rude = services.comment_post(idea=idea, visitor=visitor, text="Unsinn")

    staff_client.post(f"/ideas/manage/{idea.pk}/comment/", {"text": "Danke, wir prüfen das."})
    staff_client.post(f"/ideas/manage/comments/{rude.pk}/hide/", {"on": "1"})

    official = Comment.objects.get(idea=idea, member=bob)
    rude.refresh_from_db()
    idea.refresh_from_db()
    assert official.text == "Danke, wir prüfen das."
    assert official.is_public
    assert rude.hidden_at is not None
    assert idea.comment_count == 1
    page = staff_client.get(f"/ideas/manage/{idea.pk}/").content.decode()
    assert "Unsinn" in page  # staff still see a hidden comment

    staff_client.post(f"/ideas/manage/comments/{official.pk}/delete/")
    idea.refresh_from_db()
    assert not Comment.objects.filter(pk=official.pk).exists()
    assert idea.comment_count == 0


def test_staff_vote_for_a_customer_and_take_it_back(staff_client, idea, contact, bob):
    response = staff_client.post(
        f"/ideas/manage/{idea.pk}/vote/", {"contact": contact.pk, "note": "Anruf am 3. Mai"}
    )
    idea.refresh_from_db()
    vote = Vote.objects.get(idea=idea, contact=contact, visitor=None)
    assert response.status_code == 302
    assert (idea.vote_count, vote.recorded_by, vote.note) == (1, bob, "Anruf am 3. Mai")
    page = staff_client.get(f"/ideas/manage/{idea.pk}/").content.decode()
    assert "Jürgen Müller" in page
    assert "1 customer, worth 12,000 EUR" in page

    staff_client.post(f"/ideas/manage/{idea.pk}/vote/{contact.pk}/retract/")
    idea.refresh_from_db()
    assert idea.vote_count == 0
    assert not Vote.objects.filter(idea=idea).exists()


def test_a_customer_is_found_by_the_typed_name_without_script(staff_client, idea, contact):
    response = staff_client.post(
        f"/ideas/manage/{idea.pk}/vote/", {"contact": "", "contact_query": "Müller"}
    )
    assert response.status_code == 302
    assert Vote.objects.filter(idea=idea, contact=contact).count() == 1


def test_the_contact_picker_suggests_only_the_own_workspaces_contacts(
    staff_client, contact, carol_contact
):
    found = staff_client.get("/ideas/manage/contacts/?contact_query=Müller").content.decode()
    other = staff_client.get("/ideas/manage/contacts/?contact_query=Geheim").content.decode()
    assert f'data-value="{contact.pk}"' in found
    assert "data-value" not in other


def test_a_vote_for_another_workspaces_contact_is_refused(staff_client, idea, carol_contact):
    response = staff_client.post(f"/ideas/manage/{idea.pk}/vote/", {"contact": carol_contact.pk})
    idea.refresh_from_db()
    assert response.status_code == 422
    assert idea.vote_count == 0


# --- merging and blocking ---------------------------------------------------------------------


def test_a_merge_through_the_view_moves_votes_and_a_double_voter_counts_once(
    alice_client, workspace, alice, idea
):
    survivor = services.idea_create(workspace=workspace, by=alice, title="Dark mode")
    both = confirmed(workspace, "beide@example.com")
    only_here = confirmed(workspace, "hier@example.com")
    services.vote_cast(idea=idea, visitor=both)
    services.vote_cast(idea=idea, visitor=only_here)
    services.vote_cast(idea=survivor, visitor=both)

    confirm = alice_client.get(f"/ideas/manage/{idea.pk}/merge/{survivor.pk}/")
    response = alice_client.post(f"/ideas/manage/{idea.pk}/merge/{survivor.pk}/")

    idea.refresh_from_db()
    survivor.refresh_from_db()
    assert confirm.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == f"/ideas/manage/{survivor.pk}/"
    assert idea.merged_into == survivor
    assert survivor.vote_count == 2
    assert Vote.objects.filter(idea=survivor, visitor=both).count() == 1
    assert Vote.objects.filter(idea=survivor, visitor=only_here).count() == 1
    page = alice_client.get(f"/ideas/manage/{survivor.pk}/").content.decode()
    assert "Merged into this idea" in page
    assert "Dunkelmodus" in page


def test_the_confirmation_page_merges_nothing(alice_client, workspace, alice, idea):
    survivor = services.idea_create(workspace=workspace, by=alice, title="Dark mode")
    alice_client.get(f"/ideas/manage/{idea.pk}/merge/{survivor.pk}/")
    idea.refresh_from_db()
    assert idea.merged_into is None


def test_staff_without_manage_may_not_merge_block_or_change_settings(
    staff_client, workspace, alice, idea
):
    survivor = services.idea_create(workspace=workspace, by=alice, title="Dark mode")
    author = idea.author_visitor
    secret = services.portal_settings(workspace=workspace).webhook_secret
    refused = {
        "merge search": staff_client.get(f"/ideas/manage/{idea.pk}/merge/"),
        "merge": staff_client.post(f"/ideas/manage/{idea.pk}/merge/{survivor.pk}/"),
        "block": staff_client.post(f"/ideas/manage/visitors/{author.pk}/block/"),
        "block address": staff_client.post(
            "/ideas/manage/settings/block/", {"email": "x@example.com"}
        ),
        "settings": staff_client.get("/ideas/manage/settings/"),
        "save settings": staff_client.post("/ideas/manage/settings/", {"enabled": ""}),
        "secret": staff_client.post("/ideas/manage/settings/secret/"),
    }
    assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(refused, 403)
    idea.refresh_from_db()
    author.refresh_from_db()
    settings = PortalSettings.objects.get(workspace=workspace)
    assert idea.merged_into is None
    assert not author.is_blocked
    assert not Visitor.objects.filter(email="x@example.com").exists()
    assert (settings.enabled, settings.webhook_secret) == (True, secret)


def test_a_manager_blocks_and_unblocks_the_authors_address(alice_client, workspace, idea):
    author = idea.author_visitor
    page = f"/ideas/manage/{idea.pk}/"
    response = alice_client.post(f"/ideas/manage/visitors/{author.pk}/block/", {"next": page})
    author.refresh_from_db()
    assert response["Location"] == page
    assert author.is_blocked
    listed = alice_client.get("/ideas/manage/settings/").content.decode()
    assert "maria@example.com" in listed

    alice_client.post(f"/ideas/manage/visitors/{author.pk}/unblock/", {"next": "//evil.example"})
    author.refresh_from_db()
    assert not author.is_blocked


def test_a_manager_blocks_an_address_typed_in(alice_client, workspace):
    alice_client.post(
        "/ideas/manage/settings/block/", {"email": "Spam@Example.com", "reason": "Werbung"}
    )
    visitor = Visitor.objects.get(workspace=workspace, email="spam@example.com")
    assert visitor.is_blocked
    assert visitor.block_reason == "Werbung"


def test_a_manager_saves_the_portal_settings_and_makes_a_new_secret(alice_client, workspace):
    old = services.portal_settings(workspace=workspace).webhook_secret
    alice_client.post(
        "/ideas/manage/settings/",
        {"intro": "Willkommen!", "webhook_url": "https://tracker.example/hook"},
    )
    alice_client.post("/ideas/manage/settings/secret/")
    settings = PortalSettings.objects.get(workspace=workspace)
    assert (settings.enabled, settings.intro) == (False, "Willkommen!")
    assert settings.webhook_url == "https://tracker.example/hook"
    assert settings.webhook_secret != old
    assert settings.webhook_secret.startswith("whsec_")


def test_a_bad_webhook_address_is_refused(alice_client, workspace):
    response = alice_client.post("/ideas/manage/settings/", {"enabled": "on", "webhook_url": "x"})
    assert response.status_code == 422
    assert PortalSettings.objects.get(workspace=workspace).webhook_url == ""


# --- evidence ---------------------------------------------------------------------------------


def test_a_mention_turned_into_an_idea_carries_it_as_evidence(
    staff_client, workspace, contact, product, bob
):
    mention = mention_make(source_make(workspace), "Bitte einen Export nach Excel!")
    mention.contact = contact
    mention.save(update_fields=["contact"])
    form = staff_client.get(f"/ideas/manage/from-mention/{mention.pk}/").content.decode()
    assert 'value="Bitte einen Export nach Excel!"' in form

    response = staff_client.post(
        f"/ideas/manage/from-mention/{mention.pk}/",
        {"do": "create", "title": "Export nach Excel", "text": "", "product": product.pk},
    )

    idea = Idea.objects.get(workspace=workspace, title="Export nach Excel")
    evidence = Evidence.objects.get(idea=idea)
    assert response["Location"] == f"/ideas/manage/{idea.pk}/"
    assert (idea.author_member, idea.author_contact, idea.product) == (bob, contact, product)
    assert (evidence.mention, evidence.contact) == (mention, contact)
    assert evidence.quote == "Bitte einen Export nach Excel!"


def test_a_touchpoint_is_attached_to_an_existing_idea(staff_client, workspace, idea, contact, bob):
    touchpoint = touchpoint_log(
        workspace=workspace, contact=contact, channel=Channel.PHONE,
        occurred_at=timezone.now() - dt.timedelta(hours=1), summary="Will den Dunkelmodus.",
        logged_by=bob,
    )  # fmt: skip
    search = staff_client.get(f"/ideas/manage/from-touchpoint/{touchpoint.pk}/?q=Dunkel")
    assert "Attach to this idea" in search.content.decode()

    staff_client.post(
        f"/ideas/manage/from-touchpoint/{touchpoint.pk}/", {"do": "attach", "idea": idea.pk}
    )

    evidence = Evidence.objects.get(idea=idea)
    assert (evidence.touchpoint, evidence.contact) == (touchpoint, contact)
    page = staff_client.get(f"/ideas/manage/{idea.pk}/").content.decode()
    assert "Will den Dunkelmodus." in page
    assert "Jürgen Müller" in page


def test_the_contact_timeline_and_the_mention_lead_to_the_idea_form(
    staff_client, workspace, contact, bob
):
    touchpoint = touchpoint_log(
        workspace=workspace, contact=contact, channel=Channel.PHONE,
        occurred_at=timezone.now(), summary="Wünscht sich einen Export.", logged_by=bob,
    )  # fmt: skip
    mention = mention_make(source_make(workspace), "Export bitte")
    timeline = staff_client.get(f"/contacts/{contact.pk}/").content.decode()
    detail = staff_client.get(f"/listening/mentions/{mention.pk}/").content.decode()
    assert f"/ideas/manage/from-touchpoint/{touchpoint.pk}/" in timeline
    assert f"/ideas/manage/from-mention/{mention.pk}/" in detail


def test_another_workspaces_idea_cannot_be_attached(staff_client, workspace, other_workspace):
    mention = mention_make(source_make(workspace), "Export bitte")
    foreign = services.idea_create(workspace=other_workspace, by=None, title="Fremd")
    response = staff_client.post(
        f"/ideas/manage/from-mention/{mention.pk}/", {"do": "attach", "idea": foreign.pk}
    )
    assert response.status_code == 404
    assert not Evidence.objects.exists()


# --- top ideas and exports --------------------------------------------------------------------


@pytest.fixture
def ranking(workspace, alice, product):
    """Two ideas: one with more votes, the other with a valuable customer behind it."""
    popular = services.idea_create(workspace=workspace, by=alice, title="=HYPERLINK(1)",
                                   product=product)  # fmt: skip
    valuable = services.idea_create(workspace=workspace, by=alice, title="Dunkelmodus",
                                    product=product)  # fmt: skip
    for number in range(3):
        services.vote_cast(idea=popular, visitor=confirmed(workspace, f"v{number}@example.com"))
    big = account_save(workspace=workspace, fields={"name": "Großkunde", "owner": alice,
                                                    "value": 90000})  # fmt: skip
    buyer = contact_save(workspace=workspace, fields={"last_name": "Kauf", "account": big})
    services.vote_for_customer(idea=valuable, contact=buyer, by=alice)
    services.status_set(idea=valuable, status="planned", answer="Kommt", by=alice)
    return popular, valuable


def test_the_top_page_ranks_by_votes_and_by_value(alice_client, product, ranking):
    popular, valuable = ranking
    page = alice_client.get(f"/ideas/manage/top/?product={product.pk}").content.decode()
    by_votes, by_value = page.split('id="top-votes"')[1].split('id="top-value"')
    assert by_votes.index("HYPERLINK") < by_votes.index("Dunkelmodus")
    assert by_value.index("Dunkelmodus") < by_value.index("HYPERLINK")
    assert "90,000" in by_value


def test_the_csv_export_reads_back_and_defuses_formulas(alice_client, product, ranking):
    popular, valuable = ranking
    response = alice_client.get(f"/ideas/manage/top/?product={product.pk}&by=value&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0] == [
        "ID", "Title", "Product", "Status", "Votes", "Customers", "Customer value (EUR)",
        "Official answer", "Public URL",
    ]  # fmt: skip
    assert rows[1][:8] == [str(valuable.pk), "Dunkelmodus", "Aurora", "Planned", "1", "1",
                           "90000", "Kommt"]  # fmt: skip
    assert rows[1][8].endswith(f"/ideas/{product.workspace.slug}/{valuable.pk}/")
    assert rows[2][1] == "'=HYPERLINK(1)"
    assert rows[2][4] == "3"


def test_the_xlsx_export_reads_back(alice_client, product, ranking):
    popular, valuable = ranking
    response = alice_client.get(f"/ideas/manage/top/?product={product.pk}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["ID", "Title", "Product"]
    assert [row[1] for row in rows[1:]] == ["=HYPERLINK(1)", "Dunkelmodus"]
    assert [int(row[4]) for row in rows[1:]] == [3, 1]
    assert int(rows[2][6]) == 90000


# --- who sees what ----------------------------------------------------------------------------


def test_another_workspaces_member_gets_404_and_a_stranger_the_sign_in(
    carol_client, idea, workspace
):
    assert carol_client.get(f"/ideas/manage/{idea.pk}/").status_code == 404
    assert (
        carol_client.post(f"/ideas/manage/{idea.pk}/status/", {"status": "done"}).status_code == 404
    )
    assert "Dunkelmodus" not in carol_client.get("/ideas/manage/").content.decode()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW
    anonymous = Client().get("/ideas/manage/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/login/")


def test_a_blocked_visitor_shown_in_the_list_of_blocked_addresses(alice_client, workspace):
    visitor_block(workspace=workspace, email="weg@example.com")
    page = alice_client.get("/ideas/manage/settings/").content.decode()
    assert "weg@example.com" in page
