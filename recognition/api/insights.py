"""API: recognition insights for managers (the people below them) and HR (the whole
organization). Everyone else gets 404.

- ``recognition-insights/quiet/``: people not recognized in the last ``days`` days.
- ``recognition-insights/spread/``: per team (figures only for teams of at least
  ``MIN_GROUP`` people, as in analytics) and per kind of contribution.
- ``recognition-insights/givers/``: who gives, who receives.
- ``recognition-insights/trend/``: recognitions per week over ``weeks`` weeks.

``days`` (7–365, default the organization's setting), ``weeks`` (12–26, default 12) and
``scope`` (``org`` or ``team``; HR only) are checked: out of bounds is a 400.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from perfapp.api.pagination import StableCursorPagination
from perfapp.orgs.api import PersonRefSerializer, TeamRefSerializer
from perfapp.small_groups import MIN_GROUP
from perfapp.tenancy.api import OrganizationViewSet
from recognition.models import RecognitionSettings
from recognition.selectors import insights

DAYS_PARAM = OpenApiParameter(
    "days", OpenApiTypes.INT, description="The window in days, 7–365 (default: the setting)."
)
SCOPE_PARAM = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    enum=["org", "team"],
    description="HR who also manage: org (default) or team.",
)
WEEKS_PARAM = OpenApiParameter("weeks", OpenApiTypes.INT, description="12–26 (default 12).")


def _int_param(request, name: str, low: int, high: int, default: int) -> int:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise serializers.ValidationError({name: [f"Choose a whole number from {low} to {high}."]})
    return int(raw)


class QuietPersonSerializer(serializers.Serializer):
    member = PersonRefSerializer(source="*")
    team = TeamRefSerializer(allow_null=True)
    manager = PersonRefSerializer(allow_null=True)
    last_recognized = serializers.DateTimeField(allow_null=True)


class TeamSpreadSerializer(serializers.Serializer):
    team_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    people = serializers.IntegerField()
    hidden = serializers.BooleanField(
        help_text=f"Fewer than {MIN_GROUP} people: no figures (as in analytics)."
    )
    recognized = serializers.IntegerField(
        allow_null=True, help_text="People recognized at least once; null when hidden."
    )
    received = serializers.IntegerField(
        allow_null=True, help_text="Recognitions received; null when hidden."
    )
    share = serializers.IntegerField(
        allow_null=True, help_text="Percentage of the team recognized; null when hidden."
    )


class KindSpreadSerializer(serializers.Serializer):
    kind_id = serializers.IntegerField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.IntegerField()


class SpreadSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    teams = TeamSpreadSerializer(many=True)
    kinds = KindSpreadSerializer(many=True)


class CountedPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    given = serializers.IntegerField()
    received = serializers.IntegerField()


class GiversSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    people = serializers.IntegerField()
    both = serializers.IntegerField()
    give_only = serializers.IntegerField()
    receive_only = serializers.IntegerField()
    neither = serializers.IntegerField()
    give_only_people = CountedPersonSerializer(many=True)
    receive_only_people = CountedPersonSerializer(many=True)
    top_givers = CountedPersonSerializer(many=True)


class WeekSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    recognitions = serializers.IntegerField()
    people = serializers.IntegerField()


class TrendSerializer(serializers.Serializer):
    weeks = WeekSerializer(many=True)


class RecognitionInsightsViewSet(OrganizationViewSet):
    """Insights are aggregates: no message, no private content, only counts and names."""

    serializer_class = QuietPersonSerializer
    pagination_class = StableCursorPagination  # by id: a cursor cannot order on NULLs

    def _scope(self) -> insights.InsightScope:
        want = self.request.query_params.get("scope", "")
        if want not in ("", "org", "team"):
            raise serializers.ValidationError({"scope": ["Choose org or team."]})
        scope = insights.scope_for(self.membership, want_org=None if not want else want == "org")
        if scope is None:
            raise exceptions.NotFound()
        return scope

    def _days(self) -> int:
        default = RecognitionSettings.of(self.organization).quiet_after_days
        return _int_param(self.request, "days", *insights.DAYS, default)

    @extend_schema(
        summary="People not recognized in the last N days (null: never recognized)",
        parameters=[DAYS_PARAM, SCOPE_PARAM],
        responses=QuietPersonSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def quiet(self, request, *args, **kwargs):
        scope, days = self._scope(), self._days()
        rows = insights.quiet_people(scope, days).order_by()
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(QuietPersonSerializer(page, many=True).data)

    @extend_schema(
        summary="How recognition spreads across teams and kinds of contribution",
        parameters=[DAYS_PARAM, SCOPE_PARAM],
        responses=SpreadSerializer,
    )
    @action(detail=False, methods=["get"])
    def spread(self, request, *args, **kwargs):
        scope, days = self._scope(), self._days()
        since = insights.window_start(days)
        data = {
            "days": days,
            "teams": insights.spread_by_team(scope, since),
            "kinds": insights.spread_by_kind(scope, since),
        }
        return Response(SpreadSerializer(data).data)

    @extend_schema(
        summary="Givers and receivers in the last N days",
        parameters=[DAYS_PARAM, SCOPE_PARAM],
        responses=GiversSerializer,
    )
    @action(detail=False, methods=["get"])
    def givers(self, request, *args, **kwargs):
        scope, days = self._scope(), self._days()
        found = insights.givers_and_receivers(scope, insights.window_start(days))
        return Response(GiversSerializer({"days": days, **vars(found)}).data)

    @extend_schema(
        summary="Recognitions per week (Monday to Sunday, the organization's time zone)",
        parameters=[WEEKS_PARAM, SCOPE_PARAM],
        responses=TrendSerializer,
    )
    @action(detail=False, methods=["get"])
    def trend(self, request, *args, **kwargs):
        scope = self._scope()
        weeks = _int_param(request, "weeks", *insights.WEEKS, insights.WEEKS[0])
        return Response(TrendSerializer({"weeks": insights.weekly_trend(scope, weeks)}).data)
