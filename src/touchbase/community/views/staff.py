"""The community manager's pages (staff side), gathered for community/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

from touchbase.community.views import staff_helpers, staff_pages, staff_requests

urlpatterns: list[URLPattern] = [
    *staff_pages.urlpatterns,
    *staff_helpers.urlpatterns,
    *staff_requests.urlpatterns,
]
