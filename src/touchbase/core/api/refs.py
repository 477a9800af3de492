"""Ids and references in the API: numbers a row can have, rows of the caller's workspace."""

from __future__ import annotations

from typing import Annotated

from ninja import Field

from touchbase.core.tenancy import MAX_ID, owned_ref

# An id in the API: a field error (422) for anything no row can have.
Id = Annotated[int, Field(gt=0, le=MAX_ID)]

__all__ = ["MAX_ID", "Id", "owned_ref"]
