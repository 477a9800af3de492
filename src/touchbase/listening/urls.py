from __future__ import annotations

from touchbase.listening.views import (
    alerts,
    answers,
    feeds,
    invitations,
    launches,
    mentions,
    queue,
    rating,
    ratings,
    settings,
    sources,
    webhook,
)

app_name = "listening"

urlpatterns = [
    *feeds.urlpatterns,
    *mentions.urlpatterns,
    *answers.urlpatterns,
    *queue.urlpatterns,
    *sources.urlpatterns,
    *ratings.urlpatterns,
    *launches.urlpatterns,
    *settings.urlpatterns,
    *webhook.urlpatterns,
    *invitations.urlpatterns,
    *alerts.urlpatterns,
    *rating.urlpatterns,
]
