from __future__ import annotations

from touchbase.listening.views import mentions, sources, webhook

app_name = "listening"

urlpatterns = [
    *mentions.urlpatterns,
    *sources.urlpatterns,
    *webhook.urlpatterns,
]
