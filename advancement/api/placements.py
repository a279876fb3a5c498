"""API: who stands where — HR places; people see themselves and their reports."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers
from rest_framework.response import Response

from advancement.api.common import MANAGE, MAX_REPORTING_DEPTH
from advancement.models import Level, Placement
from advancement.permissions.placements import can_see_placement
from advancement.selectors.framework import current_version
from advancement.services import placements as services
from perfapp.api.errors import service_errors
from perfapp.api.params import path_id
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.tenancy.api import OrganizationViewSet

# --- placements ----------------------------------------------------------------------------


class PlacementTrackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PlacementLevelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PlacementSerializer(serializers.Serializer):
    membership = PersonRefSerializer()
    track = PlacementTrackSerializer(allow_null=True)
    level = PlacementLevelSerializer(allow_null=True)
    placed_at = serializers.DateTimeField(allow_null=True)


class PlacementUpdateSerializer(serializers.Serializer):
    level = OrgRelatedField(
        Level, allow_null=True, help_text="A published level, or null to take them off."
    )


def visible_member_ids(viewer: Membership) -> set[int]:
    """The viewer and everyone below them in the reporting tree (direct and indirect
    reports): one query per level of the tree, at most ``MAX_REPORTING_DEPTH``."""
    seen = {viewer.pk}
    frontier = {viewer.pk}
    for _ in range(MAX_REPORTING_DEPTH):
        below = Membership.objects.filter(manager_id__in=frontier).values_list("pk", flat=True)
        frontier = set(below) - seen
        if not frontier:
            break
        seen |= frontier
    return seen


def _published_places() -> dict[int, tuple[dict, dict]]:
    """level id -> (track, level) of the current published version."""
    version = current_version()
    if version is None:
        return {}
    return {
        level["id"]: (track, level)
        for track in version.snapshot["tracks"]
        for level in track["levels"]
    }


@extend_schema_view(
    list=extend_schema(
        summary="Placements: everyone's for HR, else your own and your reports'",
    ),
)
class PlacementViewSet(mixins.ListModelMixin, OrganizationViewSet):
    """Where people stand: a track and a level. Names come from the published version,
    which is what a person is placed on."""

    serializer_class = PlacementSerializer
    lookup_field = "membership_id"
    action_permissions = {"update": MANAGE}

    @staticmethod
    def _placements():
        return Placement.objects.select_related("membership__user", "track", "level").filter(
            membership__is_active=True
        )

    def get_queryset(self):
        rows = self._placements()
        if not self.membership.has_perm(MANAGE):
            rows = rows.filter(membership_id__in=sorted(visible_member_ids(self.membership)))
        return rows

    def _row(self, person: Membership, placement: Placement | None, places: dict) -> dict:
        row = {"membership": person, "track": None, "level": None, "placed_at": None}
        if placement is None:
            return row
        found = places.get(placement.level_id)
        if found is not None:
            track, level = found
        elif self.membership.has_perm(MANAGE):  # not in the published version: HR sees the draft
            track = {"id": placement.track_id, "name": placement.track.name}
            draft = placement.level
            level = {"id": draft.pk, "code": draft.code, "name": draft.name}
        else:
            return row
        row["track"] = {"id": track["id"], "name": track["name"]}
        row["level"] = {"id": level["id"], "code": level["code"], "name": level["name"]}
        row["placed_at"] = placement.placed_at
        return row

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        places = _published_places()
        rows = [self._row(placement.membership, placement, places) for placement in page]
        return self.get_paginated_response(PlacementSerializer(rows, many=True).data)

    def _person(self, membership_id) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("user"), pk=path_id(membership_id), is_active=True
        )

    def _detail(self, person: Membership) -> dict:
        """``person``'s row; the caller has checked that the viewer may see it."""
        placement = self._placements().filter(membership=person).first()
        return PlacementSerializer(self._row(person, placement, _published_places())).data

    @extend_schema(
        responses=PlacementSerializer,
        summary="One person's placement (track and level are null when not placed)",
        parameters=[OpenApiParameter("membership_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    def retrieve(self, request, membership_id=None, *args, **kwargs):
        person = self._person(membership_id)
        if not can_see_placement(self.membership, person):
            raise exceptions.NotFound()
        return Response(self._detail(person))

    @extend_schema(
        request=PlacementUpdateSerializer,
        responses=PlacementSerializer,
        summary="Place a person on a published level, or take them off (HR)",
        parameters=[OpenApiParameter("membership_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    def update(self, request, membership_id=None, *args, **kwargs):
        person = self._person(membership_id)
        serializer = PlacementUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.place(
                actor=self.membership, membership=person, level=serializer.validated_data["level"]
            )
        return Response(self._detail(person))
