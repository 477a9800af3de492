from __future__ import annotations

from touchbase.ideas.views import portal, staff

app_name = "ideas"
urlpatterns = [*portal.urlpatterns, *staff.urlpatterns]
