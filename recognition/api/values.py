"""API: company values and contribution kinds. Everyone reads them; HR (owners and HR
admins) adds, edits, orders, archives and restores them, and maps kinds to competencies.

The same rules as the pages (``recognition.services.values``); their ValidationErrors
become the 400 envelope, and every change is in the audit log.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advancement.api.common import CompetencyRefSerializer
from advancement.models import Competency
from perfapp.api.errors import service_errors
from perfapp.api.pagination import StableCursorPagination
from perfapp.orgs.api import OrgRelatedField
from perfapp.tenancy.api import OrganizationViewSet
from recognition.models import CompanyValue, ContributionKind
from recognition.permissions.recognition import MANAGE
from recognition.selectors import values as selectors
from recognition.services import values as services

HR_ACTIONS = dict.fromkeys(("create", "partial_update", "archive", "restore", "move"), MANAGE)
TRUE = ("1", "true")


class PositionPagination(StableCursorPagination):
    """In the order HR gave them (archived ones, when asked for, by the same position)."""

    ordering = ("position", "id")


def _include_archived() -> OpenApiParameter:
    return OpenApiParameter(
        "include_archived",
        OpenApiTypes.BOOL,
        description="Also list archived ones (recognition given earlier may still show them).",
    )


class CompanyValueSerializer(serializers.ModelSerializer):
    archived = serializers.BooleanField(source="is_archived", read_only=True)

    class Meta:
        model = CompanyValue
        fields = ["id", "name", "description", "emoji", "position", "archived", "archived_at"]
        read_only_fields = fields


class CompanyValueWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, allow_blank=True)
    description = serializers.CharField(max_length=300, allow_blank=True, required=False)
    emoji = serializers.CharField(max_length=8, allow_blank=True, required=False)


class CatalogueMoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class CatalogueMovedSerializer(serializers.Serializer):
    moved = serializers.BooleanField(help_text="False when it was already first or last.")


class ContributionKindSerializer(serializers.ModelSerializer):
    archived = serializers.SerializerMethodField()
    competencies = CompetencyRefSerializer(many=True, read_only=True)

    class Meta:
        model = ContributionKind
        fields = [
            "id",
            "name",
            "description",
            "position",
            "competencies",
            "archived",
            "archived_at",
        ]
        read_only_fields = fields

    def get_archived(self, kind: ContributionKind) -> bool:
        return kind.archived_at is not None


class ContributionKindWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, allow_blank=True)
    description = serializers.CharField(max_length=300, allow_blank=True, required=False)
    competencies = OrgRelatedField(
        Competency,
        many=True,
        required=False,
        help_text="Competency ids: recognition of this kind is evidence for them.",
    )


class _CatalogueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Shared list/retrieve/archive/restore/move of values and kinds."""

    pagination_class = PositionPagination
    action_permissions = HR_ACTIONS
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _archived_too(self) -> bool:
        return self.action != "list" or (
            self.request.query_params.get("include_archived", "").lower() in TRUE
        )

    def _fresh(self, item) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=item.pk)).data

    def _act(self, service, **kwargs) -> Response:
        item = self.get_object()
        with service_errors():
            service(actor=self.membership, **{self.noun: item}, **kwargs)
        return Response(self._fresh(item))

    @extend_schema(request=None, summary="Archive (HR): nobody can pick it any more")
    @action(detail=True, methods=["post"])
    def archive(self, request, *args, **kwargs):
        return self._act(self.archive_service)

    @extend_schema(request=None, summary="Restore an archived one (HR)")
    @action(detail=True, methods=["post"])
    def restore(self, request, *args, **kwargs):
        return self._act(self.restore_service)

    @extend_schema(
        request=CatalogueMoveSerializer,
        responses=CatalogueMovedSerializer,
        summary="Move it one place up or down among the active ones (HR)",
    )
    @action(detail=True, methods=["post"])
    def move(self, request, *args, **kwargs):
        item = self.get_object()
        serializer = CatalogueMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            moved = self.move_service(
                actor=self.membership,
                **{self.noun: item},
                direction=serializer.validated_data["direction"],
            )
        return Response({"moved": moved})


@extend_schema_view(
    list=extend_schema(summary="Company values, in HR's order", parameters=[_include_archived()]),
    retrieve=extend_schema(summary="One company value"),
    archive=extend_schema(responses=CompanyValueSerializer),
    restore=extend_schema(responses=CompanyValueSerializer),
)
class CompanyValueViewSet(_CatalogueViewSet, OrganizationViewSet):
    """What the organization stands for; people pick values when they recognize someone."""

    serializer_class = CompanyValueSerializer
    noun = "value"
    archive_service = staticmethod(services.archive_value)
    restore_service = staticmethod(services.restore_value)
    move_service = staticmethod(services.move_value)

    def get_queryset(self):
        rows = CompanyValue.objects.all()
        if not self._archived_too():
            rows = rows.filter(archived_at__isnull=True)
        return rows.order_by("position", "id")

    @extend_schema(
        request=CompanyValueWriteSerializer,
        responses={201: CompanyValueSerializer},
        summary="Add a company value (HR)",
    )
    def create(self, request, *args, **kwargs):
        serializer = CompanyValueWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            value = services.add_value(actor=self.membership, **serializer.validated_data)
        return Response(self._fresh(value), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CompanyValueWriteSerializer,
        responses=CompanyValueSerializer,
        summary="Rename or describe a company value (HR)",
    )
    def partial_update(self, request, *args, **kwargs):
        value = self.get_object()
        serializer = CompanyValueWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            services.change_value(
                actor=self.membership,
                value=value,
                name=data.get("name", value.name),
                description=data.get("description", value.description),
                emoji=data.get("emoji", value.emoji),
            )
        return Response(self._fresh(value))


@extend_schema_view(
    list=extend_schema(
        summary="Contribution kinds, in HR's order", parameters=[_include_archived()]
    ),
    retrieve=extend_schema(summary="One contribution kind"),
    archive=extend_schema(responses=ContributionKindSerializer),
    restore=extend_schema(responses=ContributionKindSerializer),
)
class ContributionKindViewSet(_CatalogueViewSet, OrganizationViewSet):
    """What kind of contribution a recognition is about. The organization starts with a
    built-in set; HR edits it and maps each kind to competencies."""

    serializer_class = ContributionKindSerializer
    noun = "kind"
    archive_service = staticmethod(services.archive_kind)
    restore_service = staticmethod(services.restore_kind)
    move_service = staticmethod(services.move_kind)

    def get_queryset(self):
        return selectors.kinds_with_competencies(include_archived=self._archived_too()).order_by(
            "position", "id"
        )

    @extend_schema(
        request=ContributionKindWriteSerializer,
        responses={201: ContributionKindSerializer},
        summary="Add a contribution kind (HR)",
    )
    def create(self, request, *args, **kwargs):
        serializer = ContributionKindWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            kind = services.add_kind(actor=self.membership, **serializer.validated_data)
        return Response(self._fresh(kind), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ContributionKindWriteSerializer,
        responses=ContributionKindSerializer,
        summary="Rename a contribution kind or change its competencies (HR)",
    )
    def partial_update(self, request, *args, **kwargs):
        kind = self.get_object()
        serializer = ContributionKindWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            services.change_kind(
                actor=self.membership,
                kind=kind,
                name=data.get("name", kind.name),
                description=data.get("description", kind.description),
                competencies=data.get("competencies"),
            )
        return Response(self._fresh(kind))
