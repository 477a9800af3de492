"""Error pages: styled like the app, in the reader's language, with a way back on this site."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("production_errors"),
]

ON_SITE = "http://testserver/accounts/"


@pytest.fixture
def production_errors(settings) -> None:
    """Error pages as visitors see them: DEBUG off, the test views' urlconf mounted."""
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.platform.failing_urls"


def links(html: str) -> dict[str, str]:
    """The way-back links of an error page by id."""
    found = re.findall(r'href="([^"]*)" id="(back-link|start-link)"', html)
    return {link_id: href for href, link_id in found}


def test_a_missing_page_shows_a_signed_in_german_user_the_german_404_with_the_way_back(
    alice_client, alice
):
    # given
    alice.language = "de"
    alice.save()
    # when
    response = alice_client.get("/no/such/page/", headers={"referer": ON_SITE})
    # then
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="de">' in html
    assert "<h1>Seite nicht gefunden</h1>" in html
    assert links(html) == {"back-link": ON_SITE, "start-link": reverse("relationships:due-list")}
    assert "Zurück zur vorigen Seite" in html
    assert "Pollux GmbH" in html  # the page keeps the app's navigation


def test_a_missing_page_shows_an_english_user_the_english_404(alice_client):
    response = alice_client.get("/no/such/page/", headers={"referer": ON_SITE})
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert links(html) == {"back-link": ON_SITE, "start-link": "/"}


def test_the_back_link_never_points_off_site(alice_client):
    response = alice_client.get("/no/such/page/", headers={"referer": "https://evil.example/x"})
    assert response.status_code == 404
    assert links(response.content.decode()) == {"start-link": "/"}


def test_the_back_link_never_points_at_the_missing_page_itself(alice_client):
    response = alice_client.get(
        "/no/such/page/", headers={"referer": "http://testserver/no/such/page/"}
    )
    assert links(response.content.decode()) == {"start-link": "/"}


def test_an_anonymous_visitor_gets_the_404_in_the_sign_in_pages_language(client):
    # given a visitor who chose German on the sign-in page
    client.cookies["django_language"] = "de"
    # when
    response = client.get("/no/such/page/", headers={"referer": ON_SITE})
    # then: German, and no way back into pages they could not open anyway
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="de">' in html
    assert "<h1>Seite nicht gefunden</h1>" in html
    assert links(html) == {"start-link": "/"}


def test_an_anonymous_visitor_gets_the_english_404_by_default(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_an_object_of_another_workspace_gets_the_styled_404(carol_client, account):
    response = carol_client.get(reverse("relationships:account-detail", args=[account.pk]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert "Bäckerei" not in html


def test_a_failing_page_shows_the_500_page_in_the_users_language(alice_client, alice):
    # given
    alice.language = "de"
    alice.save()
    alice_client.raise_request_exception = False
    # when
    response = alice_client.get("/test/crash/")
    # then
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="de">' in html
    assert "<h1>Etwas ist schiefgegangen</h1>" in html
    assert 'href="/static/touchbase/app.css"' in html
    assert links(html) == {"start-link": "/"}


def test_the_500_page_is_english_for_an_anonymous_visitor(client):
    client.raise_request_exception = False
    response = client.get("/test/crash/")
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()


def test_the_500_page_renders_without_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0), translation.override("de"):
        html = render_to_string("500.html")
    assert "<h1>Etwas ist schiefgegangen</h1>" in html


def test_a_refused_request_shows_the_403_page(alice_client, alice):
    alice.language = "de"
    alice.save()
    response = alice_client.get("/test/refuse/", headers={"referer": ON_SITE})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Nicht erlaubt</h1>" in html
    assert links(html) == {"back-link": ON_SITE, "start-link": "/"}


def test_a_capability_refusal_looks_like_the_403_page(client, bob):
    # given bob, staff, who may not manage members
    client.force_login(bob)
    # when
    response = client.get(reverse("core:members"), headers={"referer": ON_SITE})
    # then
    html = response.content.decode()
    assert response.status_code == 403
    assert '<div class="card error-page">' in html
    assert "<h1>Not allowed</h1>" in html
    assert "Your role in this workspace does not allow this." in html
    assert links(html) == {"back-link": ON_SITE, "start-link": "/"}


def test_a_user_without_workspace_gets_the_403_page(client, django_user_model):
    user = django_user_model.objects.create_user("loner", password="loner-password-1")
    client.force_login(user)
    response = client.get(reverse("relationships:due-list"))
    html = response.content.decode()
    assert response.status_code == 403
    assert '<div class="card error-page">' in html
    assert "<h1>You are not a member of any workspace yet.</h1>" in html


def test_a_bad_request_shows_the_400_page_in_the_active_language(client):
    client.cookies["django_language"] = "de"
    response = client.get("/test/reject/")
    html = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Ungültige Anfrage</h1>" in html
    assert links(html) == {"start-link": "/"}


def test_a_foreign_host_gets_the_400_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/no/such/page/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


def test_a_form_without_its_csrf_token_gets_the_403_page_in_the_visitors_language(db):
    # given a visitor who chose German, posting a form without its token
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "de"
    # when
    response = client.post(reverse("core:language-set"), {"language": "en"})
    # then
    html = response.content.decode()
    assert response.status_code == 403
    assert '<div class="card error-page">' in html
    assert "<h1>Das Formular konnte nicht gesendet werden</h1>" in html
    assert response.cookies.get("django_language") is None
