"""API: published versions of the framework; they never change."""

from django.db.models import F, Func, IntegerField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advancement import snapshots
from advancement.api.common import MANAGE, NO_VERSION, VERSIONS_NEVER_CHANGE, VersionPagination
from advancement.models import FrameworkVersion
from advancement.selectors import framework as selectors
from advancement.services import framework as services
from perfapp.api.errors import service_errors
from perfapp.api.params import id_param
from perfapp.orgs.api import PersonRefSerializer
from perfapp.tenancy.api import OrganizationViewSet

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
        with service_errors():
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
        newer = id_param(request, "to", "Give a version number.")
        if newer is None:
            latest = FrameworkVersion.objects.order_by("-number").values_list("number", flat=True)
            newer = latest.first()
            if newer is None:
                raise exceptions.NotFound(NO_VERSION)
        older = id_param(request, "from", "Give a version number.", minimum=0)
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
