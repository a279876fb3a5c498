"""API: the signed-in person's home, and a manager's team dashboard.

- ``home/``: the home panels that give data (``perfapp.web.home``), as ``{key, data}``.
- ``team-dashboard/``: the columns, one row per report with its cells and attention
  reasons, and the attention list. ``sort`` (a column key, ``-`` for descending),
  ``include=indirect`` and, for HR, ``manager=<id>``. An unknown sort or include is a
  400; a manager the viewer may not see (or of another organization) is a 404.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from perfapp.orgs.api import PersonRefSerializer
from perfapp.tenancy.api import OrganizationViewSet
from perfapp.timezones import local_today

from . import dashboard, home
from .team import team_manager


class HomePanelSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The panel: checkins, waiting, growth, career…")
    data = serializers.JSONField(help_text="What the panel shows, as plain values.")


class HomeSerializer(serializers.Serializer):
    panels = HomePanelSerializer(many=True)


class HomeViewSet(OrganizationViewSet):
    """What the home page shows the signed-in person, panel by panel."""

    serializer_class = HomeSerializer
    pagination_class = None

    @extend_schema(summary="Your home: what needs you now", responses=HomeSerializer)
    def list(self, request, *args, **kwargs):
        return Response(HomeSerializer({"panels": home.data_for(request)}).data)


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    numeric = serializers.BooleanField()


class CellSerializer(serializers.Serializer):
    text = serializers.CharField()
    value = serializers.JSONField(source="sort", allow_null=True, help_text="What sorts it.")
    tone = serializers.CharField(help_text="'', success, accent, warning or danger.")
    detail = serializers.CharField()
    url = serializers.CharField()


class AttentionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="checkin.lapsed, feedback.quiet, recognition.quiet…")
    text = serializers.CharField()


class RowSerializer(serializers.Serializer):
    member = PersonRefSerializer(source="person")
    job_title = serializers.CharField(source="person.job_title")
    direct = serializers.BooleanField()
    cells = serializers.DictField(child=CellSerializer())
    attention = AttentionSerializer(many=True)


class TeamDashboardSerializer(serializers.Serializer):
    manager = PersonRefSerializer()
    sort = serializers.CharField()
    indirect = serializers.BooleanField()
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)
    attention = RowSerializer(many=True, help_text="The rows with attention reasons, most first.")


class TeamDashboardViewSet(OrganizationViewSet):
    """A manager's team; HR may name any manager of the organization."""

    serializer_class = TeamDashboardSerializer
    pagination_class = None

    @extend_schema(
        summary="A manager's team dashboard: one row per report, and who needs attention",
        parameters=[
            OpenApiParameter("sort", OpenApiTypes.STR, description="A column key; -key descends."),
            OpenApiParameter("include", OpenApiTypes.STR, enum=["indirect"]),
            OpenApiParameter("manager", OpenApiTypes.INT, description="HR only: whose team."),
        ],
        responses=TeamDashboardSerializer,
    )
    def list(self, request, *args, **kwargs):
        params = request.query_params
        sort = params.get("sort", "")
        if sort and sort not in dashboard.sort_keys():
            raise serializers.ValidationError(
                {"sort": ["Sort by one of the columns: " + ", ".join(_column_keys()) + "."]}
            )
        include = params.get("include", "")
        if include not in ("", "indirect"):
            raise serializers.ValidationError({"include": ["Leave it out, or say indirect."]})
        try:
            manager = team_manager(self.membership, params.get("manager"))
        except Http404 as error:
            raise exceptions.NotFound() from error
        board = dashboard.build(
            manager,
            viewer=self.membership,
            today=local_today(self.membership),
            sort=sort,
            indirect=include == "indirect",
        )
        data = {
            "manager": manager,
            "sort": board.sort,
            "indirect": board.indirect,
            "columns": board.columns,
            "rows": board.rows,
            "attention": board.attention,
        }
        return Response(TeamDashboardSerializer(data).data)


def _column_keys() -> list[str]:
    return [dashboard.NAME.key, *(column.key for column in dashboard.columns())]
