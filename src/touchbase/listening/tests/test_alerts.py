"""Alerts: stored, e-mailed over real SMTP in each reader's language, sent as signed webhooks."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.core.choices import WebhookStatus
from touchbase.core.models import WebhookDelivery
from touchbase.core.tests.test_webhooks import Receiver
from touchbase.core.webhooks import EVENT_HEADER
from touchbase.listening.alerting import alert_mail, alert_raise
from touchbase.listening.analysis import Reading, analyser_named
from touchbase.listening.choices import AlertKind
from touchbase.listening.models import Alert
from touchbase.listening.services import listening_settings
from touchbase.listening.tests.factories import mention_make, source_make
from touchbase.listening.understanding import mentions_analyse
from touchbase.relationships.models import Account
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def kettle(workspace):
    return product_save(product=Product(workspace=workspace, name="Wasserkocher Aurora"))


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def removal(workspace, product, **fields):
    return alert_raise(
        workspace=workspace, kind=AlertKind.REMOVAL_PROPOSED,
        message_params={"product": product.name, "average": 1.8, "count": 12},
        link_path=f"/products/{product.pk}/", product=product, **fields,
    )  # fmt: skip


def configure(workspace, **fields):
    settings = listening_settings(workspace=workspace)
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


# --- the webhook -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_alert_webhook_is_retried_until_the_receiver_accepts_and_the_log_shows_it(
    workspace, kettle, receiver, alice_client
):
    # given: a receiver that fails twice, then accepts, and knows the workspace's secret
    settings = configure(workspace, alert_webhook_url=receiver.url)
    receiver.secret = settings.alert_webhook_secret
    receiver.answers = [500, 503]
    alert = removal(workspace, kettle)
    # when: the worker runs, and runs again whenever the next attempt has come due
    for _round in range(3):
        call_command("run_worker", batch=True, verbosity=0)
        WebhookDelivery.objects.filter(next_attempt_at__isnull=False).update(
            next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
        )
    # then: three signed attempts of the same delivery, the last one accepted
    assert [request["signature"] for request in receiver.requests] == ["valid"] * 3
    assert {request["headers"][EVENT_HEADER] for request in receiver.requests} == {
        "listening.alert"
    }
    data = receiver.requests[-1]["json"]["data"]
    assert data["kind"] == "removal_proposed"
    assert (
        data["message"] == "Wasserkocher Aurora is proposed for removal: 1.8 stars from 12 ratings."
    )
    assert data["link"] == f"http://127.0.0.1:8000/products/{kettle.pk}/"
    assert data["product"] == {"id": kettle.pk, "name": "Wasserkocher Aurora"}
    assert data["params"] == {"product": "Wasserkocher Aurora", "average": 1.8, "count": 12}
    alert.refresh_from_db()
    delivery = alert.webhook_delivery
    assert delivery.status == WebhookStatus.DELIVERED
    assert [entry["status_code"] for entry in delivery.attempt_log] == [500, 503, 204]
    # and the alerts page shows the delivery log
    page = alice_client.get(reverse("listening:alert-list")).content.decode()
    assert "Delivered · 3 attempts · HTTP 204" in page
    assert page.count("HTTP 50") == 2


def test_without_addresses_or_webhook_an_alert_is_still_kept_and_listed(
    workspace, kettle, client, bob
):
    alert = removal(workspace, kettle)
    assert (alert.webhook_delivery, alert.email_recipients) == (None, 0)
    client.force_login(bob)  # staff may see alerts
    page = client.get(reverse("listening:alert-list")).content.decode()
    assert "Wasserkocher Aurora is proposed for removal: 1.8 stars from 12 ratings." in page
    assert "no addresses set" in page
    assert "no webhook set" in page


# --- e-mail ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_alert_mails_go_to_each_address_in_its_readers_language(smtp, workspace, alice, kettle):
    # given: alice (a member, English) and the management's address outside touchbase
    configure(workspace, alert_emails="alice@pollux.example\nleitung@pollux.example",
              alert_language="de")  # fmt: skip
    # when: a rule raises an alert and the worker runs
    alert = removal(workspace, kettle)
    call_command("run_worker", batch=True, verbosity=0)
    # then: one mail each, linking to what raised it
    by_address = {message["To"]: message for message in smtp.messages}
    assert sorted(by_address) == ["alice@pollux.example", "leitung@pollux.example"]
    english = by_address["alice@pollux.example"]
    assert english["Subject"] == "[Pollux GmbH] Product proposed for removal"
    text = english.get_body(("plain",)).get_content()
    assert "Wasserkocher Aurora is proposed for removal: 1.8 stars from 12 ratings." in text
    assert f"http://127.0.0.1:8000/products/{kettle.pk}/" in text
    html = english.get_body(("html",)).get_content()
    assert f'href="http://127.0.0.1:8000/products/{kettle.pk}/"' in html
    # the German reader's numbers and dates are German
    german = by_address["leitung@pollux.example"].get_body(("plain",)).get_content()
    assert "1,8" in german
    assert timezone.localtime(alert.created_at).strftime("%d.%m.%Y") in german
    alert.refresh_from_db()
    assert alert.emailed_at is not None
    assert alert.email_recipients == 2


def test_a_member_who_reads_german_gets_german(smtp, workspace, alice, kettle):
    alice.language = "de"
    alice.save()
    configure(workspace, alert_emails="ALICE@pollux.example", alert_language="en")
    alert = removal(workspace, kettle)
    alert_mail(alert_id=alert.pk)
    assert "1,8" in smtp.messages[0].get_body(("plain",)).get_content()


def test_a_mail_server_that_is_down_is_recorded_and_the_alert_retried(settings, workspace, kettle):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 1}}}  # fmt: skip
    configure(workspace, alert_emails="leitung@pollux.example")
    alert = removal(workspace, kettle)
    failed = alert_mail(alert_id=alert.pk)
    assert failed.emailed_at is None
    assert "ConnectionRefusedError" in failed.email_error
    assert failed.email_attempts == 1


def test_a_duplicate_mail_task_sends_once(smtp, workspace, kettle):
    configure(workspace, alert_emails="leitung@pollux.example")
    alert = removal(workspace, kettle)
    alert_mail(alert_id=alert.pk)
    assert alert_mail(alert_id=alert.pk) is None
    assert len(smtp.messages) == 1


# --- raising -----------------------------------------------------------------------------------


def test_an_alert_without_its_messages_values_or_with_a_foreign_link_is_refused(workspace):
    with pytest.raises(KeyError):
        alert_raise(workspace=workspace, kind=AlertKind.NO_RATING,
                    message_params={"product": "Aurora"}, link_path="/products/")  # fmt: skip
    with pytest.raises(ValueError, match="not a valid AlertKind"):
        alert_raise(workspace=workspace, kind="weather", message_params={}, link_path="/")
    with pytest.raises(ValueError, match="absolute URL"):
        alert_raise(workspace=workspace, kind=AlertKind.TEST,
                    message_params={"workspace": "x"}, link_path="//evil.example/")  # fmt: skip
    assert Alert.objects.count() == 0


class NegativeAnalyser:
    """Reads every text as negative: the alert rule is under test, not the analyser."""

    def read(self, texts: Sequence[str]) -> list[Reading]:
        return [Reading(language="de", sentiment="negative", score=-0.8, stars=1.0)] * len(texts)


@pytest.fixture
def negative_analyser(monkeypatch):
    path = f"{__name__}.NegativeAnalyser"
    monkeypatch.setenv("TOUCHBASE_SENTIMENT_ANALYSER", path)
    analyser_named.cache_clear()
    yield
    analyser_named.cache_clear()


def test_a_new_negative_mention_from_a_key_account_raises_an_alert(
    workspace, account, contact, negative_analyser
):
    Account.objects.filter(pk=account.pk).update(is_key_account=True)
    source = source_make(workspace)
    mention = mention_make(source, "Die Lieferung war eine Katastrophe, so geht das nicht.",
                           author_email=contact.email)  # fmt: skip
    old = mention_make(source, "Vor einem Jahr war die Lieferung auch schon spät dran.",
                       author_email=contact.email,
                       published_at=timezone.now() - dt.timedelta(days=300))  # fmt: skip
    mentions_analyse(workspace_id=workspace.pk)
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.KEY_ACCOUNT_NEGATIVE
    assert alert.mention == mention
    assert alert.link_path == reverse("listening:mention-detail", args=[mention.pk])
    assert alert.message.startswith("A negative mention from the key account Bäckerei Sonnenschein")
    assert old.pk != alert.mention_id


def test_a_negative_mention_from_an_ordinary_customer_raises_none(
    workspace, contact, negative_analyser
):
    mention_make(source_make(workspace), "Die Lieferung war eine Katastrophe, so geht das nicht.",
                 author_email=contact.email)  # fmt: skip
    mentions_analyse(workspace_id=workspace.pk)
    assert Alert.objects.count() == 0


def test_a_customer_named_before_the_reading_stays_its_customer(
    workspace, contact, negative_analyser
):
    from touchbase.listening.models import Mention

    mention = mention_make(source_make(workspace), "Ohne Absender, aber von Jürgen am Telefon.")
    Mention.objects.filter(pk=mention.pk).update(contact=contact, analysed_at=None)
    mentions_analyse(workspace_id=workspace.pk)
    mention.refresh_from_db()
    assert mention.contact == contact


# --- settings ----------------------------------------------------------------------------------


def test_managers_set_where_alerts_go_and_bad_addresses_are_named(alice_client, workspace):
    url = reverse("listening:alert-settings")
    bad = {"alert_emails": "leitung@pollux.example, kein-mail", "alert_language": "de"}
    response = alice_client.post(url, {**bad, "alert_webhook_url": ""})
    assert response.status_code == 422
    assert "Not an e-mail address: kein-mail" in response.content.decode()
    assert listening_settings(workspace=workspace).alert_emails == ""
    addresses = "Leitung@pollux.example; vertrieb@pollux.example\nleitung@pollux.example"
    response = alice_client.post(url, {
        "alert_emails": addresses, "alert_language": "en",
        "alert_webhook_url": "https://hooks.example/touchbase"})  # fmt: skip
    assert response.status_code == 302
    settings = listening_settings(workspace=workspace)
    assert settings.alert_emails == "leitung@pollux.example\nvertrieb@pollux.example"
    assert (settings.alert_language, settings.alert_webhook_url) == (
        "en", "https://hooks.example/touchbase",
    )  # fmt: skip


def test_the_webhook_secret_is_shown_to_managers_and_can_be_made_anew(alice_client, workspace):
    old = listening_settings(workspace=workspace).alert_webhook_secret
    page = alice_client.get(reverse("listening:alert-settings")).content.decode()
    assert old in page
    alice_client.post(reverse("listening:alert-secret"))
    new = listening_settings(workspace=workspace).alert_webhook_secret
    assert new != old
    assert new.startswith("whsec_")


def test_staff_may_not_change_where_alerts_go(client, bob, workspace):
    client.force_login(bob)
    assert client.get(reverse("listening:alert-settings")).status_code == 403
    assert client.post(reverse("listening:alert-secret")).status_code == 403
    assert client.post(reverse("listening:alert-test")).status_code == 403
    assert Alert.objects.count() == 0


def test_a_test_alert_goes_out_like_a_real_one(alice_client, workspace, smtp):
    configure(workspace, alert_emails="leitung@pollux.example", alert_language="en")
    response = alice_client.post(reverse("listening:alert-test"))
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.TEST
    assert alert.message == "This is a test alert from Pollux GmbH. Alerts arrive like this one."


def test_the_api_lists_alerts_and_changes_their_settings(client, workspace, kettle, alice_token):
    removal(workspace, kettle)
    listed = client.get("/api/v1/listening/alerts", headers=bearer(alice_token)).json()
    assert [item["kind"] for item in listed["items"]] == ["removal_proposed"]
    assert listed["items"][0]["webhook"] is None
    bad = client.put("/api/v1/listening/alert-settings", {"alert_emails": ["nope"]},
                     content_type="application/json", headers=bearer(alice_token))  # fmt: skip
    assert bad.status_code == 422
    assert list(bad.json()["errors"]) == ["alert_emails"]
    good = client.put("/api/v1/listening/alert-settings",
                      {"alert_emails": ["a@pollux.example"], "alert_language": "en"},
                      content_type="application/json", headers=bearer(alice_token))  # fmt: skip
    assert good.json() == {"alert_emails": ["a@pollux.example"], "alert_language": "en",
                           "alert_webhook_url": ""}  # fmt: skip
    secret = client.post("/api/v1/listening/alert-settings/secret", headers=bearer(alice_token))
    assert secret.json()["alert_webhook_secret"] == (
        listening_settings(workspace=workspace).alert_webhook_secret
    )
