from __future__ import annotations

from touchbase.visitors.views import urlpatterns as urlpatterns

app_name = "visitors"
