"""Security: secret key, deploy settings, health check, sign-in throttling, test hashing."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher

pytestmark = pytest.mark.django_db


def test_tests_hash_passwords_with_the_fast_hasher(alice):
    assert identify_hasher(alice.password).algorithm == "md5"
