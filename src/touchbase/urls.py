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
    path("", include(auth_urlpatterns)),
    path("", include("touchbase.core.urls")),
    path("", include("touchbase.relationships.urls")),
    path("", include("touchbase.care.urls")),
    path("", include("touchbase.imports.urls")),
    path("", include("touchbase.catalogue.urls")),
    path("", include("touchbase.listening.urls")),
    path("", include("touchbase.visitors.urls")),
    path("", include("touchbase.ideas.urls")),
]
