"""The site's URLs plus views that fail on purpose, for the error pages' tests."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from touchbase.urls import urlpatterns as site_urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def reject(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a forged request")


urlpatterns = [
    path("test/crash/", crash),
    path("test/refuse/", refuse),
    path("test/reject/", reject),
    *site_urlpatterns,
]
