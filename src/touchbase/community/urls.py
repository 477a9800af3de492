from __future__ import annotations

from django.urls import URLPattern, URLResolver

from touchbase.community.views import helper_portal, public

app_name = "community"
# Each area adds its patterns here: staff pages under /community/…, public pages under
# /help/<workspace slug>/…, the helpers' own pages under /helpers/<workspace slug>/….
urlpatterns: list[URLPattern | URLResolver] = [*public.urlpatterns, *helper_portal.urlpatterns]
