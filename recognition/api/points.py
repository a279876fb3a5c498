"""API: points balances and their ledger, the reward catalogue, and redemptions.

- ``points-balances/``: your own balance; HR reads everyone's (``…/<member id>/``).
- ``points-entries/``: the ledger, newest first; yours, or anyone's for HR (``?member=``).
- ``rewards/``: the catalogue; HR adds, changes, archives and offers again.
- ``redemptions/``: ask for a reward (``POST``); yours, or HR's queue (``?scope=all``);
  HR approves or rejects (``…/approve/``, ``…/reject/``).
"""

from django.core.exceptions import PermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from perfapp.api.errors import service_errors
from perfapp.api.pagination import NewestFirstPagination, StableCursorPagination
from perfapp.api.params import choice_param, id_param
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.tenancy.api import OrganizationViewSet
from recognition.models import (
    LedgerReason,
    PointsEntry,
    RecognitionSettings,
    Redemption,
    RedemptionStatus,
    Reward,
)
from recognition.permissions.points import (
    can_see_points_of,
    can_see_redemption,
    is_recognition_admin,
)
from recognition.selectors import points
from recognition.services import rewards

MANAGE = Permission.MANAGE_RECOGNITION


def _flag(request, name: str) -> bool:
    raw = request.query_params.get(name, "")
    if raw in ("", "0", "false"):
        return False
    if raw in ("1", "true"):
        return True
    raise serializers.ValidationError({name: ["Use true or false."]})


# --- balances -------------------------------------------------------------------------------


class BalanceSerializer(serializers.Serializer):
    member = PersonRefSerializer(read_only=True)
    points_enabled = serializers.BooleanField(read_only=True)
    balance = serializers.IntegerField(
        read_only=True, help_text="Points received and not spent: the sum of the ledger."
    )
    monthly_allowance = serializers.IntegerField(read_only=True)
    allowance_left = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Points still to give this month; null when points are off.",
    )


@extend_schema_view(
    list=extend_schema(summary="Your points balance; HR: everyone's"),
    retrieve=extend_schema(summary="One person's balance (yourself, or anyone for HR)"),
)
class PointsBalanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    serializer_class = BalanceSerializer
    pagination_class = StableCursorPagination
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        people = Membership.objects.select_related("user", "organization")
        if self.action == "list":
            people = people.filter(is_active=True)
            if not is_recognition_admin(self.membership):
                people = people.filter(pk=self.membership.pk)
        return people

    def _rows(self, people: list[Membership]) -> list[dict]:
        settings = RecognitionSettings.of(self.organization)
        balances = points.balances_of(people)
        allowances = points.monthly_allowances_of(people, settings)
        left = points.allowances_left_of(people, settings)
        return [
            {
                "member": person,
                "points_enabled": settings.points_enabled,
                "balance": balances[person.pk],
                "monthly_allowance": allowances[person.pk],
                "allowance_left": left[person.pk],
            }
            for person in people
        ]

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(self._rows(page), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        if not can_see_points_of(self.membership, person):
            raise exceptions.NotFound()
        return Response(self.get_serializer(self._rows([person])[0]).data)


# --- the ledger -----------------------------------------------------------------------------


class EntrySerializer(serializers.ModelSerializer):
    member = PersonRefSerializer(read_only=True)
    created_by = PersonRefSerializer(read_only=True, allow_null=True)
    reason = serializers.ChoiceField(
        LedgerReason.choices, read_only=True, help_text="received, redeemed, refunded, adjusted"
    )

    class Meta:
        model = PointsEntry
        fields = [
            "id",
            "member",
            "delta",
            "reason",
            "note",
            "recognition",
            "redemption",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Ledger rows, newest first: yours, or one person's for HR",
        parameters=[
            OpenApiParameter(
                "member", OpenApiTypes.INT, description="HR: whose ledger (default: yours)."
            )
        ],
    ),
)
class PointsEntryViewSet(mixins.ListModelMixin, OrganizationViewSet):
    serializer_class = EntrySerializer
    pagination_class = NewestFirstPagination
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        member_id = id_param(self.request, "member") or self.membership.pk
        person = Membership.objects.filter(pk=member_id).first()
        if person is None or not can_see_points_of(self.membership, person):
            raise exceptions.NotFound()
        return PointsEntry.objects.filter(member=person).select_related(
            "member__user", "created_by__user"
        )


# --- rewards --------------------------------------------------------------------------------


class RewardSerializer(serializers.ModelSerializer):
    archived = serializers.SerializerMethodField()

    class Meta:
        model = Reward
        fields = ["id", "name", "description", "cost", "stock", "archived", "created_at"]
        read_only_fields = fields

    def get_archived(self, reward: Reward) -> bool:
        return reward.archived_at is not None


class RewardWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(
        max_length=1000, allow_blank=True, required=False, default=""
    )
    cost = serializers.IntegerField(min_value=1, max_value=rewards.MAX_COST)
    stock = serializers.IntegerField(
        min_value=0,
        max_value=rewards.MAX_STOCK,
        allow_null=True,
        required=False,
        default=None,
        help_text="How many are available; null for no limit.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Rewards on offer, cheapest first",
        parameters=[
            OpenApiParameter(
                "archived", OpenApiTypes.BOOL, description="HR: include archived rewards."
            )
        ],
    ),
    retrieve=extend_schema(summary="One reward"),
    create=extend_schema(
        request=RewardWriteSerializer, responses={201: RewardSerializer}, summary="Add (HR)"
    ),
    partial_update=extend_schema(
        request=RewardWriteSerializer, responses=RewardSerializer, summary="Change (HR)"
    ),
)
class RewardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    serializer_class = RewardSerializer
    action_permissions = {
        "create": MANAGE,
        "partial_update": MANAGE,
        "archive": MANAGE,
        "restore": MANAGE,
    }
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        admin = is_recognition_admin(self.membership)
        if self.action == "list":
            return rewards.catalogue(include_archived=admin and _flag(self.request, "archived"))
        rows = Reward.objects.all()
        return rows if admin else rows.filter(archived_at__isnull=True)

    def create(self, request, *args, **kwargs):
        serializer = RewardWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            reward = rewards.create_reward(actor=self.membership, **serializer.validated_data)
        return Response(RewardSerializer(reward).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        reward = self.get_object()
        serializer = RewardWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {
            "name": reward.name,
            "description": reward.description,
            "cost": reward.cost,
            "stock": reward.stock,
            **serializer.validated_data,
        }
        with service_errors():
            reward = rewards.update_reward(actor=self.membership, reward=reward, **values)
        return Response(RewardSerializer(reward).data)

    @extend_schema(request=None, responses=RewardSerializer, summary="Archive (HR)")
    @action(detail=True, methods=["post"])
    def archive(self, request, *args, **kwargs):
        reward = rewards.archive_reward(actor=self.membership, reward=self.get_object())
        return Response(RewardSerializer(reward).data)

    @extend_schema(request=None, responses=RewardSerializer, summary="Offer again (HR)")
    @action(detail=True, methods=["post"])
    def restore(self, request, *args, **kwargs):
        with service_errors():
            reward = rewards.restore_reward(actor=self.membership, reward=self.get_object())
        return Response(RewardSerializer(reward).data)


# --- redemptions ----------------------------------------------------------------------------


class RewardRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reward
        fields = ["id", "name"]
        read_only_fields = fields


class RedemptionSerializer(serializers.ModelSerializer):
    reward = RewardRefSerializer(read_only=True)
    member = PersonRefSerializer(read_only=True)
    decided_by = PersonRefSerializer(read_only=True, allow_null=True)
    status = serializers.ChoiceField(
        RedemptionStatus.choices, read_only=True, help_text="pending, approved, rejected"
    )

    class Meta:
        model = Redemption
        fields = [
            "id",
            "reward",
            "member",
            "cost",
            "status",
            "note",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class RedeemSerializer(serializers.Serializer):
    reward = OrgRelatedField(Reward, help_text="The id of the reward to ask for.")


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=500,
        allow_blank=True,
        required=False,
        default="",
        help_text="To the person; required to reject.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="Your reward requests; HR: everyone's with scope=all",
        parameters=[
            OpenApiParameter("scope", OpenApiTypes.STR, enum=["mine", "all"]),
            OpenApiParameter("status", OpenApiTypes.STR, enum=RedemptionStatus.values),
        ],
    ),
    retrieve=extend_schema(summary="One reward request (yours, or any for HR)"),
    create=extend_schema(
        request=RedeemSerializer,
        responses={201: RedemptionSerializer},
        summary="Ask for a reward: its cost leaves your balance until HR decides",
    ),
)
class RedemptionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    serializer_class = RedemptionSerializer
    pagination_class = NewestFirstPagination
    action_permissions = {"approve": MANAGE, "reject": MANAGE}
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        rows = Redemption.objects.select_related("reward", "member__user", "decided_by__user")
        if self.action == "list":
            scope = choice_param(self.request, "scope", ("mine", "all"), "mine")
            wanted = choice_param(self.request, "status", RedemptionStatus.values)
            if scope == "all" and not is_recognition_admin(self.membership):
                raise exceptions.NotFound()
            if scope == "mine":
                rows = rows.filter(member=self.membership)
            if wanted:
                rows = rows.filter(status=wanted)
        return rows

    def get_object(self):
        row = super().get_object()
        if not can_see_redemption(self.membership, row):
            raise exceptions.NotFound()
        return row

    def create(self, request, *args, **kwargs):
        serializer = RedeemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            row = rewards.redeem(member=self.membership, reward=serializer.validated_data["reward"])
        fresh = self.get_queryset().get(pk=row.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def _decide(self, approve: bool) -> Response:
        row = self.get_object()
        serializer = DecisionSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with service_errors():
                rewards.decide(
                    actor=self.membership,
                    redemption=row,
                    approve=approve,
                    note=serializer.validated_data["note"],
                )
        except PermissionDenied:
            raise serializers.ValidationError(
                {"non_field_errors": ["Someone else in HR decides your own requests."]},
                code="own_request",
            ) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data)

    @extend_schema(
        request=DecisionSerializer, responses=RedemptionSerializer, summary="Approve (HR)"
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        return self._decide(True)

    @extend_schema(
        request=DecisionSerializer,
        responses=RedemptionSerializer,
        summary="Reject with a reason; the points go back (HR)",
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        return self._decide(False)
