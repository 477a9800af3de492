from __future__ import annotations

from touchbase.ideas.views import portal, staff

app_name = "ideas"
# Staff screens first: /ideas/manage/… must win over the portal's /ideas/<slug>/….
urlpatterns = [*staff.urlpatterns, *portal.urlpatterns]
