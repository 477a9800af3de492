from __future__ import annotations

from touchbase.publishing.views import (
    banner_pages,
    drafts,
    news,
    reach,
    setup,
    signature_pages,
    slots,
)

app_name = "publishing"
# The slots first: they answer every open of every mail (see touchbase/urls.py).
urlpatterns = [
    *slots.urlpatterns, *drafts.urlpatterns, *setup.urlpatterns, *news.urlpatterns,
    *signature_pages.urlpatterns, *banner_pages.urlpatterns, *reach.urlpatterns,
]  # fmt: skip
