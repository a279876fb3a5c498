"""Shared pieces of the mentoring and stretch assignment API: reference shapes, choice
fields documented as plain strings, query parameters and pagination."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers

from advancement.models import Competency
from perfapp.api.pagination import StableCursorPagination
from perfapp.api.params import path_id
from perfapp.orgs.models import Team


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice documented as a string listing its values, not as an OpenAPI enum (one
    enum per field name keeps generated clients and the schema check unambiguous)."""

    def __init__(self, choices, **kwargs):
        values = ", ".join(str(value) for value, _ in choices)
        help_text = kwargs.pop("help_text", "")
        kwargs["help_text"] = f"{help_text} One of: {values}.".strip()
        super().__init__(choices, **kwargs)


class GrowthCompetencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ["id", "name"]
        read_only_fields = fields


class GrowthTeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]
        read_only_fields = fields


class NewestFirst(StableCursorPagination):
    ordering = "-id"


def choice_param(request, name: str, choices, default: str = "") -> str:
    raw = request.query_params.get(name, "")
    if not raw:
        return default
    if raw not in choices:
        raise serializers.ValidationError({name: [f"Choose one of: {', '.join(choices)}."]})
    return raw


def visible_object(queryset, pk):
    """One object among what the caller may see, or 404 (missing and forbidden alike)."""
    found = queryset.filter(pk=path_id(pk)).first()
    if found is None:
        raise exceptions.NotFound()
    return found
