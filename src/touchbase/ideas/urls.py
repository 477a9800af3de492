from __future__ import annotations

from touchbase.ideas.views import portal, staff

app_name = "ideas"
# Staff pages live under /ideas/manage/…, which the portal's /ideas/<slug>/… would match too.
urlpatterns = [*staff.urlpatterns, *portal.urlpatterns]
