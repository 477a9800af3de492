from __future__ import annotations

from django.urls import URLPattern, URLResolver

from touchbase.community.views import helper_portal, public, staff

app_name = "community"
# Staff pages live under /community/…; customers' and helpers' pages under /help/<slug>/….
urlpatterns: list[URLPattern | URLResolver] = [
    *staff.urlpatterns,
    *public.urlpatterns,
    *helper_portal.urlpatterns,
]
