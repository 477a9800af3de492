"""The REST API under /api/v1/: one router per app, bearer-token auth, field errors as 422."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Swagger

from touchbase.care.api import router as care_router
from touchbase.catalogue.api import router as catalogue_router
from touchbase.community.api import router as community_router
from touchbase.core.api import errors
from touchbase.core.api.auth import TokenAuth
from touchbase.core.api.router import router as core_router
from touchbase.ideas.api import router as ideas_router
from touchbase.imports.api import router as imports_router
from touchbase.inside.api import router as inside_router
from touchbase.listening.api import router as listening_router
from touchbase.publishing.api import router as publishing_router
from touchbase.relationships.api import router as relationships_router


class TouchbaseDocs(Swagger):
    """Swagger UI in our own page, which has the viewport meta tag a phone needs."""

    template = "api_docs.html"


class TouchbaseAPI(NinjaAPI):
    """The API whose OpenAPI description lists the error responses of every operation."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return errors.document(super().get_openapi_schema(*args, **kwargs))


api = TouchbaseAPI(
    title="touchbase API",
    version="1",
    description="Accounts, contacts, touchpoints, the due list, cadence policies, data care, "
    "imports, exports, the product catalogue, listening (sources, mentions) and ideas (the "
    "portal's ideas, votes, comments, status, merging, evidence) and publishing (channels, "
    "drafts, reviews, the news page, the reachability notice, the company's data, e-mail "
    "signatures, banners, partners, online presences) and community help (skills, helpers, "
    "help requests, matching, offers, bookings, ratings, reports) of one workspace."
    " Send `Authorization: Bearer <token>`.",
    auth=TokenAuth(),
    parser=errors.ObjectParser(),
    urls_namespace="api",
    # Swagger UI's validator badge would send our schema's URL to validator.swagger.io and
    # load an image from there; the docs take everything from this site.
    docs=TouchbaseDocs(settings={"validatorUrl": None}),
)
errors.install(api)

api.add_router("/", core_router)
api.add_router("/", relationships_router)
api.add_router("/", care_router)
api.add_router("/", imports_router)
api.add_router("/", catalogue_router)
api.add_router("/", listening_router)
api.add_router("/", ideas_router)
api.add_router("/", publishing_router)
api.add_router("/", community_router)
api.add_router("/", inside_router)
