"""API: ``search/?q=…`` — the header search (``perfapp.search``): people, goals,
stretch opportunities and the career framework of the organization, only what the
caller may see. No query finds nothing; one too short or too long is a 400."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from perfapp import search
from perfapp.tenancy.api import OrganizationViewSet


class SearchHitSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(allow_blank=True, help_text="The page to open; may be empty.")
    detail = serializers.CharField(allow_blank=True)


class SearchGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    hits = SearchHitSerializer(many=True)


class SearchViewSet(OrganizationViewSet):
    serializer_class = SearchGroupSerializer
    pagination_class = None

    @extend_schema(
        summary="Search people, goals, opportunities and the career framework",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="2–100 characters.")
        ],
        responses=SearchGroupSerializer(many=True),
    )
    def list(self, request, *args, **kwargs):
        raw = request.query_params.get("q", "")
        if not raw.strip():
            return Response([])  # nothing asked, nothing found
        try:
            groups = search.search(raw, self.membership)
        except ValueError as exc:
            raise serializers.ValidationError({"q": [str(exc)]}) from exc
        return Response(SearchGroupSerializer(groups, many=True).data)
