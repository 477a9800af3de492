"""Duplicates: found by the worker for contacts and accounts, paged, compared, then merged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from touchbase.care import selectors, services
from touchbase.care.choices import ScanStatus
from touchbase.care.models import (
    AccountMergeRecord,
    DuplicateCandidate,
    DuplicateScan,
    MergeRecord,
)
from touchbase.core.timeutil import local_today
from touchbase.relationships.models import Account, CadencePolicy, Contact, Touchpoint
from touchbase.relationships.services import (
    account_save,
    contact_save,
    tags_from_names,
    touchpoint_log,
)
from touchbase.testing import bearer, days_ago

pytestmark = pytest.mark.django_db


def person(workspace, first: str, last: str, **fields) -> Contact:
    return contact_save(workspace=workspace, fields={"first_name": first, "last_name": last,
                                                     **fields})  # fmt: skip


def company(workspace, name: str, **fields) -> Account:
    return account_save(workspace=workspace, fields={"name": name, **fields})


def contact_pairs(workspace) -> dict[tuple[int, int], dict[str, int]]:
    return services.duplicates_find(workspace=workspace).contacts.pairs


def account_pairs(workspace) -> dict[tuple[int, int], dict[str, int]]:
    return services.duplicates_find(workspace=workspace).accounts.pairs


def scan_now(workspace) -> DuplicateScan:
    """What the worker does: the requested scan, run to the end."""
    return services.duplicate_scan_run(
        scan=services.duplicate_scan_request(workspace=workspace, by=None)
    )


def pair(a, b) -> tuple[int, int]:
    return (a.pk, b.pk) if a.pk < b.pk else (b.pk, a.pk)


# --- finding -------------------------------------------------------------------------------


def test_similar_names_at_one_account_are_found_meier_maier_mueller_and_swapped(workspace, account):
    meier = person(workspace, "Hans", "Meier", account=account)
    maier = person(workspace, "Hans", "Maier", account=account)
    mueller = person(workspace, "Anna", "Müller", account=account)
    mueller_plain = person(workspace, "Anna", "Mueller", account=account)
    schulz = person(workspace, "Peter", "Schulz", account=account)
    swapped = person(workspace, "Schulz", "Peter", account=account)
    davids = person(workspace, "Daniel", "Davids", account=account)
    # a typo that would move the word to the other end if the words were sorted
    daeids = person(workspace, "Daniel", "Daeids", account=account)
    person(workspace, "Karl", "Berger", account=account)
    # when
    pairs = contact_pairs(workspace)
    # then
    assert pairs == {
        pair(meier, maier): {"name": 81},  # similarity 90 at one account, weighted 0.9
        pair(mueller, mueller_plain): {"name": 90},
        pair(schulz, swapped): {"name": 90},
        pair(davids, daeids): {"name": 83},
    }


def test_the_same_name_at_two_different_accounts_is_not_a_duplicate(workspace, account):
    other = company(workspace, "Hotel Post")
    person(workspace, "Hans", "Meier", account=account)
    person(workspace, "Hans", "Meier", account=other)
    assert contact_pairs(workspace) == {}


def test_a_phone_number_matches_the_mobile_of_the_other(workspace, account):
    office = person(workspace, "Jürgen", "Müller", account=account, phone="0171 1234567")
    private = person(workspace, "J.", "Mueller-Lüdenscheidt", mobile="+49 171 1234567")
    assert contact_pairs(workspace) == {pair(office, private): {"phone": 90}}


def test_a_switchboard_number_shared_by_many_colleagues_links_nobody(workspace, account):
    names = ["Anna Adler", "Bernd Bauer", "Clara Christ", "Dieter Dorn", "Eva Ernst",
             "Fritz Fink", "Gerda Graf", "Heinz Horn", "Ida Igel", "Jan Jung", "Karl Kunz",
             "Lena Lang", "Max Moll", "Nina Nagel", "Otto Ott"]  # fmt: skip
    for name in names:
        first, last = name.split()
        person(workspace, first, last, account=account, phone="089 1234567")
    assert contact_pairs(workspace) == {}


def test_private_customers_without_an_account_are_compared_by_name(workspace, account):
    hofer = person(workspace, "Maria", "Hofer", postal_code="6020", street="Alte Gasse 1")
    hoefer = person(workspace, "Maria", "Höfer", postal_code="6020", street="Alte Gasse 1")
    swapped = person(workspace, "Hofer", "Maria")
    person(workspace, "Maria", "Huber")
    at_a_company = person(workspace, "Maria", "Hofer", account=account)
    pairs = contact_pairs(workspace)
    assert pairs == {
        # same name and address: the address counts too
        pair(hofer, hoefer): {"name": 82, "address": 70},
        pair(hofer, swapped): {"name": 85},
        pair(hoefer, swapped): {"name": 82},
    }
    assert not any(at_a_company.pk in key for key in pairs)


def test_private_customers_of_one_name_in_different_places_rank_lower(workspace):
    munich = person(workspace, "Thomas", "Müller", postal_code="80331")
    hamburg = person(workspace, "Thomas", "Mueller", postal_code="20095")
    unknown = person(workspace, "Thomas", "Müller")
    pairs = contact_pairs(workspace)
    assert pairs == {
        pair(munich, hamburg): {"name": 75},  # 85 for the same name, less 10 elsewhere
        pair(munich, unknown): {"name": 85},
        pair(hamburg, unknown): {"name": 85},
    }


def test_companies_of_one_name_at_different_postal_codes_are_not_offered(workspace):
    munich = company(workspace, "Autohaus Schmidt GmbH", postal_code="80331")
    company(workspace, "Autohaus Schmidt AG", postal_code="20095")
    unknown = company(workspace, "Autohaus Schmidt KG")
    linked = company(workspace, "Autohaus Schmidt e.K.", postal_code="50667",
                     website="https://www.autohaus-schmidt.example")  # fmt: skip
    branch = company(workspace, "Autohaus Schmidt", postal_code="10115",
                     email="info@autohaus-schmidt.example")  # fmt: skip
    pairs = account_pairs(workspace)
    assert pairs[pair(munich, unknown)] == {"name": 90}
    assert pairs[pair(linked, branch)] == {"domain": 85, "name": 90}
    assert len(pairs) == 5  # the four with the one of unknown place, and the linked pair
    assert all(unknown.pk in key for key in pairs if key != pair(linked, branch))


def test_the_same_email_in_other_case_is_a_duplicate_of_score_100(workspace, contact):
    twin = person(workspace, "", "Müller", email="JUERGEN@Sonnenschein.example")
    assert contact_pairs(workspace) == {pair(contact, twin): {"email": 100}}


def test_accounts_are_found_by_name_without_legal_form_domain_phone_and_address(workspace):
    baecker = company(workspace, "Bäckerei Sonnenschein GmbH")
    baecker_kg = company(workspace, "Baeckerei Sonnenschein GmbH & Co. KG")
    acme = company(workspace, "ACME Ltd.")
    acme_inc = company(workspace, "Acme Inc")
    bau = company(workspace, "Müller Bau UG (haftungsbeschränkt)")
    bau_gmbh = company(workspace, "Mueller Bau GmbH")
    hotel = company(workspace, "Hotel Alpenblick", website="https://www.alpenblick.example/de")
    hotel_mail = company(workspace, "Alpenblick Betriebs-KG", email="info@alpenblick.example")
    phone_a = company(workspace, "Schreinerei Holz", phone="089 7654321")
    phone_b = company(workspace, "Möbelwerkstatt", phone="+49 89 7654321")
    street_a = company(workspace, "Kanzlei Recht", postal_code="80331", street="Lindenstraße 1")
    street_b = company(workspace, "Steuerbüro Zahl", postal_code="80331", street="Lindenstr. 1")
    company(workspace, "Müller AG")
    company(workspace, "Schulz AG")
    company(workspace, "Eins", email="eins@gmail.com")
    company(workspace, "Zwei", email="zwei@gmail.com")
    # when
    pairs = account_pairs(workspace)
    # then
    assert pairs == {
        pair(baecker, baecker_kg): {"name": 90},
        pair(acme, acme_inc): {"name": 90},
        pair(bau, bau_gmbh): {"name": 90},
        pair(hotel, hotel_mail): {"domain": 85},
        pair(phone_a, phone_b): {"phone": 90},
        pair(street_a, street_b): {"address": 70},
    }


def test_600_contacts_at_one_account_are_compared_with_each_other(workspace, account):
    rows = [Contact(workspace=workspace, account=account, first_name=f"Vorname{index:03d}",
                    last_name=f"Person{index:03d}x{index * 7919 % 1000:03d}")
            for index in range(600)]  # fmt: skip
    rows.append(Contact(workspace=workspace, account=account, first_name="Vorname001",
                        last_name="Persn001x919"))  # fmt: skip
    Contact.objects.bulk_create(rows)
    result = services.duplicates_find(workspace=workspace)
    assert result.contacts_checked == 601
    first = Contact.objects.get(last_name="Person001x919")
    twin = Contact.objects.get(last_name="Persn001x919")
    assert pair(first, twin) in result.contacts.pairs


# --- the stored list -----------------------------------------------------------------------


def test_a_scan_stores_candidates_with_score_and_reasons(workspace, account, contact):
    twin = person(workspace, "Jürgen", "Mueller", account=account, email=contact.email)
    scan = scan_now(workspace)
    assert (scan.status, scan.found, scan.contacts_checked, scan.accounts_checked) == (
        ScanStatus.DONE, 1, 2, 1)  # fmt: skip
    candidate = DuplicateCandidate.objects.get()
    assert (candidate.kind, candidate.first, candidate.second) == ("contact", contact, twin)
    assert (candidate.score, candidate.reasons) == (100, {"email": 100, "name": 90})


def test_dismissed_pairs_stay_dismissed_after_a_new_scan(workspace, account, alice):
    person(workspace, "Hans", "Meier", account=account)
    maier = person(workspace, "Hans", "Maier", account=account)
    scan_now(workspace)
    candidate = DuplicateCandidate.objects.get()
    services.duplicate_dismiss(candidate=candidate, by=alice)
    # when the customers change and a new scan runs
    mayer = person(workspace, "Hans", "Mayer", account=account)
    scan_now(workspace)
    # then the dismissed pair is still dismissed and not offered; the new pairs are
    candidate.refresh_from_db()
    assert (candidate.is_dismissed, candidate.dismissed_by) == (True, alice)
    listed = selectors.duplicate_candidates(workspace=workspace)
    # (Meier and Mayer differ in two letters: too far apart to offer)
    assert [(c.first_contact_id, c.second_contact_id) for c in listed] == [pair(maier, mayer)]


def test_a_new_scan_keeps_pairs_found_again_and_drops_those_gone(workspace, account):
    meier = person(workspace, "Hans", "Meier", account=account)
    maier = person(workspace, "Hans", "Maier", account=account)
    schulz = person(workspace, "Peter", "Schulz", account=account)
    person(workspace, "Peter", "Schulze", account=account)
    scan_now(workspace)
    kept = DuplicateCandidate.objects.get(first_contact=meier)
    # when one of the Schulz pair is renamed
    Contact.objects.filter(pk=schulz.pk).update(last_name="Zimmermann")
    scan_now(workspace)
    # then
    assert list(DuplicateCandidate.objects.values_list("pk", "second_contact_id")) == [
        (kept.pk, maier.pk)]  # fmt: skip


def test_a_scan_asked_for_while_one_waits_is_that_one(workspace, alice):
    first = services.duplicate_scan_request(workspace=workspace, by=alice)
    second = services.duplicate_scan_request(workspace=workspace, by=alice)
    assert first == second
    assert DuplicateScan.objects.count() == 1
    services.duplicate_scan_run(scan=first)
    assert services.duplicate_scan_run(scan=first).status == ScanStatus.DONE  # run twice: once
    assert services.duplicate_scan_request(workspace=workspace, by=alice) != first


def test_the_scheduler_looks_again_only_when_customers_changed(workspace, contact):
    services._found_unchanged.clear()  # what an earlier test's tick left in this process
    assert services.duplicate_scans_schedule() == 1
    scan_now(workspace)  # the scan just asked for
    later = timezone.now() + services.SCAN_EVERY + dt.timedelta(minutes=1)
    assert services.duplicate_scans_schedule(now=later) == 0  # nothing changed since
    DuplicateScan.objects.update(requested_at=timezone.now() - services.SCAN_EVERY * 2)
    person(workspace, "Neu", "Kunde")
    assert services.duplicate_scans_schedule(now=later) == 0  # found unchanged just now
    even_later = later + services.SCAN_EVERY + dt.timedelta(minutes=1)
    assert services.duplicate_scans_schedule(now=even_later) == 1


# --- the page, the preview, the merge ------------------------------------------------------


def test_the_list_pages_50_at_a_time_most_likely_first_and_filters_by_kind(alice_client, workspace):
    contacts = Contact.objects.bulk_create(
        [Contact(workspace=workspace, last_name=f"Name{i}") for i in range(122)]
    )
    accounts = Account.objects.bulk_create(
        [Account(workspace=workspace, name=f"Firma {i}") for i in range(2)]
    )
    now = timezone.now()
    DuplicateCandidate.objects.bulk_create(
        [DuplicateCandidate(workspace=workspace, kind="contact", first_contact=contacts[2 * i],
                            second_contact=contacts[2 * i + 1], score=40 + i % 50,
                            reasons={"name": 40 + i % 50}, computed_at=now)
         for i in range(61)]
        + [DuplicateCandidate(workspace=workspace, kind="account", first_account=accounts[0],
                              second_account=accounts[1], score=100, reasons={"domain": 100},
                              computed_at=now)]
    )  # fmt: skip
    url = reverse("care:duplicates")
    first_page = alice_client.get(url).content.decode()
    second_page = alice_client.get(url + "?page=2").content.decode()
    accounts_only = alice_client.get(url + "?kind=account").content.decode()
    assert first_page.count('id="candidate-') == 50
    assert second_page.count('id="candidate-') == 12
    assert "Page 1 of 2 · 62 in all" in first_page
    assert first_page.index("Firma 0") < first_page.index("Name")  # score 100 first
    assert accounts_only.count('id="candidate-') == 1


def test_the_preview_shows_both_records_side_by_side_and_what_survives(
    alice_client, workspace, account, contact, alice
):
    twin = person(workspace, "Jürgen", "Mueller", account=account, email=contact.email,
                  mobile="0171 7654321", job_title="Einkauf")  # fmt: skip
    touchpoint_log(workspace=workspace, contact=twin, channel="phone", occurred_at=days_ago(3),
                   logged_by=alice)  # fmt: skip
    scan_now(workspace)
    candidate = DuplicateCandidate.objects.get()
    # when alice opens the pair, keeping the first, then the second
    preview = selectors.duplicate_preview(candidate=candidate, survivor_id=None)
    flipped = selectors.duplicate_preview(candidate=candidate, survivor_id=twin.pk)
    # then each field says which value survives
    fields = {f.label: (f.first, f.second, f.kept, f.kept_from) for f in preview.fields}
    assert fields["Last name"] == ("Müller", "Mueller", "Müller", "first")
    assert fields["Mobile"] == ("", "0171 7654321", "0171 7654321", "second")
    assert fields["E-mail"][3] == "both"
    assert {f.label: f.kept for f in flipped.fields}["Last name"] == "Mueller"
    counts = {c.label: (c.first, c.second, c.merged) for c in preview.counts}
    assert counts["Touchpoints"] == (0, 1, 1)
    page = alice_client.get(reverse("care:duplicate-preview", args=[candidate.pk]))
    html = page.content.decode()
    assert 'id="merge-preview"' in html
    assert "0171 7654321" in html
    assert Contact.objects.count() == 2  # looking merges nothing


def test_merging_contacts_through_the_preview_keeps_the_chosen_one_and_moves_everything(
    alice_client, workspace, account, contact, alice
):
    vip = tags_from_names(workspace=workspace, names=["VIP"])
    twin = person(workspace, "Jürgen", "Mueller", account=account, email=contact.email,
                  mobile="0171 7654321", tags=vip)  # fmt: skip
    touchpoint_log(workspace=workspace, contact=contact, channel="phone", occurred_at=days_ago(2),
                   logged_by=alice)  # fmt: skip
    scan_now(workspace)
    candidate = DuplicateCandidate.objects.get()
    url = reverse("care:duplicate-preview", args=[candidate.pk])
    # when alice keeps the second record and confirms
    response = alice_client.post(url, {"survivor": twin.pk}, follow=True)
    # then the first is merged into it, history and due date follow
    assert "Merged: Jürgen Müller is now part of Jürgen Mueller." in response.content.decode()
    assert not Contact.objects.filter(pk=contact.pk).exists()
    twin.refresh_from_db()
    assert (twin.phone, twin.mobile, twin.street) == ("+49891234567", "+491717654321",
                                                       "Lindenstraße 1")  # fmt: skip
    assert Touchpoint.objects.get().contact == twin
    assert [t.name for t in twin.tags.all()] == ["VIP"]
    expected_due = local_today(workspace.zone) - dt.timedelta(days=2) + dt.timedelta(
        days=workspace.default_cadence_days)  # fmt: skip
    assert twin.next_due_on == expected_due
    assert MergeRecord.objects.get().merged_contact_id == contact.pk
    assert not DuplicateCandidate.objects.exists()


def test_merging_accounts_moves_contacts_touchpoints_tags_and_recomputes_due_dates(
    alice_client, workspace, alice
):
    survivor = company(workspace, "Bäckerei Sonnenschein", owner=alice, value=5000)
    duplicate = company(workspace, "Baeckerei Sonnenschein GmbH", value=9000,
                        website="https://sonnenschein.example", is_key_account=True,
                        tags=tags_from_names(workspace=workspace, names=["Bio"]))  # fmt: skip
    staff = person(workspace, "Eva", "Brot", account=duplicate)
    CadencePolicy.objects.create(workspace=workspace, name="Bio", scope="tag",
                                 tag=duplicate.tags.get(), interval_days=30)  # fmt: skip
    touchpoint_log(workspace=workspace, account=duplicate, channel="visit",
                   occurred_at=days_ago(10), logged_by=alice)  # fmt: skip
    scan_now(workspace)
    candidate = DuplicateCandidate.objects.get(kind="account")
    # when
    response = alice_client.post(reverse("care:duplicate-preview", args=[candidate.pk]),
                                 {"survivor": survivor.pk}, follow=True)  # fmt: skip
    # then
    assert "Merged: Baeckerei Sonnenschein GmbH is now part of Bäckerei Sonnenschein." in (
        response.content.decode())  # fmt: skip
    assert not Account.objects.filter(pk=duplicate.pk).exists()
    survivor.refresh_from_db()
    staff.refresh_from_db()
    assert staff.account == survivor
    assert Touchpoint.objects.get().account == survivor
    assert [t.name for t in survivor.tags.all()] == ["Bio"]
    assert (survivor.website, survivor.value, survivor.is_key_account, survivor.owner) == (
        "https://sonnenschein.example", 9000, True, alice)  # fmt: skip
    today = local_today(workspace.zone)
    assert survivor.next_due_on == today - dt.timedelta(days=10) + dt.timedelta(days=30)
    assert staff.cadence_days == 30  # the account's tag now counts for its people
    record = AccountMergeRecord.objects.get()
    assert (record.merged_account_id, record.moved["contacts"]) == (duplicate.pk, 1)


def test_a_merge_is_refused_for_a_record_outside_the_pair(alice_client, workspace, account):
    meier = person(workspace, "Hans", "Meier", account=account)
    person(workspace, "Hans", "Maier", account=account)
    stranger = person(workspace, "Karl", "Fremd")
    scan_now(workspace)
    candidate = DuplicateCandidate.objects.get()
    response = alice_client.post(reverse("care:duplicate-preview", args=[candidate.pk]),
                                 {"survivor": stranger.pk}, follow=True)  # fmt: skip
    assert "Choose one of the two records to keep." in response.content.decode()
    assert Contact.objects.count() == 3
    assert Contact.objects.filter(pk=meier.pk).exists()


def test_not_a_duplicate_takes_the_pair_off_the_list(alice_client, workspace, account):
    person(workspace, "Hans", "Meier", account=account)
    person(workspace, "Hans", "Maier", account=account)
    scan_now(workspace)
    candidate = DuplicateCandidate.objects.get()
    response = alice_client.post(reverse("care:duplicate-dismiss", args=[candidate.pk]),
                                 follow=True)  # fmt: skip
    html = response.content.decode()
    assert "Hans Meier and Hans Maier are kept apart." in html
    assert f'id="candidate-{candidate.pk}"' not in html
    candidate.refresh_from_db()
    assert candidate.is_dismissed
    assert Contact.objects.count() == 2


def test_looking_now_enqueues_a_scan_and_the_page_shows_it(alice_client, workspace, alice):
    response = alice_client.post(reverse("care:duplicate-scan"), follow=True)
    html = response.content.decode()
    assert "The search for duplicates has started." in html
    assert "Waiting for the worker" in html
    scan = DuplicateScan.objects.get()
    assert (scan.status, scan.requested_by, scan.trigger) == (ScanStatus.QUEUED, alice, "user")
    services.duplicate_scan_run(scan=scan)
    status = alice_client.get(reverse("care:duplicate-scan") + "?polling=1")
    assert status["HX-Refresh"] == "true"
    assert "Look for duplicates now" in status.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_scan_the_button_asked_for(alice_client, workspace, account):
    person(workspace, "Hans", "Meier", account=account)
    person(workspace, "Hans", "Maier", account=account)
    alice_client.post(reverse("care:duplicate-scan"))
    # when the worker drains its queue
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    # then
    assert DuplicateScan.objects.get().status == ScanStatus.DONE
    html = alice_client.get(reverse("care:duplicates")).content.decode()
    assert "Hans Maier" in html
    assert "2 contacts and 1 accounts compared" in html


def test_the_duplicate_screens_speak_german(alice_client, alice, workspace, account):
    alice.language = "de"
    alice.save()
    person(workspace, "Hans", "Meier", account=account)
    person(workspace, "Hans", "Maier", account=account)
    scan_now(workspace)
    candidate = DuplicateCandidate.objects.get()
    listing = alice_client.get(reverse("care:duplicates")).content.decode()
    preview = alice_client.get(reverse("care:duplicate-preview", args=[candidate.pk]))
    assert "Wahrscheinliche Dubletten" in listing
    assert "Jetzt nach Dubletten suchen" in listing
    assert "ähnlicher Name" in listing
    assert "Vergleichen und zusammenführen" in listing
    assert "Keine Dublette" in listing
    assert "Zusammenführen" in preview.content.decode()
    assert "Firmen" in listing


# --- who may see and do what ---------------------------------------------------------------


def test_another_workspace_gets_404_for_candidates_preview_merge_and_dismiss(
    carol_client, client, workspace, account, carol_token
):
    person(workspace, "Hans", "Meier", account=account)
    person(workspace, "Hans", "Maier", account=account)
    scan_now(workspace)
    candidate = DuplicateCandidate.objects.get()
    first = candidate.first_contact_id
    preview = reverse("care:duplicate-preview", args=[candidate.pk])
    assert carol_client.get(preview).status_code == 404
    assert carol_client.post(preview, {"survivor": first}).status_code == 404
    assert carol_client.post(reverse("care:duplicate-dismiss", args=[candidate.pk])
                             ).status_code == 404  # fmt: skip
    assert "Meier" not in carol_client.get(reverse("care:duplicates")).content.decode()
    api = f"/api/v1/duplicates/{candidate.pk}"
    headers = bearer(carol_token)
    assert client.get(api, headers=headers).status_code == 404
    assert client.post(api + "/dismiss", headers=headers).status_code == 404
    assert client.post(api + "/merge", {"survivor_id": first}, content_type="application/json",
                       headers=headers).status_code == 404  # fmt: skip
    assert client.get("/api/v1/duplicates", headers=headers).json()["items"] == []
    assert client.get("/api/v1/duplicates/search", headers=headers).status_code == 404
    candidate.refresh_from_db()
    assert (candidate.is_dismissed, Contact.objects.count()) == (False, 2)


def test_anonymous_visitors_are_sent_to_sign_in(client, workspace, account):
    person(workspace, "Hans", "Meier", account=account)
    person(workspace, "Hans", "Maier", account=account)
    scan_now(workspace)
    candidate = DuplicateCandidate.objects.get()
    for url in (reverse("care:duplicates"), reverse("care:duplicate-scan"),
                reverse("care:duplicate-preview", args=[candidate.pk])):  # fmt: skip
        assert client.get(url)["Location"].startswith("/login/")
    assert client.get("/api/v1/duplicates").status_code == 401
    assert client.post("/api/v1/duplicates/search").status_code == 401


def test_a_member_without_the_merge_capability_is_refused(client, bob, workspace, account):
    from touchbase.core.models import Membership
    from touchbase.core.services import api_token_create

    person(workspace, "Hans", "Meier", account=account)
    person(workspace, "Hans", "Maier", account=account)
    scan_now(workspace)
    candidate = DuplicateCandidate.objects.get()
    client.force_login(bob)
    preview = reverse("care:duplicate-preview", args=[candidate.pk])
    assert client.get(reverse("care:duplicates")).status_code == 403
    assert client.get(preview).status_code == 403
    assert client.post(preview, {"survivor": candidate.first_contact_id}).status_code == 403
    assert client.post(reverse("care:duplicate-dismiss", args=[candidate.pk])).status_code == 403
    assert client.post(reverse("care:duplicate-scan")).status_code == 403
    token = api_token_create(membership=Membership.objects.get(user=bob), name="t")[1]
    assert client.get("/api/v1/duplicates", headers=bearer(token)).status_code == 403
    assert client.post("/api/v1/duplicates/search", headers=bearer(token)).status_code == 403
    assert (Contact.objects.count(), DuplicateScan.objects.count()) == (2, 1)
    assert not DuplicateCandidate.objects.filter(is_dismissed=True).exists()


# --- the API -------------------------------------------------------------------------------


def post(client, url: str, token: str, data: dict | None = None):
    return client.post(url, data=data or {}, content_type="application/json", headers=bearer(token))


def test_the_api_lists_pages_dismisses_and_merges(client, alice_token, workspace, account):
    meier = person(workspace, "Hans", "Meier", account=account)
    maier = person(workspace, "Hans", "Maier", account=account)
    person(workspace, "Peter", "Schulz", account=account)
    person(workspace, "Peter", "Schulze", account=account)
    other = company(workspace, "Bäckerei Sonnenschein GmbH")
    started = post(client, "/api/v1/duplicates/search", alice_token)
    assert (started.status_code, started.json()["status"]) == (202, "queued")
    services.duplicate_scan_run(scan=DuplicateScan.objects.get())
    latest = client.get("/api/v1/duplicates/search", headers=bearer(alice_token)).json()
    assert (latest["status"], latest["found"]) == ("done", 3)
    first_page = client.get("/api/v1/duplicates?kind=contact&limit=1",
                            headers=bearer(alice_token)).json()  # fmt: skip
    assert len(first_page["items"]) == 1
    assert first_page["next_offset"] == 1
    accounts = client.get("/api/v1/duplicates?kind=account", headers=bearer(alice_token)).json()
    found = [(c["first_id"], c["second_id"]) for c in accounts["items"]]
    assert found == [(account.pk, other.pk)]
    meier_pair = DuplicateCandidate.objects.get(first_contact=meier)
    preview = client.get(f"/api/v1/duplicates/{meier_pair.pk}?survivor_id={maier.pk}",
                         headers=bearer(alice_token)).json()  # fmt: skip
    assert (preview["survivor_id"], preview["duplicate_id"]) == (maier.pk, meier.pk)
    schulz_pair = DuplicateCandidate.objects.exclude(pk=meier_pair.pk).get(kind="contact")
    dismissed = post(client, f"/api/v1/duplicates/{schulz_pair.pk}/dismiss", alice_token)
    assert dismissed.json()["is_dismissed"] is True
    merged = post(client, f"/api/v1/duplicates/{meier_pair.pk}/merge", alice_token,
                  {"survivor_id": maier.pk})  # fmt: skip
    assert merged.json() == {"kind": "contact", "survivor_id": maier.pk, "merged_id": meier.pk,
                             "moved": {"touchpoints": 0, "consents": 0, "vouchers": 0,
                                       "tags": 0}}  # fmt: skip
    wrong = post(client, f"/api/v1/duplicates/{schulz_pair.pk}/merge", alice_token,
                 {"survivor_id": meier.pk})  # fmt: skip
    assert wrong.status_code == 422
    assert Contact.objects.count() == 3


def test_accounts_merge_through_the_api(client, alice_token, carol_token, workspace, account):
    twin = company(workspace, "Bäckerei Sonnenschein GmbH", phone="089 111111")
    person(workspace, "Eva", "Brot", account=twin)
    merged = post(client, f"/api/v1/accounts/{account.pk}/merge", alice_token,
                  {"duplicate_id": twin.pk})  # fmt: skip
    assert merged.json() == {"survivor_id": account.pk, "merged_account_id": twin.pk,
                             "moved": {"contacts": 1, "touchpoints": 0, "vouchers": 0,
                                       "tags": 0}}  # fmt: skip
    account.refresh_from_db()
    assert account.phone == "+4989111111"
    assert Contact.objects.get().account == account
    # another workspace names neither account
    assert post(client, f"/api/v1/accounts/{account.pk}/merge", carol_token,
                {"duplicate_id": account.pk}).status_code == 404  # fmt: skip


def test_an_account_merge_naming_another_workspaces_account_names_the_field(
    client, carol_token, carol_account, account
):
    response = post(client, f"/api/v1/accounts/{carol_account.pk}/merge", carol_token,
                    {"duplicate_id": account.pk})  # fmt: skip
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["duplicate_id"]
    assert Account.objects.count() == 2


def test_a_contact_page_points_to_its_possible_duplicate_until_it_is_dismissed(
    client, alice, bob, workspace, account
):
    meier = person(workspace, "Hans", "Meier", account=account)
    maier = person(workspace, "Hans", "Maier", account=account)
    scan_now(workspace)
    candidate = DuplicateCandidate.objects.get()
    page = reverse("relationships:contact-detail", args=[meier.pk])
    preview = reverse("care:duplicate-preview", args=[candidate.pk])
    # a member who may merge is shown the other record and the way to compare
    client.force_login(alice)
    html = client.get(page).content.decode()
    assert 'id="possible-duplicates"' in html
    assert preview in html
    assert "Hans Maier" in html
    # one who may not merge sees no such card
    client.force_login(bob)
    assert 'id="possible-duplicates"' not in client.get(page).content.decode()
    # and once the pair is kept apart, the card is gone
    client.force_login(alice)
    services.duplicate_dismiss(candidate=candidate, by=alice)
    assert 'id="possible-duplicates"' not in client.get(page).content.decode()
    assert Contact.objects.filter(pk__in=[meier.pk, maier.pk]).count() == 2


def test_after_a_merge_every_person_carries_their_accounts_value(workspace, alice):
    small = company(workspace, "Huber Bau", value=100)
    large = company(workspace, "Huber Bau GmbH", value=5000)
    staying = person(workspace, "Eva", "Huber", account=small)
    moving = person(workspace, "Max", "Huber", account=large)
    services.account_merge(survivor=small, duplicate=large, by=alice)
    assert Account.objects.get(pk=small.pk).value == 5000
    values = dict(Contact.objects.values_list("pk", "value"))
    assert values == {staying.pk: 5000, moving.pk: 5000}
    # a private customer who takes over their twin's account takes its value too
    private = person(workspace, "Lena", "Roth")
    twin = person(workspace, "Lena", "Roth", account=small)
    services.contact_merge(survivor=private, duplicate=twin, by=alice)
    private.refresh_from_db()
    assert (private.account_id, private.value) == (small.pk, 5000)
