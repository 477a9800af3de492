"""The public idea portal (see the module docstrings of visitors.services for identity)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
