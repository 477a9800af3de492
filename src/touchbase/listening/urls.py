from __future__ import annotations

from touchbase.listening.views import feeds, mentions, sources, webhook

app_name = "listening"

urlpatterns = [
    *feeds.urlpatterns,
    *mentions.urlpatterns,
    *sources.urlpatterns,
    *webhook.urlpatterns,
]
