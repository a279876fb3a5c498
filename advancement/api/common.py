"""Shared pieces of the career framework API."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
)
from rest_framework import serializers

from advancement.models import Competency
from perfapp.api.pagination import StableCursorPagination
from perfapp.orgs.roles import Permission

MANAGE = Permission.MANAGE_FRAMEWORK
HR_WRITES = dict.fromkeys(("create", "update", "partial_update", "destroy"), MANAGE)
TRUE = ("1", "true")
# How deep the reporting tree is walked for placements (as
# permissions.placements.can_see_placement).
MAX_REPORTING_DEPTH = 50

NO_VERSION = "No version of the career framework has been published yet."
VERSIONS_NEVER_CHANGE = "Published versions never change; edit the draft and publish a new version."


def _published_param() -> OpenApiParameter:
    return OpenApiParameter(
        "published",
        OpenApiTypes.BOOL,
        description="HR only: read the current published version instead of the draft "
        "(everyone else always reads the published version).",
    )


# --- pagination ----------------------------------------------------------------------------


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


class CompetencyRefSerializer(serializers.ModelSerializer):
    """A competency as other resources name it (feedback, goals, recognition...)."""

    class Meta:
        model = Competency
        fields = ["id", "name"]
        read_only_fields = fields
