"""Shared pieces of the career framework API."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
)
from rest_framework import exceptions, serializers

from perfapp.api.pagination import StableCursorPagination
from perfapp.orgs.roles import Permission

MANAGE = Permission.MANAGE_FRAMEWORK
HR_WRITES = dict.fromkeys(("create", "update", "partial_update", "destroy"), MANAGE)
TRUE = ("1", "true")
MAX_ID = 2**63 - 1
# How deep the reporting tree is walked for placements (as permissions.can_see_placement).
MAX_REPORTING_DEPTH = 50

NO_VERSION = "No version of the career framework has been published yet."
VERSIONS_NEVER_CHANGE = "Published versions never change; edit the draft and publish a new version."


@contextmanager
def _service_errors() -> Iterator[None]:
    """A service's ValidationError becomes the API's 400 envelope."""
    try:
        yield
    except ValidationError as error:
        raise serializers.ValidationError(serializers.as_serializer_error(error)) from error


def _is_id(raw: str) -> bool:
    """ASCII digits that fit a bigint. "²".isdigit() is true but int("²") fails, and the
    URLs' ``\\d+`` also matches other scripts' digits ("١٢")."""
    return raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID


def _path_id(raw: str) -> int:
    if not _is_id(raw):
        raise exceptions.NotFound()
    return int(raw)


def _numeric_param(request, name: str, message: str = "Give a numeric id.") -> int | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    if not _is_id(raw):
        raise serializers.ValidationError({name: [message]})
    return int(raw)


def _published_param() -> OpenApiParameter:
    return OpenApiParameter(
        "published",
        OpenApiTypes.BOOL,
        description="HR only: read the current published version instead of the draft "
        "(everyone else always reads the published version).",
    )


# --- pagination ----------------------------------------------------------------------------


class NewestFirstPagination(StableCursorPagination):
    ordering = "-id"


class VersionPagination(StableCursorPagination):
    ordering = "-number"


class FrameworkPagination(StableCursorPagination):
    """Draft rows for HR. ``version`` says which published version a list was read from:
    a published read is one page holding all its rows; ``null`` means HR's draft."""

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {
            "next": response.data["next"],
            "previous": response.data["previous"],
            "version": None,
            "results": response.data["results"],
        }
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        properties = schema["properties"]
        properties["version"] = {
            "type": "integer",
            "nullable": True,
            "description": "The published version read; null when HR reads the draft.",
        }
        properties["results"] = properties.pop("results")
        return schema
