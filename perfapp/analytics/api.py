"""API: ``analytics/`` — every contribution's tables for a date range and team, with
groups of fewer than ``MIN_GROUP`` (5) people hidden exactly as on the page. Owners and HR admins;
everyone else gets 404. A bad filter (an inverted range, a team of another
organization) is a 400 and nothing is computed."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from perfapp.small_groups import MIN_GROUP
from perfapp.tenancy.api import OrganizationViewSet

from . import registry
from .forms import AnalyticsFilterForm
from .permissions import ANALYTICS_PERMISSION


class AnalyticsRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    hidden = serializers.BooleanField(help_text=f"Fewer than {MIN_GROUP} people: no figures.")
    values = serializers.ListField(
        child=serializers.JSONField(),
        help_text="One value per column after the first (numbers or percentages); all "
        "null when the row is hidden.",
    )


class AnalyticsTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = AnalyticsRowSerializer(many=True)


class AnalyticsSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    tables = AnalyticsTableSerializer(many=True)


class AnalyticsSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    team = serializers.IntegerField(allow_null=True, source="team.pk", default=None)
    sections = AnalyticsSectionSerializer(many=True)


class AnalyticsViewSet(OrganizationViewSet):
    serializer_class = AnalyticsSerializer
    pagination_class = None
    action_permissions = {"list": ANALYTICS_PERMISSION}

    @extend_schema(
        summary="HR analytics for a date range and team",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="Default: 90 days ago."),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Default: today."),
            OpenApiParameter("team", OpenApiTypes.INT, description="One team's id."),
        ],
        responses=AnalyticsSerializer,
    )
    def list(self, request, *args, **kwargs):
        form = AnalyticsFilterForm(request.query_params, organization=self.organization)
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: [str(e) for e in errors] for field, errors in form.errors.items()}
            )
        filters = form.filters()
        data = {
            "start": filters.start,
            "end": filters.end,
            "team": filters.team,
            "sections": registry.report(filters),
        }
        return Response(AnalyticsSerializer(data).data)
