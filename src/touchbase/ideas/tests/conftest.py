from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.visitors import services as visitors
from touchbase.visitors.models import Visitor


def confirmed(workspace, email: str, name: str = "") -> Visitor:
    visitor = visitors.visitor_for_email(workspace=workspace, email=email)
    visitor.name = name  # as a confirmation link carrying it would set it
    visitor.confirmed_at = timezone.now()
    visitor.save()
    return visitor


def signed_in_client(visitor: Visitor) -> Client:
    """A browser the visitor confirmed on: it carries the device cookie."""
    client = Client()
    link = visitors.confirmation_link(visitor=visitor, next_path="/")
    client.post("/" + link.split("/", 3)[3])
    return client


@pytest.fixture
def kettle(workspace) -> Product:
    return product_save(product=Product(workspace=workspace, name="Kessel K2", sku="K2"))


@pytest.fixture
def eva(workspace) -> Visitor:
    return confirmed(workspace, "eva@example.com", "Eva")


@pytest.fixture
def eva_client(eva) -> Client:
    return signed_in_client(eva)
