from __future__ import annotations

from touchbase.listening.views import answers, feeds, mentions, queue, sources, webhook

app_name = "listening"

urlpatterns = [
    *feeds.urlpatterns,
    *mentions.urlpatterns,
    *answers.urlpatterns,
    *queue.urlpatterns,
    *sources.urlpatterns,
    *webhook.urlpatterns,
]
