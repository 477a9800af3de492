from __future__ import annotations

from django.urls import URLPattern, URLResolver

from touchbase.inside.views import ama, coffee, public_ama, public_coffee

app_name = "inside"
# Members' pages live under /inside/…; guests' (join links) under /meet/<slug>/….
urlpatterns: list[URLPattern | URLResolver] = [
    *ama.urlpatterns,
    *public_ama.urlpatterns,
    *coffee.urlpatterns,
    *public_coffee.urlpatterns,
]
