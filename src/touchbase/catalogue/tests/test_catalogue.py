"""The product catalogue: screens, API, rules for names, SKUs and aliases, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from touchbase.catalogue.models import Product
from touchbase.catalogue.selectors import product_list
from touchbase.catalogue.services import product_save, product_status_set
from touchbase.core.services import api_token_create, member_add
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db


def make(workspace, name, sku="", aliases=()):
    return product_save(product=Product(workspace=workspace, name=name, sku=sku),
                        aliases=list(aliases))  # fmt: skip


@pytest.fixture
def kettle(workspace):
    return make(workspace, "Wasserkocher Aurora", sku="WK-100", aliases=["Aurora", "Kessel"])


@pytest.fixture
def carol_product(other_workspace):
    return make(other_workspace, "Geheimprodukt", sku="G-1")


def member_client(workspace, role):
    member = member_add(workspace=workspace, username=f"u-{role}", password="pw-123456789",
                        role=role)  # fmt: skip
    browser = Client()
    browser.force_login(member.user)
    return browser, member


# --- services and selectors -----------------------------------------------------------------


def test_a_product_is_found_by_name_alias_and_sku_in_any_case(workspace, kettle):
    make(workspace, "Toaster Borealis", sku="TO-7")
    for query in ("aurora", "KESSEL", "wk-100", "wasserkocher aurora"):
        assert [p.name for p in product_list(workspace=workspace, search=query)] == [kettle.name]
    assert product_list(workspace=workspace, search="kühlschrank").count() == 0


def test_a_search_finds_umlauts_typed_without_dots(workspace):
    make(workspace, "Müsli Mühle")
    assert product_list(workspace=workspace, search="Muesli").count() == 1
    assert product_list(workspace=workspace, search="musli").count() == 1


def test_the_list_filters_by_status(workspace, kettle):
    toaster = make(workspace, "Toaster")
    product_status_set(product=toaster, status="proposed_for_removal")
    assert list(product_list(workspace=workspace, status="proposed_for_removal")) == [toaster]
    assert list(product_list(workspace=workspace, status="on_sale")) == [kettle]


def test_a_name_or_sku_taken_in_any_case_is_refused_on_its_field(workspace, kettle):
    with pytest.raises(ValidationError) as name_error:
        make(workspace, "wasserkocher AURORA")
    assert list(name_error.value.message_dict) == ["name"]
    with pytest.raises(ValidationError) as sku_error:
        make(workspace, "Anderer", sku="wk-100")
    assert list(sku_error.value.message_dict) == ["sku"]
    assert Product.objects.filter(workspace=workspace).count() == 1


def test_names_and_skus_with_umlauts_compare_in_any_case_on_every_database(workspace):
    make(workspace, "Äpfelschäler", sku="ÜB-1")
    with pytest.raises(ValidationError) as error:
        make(workspace, "ÄPFELSCHÄLER")
    assert list(error.value.message_dict) == ["name"]
    with pytest.raises(ValidationError) as error:
        make(workspace, "Birnen", sku="üb-1")
    assert list(error.value.message_dict) == ["sku"]


def test_the_database_refuses_a_duplicate_that_skips_the_check(workspace, kettle):
    # given a row written past the service, as a second request a moment later would
    from django.db import IntegrityError, transaction

    twin = Product(workspace=workspace, name="WASSERKOCHER aurora", name_key=kettle.name_key)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_the_same_name_and_sku_may_exist_in_another_workspace(kettle, other_workspace):
    make(other_workspace, kettle.name, sku=kettle.sku)
    assert Product.objects.filter(name=kettle.name).count() == 2


def test_products_without_sku_do_not_clash(workspace):
    make(workspace, "Eins")
    make(workspace, "Zwei")
    assert Product.objects.filter(workspace=workspace, sku="").count() == 2


def test_aliases_are_trimmed_and_repeats_dropped(workspace):
    product = make(workspace, "Kaffeemühle", aliases=["  Mühle ", "mühle", "", "Grinder  X"])
    assert product.aliases == ["Mühle", "Grinder X"]


def test_too_many_or_too_long_aliases_are_refused(workspace):
    with pytest.raises(ValidationError) as many:
        make(workspace, "A", aliases=[f"Name {i}" for i in range(21)])
    assert list(many.value.message_dict) == ["aliases"]
    with pytest.raises(ValidationError) as long:
        make(workspace, "B", aliases=["x" * 101])
    assert list(long.value.message_dict) == ["aliases"]
    make(workspace, "C", aliases=[f"{i:0>100}" for i in range(20)])  # the limits themselves
    assert Product.objects.filter(workspace=workspace).count() == 1


def test_an_unknown_status_is_refused(kettle):
    with pytest.raises(ValidationError):
        product_status_set(product=kettle, status="sold_out")
    kettle.refresh_from_db()
    assert kettle.status == "on_sale"


# --- screens --------------------------------------------------------------------------------


def test_an_owner_creates_and_edits_a_product_in_the_browser(alice_client, workspace):
    response = alice_client.post(reverse("catalogue:product-create"), {
        "name": "Mixer Nova", "sku": "MX-1", "status": "on_sale",
        "launched_at": "2026-11-02T09:30", "aliases_text": "Nova\nStandmixer\n",
    })  # fmt: skip
    product = Product.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:product-detail", args=[product.pk])
    assert product.aliases == ["Nova", "Standmixer"]
    assert product.launched_at is not None
    edit = reverse("catalogue:product-edit", args=[product.pk])
    assert "Standmixer" in alice_client.get(edit).content.decode()
    alice_client.post(edit, {"name": "Mixer Nova 2", "sku": "", "status": "removed",
                             "aliases_text": "Nova"})  # fmt: skip
    product.refresh_from_db()
    assert (product.name, product.sku, product.status, product.aliases) == (
        "Mixer Nova 2", "", "removed", ["Nova"])  # fmt: skip


def test_the_form_shows_a_duplicate_name_and_sku_on_their_fields(alice_client, kettle):
    response = alice_client.post(reverse("catalogue:product-create"), {
        "name": "WASSERKOCHER aurora", "sku": "wk-100", "status": "on_sale", "aliases_text": "",
    })  # fmt: skip
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "sku"}
    assert Product.objects.count() == 1


def test_the_form_shows_too_many_aliases_on_the_alias_field(alice_client, workspace):
    response = alice_client.post(reverse("catalogue:product-create"), {
        "name": "Viele Namen", "status": "on_sale",
        "aliases_text": "\n".join(f"Name {i}" for i in range(21)),
    })  # fmt: skip
    assert list(response.context["form"].errors) == ["aliases_text"]
    assert not Product.objects.exists()


def test_the_list_searches_and_filters(alice_client, workspace, kettle):
    make(workspace, "Toaster Borealis")
    url = reverse("catalogue:product-list")
    page = alice_client.get(url, {"q": "kessel"}).content.decode()
    assert "Wasserkocher Aurora" in page
    assert "Toaster Borealis" not in page
    page = alice_client.get(url, {"status": "removed"}).content.decode()
    assert "Wasserkocher Aurora" not in page
    assert alice_client.get(url, {"status": "nonsense"}).status_code == 200


def test_the_menu_offers_products_to_members_who_see_customers(alice_client):
    page = alice_client.get(reverse("catalogue:product-list")).content.decode()
    assert f'href="{reverse("catalogue:product-list")}"' in page


def test_the_screens_speak_german(alice_client, alice, kettle):
    alice.language = "de"
    alice.save()
    alice_client.cookies["django_language"] = "de"
    page = alice_client.get(reverse("catalogue:product-list"),
                            headers={"accept-language": "de"}).content.decode()  # fmt: skip
    for german in ("Produkte", "Artikelnummer", "Im Verkauf"):
        assert german in page


@pytest.mark.parametrize("role", ["owner", "leader"])
def test_owners_and_leaders_edit_the_catalogue(workspace, kettle, role):
    browser, _member = member_client(workspace, role)
    response = browser.post(reverse("catalogue:product-edit", args=[kettle.pk]),
                            {"name": "Neu", "status": "on_sale"})  # fmt: skip
    assert response.status_code == 302
    kettle.refresh_from_db()
    assert kettle.name == "Neu"


def test_staff_see_products_but_do_not_change_them(workspace, kettle):
    browser, member = member_client(workspace, "staff")
    assert browser.get(reverse("catalogue:product-list")).status_code == 200
    detail = browser.get(reverse("catalogue:product-detail", args=[kettle.pk]))
    assert detail.status_code == 200
    assert reverse("catalogue:product-edit", args=[kettle.pk]) not in detail.content.decode()
    assert browser.get(reverse("catalogue:product-create")).status_code == 403
    response = browser.post(reverse("catalogue:product-edit", args=[kettle.pk]),
                            {"name": "Neu", "status": "on_sale"})  # fmt: skip
    assert response.status_code == 403
    kettle.refresh_from_db()
    assert kettle.name == "Wasserkocher Aurora"
    token = api_token_create(membership=member, name="t")[1]
    api = browser.patch(f"/api/v1/products/{kettle.pk}", {"name": "Neu"},
                        content_type="application/json", headers=bearer(token))  # fmt: skip
    assert api.status_code == 403
    created = browser.post("/api/v1/products", {"name": "Neu"},
                           content_type="application/json", headers=bearer(token))  # fmt: skip
    assert created.status_code == 403
    assert browser.get("/api/v1/products", headers=bearer(token)).status_code == 200


def test_a_helper_sees_no_product(workspace, kettle):
    browser, _member = member_client(workspace, "helper")
    assert browser.get(reverse("catalogue:product-list")).status_code == 403
    assert browser.get(reverse("catalogue:product-detail", args=[kettle.pk])).status_code == 403


# --- isolation ------------------------------------------------------------------------------


def test_another_workspaces_product_is_not_found_on_any_screen(carol_client, kettle):
    for name in ("catalogue:product-detail", "catalogue:product-edit"):
        url = reverse(name, args=[kettle.pk])
        assert carol_client.get(url).status_code == 404
        assert carol_client.post(url, {"name": "Gekapert", "status": "on_sale"}).status_code == 404
    page = carol_client.get(reverse("catalogue:product-list"), {"q": "aurora"}).content.decode()
    assert "Wasserkocher" not in page
    kettle.refresh_from_db()
    assert kettle.name == "Wasserkocher Aurora"


def test_anonymous_visitors_are_sent_to_sign_in(client, kettle):
    for url in (reverse("catalogue:product-list"), reverse("catalogue:product-create"),
                reverse("catalogue:product-detail", args=[kettle.pk]),
                reverse("catalogue:product-edit", args=[kettle.pk])):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


# --- API ------------------------------------------------------------------------------------


def send(client, method, url, token, data=None):
    return getattr(client, method)(url, data, content_type="application/json",
                                   headers=bearer(token))  # fmt: skip


def test_the_api_creates_gets_changes_and_lists_products(client, alice_token, workspace):
    created = send(client, "post", "/api/v1/products", alice_token, {
        "name": "Lampe Sirius", "sku": "LS-1", "aliases": ["Sirius", " Sirius "],
        "launched_at": "2026-11-30T08:00:00+01:00",
    })  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["aliases"], body["status"]) == (["Sirius"], "on_sale")
    url = f"/api/v1/products/{body['id']}"
    assert client.get(url, headers=bearer(alice_token)).json()["name"] == "Lampe Sirius"
    changed = send(client, "patch", url, alice_token,
                   {"status": "proposed_for_removal", "aliases": ["Stern"]})  # fmt: skip
    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["aliases"], changed.json()["sku"]) == (
        "proposed_for_removal", ["Stern"], "LS-1")  # fmt: skip
    found = client.get("/api/v1/products?search=stern", headers=bearer(alice_token)).json()
    assert [p["name"] for p in found["items"]] == ["Lampe Sirius"]
    none = client.get("/api/v1/products?status=removed", headers=bearer(alice_token)).json()
    assert none == {"items": [], "next_offset": None}


def test_the_api_pages_through_products(client, alice_token, workspace):
    for i in range(5):
        make(workspace, f"Produkt {i}")
    first = client.get("/api/v1/products?limit=2", headers=bearer(alice_token)).json()
    assert [p["name"] for p in first["items"]] == ["Produkt 0", "Produkt 1"]
    assert first["next_offset"] == 2
    last = client.get("/api/v1/products?limit=2&offset=4", headers=bearer(alice_token)).json()
    assert ([p["name"] for p in last["items"]], last["next_offset"]) == (["Produkt 4"], None)


@pytest.mark.parametrize(("payload", "field"), [
    ({"name": "wasserkocher aurora"}, "name"),
    ({"name": "Neu", "sku": "WK-100"}, "sku"),
    ({"name": "x" * 201}, "name"),
    ({"name": "Neu", "sku": "s" * 65}, "sku"),
    ({"name": "Neu", "aliases": ["a" * 101]}, "aliases"),
    ({"name": "Neu", "aliases": [str(i) for i in range(21)]}, "aliases"),
    ({"name": "  "}, "name"),
])  # fmt: skip
def test_the_api_refuses_duplicates_and_overlong_values_with_field_errors(
    client, alice_token, kettle, payload, field
):
    response = send(client, "post", "/api/v1/products", alice_token, payload)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert Product.objects.count() == 1


def test_a_patch_to_a_taken_name_is_a_field_error(client, alice_token, workspace, kettle):
    toaster = make(workspace, "Toaster")
    response = send(client, "patch", f"/api/v1/products/{toaster.pk}", alice_token,
                    {"name": "WASSERKOCHER AURORA"})  # fmt: skip
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["name"]
    toaster.refresh_from_db()
    assert toaster.name == "Toaster"


def test_the_api_answers_404_for_another_workspaces_product(client, carol_token, kettle):
    url = f"/api/v1/products/{kettle.pk}"
    assert client.get(url, headers=bearer(carol_token)).status_code == 404
    assert send(client, "patch", url, carol_token, {"name": "Gekapert"}).status_code == 404
    listed = client.get("/api/v1/products", headers=bearer(carol_token)).json()
    assert listed["items"] == []
    kettle.refresh_from_db()
    assert kettle.name == "Wasserkocher Aurora"


def test_the_api_answers_anonymous_callers_with_401(client, kettle):
    for method, url in (("get", "/api/v1/products"), ("post", "/api/v1/products"),
                        ("get", f"/api/v1/products/{kettle.pk}"),
                        ("patch", f"/api/v1/products/{kettle.pk}")):  # fmt: skip
        assert getattr(client, method)(url, {}, content_type="application/json").status_code == 401


def test_a_long_list_says_it_shows_only_the_first_products(alice_client, workspace, monkeypatch):
    from touchbase.catalogue import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for name in ("A", "B", "C"):
        make(workspace, name)
    response = alice_client.get(reverse("catalogue:product-list"))
    assert [p.name for p in response.context["products"]] == ["A", "B"]
    assert "Showing the first 2 products" in response.content.decode()


@pytest.mark.parametrize(
    ("launched_at", "status"),
    [
        # ISO 8601 allows offsets PostgreSQL refuses (±15:59 at most): stored as UTC
        ("0183-07-06T00:49:27.19-20:01", 201),
        ("2026-11-30T08:00:00+23:59", 201),
        # an offset that pushes the time before year 1 is no time at all
        ("0001-01-01T00:10:00+05:00", 422),
    ],
)
def test_any_utc_offset_the_format_allows_is_stored_or_refused_never_a_server_error(
    client, alice_token, workspace, launched_at, status
):
    answer = send(client, "post", "/api/v1/products", alice_token,
                  {"name": "Lampe", "launched_at": launched_at})  # fmt: skip
    assert answer.status_code == status, answer.content
    if status == 201:
        stored = Product.objects.get(pk=answer.json()["id"]).launched_at
        assert stored == dt.datetime.fromisoformat(launched_at)
