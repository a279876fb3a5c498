"""API: members, teams, invitations and /me/ of one organization."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from perfapp.accounts.models import display_name
from perfapp.api.errors import service_errors
from perfapp.api.lists import PersonRef, PlainListMixin, Ref, Row, datetime_text
from perfapp.orgs.selectors import organizations_of
from perfapp.tenancy.api import OrganizationViewSet

from . import selectors, services
from .models import Invitation, Membership, Team, effective_time_zone
from .permissions import can_see_email, can_see_email_of
from .roles import ROLE_PERMISSIONS, Permission, Role


@extend_schema_field(OpenApiTypes.INT)
class OrgRelatedField(serializers.PrimaryKeyRelatedField):
    """An id that must name an object of the URL's organization. The queryset is read at
    validation time, inside the tenant scope, so another organization's id is simply
    "does not exist"."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.all()


class TeamRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class PersonRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.display_name")

    class Meta:
        model = Membership
        fields = ["id", "name"]


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)
    email = serializers.SerializerMethodField(
        help_text="Only for yourself, and for owners and HR admins: everyone else gets null "
        '("Only you and HR see your email address").'
    )
    team = TeamRefSerializer(read_only=True)
    manager = PersonRefSerializer(read_only=True)
    is_manager = serializers.BooleanField(source="has_reports", read_only=True)
    effective_time_zone = serializers.CharField(read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "name",
            "email",
            "job_title",
            "role",
            "team",
            "manager",
            "is_manager",
            "is_active",
            "time_zone",
            "effective_time_zone",
            "joined_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_email(self, member: Membership) -> str | None:
        viewer = self.context.get("membership")
        return member.user.email if viewer and can_see_email(viewer, member) else None


TEAM_REF = Ref("team", "name")
MANAGER_REF = PersonRef("manager")
MEMBER_COLUMNS = (
    "id",
    "organization_id",
    "user__name",
    "user__email",
    "user__time_zone",
    "job_title",
    "role",
    *TEAM_REF.columns,
    *MANAGER_REF.columns,
    "has_reports",
    "is_active",
    "time_zone",
    "joined_at",
)


def member_rows(page: list[Row], *, viewer: Membership) -> list[Row]:
    """``MemberSerializer``'s output for members of the viewer's organization read as
    ``MEMBER_COLUMNS`` (the list)."""
    when = datetime_text()
    organization_zone = viewer.organization.time_zone
    rows = []
    for row in page:
        pk = row["id"]
        visible = can_see_email_of(viewer, person_id=pk, organization_id=row["organization_id"])
        rows.append(
            {
                "id": pk,
                "name": display_name(row["user__name"], row["user__email"]),
                "email": row["user__email"] if visible else None,
                "job_title": row["job_title"],
                "role": row["role"],
                "team": TEAM_REF(row),
                "manager": MANAGER_REF(row),
                "is_manager": row["has_reports"],
                "is_active": row["is_active"],
                "time_zone": row["time_zone"],
                "effective_time_zone": effective_time_zone(
                    row["user__time_zone"], row["time_zone"], organization_zone
                ),
                "joined_at": when(row["joined_at"]),
            }
        )
    return rows


class MemberUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    manager = OrgRelatedField(Membership, allow_null=True, required=False)
    team = OrgRelatedField(Team, allow_null=True, required=False)
    job_title = serializers.CharField(max_length=120, allow_blank=True, required=False)
    time_zone = serializers.CharField(max_length=64, allow_blank=True, required=False)

    def validate_time_zone(self, value: str) -> str:
        from perfapp.timezones import validate_time_zone

        validate_time_zone(value)
        return value


class TeamSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "description", "member_count"]


class InvitationSerializer(serializers.ModelSerializer):
    manager = OrgRelatedField(Membership, allow_null=True, required=False)
    team = OrgRelatedField(Team, allow_null=True, required=False)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "name",
            "role",
            "manager",
            "team",
            "job_title",
            "status",
            "created_at",
            "expires_at",
        ]
        read_only_fields = ["id", "status", "created_at", "expires_at"]


class MeSerializer(serializers.Serializer):
    member = MemberSerializer()
    organization = serializers.SerializerMethodField()
    organizations = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    def get_organization(self, data) -> dict:
        organization = data["member"].organization
        return {
            "slug": organization.slug,
            "name": organization.name,
            "time_zone": organization.time_zone,
        }

    def get_organizations(self, data) -> list[dict]:
        return [{"slug": o.slug, "name": o.name} for o in data["organizations"]]

    def get_permissions(self, data) -> list[str]:
        return sorted(ROLE_PERMISSIONS[data["member"].role])


@extend_schema_view(
    list=extend_schema(summary="List the organization's people"),
    retrieve=extend_schema(summary="One person"),
    partial_update=extend_schema(
        summary="Change role, manager, team, title or time zone (HR)",
        request=MemberUpdateSerializer,
    ),
)
class MemberViewSet(
    PlainListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet
):
    serializer_class = MemberSerializer
    action_permissions = {
        "partial_update": Permission.MANAGE_PEOPLE,
        "deactivate": Permission.MANAGE_PEOPLE,
        "reactivate": Permission.MANAGE_PEOPLE,
    }
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        members = selectors.with_manager_flag(
            Membership.objects.select_related("user", "team", "manager__user", "organization")
        )
        return self._listed(members) if self.action == "list" else members

    def _listed(self, members):
        params = self.request.query_params
        if params.get("include_inactive") not in ("1", "true"):
            members = members.filter(is_active=True)
        for param, lookup in (("team", "team_id"), ("manager", "manager_id")):
            value = params.get(param)
            if value:
                if not value.isdigit():
                    raise serializers.ValidationError({param: ["Give a numeric id."]})
                members = members.filter(**{lookup: int(value)})
        return members

    def list_values(self):
        members = selectors.with_manager_flag(Membership.objects.all())
        return self._listed(members).values(*MEMBER_COLUMNS)

    def list_rows(self, page):
        return member_rows(page, viewer=self.membership)

    def partial_update(self, request, *args, **kwargs):
        member = self.get_object()
        serializer = MemberUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.update_membership(
                actor=self.membership, membership=member, **serializer.validated_data
            )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=None, responses=MemberSerializer, summary="Deactivate (HR)")
    @action(detail=True, methods=["post"])
    def deactivate(self, request, *args, **kwargs):
        return self._change(services.deactivate_membership)

    @extend_schema(request=None, responses=MemberSerializer, summary="Reactivate (HR)")
    @action(detail=True, methods=["post"])
    def reactivate(self, request, *args, **kwargs):
        return self._change(services.reactivate_membership)

    def _change(self, service):
        member = self.get_object()
        with service_errors():
            service(actor=self.membership, membership=member)
        return Response(self.get_serializer(self.get_object()).data)


class TeamViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrganizationViewSet,
):
    serializer_class = TeamSerializer
    action_permissions = {
        "create": Permission.MANAGE_PEOPLE,
        "update": Permission.MANAGE_PEOPLE,
        "partial_update": Permission.MANAGE_PEOPLE,
        "destroy": Permission.MANAGE_PEOPLE,
    }

    def get_queryset(self):
        return selectors.teams_with_counts().order_by("id")

    def perform_create(self, serializer):
        with service_errors():
            team = services.create_team(actor=self.membership, **serializer.validated_data)
        serializer.instance = selectors.teams_with_counts().get(pk=team.pk)

    def perform_update(self, serializer):
        data = {"name": serializer.instance.name, "description": serializer.instance.description}
        data.update(serializer.validated_data)
        with service_errors():
            services.update_team(actor=self.membership, team=serializer.instance, **data)

    def perform_destroy(self, instance):
        services.delete_team(actor=self.membership, team=instance)


class InvitationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    OrganizationViewSet,
):
    """Open invitations; HR only."""

    serializer_class = InvitationSerializer
    action_permissions = {
        "list": Permission.MANAGE_PEOPLE,
        "retrieve": Permission.MANAGE_PEOPLE,
        "create": Permission.MANAGE_PEOPLE,
        "revoke": Permission.MANAGE_PEOPLE,
    }

    def get_queryset(self):
        if self.action == "list":
            return selectors.open_invitations()
        return Invitation.objects.all()

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = services.invite(
                actor=self.membership, **serializer.validated_data
            )

    @extend_schema(request=None, responses=InvitationSerializer, summary="Revoke")
    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        invitation = self.get_object()
        with service_errors():
            services.revoke_invitation(actor=self.membership, invitation=invitation)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_200_OK)


class MeViewSet(OrganizationViewSet):
    serializer_class = MeSerializer
    pagination_class = None

    @extend_schema(responses=MeSerializer, summary="Who am I in this organization")
    def list(self, request, *args, **kwargs):
        member = selectors.with_manager_flag(
            Membership.objects.select_related("user", "team", "manager__user", "organization")
        ).get(pk=self.membership.pk)
        data = {"member": member, "organizations": organizations_of(request.user)}
        return Response(MeSerializer(data, context=self.get_serializer_context()).data)
