from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from touchbase.api import api
from touchbase.core.urls import auth_urlpatterns
from touchbase.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # First among the apps: its banner slot is asked for on every open of every mail, and each
    # pattern tried before it costs a microsecond. No other app's paths start with its
    # prefixes (sig/, banners/, news/, partners/, publishing/), so the order changes no match.
    path("", include("touchbase.publishing.urls")),
    path("", include(auth_urlpatterns)),
    path("", include("touchbase.core.urls")),
    path("", include("touchbase.relationships.urls")),
    path("", include("touchbase.care.urls")),
    path("", include("touchbase.imports.urls")),
    path("", include("touchbase.catalogue.urls")),
    path("", include("touchbase.listening.urls")),
    path("", include("touchbase.visitors.urls")),
    path("", include("touchbase.ideas.urls")),
    path("", include("touchbase.community.urls")),
    path("", include("touchbase.inside.urls")),
]
