"""API: competencies, tracks, levels and criteria — the draft for HR, the published
version for everyone else, in the same shapes."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from advancement.api.common import HR_WRITES, MANAGE, TRUE, FrameworkPagination, _published_param
from advancement.models import Competency, Criterion, Level, Track
from advancement.selectors import framework as selectors
from advancement.services import framework as services
from perfapp.api.errors import service_errors
from perfapp.api.params import id_param, path_id
from perfapp.orgs.api import OrgRelatedField
from perfapp.tenancy.api import OrganizationViewSet

# --- competencies --------------------------------------------------------------------------


class CompetencySerializer(serializers.ModelSerializer):
    is_archived = serializers.BooleanField(read_only=True)

    class Meta:
        model = Competency
        fields = ["id", "name", "description", "category", "archived_at", "is_archived"]
        read_only_fields = ["id", "archived_at"]
        validators = []  # the service checks names, with its own messages


@extend_schema_view(
    list=extend_schema(
        summary="List competencies",
        parameters=[
            OpenApiParameter(
                "include_archived", OpenApiTypes.BOOL, description="Also list archived ones."
            )
        ],
    ),
    retrieve=extend_schema(summary="One competency"),
    create=extend_schema(summary="Add a competency (HR)"),
    update=extend_schema(summary="Change a competency (HR)"),
    partial_update=extend_schema(summary="Change part of a competency (HR)"),
)
class CompetencyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    OrganizationViewSet,
):
    """The skills and behaviours the organization grows; everyone reads them, because
    feedback, recognition and goals are tagged with them."""

    serializer_class = CompetencySerializer
    action_permissions = {**HR_WRITES, "archive": MANAGE, "restore": MANAGE}

    def get_queryset(self):
        rows = Competency.objects.all()
        if self.action == "list" and self.request.query_params.get("include_archived") not in TRUE:
            rows = rows.filter(archived_at__isnull=True)
        return rows

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.save_competency(
                actor=self.membership, competency=Competency(**serializer.validated_data)
            )

    def perform_update(self, serializer):
        competency = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(competency, name, value)
        with service_errors():
            services.save_competency(actor=self.membership, competency=competency)

    @extend_schema(request=None, responses=CompetencySerializer, summary="Archive (HR)")
    @action(detail=True, methods=["post"])
    def archive(self, request, *args, **kwargs):
        competency = self.get_object()
        with service_errors():
            services.archive_competency(actor=self.membership, competency=competency)
        return Response(CompetencySerializer(competency).data)

    @extend_schema(request=None, responses=CompetencySerializer, summary="Restore (HR)")
    @action(detail=True, methods=["post"])
    def restore(self, request, *args, **kwargs):
        competency = self.get_object()
        with service_errors():
            services.restore_competency(actor=self.membership, competency=competency)
        return Response(CompetencySerializer(competency).data)

    def http_method_not_allowed(self, request, *args, **kwargs):
        if request.method == "DELETE":
            raise exceptions.MethodNotAllowed(
                request.method, detail="Competencies are archived, never deleted."
            )
        return super().http_method_not_allowed(request, *args, **kwargs)


# --- tracks, levels, criteria: the draft for HR, the published version for everyone else ---


class TrackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["id", "name", "description"]
        validators = []


class LevelSerializer(serializers.ModelSerializer):
    track = OrgRelatedField(Track)
    rank = serializers.IntegerField(
        min_value=1,
        max_value=32767,
        required=False,
        allow_null=True,
        help_text="1 is the first rung. Leave out to add the level on top of its track.",
    )

    class Meta:
        model = Level
        fields = ["id", "track", "rank", "code", "name", "summary"]
        validators = []

    def validate_track(self, track: Track) -> Track:
        if self.instance is not None and track.pk != self.instance.track_id:
            raise serializers.ValidationError(
                "A level stays on its track; add a new level to the other track instead."
            )
        return track


class CriterionSerializer(serializers.ModelSerializer):
    level = OrgRelatedField(Level)
    competency = OrgRelatedField(Competency, allow_null=True, required=False)
    position = serializers.IntegerField(
        min_value=0,
        max_value=32767,
        required=False,
        help_text="Order within the level. Leave out to add the criterion last.",
    )

    class Meta:
        model = Criterion
        fields = ["id", "level", "competency", "expectation", "evidence_examples", "position"]
        validators = []


def _published_tracks(snapshot: dict) -> list[dict]:
    return [
        {"id": t["id"], "name": t["name"], "description": t["description"]}
        for t in snapshot["tracks"]
    ]


def _published_levels(snapshot: dict) -> list[dict]:
    return [
        {
            "id": level["id"],
            "track": track["id"],
            "rank": level["rank"],
            "code": level["code"],
            "name": level["name"],
            "summary": level["summary"],
        }
        for track in snapshot["tracks"]
        for level in track["levels"]
    ]


def _published_criteria(snapshot: dict) -> list[dict]:
    return [
        {
            "id": criterion["id"],
            "level": level["id"],
            "competency": criterion["competency_id"],
            "expectation": criterion["expectation"],
            "evidence_examples": criterion["evidence_examples"],
            "position": position,
        }
        for track in snapshot["tracks"]
        for level in track["levels"]
        for position, criterion in enumerate(level["criteria"], start=1)
    ]


class FrameworkPartViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrganizationViewSet,
):
    """Shared by tracks, levels and criteria. Reads answer from the draft for HR and from
    the current published snapshot for everyone else (and for HR with ?published=true)."""

    pagination_class = FrameworkPagination
    action_permissions = HR_WRITES
    model: type
    service_kwarg: str  # the keyword the save/delete services take the object by
    parent_param: str | None = None  # ?track= / ?level= filter, on the same-named field

    # Set by each subclass with staticmethod(): the snapshot reader and the two services.
    published_rows: staticmethod
    save_service: staticmethod
    delete_service: staticmethod

    def reads_published(self) -> bool:
        if not self.membership.has_perm(MANAGE):
            return True
        return self.request.query_params.get("published") in TRUE

    def _parent(self) -> int | None:
        return id_param(self.request, self.parent_param) if self.parent_param else None

    def get_queryset(self):
        rows = self.model.objects.all()
        parent = self._parent() if self.action == "list" else None
        if parent is not None:
            rows = rows.filter(**{f"{self.parent_param}_id": parent})
        return rows

    def list(self, request, *args, **kwargs):
        if not self.reads_published():
            return super().list(request, *args, **kwargs)
        version = selectors.current_version()
        rows = self.published_rows(version.snapshot) if version else []
        parent = self._parent()
        if parent is not None:
            rows = [row for row in rows if row[self.parent_param] == parent]
        return Response(
            {
                "next": None,
                "previous": None,
                "version": version.number if version else None,
                "results": rows,
            }
        )

    def retrieve(self, request, *args, **kwargs):
        if not self.reads_published():
            return super().retrieve(request, *args, **kwargs)
        version = selectors.current_version()
        wanted = path_id(kwargs[self.lookup_url_kwarg or self.lookup_field])
        rows = self.published_rows(version.snapshot) if version else []
        row = next((row for row in rows if row["id"] == wanted), None)
        if row is None:
            raise exceptions.NotFound()
        return Response(row)

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = self.save_service(
                actor=self.membership,
                **{self.service_kwarg: self.model(**serializer.validated_data)},
            )

    def perform_update(self, serializer):
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        with service_errors():
            self.save_service(actor=self.membership, **{self.service_kwarg: instance})

    def perform_destroy(self, instance):
        with service_errors():
            self.delete_service(actor=self.membership, **{self.service_kwarg: instance})


def _part_schema(noun: str, plural: str, parent: str | None = None):
    parameters = [_published_param()]
    if parent:
        parameters.append(
            OpenApiParameter(parent, OpenApiTypes.INT, description=f"Only this {parent}'s.")
        )
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural} (the draft for HR, else the published version)",
            parameters=parameters,
        ),
        retrieve=extend_schema(summary=f"One {noun}", parameters=[_published_param()]),
        create=extend_schema(summary=f"Add a {noun} to the draft (HR)"),
        update=extend_schema(summary=f"Change a draft {noun} (HR)"),
        partial_update=extend_schema(summary=f"Change part of a draft {noun} (HR)"),
        destroy=extend_schema(summary=f"Remove a {noun} from the draft (HR)"),
    )


@_part_schema("track", "tracks")
class TrackViewSet(FrameworkPartViewSet):
    serializer_class = TrackSerializer
    model = Track
    service_kwarg = "track"
    published_rows = staticmethod(_published_tracks)

    save_service = staticmethod(services.save_track)
    delete_service = staticmethod(services.delete_track)


@_part_schema("level", "levels", parent="track")
class LevelViewSet(FrameworkPartViewSet):
    serializer_class = LevelSerializer
    model = Level
    service_kwarg = "level"
    parent_param = "track"
    published_rows = staticmethod(_published_levels)

    def get_queryset(self):
        return super().get_queryset().select_related("track")

    save_service = staticmethod(services.save_level)
    delete_service = staticmethod(services.delete_level)


@_part_schema("criterion", "criteria", parent="level")
class CriterionViewSet(FrameworkPartViewSet):
    serializer_class = CriterionSerializer
    model = Criterion
    service_kwarg = "criterion"
    parent_param = "level"
    published_rows = staticmethod(_published_criteria)

    def get_queryset(self):
        return super().get_queryset().select_related("level", "competency")

    save_service = staticmethod(services.save_criterion)
    delete_service = staticmethod(services.delete_criterion)
