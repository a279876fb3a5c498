"""Shared pieces of the mentoring and stretch assignment API: reference shapes, choice
fields documented as plain strings, query parameters and pagination."""

from rest_framework import exceptions, serializers

from perfapp.api.params import path_id
from perfapp.orgs.models import Team


class GrowthTeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]
        read_only_fields = fields


def visible_object(queryset, pk):
    """One object among what the caller may see, or 404 (missing and forbidden alike)."""
    found = queryset.filter(pk=path_id(pk)).first()
    if found is None:
        raise exceptions.NotFound()
    return found
