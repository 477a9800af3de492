"""One error shape for the whole API, documented on every operation of the OpenAPI description."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.parser import Parser

STANDARD_ERRORS = {
    "400": "The body is not a JSON object.",
    "401": "No valid bearer token.",
    "403": "The member's role does not allow this.",
    "404": "No such row in this workspace.",
    "422": "Invalid input: messages per field.",
}


class ErrorOut(Schema):
    """`detail` lists problems with their location; `errors` maps fields to messages."""

    detail: Any
    errors: dict[str, list[str]] | None = None


class ObjectParser(Parser):
    """Request bodies are JSON objects; a list, string or number is refused before parsing on."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError(_("Send a JSON object."))
        if _has_nul(data):
            # PostgreSQL cannot store NUL in text, and no person types one.
            raise ValueError(_("Text cannot contain NUL characters."))
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        # A NUL in a query parameter would reach a PostgreSQL filter and fail there (500);
        # query parameters are filters, so it reads as the space the search pages make of it.
        if any(
            "\x00" in value
            for values in data.lists()
            for value in values[1]
            if isinstance(value, str)
        ):
            data = data.copy()
            for key, values in list(data.lists()):
                data.setlist(key, [_without_nul(value) for value in values])
        return super().parse_querydict(data, list_fields, request)


def _without_nul(value: Any) -> Any:
    return value.replace("\x00", " ") if isinstance(value, str) else value


def _has_nul(value: Any) -> bool:
    """Whether any string in a parsed JSON body contains a NUL character."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def install(api: NinjaAPI) -> None:
    """Service validation errors become 422 with messages per field."""

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        detail = [{"loc": ["body", field], "msg": " ".join(msgs)} for field, msgs in errors.items()]
        return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error responses every operation can give to the OpenAPI description."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            for status, text in STANDARD_ERRORS.items():
                if status == "404" and "{" not in str(operation.get("parameters", "")):
                    continue
                responses.setdefault(status, {"description": text, "content": reference})
    return schema


@contextmanager
def fields_named(**names: str) -> Iterator[None]:
    """Services name model fields (`contact`); the API names its own (`contact_id`): a service's
    field errors come out under the API's names."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {names.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from error
