"""Factories for customers and touchpoints; tests and the demo data share them."""

from __future__ import annotations

import random

import factory
import phonenumbers
from django.utils import timezone

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
    rng = rng or random
    codes = AREA_CODES.get(country, AREA_CODES["DE"])
    for _ in range(50):
        national = rng.choice(codes) + "".join(str(rng.randint(0, 9)) for _ in range(7))
        if country != "IT":
            national = "0" + national
        try:
            number = phonenumbers.parse(national, country)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ""


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Faker("company", locale="de_DE")
    segment = "Retail"
    country = "DE"
    city = factory.Faker("city", locale="de_DE")
    postal_code = factory.Faker("postcode", locale="de_DE")
    street = factory.Faker("street_address", locale="de_DE")
    value = 10_000


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    account = None
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.LazyAttribute(
        lambda c: f"{c.first_name}.{c.last_name}@example.de".lower().replace(" ", "")
    )
    country = "DE"
    city = factory.Faker("city", locale="de_DE")


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touchpoint
        skip_postgeneration_save = True

    workspace = factory.SubFactory(WorkspaceFactory)
    channel = Channel.PHONE
    direction = Direction.OUTBOUND
    is_personal = True
    occurred_at = factory.LazyFunction(timezone.now)
    summary = factory.Faker("sentence", locale="de_DE")
