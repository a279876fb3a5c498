"""API: development plans and their reviews.

The same rules as the pages (``development.permissions.plans``). A plan is read in full by its
owner and their manager; the manager's managers and HR read its outline (``access`` is
"outline" and ``aspirations`` is null); anyone else gets 404, like a plan that does not
exist. Every write goes through ``development.services.plans``: its ValidationErrors become the
400 envelope, and a stale edit or sign-off becomes a 409 envelope with the code
``conflict`` and the plan as it is now under ``current``, never a silent overwrite.
"""

from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advancement.models import Competency, Level, Track
from development.models import DevelopmentPlan, PlanReview
from development.permissions.plans import can_edit_plan, is_growth_admin
from development.selectors.plans import people_below, plan_status
from development.services import plans as service
from perfapp.api.errors import service_errors
from perfapp.api.pagination import NewestFirstPagination
from perfapp.api.params import id_param, visible_object
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.tenancy.api import OrganizationViewSet

# --- who sees what -------------------------------------------------------------------------


def editable_plans(viewer: Membership) -> QuerySet[DevelopmentPlan]:
    """Plans the viewer is one of the two people of: their own, and their reports'."""
    return DevelopmentPlan.objects.filter(
        Q(owner=viewer) | Q(owner__manager=viewer, owner__is_active=True)
    )


def readable_plans(viewer: Membership) -> QuerySet[DevelopmentPlan]:
    """Plans the viewer reads, in full or as an outline."""
    if is_growth_admin(viewer):
        return DevelopmentPlan.objects.filter(Q(owner=viewer) | Q(owner__is_active=True))
    below = people_below(viewer)
    return DevelopmentPlan.objects.filter(
        Q(owner=viewer)
        | Q(owner__manager=viewer, owner__is_active=True)
        | Q(owner_id__in=below, owner__is_active=True)
    )


# --- the base viewset ----------------------------------------------------------------------


class GrowthViewSet(OrganizationViewSet):
    """Finds objects among what is visible (anything else is 404)."""

    def visible(self) -> QuerySet:
        return self.get_queryset()

    def get_object(self):
        return visible_object(self.visible(), self.kwargs["pk"])

    def context(self) -> dict:
        return self.get_serializer_context()


class VisibleField(OrgRelatedField):
    """An id among ``visible(membership)``: anything else "does not exist"."""

    def __init__(self, model, visible, **kwargs):
        self.visible = visible
        super().__init__(model, **kwargs)

    def get_queryset(self):
        return self.visible(self.context["membership"])


def active_competencies() -> QuerySet[Competency]:
    return Competency.objects.filter(archived_at__isnull=True)


# --- shapes --------------------------------------------------------------------------------


class GrowthRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PlanLevelRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ["id", "code", "name"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    owner = PersonRefSerializer(read_only=True)
    access = serializers.SerializerMethodField(
        help_text="full: you are the owner or their manager; outline: you read the status, "
        "focus and shared goals only (aspirations is null)."
    )
    state = serializers.SerializerMethodField(
        help_text="none, draft, waiting_manager, waiting_owner or agreed."
    )
    aspirations = serializers.SerializerMethodField()
    target_track = GrowthRefSerializer(read_only=True, allow_null=True)
    target_level = PlanLevelRefSerializer(read_only=True, allow_null=True)
    focus_competencies = GrowthRefSerializer(many=True, read_only=True, source="focus_rows")

    class Meta:
        model = DevelopmentPlan
        fields = [
            "id",
            "owner",
            "access",
            "state",
            "aspirations",
            "target_track",
            "target_level",
            "focus_competencies",
            "owner_signed_at",
            "manager_signed_at",
            "agreed_at",
            "last_reviewed_at",
            "next_review_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _full(self, plan: DevelopmentPlan) -> bool:
        return can_edit_plan(self.context["membership"], plan.owner)

    def get_access(self, plan: DevelopmentPlan) -> str:
        return "full" if self._full(plan) else "outline"

    def get_state(self, plan: DevelopmentPlan) -> str:
        return plan_status(plan)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_aspirations(self, plan: DevelopmentPlan) -> str | None:
        return plan.aspirations if self._full(plan) else None


class PlanCreateSerializer(serializers.Serializer):
    aspirations = serializers.CharField(max_length=4000, allow_blank=True, required=False)


class PlanUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=0, help_text="The plan's version your edit started from."
    )
    aspirations = serializers.CharField(max_length=4000, allow_blank=True, required=False)
    target_track = OrgRelatedField(Track, allow_null=True, required=False)
    target_level = OrgRelatedField(Level, allow_null=True, required=False)
    focus_competencies = serializers.ListField(
        child=OrgRelatedField(Competency), required=False, help_text="Competency ids, up to 5."
    )


class PlanSignSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=0, help_text="The plan's version you read and agree to."
    )


class PlanReviewSerializer(serializers.ModelSerializer):
    recorded_by = PersonRefSerializer(read_only=True)

    class Meta:
        model = PlanReview
        fields = ["id", "plan", "recorded_by", "what_changed", "next_review_on", "created_at"]
        read_only_fields = fields


class PlanReviewCreateSerializer(serializers.Serializer):
    plan = VisibleField(DevelopmentPlan, editable_plans, help_text="A plan you make.")
    what_changed = serializers.CharField(max_length=4000, allow_blank=True)
    next_review_on = serializers.DateField()


class ConflictPlanSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Always “conflict”.")
    message = serializers.CharField()
    current = PlanSerializer(read_only=True)


class PlanConflictEnvelopeSerializer(serializers.Serializer):
    error = ConflictPlanSerializer()


CONFLICT = OpenApiResponse(
    PlanConflictEnvelopeSerializer,
    description="Changed meanwhile: nothing was written; `current` is the plan as it is now.",
)


# --- plans ---------------------------------------------------------------------------------


def _plan_rows(rows: QuerySet[DevelopmentPlan]) -> QuerySet[DevelopmentPlan]:
    return rows.select_related("owner__user", "target_track", "target_level").prefetch_related(
        Prefetch(
            "focus_competencies",
            queryset=Competency.objects.order_by("name"),
            to_attr="focus_rows",
        )
    )


@extend_schema_view(
    list=extend_schema(
        summary="Development plans you read: yours, your reports' (in full), and as an "
        "outline those further down your line (HR: everyone's)"
    ),
    retrieve=extend_schema(summary="One development plan"),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GrowthViewSet):
    serializer_class = PlanSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return _plan_rows(readable_plans(self.membership))

    def _one(self, pk: int) -> dict:
        plan = _plan_rows(DevelopmentPlan.objects.filter(pk=pk)).get()
        return PlanSerializer(plan, context=self.context()).data

    def _fresh(self, plan: DevelopmentPlan) -> dict:
        return self._one(plan.pk)

    @extend_schema(
        request=PlanCreateSerializer,
        responses={201: PlanSerializer},
        summary="Start your own plan (a plan starts with its owner)",
    )
    def create(self, request, *args, **kwargs):
        serializer = PlanCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        me = self.membership
        if service.plan_of(me) is not None:
            raise serializers.ValidationError(
                "You already have a plan: change it with PATCH on /plans/{id}/."
            )
        with service_errors():
            plan = service.ensure_plan(me, me)
            aspirations = serializer.validated_data.get("aspirations", "")
            if aspirations:
                plan = service.save_plan(
                    actor=me, owner=me, expected_version=plan.version, aspirations=aspirations
                )
        return Response(self._one(plan.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PlanUpdateSerializer,
        responses={200: PlanSerializer, 409: CONFLICT},
        summary="Change the aspirations, target or focus, if unchanged since your version",
    )
    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = PlanUpdateSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        focus = data.get("focus_competencies")
        if focus is None:
            focus = list(plan.focus_rows)
        if len({c.pk for c in focus}) != len(focus):
            raise serializers.ValidationError({"focus_competencies": ["Name each one once."]})
        with service_errors(fresh=self._fresh):
            service.save_plan(
                actor=self.membership,
                owner=plan.owner,
                expected_version=data["version"],
                aspirations=data.get("aspirations", plan.aspirations),
                target_track=data.get("target_track", plan.target_track),
                target_level=data.get("target_level", plan.target_level),
                focus=focus,
            )
        return Response(self._one(plan.pk))

    @extend_schema(
        request=PlanSignSerializer,
        responses={200: PlanSerializer, 409: CONFLICT},
        summary="Sign off on the version you read (the owner, or their manager)",
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = PlanSignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(fresh=self._fresh):
            service.sign_plan(
                actor=self.membership,
                plan=plan,
                expected_version=serializer.validated_data["version"],
            )
        return Response(self._one(plan.pk))


# --- reviews -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Reviews of the plans you make (yours and your reports'), newest first",
        parameters=[OpenApiParameter("plan", OpenApiTypes.INT, description="A plan id.")],
    ),
    retrieve=extend_schema(summary="One review"),
)
class PlanReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GrowthViewSet):
    serializer_class = PlanReviewSerializer
    pagination_class = NewestFirstPagination
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        mine = editable_plans(self.membership)
        rows = PlanReview.objects.filter(plan__in=mine).select_related("recorded_by__user")
        wanted = id_param(self.request, "plan") if self.action == "list" else None
        if wanted is not None:
            rows = rows.filter(plan_id=wanted)
        return rows

    @extend_schema(
        request=PlanReviewCreateSerializer,
        responses={201: PlanReviewSerializer},
        summary="Record a review: what changed, and when you review next",
    )
    def create(self, request, *args, **kwargs):
        serializer = PlanReviewCreateSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = data["plan"]
        plan.owner = Membership.objects.select_related("manager").get(pk=plan.owner_id)
        with service_errors():
            review = service.record_review(
                actor=self.membership,
                plan=plan,
                what_changed=data["what_changed"],
                next_review_on=data["next_review_on"],
            )
        row = PlanReview.objects.select_related("recorded_by__user").get(pk=review.pk)
        return Response(PlanReviewSerializer(row).data, status=status.HTTP_201_CREATED)
