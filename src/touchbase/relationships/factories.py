"""Factories for customers and touchpoints; tests and the demo data share them."""

from __future__ import annotations

import random

import phonenumbers
from django.utils import timezone
from factory.declarations import LazyAttribute, LazyFunction, SubFactory
from factory.django import DjangoModelFactory
from factory.faker import Faker

from touchbase.core.factories import WorkspaceFactory
from touchbase.relationships.choices import Channel, Direction
from touchbase.relationships.models import Account, Contact, Touchpoint

# Area codes that phonenumbers accepts with a 7-digit subscriber number.
AREA_CODES = {
    "DE": ["30", "40", "89", "221", "69", "711", "911", "341", "351", "511"],
    "AT": ["1", "316", "512", "662", "732"],
    "CH": ["44", "31", "61", "21", "26"],
    "IT": ["0471", "0473", "0472", "0474"],
}


def random_phone(country: str, rng: random.Random | None = None) -> str:
    """A valid E.164 landline number in the country, built digit by digit until valid."""
    choice = rng.choice if rng else random.choice
    randint = rng.randint if rng else random.randint
    codes = AREA_CODES.get(country, AREA_CODES["DE"])
    for _ in range(50):
        national = choice(codes) + "".join(str(randint(0, 9)) for _ in range(7))
        if country != "IT":
            national = "0" + national
        try:
            number = phonenumbers.parse(national, country)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ""


# factory_boy's declarations have no annotations, so each call skips that one check by name.


class AccountFactory(DjangoModelFactory[Account]):
    class Meta:
        model = Account
        skip_postgeneration_save = True

    workspace = SubFactory(WorkspaceFactory)  # type: ignore[no-untyped-call]
    name = Faker("company", locale="de_DE")  # type: ignore[no-untyped-call]
    segment = "Retail"
    country = "DE"
    city = Faker("city", locale="de_DE")  # type: ignore[no-untyped-call]
    postal_code = Faker("postcode", locale="de_DE")  # type: ignore[no-untyped-call]
    street = Faker("street_address", locale="de_DE")  # type: ignore[no-untyped-call]
    value = 10_000


class ContactFactory(DjangoModelFactory[Contact]):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    workspace = SubFactory(WorkspaceFactory)  # type: ignore[no-untyped-call]
    account = None
    first_name = Faker("first_name", locale="de_DE")  # type: ignore[no-untyped-call]
    last_name = Faker("last_name", locale="de_DE")  # type: ignore[no-untyped-call]
    email = LazyAttribute(  # type: ignore[no-untyped-call]
        lambda c: f"{c.first_name}.{c.last_name}@example.de".lower().replace(" ", "")
    )
    country = "DE"
    city = Faker("city", locale="de_DE")  # type: ignore[no-untyped-call]


class TouchpointFactory(DjangoModelFactory[Touchpoint]):
    class Meta:
        model = Touchpoint
        skip_postgeneration_save = True

    workspace = SubFactory(WorkspaceFactory)  # type: ignore[no-untyped-call]
    channel = Channel.PHONE
    direction = Direction.OUTBOUND
    is_personal = True
    occurred_at = LazyFunction(timezone.now)  # type: ignore[no-untyped-call]
    summary = Faker("sentence", locale="de_DE")  # type: ignore[no-untyped-call]
