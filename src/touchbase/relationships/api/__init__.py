"""The relationship core's API router: accounts and contacts, then the daily activity."""

from __future__ import annotations

from ninja import Router

from touchbase.relationships.api import activity, customers

router = Router()
router.add_router("/", customers.router)
router.add_router("/", activity.router)
