"""API: the career framework of one organization.

HR (``Permission.MANAGE_FRAMEWORK``) reads and edits the draft and publishes versions.
Everyone else reads the current published version, rebuilt from its snapshot in the same
shapes, so work in progress never reaches them. Every write goes through
``advancement.services``; the base viewset owns the tenant scope and answers 404 to a
write by someone without the permission.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import F, Func, IntegerField
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from perfapp.api.pagination import StableCursorPagination
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.tenancy.api import OrganizationViewSet

from . import selectors, services, snapshots
from .models import (
    Competency,
    Criterion,
    FrameworkVersion,
    Level,
    Placement,
    Proposal,
    ProposalComment,
    ProposalStatus,
    ProposalTarget,
    ProposalVote,
    Track,
)
from .permissions import can_see_placement

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
        with _service_errors():
            serializer.instance = services.save_competency(
                actor=self.membership, competency=Competency(**serializer.validated_data)
            )

    def perform_update(self, serializer):
        competency = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(competency, name, value)
        with _service_errors():
            services.save_competency(actor=self.membership, competency=competency)

    @extend_schema(request=None, responses=CompetencySerializer, summary="Archive (HR)")
    @action(detail=True, methods=["post"])
    def archive(self, request, *args, **kwargs):
        competency = self.get_object()
        with _service_errors():
            services.archive_competency(actor=self.membership, competency=competency)
        return Response(CompetencySerializer(competency).data)

    @extend_schema(request=None, responses=CompetencySerializer, summary="Restore (HR)")
    @action(detail=True, methods=["post"])
    def restore(self, request, *args, **kwargs):
        competency = self.get_object()
        with _service_errors():
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
        return _numeric_param(self.request, self.parent_param) if self.parent_param else None

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
        wanted = _path_id(kwargs[self.lookup_url_kwarg or self.lookup_field])
        rows = self.published_rows(version.snapshot) if version else []
        row = next((row for row in rows if row["id"] == wanted), None)
        if row is None:
            raise exceptions.NotFound()
        return Response(row)

    def perform_create(self, serializer):
        with _service_errors():
            serializer.instance = self.save_service(
                actor=self.membership,
                **{self.service_kwarg: self.model(**serializer.validated_data)},
            )

    def perform_update(self, serializer):
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        with _service_errors():
            self.save_service(actor=self.membership, **{self.service_kwarg: instance})

    def perform_destroy(self, instance):
        with _service_errors():
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


# --- versions ------------------------------------------------------------------------------


class FrameworkChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["track", "level", "competency", "criterion"])
    op = serializers.ChoiceField(choices=["added", "changed", "removed"])
    key = serializers.IntegerField(help_text="The id of what changed.")
    label = serializers.CharField()
    where = serializers.CharField()
    before = serializers.DictField()
    after = serializers.DictField()


class FrameworkVersionSerializer(serializers.ModelSerializer):
    published_by = PersonRefSerializer(read_only=True, allow_null=True)
    change_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = FrameworkVersion
        fields = ["number", "summary", "published_at", "published_by", "change_count"]
        read_only_fields = fields


class FrameworkVersionDetailSerializer(FrameworkVersionSerializer):
    change_count = serializers.SerializerMethodField()
    changes = FrameworkChangeSerializer(many=True, read_only=True)
    snapshot = serializers.JSONField(read_only=True)
    proposals = serializers.SerializerMethodField(help_text="Proposals this version took in.")

    class Meta(FrameworkVersionSerializer.Meta):
        fields = [*FrameworkVersionSerializer.Meta.fields, "changes", "proposals", "snapshot"]
        read_only_fields = fields

    def get_change_count(self, version) -> int:
        return len(version.changes)

    def get_proposals(self, version) -> list[int]:
        return list(version.proposals.order_by("id").values_list("id", flat=True))


class PublishVersionSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=2000)


COMPARISON = inline_serializer(
    name="VersionComparison",
    fields={
        "from": serializers.IntegerField(help_text="0 is the empty framework."),
        "to": serializers.IntegerField(),
        "changes": FrameworkChangeSerializer(many=True),
    },
)


@extend_schema_view(
    list=extend_schema(summary="Published versions, newest first"),
    retrieve=extend_schema(summary="One version, with its snapshot and change log"),
)
class VersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Immutable published versions of the framework."""

    serializer_class = FrameworkVersionSerializer
    pagination_class = VersionPagination
    lookup_field = "number"
    action_permissions = {"create": MANAGE}

    def get_queryset(self):
        if self.action == "list":
            return (
                selectors.versions()
                .defer("changes")
                .annotate(
                    change_count=Func(
                        F("changes"), function="jsonb_array_length", output_field=IntegerField()
                    )
                )
            )
        return FrameworkVersion.objects.select_related("published_by__user")

    def get_serializer_class(self):
        return (
            FrameworkVersionSerializer
            if self.action == "list"
            else FrameworkVersionDetailSerializer
        )

    @extend_schema(
        request=PublishVersionSerializer,
        responses={201: FrameworkVersionDetailSerializer},
        summary="Publish the draft as the next version (HR)",
    )
    def create(self, request, *args, **kwargs):
        serializer = PublishVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _service_errors():
            version = services.publish(
                actor=self.membership, summary=serializer.validated_data["summary"]
            )
        return Response(
            FrameworkVersionDetailSerializer(version).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses=FrameworkVersionDetailSerializer, summary="The current version")
    @action(detail=False, methods=["get"])
    def current(self, request, *args, **kwargs):
        version = self.get_queryset().order_by("-number").first()
        if version is None:
            raise exceptions.NotFound(NO_VERSION)
        return Response(FrameworkVersionDetailSerializer(version).data)

    @extend_schema(
        responses=COMPARISON,
        summary="What changed between two versions",
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.INT, description="Older number; 0 is empty. Default: to-1."
            ),
            OpenApiParameter("to", OpenApiTypes.INT, description="Newer number. Default: current."),
        ],
    )
    @action(detail=False, methods=["get"])
    def compare(self, request, *args, **kwargs):
        newer = _numeric_param(request, "to", "Give a version number.")
        if newer is None:
            latest = FrameworkVersion.objects.order_by("-number").values_list("number", flat=True)
            newer = latest.first()
            if newer is None:
                raise exceptions.NotFound(NO_VERSION)
        older = _numeric_param(request, "from", "Give a version number.")
        if older is None:
            older = max(newer - 1, 0)
        right = selectors.version_numbered(newer)
        left = selectors.version_numbered(older) if older else None
        missing = {}
        if right is None:
            missing["to"] = [f"There is no version {newer}."]
        if older and left is None:
            missing["from"] = [f"There is no version {older}."]
        if missing:
            raise serializers.ValidationError(missing, code="does_not_exist")
        changes = snapshots.diff(left.snapshot if left else snapshots.EMPTY, right.snapshot)
        return Response(
            {"from": older, "to": newer, "changes": [change.as_dict() for change in changes]}
        )

    def http_method_not_allowed(self, request, *args, **kwargs):
        if request.method in ("PUT", "PATCH", "DELETE") or "number" in kwargs:
            raise exceptions.MethodNotAllowed(request.method, detail=VERSIONS_NEVER_CHANGE)
        return super().http_method_not_allowed(request, *args, **kwargs)


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
    version = selectors.current_version()
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
            Membership.objects.select_related("user"), pk=_path_id(membership_id), is_active=True
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
        with _service_errors():
            services.place(
                actor=self.membership, membership=person, level=serializer.validated_data["level"]
            )
        return Response(self._detail(person))


# --- proposals -----------------------------------------------------------------------------


class ProposalSerializer(serializers.ModelSerializer):
    author = PersonRefSerializer(read_only=True)
    answered_by = PersonRefSerializer(read_only=True, allow_null=True)
    target_id = serializers.SerializerMethodField()
    included_in = serializers.IntegerField(
        source="included_in.number",
        read_only=True,
        allow_null=True,
        help_text="The number of the version that took this proposal in.",
    )
    vote_count = serializers.IntegerField(read_only=True)
    comment_count = serializers.IntegerField(read_only=True)
    voted = serializers.BooleanField(read_only=True, help_text="Whether you +1'd it.")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "author",
            "target",
            "target_id",
            "target_label",
            "current_text",
            "proposed_text",
            "rationale",
            "status",
            "answer",
            "answered_by",
            "answered_at",
            "included_in",
            "created_at",
            "vote_count",
            "comment_count",
            "voted",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_target_id(self, proposal) -> int | None:
        return {
            ProposalTarget.CRITERION: proposal.criterion_id,
            ProposalTarget.LEVEL: proposal.level_id,
            ProposalTarget.COMPETENCY: proposal.competency_id,
        }.get(proposal.target)


class ProposalCreateSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=ProposalTarget.choices)
    target_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    proposed_text = serializers.CharField(max_length=1000)
    rationale = serializers.CharField(max_length=2000)


class ProposalAnswerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            (value, label)
            for value, label in ProposalStatus.choices
            if value != ProposalStatus.OPEN
        ]
    )
    answer = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class ProposalVoteResultSerializer(serializers.Serializer):
    voted = serializers.BooleanField()
    vote_count = serializers.IntegerField()


class ProposalCommentSerializer(serializers.ModelSerializer):
    author = PersonRefSerializer(read_only=True)

    class Meta:
        model = ProposalComment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


# What a proposal is about, and how to load it inside the tenant scope.
PROPOSAL_TARGETS = {
    ProposalTarget.CRITERION: lambda: Criterion.objects.select_related(
        "level__track", "competency"
    ),
    ProposalTarget.LEVEL: lambda: Level.objects.select_related("track"),
    ProposalTarget.COMPETENCY: lambda: Competency.objects.all(),
}


@extend_schema_view(
    list=extend_schema(
        summary="Proposals, newest first",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=ProposalStatus.values),
        ],
    ),
    retrieve=extend_schema(summary="One proposal"),
)
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Everyone proposes wording for the framework, comments and +1s; HR answers."""

    serializer_class = ProposalSerializer
    pagination_class = NewestFirstPagination
    action_permissions = {"answer": MANAGE}

    def get_queryset(self):
        if self.action in ("vote", "comments"):
            return Proposal.objects.all()
        status_filter = ""
        if self.action == "list":
            status_filter = self.request.query_params.get("status", "")
            if status_filter and status_filter not in ProposalStatus.values:
                raise serializers.ValidationError(
                    {"status": [f"Choose one of: {', '.join(ProposalStatus.values)}."]}
                )
        return selectors.proposals(viewer=self.membership, status=status_filter)

    def _fresh(self, proposal: Proposal) -> dict:
        row = selectors.proposals(viewer=self.membership).get(pk=proposal.pk)
        return ProposalSerializer(row).data

    def _target(self, target: str, target_id: int):
        obj = PROPOSAL_TARGETS[target]().filter(pk=target_id).first()
        if (
            obj is not None
            and not self.membership.has_perm(MANAGE)
            and services.published_text(target, obj) is None
        ):
            obj = None  # members never learn what the draft holds, not even that it exists
        if obj is None:
            raise serializers.ValidationError(
                {"target_id": [f"There is no {target} {target_id} in the framework."]},
                code="does_not_exist",
            )
        return obj

    @extend_schema(
        request=ProposalCreateSerializer,
        responses={201: ProposalSerializer},
        summary="Propose new wording for a criterion, a level summary or a competency",
    )
    def create(self, request, *args, **kwargs):
        serializer = ProposalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        obj = self._target(data["target"], data["target_id"])
        with _service_errors():
            proposal = services.propose(
                author=self.membership,
                target=data["target"],
                obj=obj,
                proposed_text=data["proposed_text"],
                rationale=data["rationale"],
            )
        return Response(self._fresh(proposal), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses=ProposalVoteResultSerializer, summary="+1, or take the +1 back"
    )
    @action(detail=True, methods=["post"])
    def vote(self, request, *args, **kwargs):
        proposal = self.get_object()
        with _service_errors():
            voted = services.toggle_vote(voter=self.membership, proposal=proposal)
        count = ProposalVote.objects.filter(proposal=proposal).count()
        return Response({"voted": voted, "vote_count": count})

    @extend_schema(
        request=ProposalAnswerSerializer,
        responses=ProposalSerializer,
        summary="Answer a proposal (HR)",
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, *args, **kwargs):
        proposal = self.get_object()
        serializer = ProposalAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _service_errors():
            services.answer(actor=self.membership, proposal=proposal, **serializer.validated_data)
        return Response(self._fresh(proposal))

    @extend_schema(
        methods=["GET"],
        responses=ProposalCommentSerializer(many=True),
        summary="A proposal's comments",
    )
    @extend_schema(
        methods=["POST"],
        request=ProposalCommentSerializer,
        responses={201: ProposalCommentSerializer},
        summary="Comment on a proposal",
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, *args, **kwargs):
        proposal = self.get_object()
        if request.method == "POST":
            serializer = ProposalCommentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            with _service_errors():
                comment = services.comment(
                    author=self.membership,
                    proposal=proposal,
                    body=serializer.validated_data["body"],
                )
            return Response(ProposalCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        rows = ProposalComment.objects.filter(proposal=proposal).select_related("author__user")
        paginator = StableCursorPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(ProposalCommentSerializer(page, many=True).data)
