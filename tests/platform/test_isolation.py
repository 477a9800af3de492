"""Generated isolation tests: every route, found by walking the URLconf and the OpenAPI paths.

carol owns another workspace and holds every capability there; called with the ids of
alice's rows, each route must answer 404 and change nothing. Anonymous visitors are sent to
sign in (401 in the API). A new route is covered without anyone adding it to a list.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from PIL import Image

from touchbase.api import api
from touchbase.care.models import DuplicateCandidate, RegionalAdvice
from touchbase.care.services import (
    advice_save,
    duplicate_scan_request,
    duplicate_scan_run,
    voucher_issue,
)
from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.core.models import ApiToken, Membership
from touchbase.core.tenancy import IdConverter
from touchbase.ideas import services as ideas
from touchbase.imports.services import import_job_create
from touchbase.listening.alerting import alert_raise
from touchbase.listening.answers import reply_record
from touchbase.listening.invitations import delivery_record
from touchbase.listening.jobs import ingest_job_create as mention_job_create
from touchbase.listening.models import LaunchFigures, RemovalDecision
from touchbase.listening.services import mention_enter, source_save
from touchbase.publishing import reach_services, signatures
from touchbase.publishing import services as publishing
from touchbase.publishing.banners import banner_count, banner_save
from touchbase.publishing.models_reach import Banner, PresenceCheck
from touchbase.relationships.models import CadencePolicy, Tag
from touchbase.relationships.services import consent_record, contact_save, touchpoint_log
from touchbase.testing import bearer
from touchbase.visitors.services import visitor_block, visitor_for_email

pytestmark = pytest.mark.django_db

# Routes anyone may call, and routes any signed-in member may call for themselves.
PUBLIC = {
    "login", "logout", "healthz", "core:language-set", "core:invitation-accept", "password_reset",
    "password_reset_done", "password_reset_confirm", "password_reset_complete",
    # signed by the source's own secret, tested in listening/tests/test_webhook.py
    "listening:mentions-webhook",
    # a review invitation's signed link names its workspace, row and nonce; tested in
    # listening/tests/test_invitations.py (only its own valid token is accepted)
    "listening:rating", "listening:rating-stop",
    # a visitor's confirmation link names its workspace, visitor and nonce; tested in
    # visitors/tests/test_visitors.py
    "visitors:confirm",
    # the public idea portal: strangers read it and write through visitors' confirmation;
    # one workspace's portal never shows another's rows (ideas/tests/test_portal.py)
    "ideas:portal", "ideas:portal-new", "ideas:portal-similar", "ideas:portal-roadmap",
    "ideas:portal-me", "ideas:portal-unsubscribe", "ideas:portal-idea", "ideas:portal-vote",
    "ideas:portal-vote-address", "ideas:portal-comment", "ideas:portal-subscription",
    # the public news page: only on_news posts of the slug's workspace, comments through
    # visitors' confirmation; tested in publishing/tests/test_news.py
    "publishing:news", "publishing:news-tag", "publishing:news-post", "publishing:news-image",
    "publishing:news-feed", "publishing:news-notice",
    # a signature's banner slot, link and photo are reached by its secret token, the install
    # page by a signed expiring link, the website's banner slot by the workspace's slug; each
    # shows only that workspace's banners (publishing/tests/test_banners.py)
    "publishing:signature-banner", "publishing:signature-click", "publishing:signature-photo",
    "publishing:signature-install", "publishing:website-banner", "publishing:website-click",
    # the partner page: a sign-in form, a signed single-use link, then only the banners the
    # slug's workspace offers to partners (publishing/tests/test_reach_pages.py)
    "publishing:partner-page", "publishing:partner-enter", "publishing:partner-leave",
    "publishing:partner-download",
    # community help's pages for strangers, customers and helpers under /help/<slug>/: a
    # customer's rows only through the request's signed link, a helper's only to that helper
    # signed in by link (another helper's offer or booking is 404); community/tests/
    # test_public_pages.py and test_helper_portal.py
    "community:request-form", "community:request-confirm", "community:request-page",
    "community:request-cancel", "community:request-rate", "community:request-report",
    "community:helper-apply", "community:helper-confirm", "community:helper-sign-in",
    "community:helper-sign-out", "community:helper-home", "community:helper-enter",
    "community:helper-offer", "community:helper-offer-accept", "community:helper-offer-decline",
    "community:helper-booking-list", "community:helper-booking", "community:helper-booking-cancel",
    "community:helper-booking-finish", "community:helper-booking-rate",
    "community:helper-booking-report", "community:helper-ratings", "community:helper-availability",
    "community:helper-holidays", "community:helper-data", "community:helper-data-export",
    "community:helper-data-erase",
    # an AMA's guests come by a signed join link naming the workspace's session; their key
    # (a cookie) opens that session only, another session's question is 404;
    # inside/tests/test_ama_public.py
    "inside:public_ama", "inside:public_ama_questions", "inside:public_ama_ask",
    "inside:public_ama_vote",
    # a customer's virtual coffee by the signed link in their mails (workspace, participant,
    # nonce): only their own groups, another group's id is 404; inside/tests/
    # test_coffee_public.py
    "inside:public_coffee", "inside:public_coffee_accept", "inside:public_coffee_opt_out",
    "inside:public_coffee_pause", "inside:public_coffee_confirm",
}  # fmt: skip
MEMBER_ONLY = {
    "core:settings", "core:token-create", "core:token-delete", "core:workspace-switch",
    "password_change", "password_change_done",
}  # fmt: skip
STRING_VALUES = ["account", "contact", "contacts", "accounts", "touchpoints"]


def _routes() -> list[tuple[str, str, dict[str, Any], Any]]:
    """(name, route, converters, view) of every URL pattern outside the admin and the API."""
    found = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith(("admin/", "api/")):
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                converters = pattern.pattern.converters
                found.append(
                    (namespace + (pattern.name or ""), route, converters, pattern.callback)
                )

    walk(get_resolver().url_patterns, "", "")
    return found


def _fill(route: str, converters: dict[str, Any], ids: list[int]) -> list[str]:
    """Every URL of the route with alice's ids for ids and plausible words for strings."""
    choices = [
        [str(i) for i in ids] if isinstance(conv, IdConverter) else STRING_VALUES
        for conv in converters.values()
    ]
    urls = []
    for values in itertools.product(*choices):
        url = route
        for (name, converter), value in zip(converters.items(), values, strict=True):
            url = _replace_param(url, name, converter, value)
        urls.append("/" + url)
    return urls


def _replace_param(url: str, name: str, converter: Any, value: str) -> str:
    for kind in ("id", "str", "int", "slug"):
        url = url.replace(f"<{kind}:{name}>", value)
    return url.replace(f"<{name}>", value)


def _ids_of(workspace: Any) -> set[int]:
    """Every id that names a row of this workspace in any table, the workspace's own included."""
    # Its members' user ids too: a body reference like owner_id names a user.
    ids = {
        workspace.pk,
        *Membership.objects.filter(workspace=workspace).values_list("user_id", flat=True),
    }
    for model in apps.get_models():
        if any(field.name == "workspace" for field in model._meta.fields):
            ids |= set(model._base_manager.filter(workspace=workspace).values_list("pk", flat=True))
    return ids


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {
            "core",
            "relationships",
            "care",
            "imports",
            "catalogue",
            "ideas",
            "visitors",
            "publishing",
            "community",
            "inside",
        }
    }


@pytest.fixture
def carol_world(carol_membership, carol_contact, carol_account, other_workspace):
    """carol's own rows, made first, so that alice's ids below never name one of them."""
    policy = CadencePolicy.objects.create(workspace=other_workspace, name="Alle", scope="all",
                                          interval_days=90)  # fmt: skip
    product = product_save(product=Product(workspace=other_workspace, name="Geheim", sku="G-1"))
    rows = [carol_membership, carol_contact, carol_account, policy, product]
    return sorted({row.pk for row in rows})


@pytest.fixture
def alice_world(
    carol_world, workspace, alice, bob_membership, contact, account, alice_token, other_workspace,
    settings, tmp_path,
):  # fmt: skip
    """One row of every kind in alice's workspace; the ids that name none of carol's rows."""
    settings.MEDIA_ROOT = tmp_path
    tag = Tag.objects.create(workspace=workspace, name="VIP")
    touchpoint = touchpoint_log(workspace=workspace, contact=contact, channel="phone",
                                occurred_at=timezone.now(), logged_by=alice)  # fmt: skip
    consent = consent_record(contact=contact, status="given", source="test", by=alice)
    voucher = voucher_issue(
        workspace=workspace, contact=contact, value=Decimal(50), by=alice,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )  # fmt: skip
    advice = advice_save(advice=RegionalAdvice(workspace=workspace, country="DE", title="Hinweis",
                                               valid_from=timezone.localdate()))  # fmt: skip
    policy = CadencePolicy.objects.create(workspace=workspace, name="VIP", scope="tag", tag=tag,
                                          interval_days=30)  # fmt: skip
    job = import_job_create(workspace=workspace, by=alice, filename="k.csv",
                            data=b"Nachname;E-Mail\nMeier;m@example.com\n")  # fmt: skip
    twin = contact_save(workspace=workspace, fields={"last_name": "Müller",
                                                     "email": contact.email})  # fmt: skip
    scan = duplicate_scan_run(scan=duplicate_scan_request(workspace=workspace, by=alice))
    candidate = DuplicateCandidate.objects.get(workspace=workspace)
    product = product_save(product=Product(workspace=workspace, name="Aurora", sku="A-1"),
                           aliases=["Kessel"])  # fmt: skip
    source = source_save(workspace=workspace, name="Google", kind="upload", by=alice)
    mention = mention_enter(source=source, text="Aurora ist toll", author_email=contact.email)
    mention_job = mention_job_create(source=source, by=alice, filename="m.csv",
                                    data=b"text;stars\nGut;5\n")  # fmt: skip
    reply = reply_record(mention=mention, by=alice, text="Danke", channel="source")
    invitation = delivery_record(workspace=workspace, contact=contact, product=product)
    alert = alert_raise(workspace=workspace, kind="test", message_params={"workspace": "P"},
                        link_path="/listening/", product=product, mention=mention)  # fmt: skip
    decision = RemovalDecision.objects.create(workspace=workspace, product=product,
                                              step="proposed", ratings=10, average=1.5)  # fmt: skip
    figures = LaunchFigures.objects.create(workspace=workspace, product=product, usual_total=10,
                                           usual_negative=2, launched_at=timezone.now(),
                                           usual_counted_at=timezone.now())  # fmt: skip
    rows = [tag, touchpoint, consent, voucher, advice, policy, job, contact, account, twin,
            scan, candidate, product, source, mention, mention_job, reply, invitation, alert,
            decision, figures, *_ideas_world(workspace, alice, contact, product, mention,
                                               touchpoint),
            *_publishing_world(workspace, alice, bob_membership.user),
            *_community_world(workspace, alice, contact),
            *_inside_world(workspace, alice, bob_membership.user, contact),
            bob_membership, workspace, *ApiToken.objects.filter(user=alice),
            *Membership.objects.filter(user=alice)]  # fmt: skip
    # An id that also names one of carol's own rows would rightly be found: leave those out.
    ids = {row.pk for row in rows if row is not None} - _ids_of(other_workspace)
    assert ids
    return sorted(ids)


def _ideas_world(workspace, alice, contact, product, mention, touchpoint) -> list[Any]:
    visitor = visitor_for_email(workspace=workspace, email="v@example.com")
    visitor.confirmed_at = timezone.now()
    visitor.save()
    idea = ideas.idea_post(workspace=workspace, visitor=visitor, title="Dunkelmodus",
                           product=product)  # fmt: skip
    other = ideas.idea_create(workspace=workspace, by=alice, title="Export", contact=contact)
    vote = ideas.vote_cast(idea=idea, visitor=visitor)
    proxy = ideas.vote_for_customer(idea=other, contact=contact, by=alice)
    comment = ideas.comment_post(idea=idea, visitor=visitor, text="Ja, bitte")
    change = ideas.status_set(idea=idea, status="planned", answer="Kommt", by=alice)
    evidence = ideas.evidence_attach(idea=other, by=alice, mention=mention)
    noted = ideas.evidence_attach(idea=other, by=alice, touchpoint=touchpoint)
    blocked = visitor_block(workspace=workspace, email="spam@example.com")
    settings = ideas.portal_settings(workspace=workspace)
    return [visitor, idea, other, vote, proxy, comment, change, evidence, noted, blocked,
            settings]  # fmt: skip


def _publishing_world(workspace, alice, bob) -> list[Any]:
    blog = publishing.channel_save(workspace=workspace, name="Blog", kind="news_page",
                                   permanence=3, control=8)  # fmt: skip
    flyer = publishing.channel_save(workspace=workspace, name="Flyer", kind="other",
                                    permanence=2, control=6)  # fmt: skip
    topic = publishing.topic_add(workspace=workspace, phrase="Rückruf")
    draft = publishing.draft_create(
        workspace=workspace, author=alice, title="Neu", body="Text", channels=[blog, flyer]
    )
    publishing.review_request(draft=draft, actor=alice, reviewers=[bob])
    review = publishing.review_submit(draft=draft, reviewer=bob, version=1, verdict="approved")
    draft = publishing.draft_publish(draft=draft, actor=alice)
    writer = visitor_for_email(workspace=workspace, email="leser@example.com")
    comment = publishing.comment_post(draft=draft, visitor=writer, text="Gut", verified=True)
    reply = publishing.comment_reply(draft=draft, member=alice, text="Danke", reply_to=comment)
    notice = publishing.notice_update(workspace=workspace, actor=alice, reach="089 1")
    return [blog, flyer, topic, draft, review, writer, comment, reply, notice,
            *_reach_world(workspace, alice),
            *draft.versions.all(), *draft.publications.all(), *draft.audit.all(),
            *draft.requests.all(), *draft.tags.all(),
            publishing.news_settings(workspace=workspace)]  # fmt: skip


def _community_world(workspace, alice, contact) -> list[Any]:
    """A skill, a verified helper with a checked skill, a request with a window, an offer, a
    booking with its hours and ratings, a report, a customer block, the settings."""
    from touchbase.community import helpers as community
    from touchbase.community.choices import BookingState, Side
    from touchbase.community.models import CustomerBlock, Rating, Report
    from touchbase.community.tests import factories

    skill = factories.make_skill(workspace, name="WLAN")
    helper = factories.make_helper(workspace, skills=[skill], name="Hanna")
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)
    request = factories.make_request(workspace, skill=skill, contact=contact,
                                     windows=[(start, start + dt.timedelta(hours=3))])  # fmt: skip
    offer = factories.make_offer(request=request, helper=helper, starts_at=start)
    done = factories.make_request(workspace, skill=skill, state="done")
    booking = factories.make_booking(request=done, helper=helper, starts_at=start,
                                     state=BookingState.CONFIRMED)  # fmt: skip
    rating = Rating.objects.create(workspace=workspace, booking=booking, by=Side.CUSTOMER, stars=5)
    report = Report.objects.create(workspace=workspace, helper=helper, booking=booking,
                                   by=Side.CUSTOMER, text="Zu spät")  # fmt: skip
    block = CustomerBlock.objects.create(workspace=workspace, email="spam@example.org")
    return [skill, helper, *helper.helper_skills.all(), *helper.availability.all(), request,
            *request.windows.all(), offer, done, booking, *booking.hours.all(), rating, report,
            block, community.settings_for(workspace)]  # fmt: skip


def _inside_world(workspace, alice, bob, contact) -> list[Any]:
    """An AMA session with a member's and a guest's place, a named and an anonymous question,
    a vote, a block, an answered question; a closed session with its follow-up; coffee
    settings, a member and a customer taking part, a holiday, a round with a group of seats."""
    from touchbase.inside import ama, coffee
    from touchbase.inside.choices import Audience
    from touchbase.inside.models import AmaFollowUp, CoffeeSeat

    now = timezone.now()
    session = ama.ama_session_save(
        workspace=workspace, by=alice, title="Frag Alice", leader=alice, audience=Audience.BOTH,
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1),
    )  # fmt: skip
    member = ama.participant_for_member(session=session, user=bob)
    guest, _key = ama.guest_join(session=session, name="Gast", email="", language="de",
                                 contact=contact)  # fmt: skip
    named = ama.question_ask(session=session, participant=member, text="Wann kommt Aurora 2?")
    hidden = ama.question_ask(session=session, participant=guest, text="Warum?", anonymous=True)
    vote = ama.vote_toggle(question=named, participant=guest) and named
    block = ama.author_block(question=hidden, by=alice)
    answered = ama.question_ask(session=session, participant=member, text="Und dann?")
    ama.question_answer(question=answered, answer="Im Mai.", by=alice)
    past = ama.ama_session_save(
        workspace=workspace, by=alice, title="Vorbei", leader=alice, audience=Audience.MEMBERS,
        starts_at=now - dt.timedelta(hours=3), ends_at=now - dt.timedelta(hours=2),
    )  # fmt: skip
    left = ama.question_ask(session=past, participant=ama.participant_for_member(
        session=past, user=bob), text="Offen?")  # fmt: skip
    ama.ama_close(session=past)
    follow_up = AmaFollowUp.objects.get(question=left)
    settings = ama.inside_settings(workspace=workspace)
    alice_coffee = coffee.coffee_join(workspace=workspace, user=alice)
    bob_coffee = coffee.coffee_join(workspace=workspace, user=bob)
    customer = coffee.coffee_customer_invite(workspace=workspace, contact=contact, by=alice)
    today = timezone.localdate()
    absence = coffee.coffee_absence_add(participant=bob_coffee,
                                        starts_on=today + dt.timedelta(days=60),
                                        ends_on=today + dt.timedelta(days=70))  # fmt: skip
    round_, _result = coffee.coffee_round_make(workspace=workspace, on=today + dt.timedelta(days=3))
    seats = list(CoffeeSeat.objects.filter(group__round=round_))
    return [session, member, guest, named, hidden, vote, block, answered, past, left, follow_up,
            settings, alice_coffee, bob_coffee, customer, absence, round_,
            *round_.groups.all(), *seats]  # fmt: skip


def _reach_world(workspace, alice) -> list[Any]:
    """Company data, every member's signature (the API names them by user id), a banner with
    its counts, a partner, a presence with a check; and the members' user ids."""
    company = signatures.company_profile(workspace=workspace)
    members = Membership.objects.filter(workspace=workspace).select_related("user")
    signed = [signatures.signature_profile(membership=m) for m in members]
    banner = Banner(workspace=workspace, name="Herbst", alt_text="Herbst", starts_on="2020-01-01",
                    link_url="https://pollux.example/")  # fmt: skip
    picture = io.BytesIO()
    Image.new("RGB", (60, 10)).save(picture, "PNG")
    banner = banner_save(banner=banner, image=SimpleUploadedFile("b.png", picture.getvalue()))
    banner_count(banner_id=banner.pk, workspace_id=workspace.pk, field="views")
    partner = reach_services.partner_save(
        workspace=workspace, partner=None, fields={"name": "Huber", "email": "h@example.com"}
    )
    presence = reach_services.presence_save(
        workspace=workspace, presence=None,
        fields={"kind": "website", "name": "Impressum", "url": "https://pollux.example/impressum",
                "owner": alice},
    )  # fmt: skip
    check = PresenceCheck.objects.create(workspace=workspace, presence=presence,
                                         checked_at=timezone.now(), outcome="ok")  # fmt: skip
    return [company, *signed, banner, *banner.weeks.all(), partner, presence, check,
            *(m.user for m in members)]  # fmt: skip


def test_every_route_with_another_workspaces_ids_is_not_found(alice_world, carol_client):
    # given carol, owner of her own workspace, and the ids of every kind of alice's rows
    before = _counts()
    probed = 0
    for name, route, converters, _view in _routes():
        if not converters or name in PUBLIC:
            continue
        for url in _fill(route, converters, alice_world):
            # when carol asks for alice's rows, by GET and by POST
            statuses = {carol_client.get(url).status_code, carol_client.post(url).status_code}
            # then they do not exist for her (a method the route never takes is 405 for any id)
            assert 404 in statuses, (url, statuses)
            assert statuses <= {404, 405}, (url, statuses)
            probed += 1
    assert probed >= 20
    assert _counts() == before


def test_every_route_sends_anonymous_visitors_to_sign_in(client, alice_world):
    for name, route, converters, _view in _routes():
        if name in PUBLIC:
            continue
        url = _fill(route, converters, alice_world[:1])[0]
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url


def test_every_view_names_the_capability_it_needs():
    unnamed = [
        name
        for name, _route, _converters, view in _routes()
        if name not in PUBLIC | MEMBER_ONLY and not getattr(view, "capability", None)
    ]
    assert unnamed == []


# --- the API --------------------------------------------------------------------------------


@functools.cache
def _schema() -> dict[str, Any]:
    """The OpenAPI description, built once: building it takes seconds with 300 operations, and
    the probes ask for it per operation and per body."""
    return api.get_openapi_schema()


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = _schema()
    return [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def _example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """A minimal valid value for a JSON schema: required fields only."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return _example(schema[key][0], components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _example(properties[name], components) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    if schema.get("format") == "date-time":
        return timezone.now().isoformat()
    return "x" * max(1, schema.get("minLength", 1))


def _body(operation: dict[str, Any]) -> Any:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    components = _schema()["components"]["schemas"]
    return _example(content["application/json"]["schema"], components)


def test_every_api_operation_with_another_workspaces_ids_is_not_found(
    alice_world, client, carol_token
):
    before = _counts()
    probed = 0
    for path, method, operation in _operations():
        parameters = [p for p in operation.get("parameters", []) if p["in"] == "path"]
        if not parameters:
            continue
        names = [p["name"] for p in parameters]
        body = _body(operation)
        choices = [_path_values(p["schema"], alice_world) for p in parameters]
        if alice_world not in choices:
            continue  # no id in the path, nothing of alice's to name
        for values in itertools.product(*choices):
            url = path
            for name, value in zip(names, values, strict=True):
                url = url.replace("{" + name + "}", str(value))
            response = getattr(client, method)(
                url, body, content_type="application/json", headers=bearer(carol_token)
            )
            assert response.status_code == 404, (method, url, response.status_code)
            probed += 1
    assert probed >= 20
    assert _counts() == before


def _path_values(schema: dict[str, Any], ids: list[int]) -> list[Any]:
    components = _schema()["components"]["schemas"]
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if "enum" in schema:
        return list(schema["enum"])
    return ids


def test_every_api_operation_answers_anonymous_callers_with_401(client, alice_world):
    for path, method, operation in _operations():
        url = path
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                value = _path_values(parameter["schema"], alice_world)[0]
                url = url.replace("{" + parameter["name"] + "}", str(value))
        response = getattr(client, method)(url, content_type="application/json")
        assert response.status_code == 401, (method, url)


def test_every_api_operation_names_the_capability_it_needs():
    unnamed = []
    for path_operation in api._routers[0][1].path_operations.values():
        del path_operation  # the root router holds no operations of its own
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if not getattr(operation.view_func, "capability", None):
                    unnamed.append((path, operation.methods))
    member_only = {("/me", ("GET",)), ("/me/preferences", ("PUT",))}
    assert [u for u in unnamed if (u[0], tuple(u[1])) not in member_only] == []


def test_a_member_without_the_capability_is_refused_and_nothing_changes(client, workspace, bob):
    from touchbase.core.services import api_token_create

    token = api_token_create(membership=Membership.objects.get(user=bob), name="t")[1]
    before = _counts()
    response = client.post(
        "/api/v1/cadence-policies", {"name": "x", "scope": "all", "interval_days": 30},
        content_type="application/json", headers=bearer(token),
    )  # fmt: skip
    assert response.status_code == 403
    assert _counts() == before


def test_every_business_table_carries_its_workspace_and_is_scoped():
    from touchbase.core.tenancy import WorkspaceOwned

    product_apps = {
        "relationships",
        "care",
        "imports",
        "catalogue",
        "listening",
        "ideas",
        "visitors",
    }
    unscoped = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in product_apps:
            continue
        if not issubclass(model, WorkspaceOwned):
            unscoped.append(model._meta.db_table)
    assert unscoped == []


def test_a_query_outside_any_workspace_scope_fails_closed(workspace, contact):
    from django_scopes import ScopeError, scope

    from touchbase.relationships.models import Contact

    with scope(_enabled=True), pytest.raises(ScopeError):
        list(Contact.objects.all())


def test_a_workspace_scope_sees_only_its_own_rows(contact, carol_contact, other_workspace):
    from touchbase.core.tenancy import workspace_scope
    from touchbase.relationships.models import Contact

    with workspace_scope(other_workspace):
        assert list(Contact.objects.values_list("last_name", flat=True)) == ["Geheim"]


def test_a_public_page_sees_the_rows_of_its_slugs_workspace_only(
    rf, workspace, contact, carol_contact
):
    from django.http import Http404, HttpResponse
    from django_scopes import scope

    from touchbase.core.tenancy import public_page
    from touchbase.relationships.models import Contact

    @public_page
    def page(request):
        return HttpResponse(",".join(Contact.objects.values_list("last_name", flat=True)))

    with scope(_enabled=True):  # as in production: no scope until the page opens one
        assert page(rf.get("/"), slug=workspace.slug).content.decode() == "Müller"
        with pytest.raises(Http404):
            page(rf.get("/"), slug="no-such-workspace")


def _reference_fields(operation: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A valid body for the operation and the names of its *_id fields (references)."""
    body = _body(operation)
    content = operation.get("requestBody", {}).get("content", {})
    if not isinstance(body, dict) or "application/json" not in content:
        return {}, []
    components = _schema()["components"]["schemas"]
    schema = content["application/json"]["schema"]
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    names = [name for name in schema.get("properties", {}) if name.endswith("_id")]
    return body, names


def _paths_with_own_ids(path: str, operation: dict[str, Any], own_ids: list[int]) -> list[str]:
    """The path filled with every combination of carol's own ids (and enum values)."""
    parameters = [p for p in operation.get("parameters", []) if p["in"] == "path"]
    choices = [_path_values(p["schema"], own_ids) for p in parameters]
    urls = []
    for values in itertools.product(*choices):
        url = path
        for parameter, value in zip(parameters, values, strict=True):
            url = url.replace("{" + parameter["name"] + "}", str(value))
        urls.append(url)
    return urls


def test_every_api_reference_to_another_workspaces_row_is_a_field_error(
    carol_world, alice_world, client, carol_token
):
    # given every operation whose body can name other rows, on carol's own rows where the path
    # needs ids (an id of the wrong kind is a plain 404 and proves nothing)
    before = _counts()
    refused = 0
    for path, method, operation in _operations():
        body, names = _reference_fields(operation)
        for url in _paths_with_own_ids(path, operation, carol_world) if names else []:
            for name, value in itertools.product(names, alice_world):
                # when carol's call names one of alice's rows
                response = getattr(client, method)(
                    url, {**body, name: value}, content_type="application/json",
                    headers=bearer(carol_token),
                )  # fmt: skip
                if response.status_code == 404 and "{" in path:
                    continue
                # then the reference is refused, naming the field, and nothing is written
                assert response.status_code == 422, (method, url, name, response.status_code)
                fields = {item["loc"][-1] for item in response.json()["detail"]}
                assert name in fields or name.removesuffix("_id") in fields, (url, name, fields)
                refused += 1
    assert refused >= 20
    assert _counts() == before


def test_a_merge_naming_another_workspaces_contact_names_the_field(
    carol_world, alice_world, client, carol_token, carol_contact, contact
):
    response = client.post(
        f"/api/v1/contacts/{carol_contact.pk}/merge", {"duplicate_id": contact.pk},
        content_type="application/json", headers=bearer(carol_token),
    )  # fmt: skip
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["duplicate_id"]
