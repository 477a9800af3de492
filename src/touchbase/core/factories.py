"""Factories for workspaces and members; tests and the demo data share them."""

from __future__ import annotations

from factory.declarations import LazyAttribute, Sequence
from factory.django import DjangoModelFactory, Password
from factory.faker import Faker

from touchbase.core.models import User, Workspace

# factory_boy's declarations have no annotations, so each call skips that one check by name.


class WorkspaceFactory(DjangoModelFactory[Workspace]):
    class Meta:
        model = Workspace
        django_get_or_create = ("slug",)

    name = Sequence(lambda n: f"Workspace {n}")  # type: ignore[no-untyped-call]
    slug = Sequence(lambda n: f"workspace-{n}")  # type: ignore[no-untyped-call]
    time_zone = "Europe/Berlin"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = Sequence(lambda n: f"user{n}")  # type: ignore[no-untyped-call]
    first_name = Faker("first_name", locale="de_DE")  # type: ignore[no-untyped-call]
    last_name = Faker("last_name", locale="de_DE")  # type: ignore[no-untyped-call]
    email = LazyAttribute(lambda user: f"{user.username}@example.com")  # type: ignore[no-untyped-call]
    password = Password("password")  # type: ignore[no-untyped-call]
    language = "en"
