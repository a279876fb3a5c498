"""API: goals of development plans, their milestones, and learning items.

Reading: the goals of your own plan and your reports' plans; goals shared with the team
by teammates, by people further down your line, and (HR) by anyone. Milestones follow
their goal. Learning items are read by the plan's two people only. Writing: only the
plan's two people; a goal, milestone or learning item of anyone else's plan answers 404
(or "does not exist" when named in a body) and nothing changes.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from advancement.models import Competency
from development.api.plans.plan import (
    GrowthRefSerializer,
    GrowthViewSet,
    VisibleField,
    editable_plans,
)
from development.models import (
    DevelopmentPlan,
    Goal,
    GoalStatus,
    GoalVisibility,
    LearningItem,
    LearningKind,
    LearningStatus,
    Milestone,
    ProgressMode,
)
from development.selectors.plans import decorate, visible_goals, with_progress
from development.services import plans as service
from perfapp.api.errors import service_errors
from perfapp.api.fields import PlainChoiceField
from perfapp.api.pagination import StableCursorPagination
from perfapp.api.params import choice_param, id_param
from perfapp.orgs.api import PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.timezones import local_today


def editable_goals(viewer: Membership) -> QuerySet[Goal]:
    return Goal.objects.filter(plan__in=editable_plans(viewer))


def editable_milestones(viewer: Membership) -> QuerySet[Milestone]:
    return Milestone.objects.filter(goal__plan__in=editable_plans(viewer))


def editable_learning(viewer: Membership) -> QuerySet[LearningItem]:
    return LearningItem.objects.filter(plan__in=editable_plans(viewer))


def active_competencies(viewer: Membership) -> QuerySet[Competency]:
    return Competency.objects.filter(archived_at__isnull=True)


def _with_owner(goal: Goal) -> Goal:
    """A goal with its plan's owner (and their manager) at hand for the service."""
    goal.plan = DevelopmentPlan.objects.select_related("owner__user", "owner__manager").get(
        pk=goal.plan_id
    )
    return goal


# --- shapes --------------------------------------------------------------------------------


class GoalSerializer(serializers.ModelSerializer):
    owner = PersonRefSerializer(source="plan.owner", read_only=True)
    competencies = GrowthRefSerializer(many=True, read_only=True, source="competency_rows")
    progress = serializers.IntegerField(read_only=True, help_text="0–100.")
    overdue = serializers.BooleanField(read_only=True, help_text="Open and past its target date.")
    status = serializers.CharField(
        read_only=True, help_text=f"One of: {', '.join(GoalStatus.values)}."
    )
    visibility = serializers.CharField(
        read_only=True, help_text=f"One of: {', '.join(GoalVisibility.values)}."
    )
    progress_mode = serializers.CharField(
        read_only=True, help_text=f"One of: {', '.join(ProgressMode.values)}."
    )

    class Meta:
        model = Goal
        fields = [
            "id",
            "plan",
            "owner",
            "title",
            "why",
            "success_criteria",
            "competencies",
            "start_on",
            "target_on",
            "status",
            "dropped_reason",
            "progress_mode",
            "manual_progress",
            "progress",
            "overdue",
            "visibility",
            "done_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class GoalWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    why = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    success_criteria = serializers.CharField(max_length=2000, allow_blank=True)
    competencies = serializers.ListField(
        child=VisibleField(Competency, active_competencies),
        required=False,
        default=list,
        help_text="Competency ids (in use).",
    )
    start_on = serializers.DateField()
    target_on = serializers.DateField()
    visibility = PlainChoiceField(
        GoalVisibility.choices, required=False, default=GoalVisibility.PRIVATE
    )

    def validate(self, attrs):
        start, target = attrs.get("start_on"), attrs.get("target_on")
        if start and target and target < start:
            raise serializers.ValidationError(
                {"target_on": ["The target date is before the start: choose one on or after it."]}
            )
        return attrs


class GoalCreateSerializer(GoalWriteSerializer):
    plan = VisibleField(DevelopmentPlan, editable_plans, help_text="A plan you make.")


class GoalUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True, required=False)
    why = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    success_criteria = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    competencies = serializers.ListField(
        child=VisibleField(Competency, active_competencies), required=False
    )
    start_on = serializers.DateField(required=False)
    target_on = serializers.DateField(required=False)
    visibility = PlainChoiceField(GoalVisibility.choices, required=False)
    status = PlainChoiceField(GoalStatus.choices, required=False)
    dropped_reason = serializers.CharField(max_length=500, allow_blank=True, required=False)
    progress_mode = PlainChoiceField(ProgressMode.choices, required=False)
    manual_progress = serializers.IntegerField(
        required=False, help_text="0–100, with progress_mode manual."
    )

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Change at least one field.")
        value = attrs.get("manual_progress")
        if value is not None and not 0 <= value <= 100:
            raise serializers.ValidationError({"manual_progress": ["Give a number from 0 to 100."]})
        return attrs


class MilestoneSerializer(serializers.ModelSerializer):
    done = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "goal", "title", "due_on", "done", "done_at", "position", "created_at"]
        read_only_fields = fields

    def get_done(self, milestone: Milestone) -> bool:
        return milestone.done_at is not None


class MilestoneCreateSerializer(serializers.Serializer):
    goal = VisibleField(Goal, editable_goals, help_text="A goal of a plan you make.")
    title = serializers.CharField(max_length=200, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class MilestoneUpdateSerializer(serializers.Serializer):
    done = serializers.BooleanField()


class LearningItemSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        read_only=True, help_text=f"One of: {', '.join(LearningKind.values)}."
    )
    status = serializers.CharField(
        read_only=True, help_text=f"One of: {', '.join(LearningStatus.values)}."
    )

    class Meta:
        model = LearningItem
        fields = [
            "id",
            "plan",
            "goal",
            "competency",
            "kind",
            "title",
            "url",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class LearningCreateSerializer(serializers.Serializer):
    plan = VisibleField(DevelopmentPlan, editable_plans, help_text="A plan you make.")
    kind = PlainChoiceField(LearningKind.choices)
    title = serializers.CharField(max_length=200, allow_blank=True)
    url = serializers.URLField(max_length=500, allow_blank=True, required=False, default="")
    goal = VisibleField(Goal, editable_goals, required=False, allow_null=True, default=None)
    competency = VisibleField(
        Competency, active_competencies, required=False, allow_null=True, default=None
    )


class LearningUpdateSerializer(serializers.Serializer):
    status = PlainChoiceField(LearningStatus.choices)


# --- goals ---------------------------------------------------------------------------------


def _goal_rows(rows: QuerySet[Goal]) -> QuerySet[Goal]:
    return (
        with_progress(rows)
        .select_related("plan__owner__user")
        .prefetch_related(
            Prefetch(
                "competencies",
                queryset=Competency.objects.order_by("name"),
                to_attr="competency_rows",
            )
        )
    )


@extend_schema_view(
    list=extend_schema(
        summary="Goals you may read: your plan's, your reports', and goals shared with the team",
        parameters=[
            OpenApiParameter("plan", OpenApiTypes.INT, description="A plan id."),
            OpenApiParameter(
                "status", OpenApiTypes.STR, description=f"One of: {', '.join(GoalStatus.values)}."
            ),
        ],
    ),
    retrieve=extend_schema(summary="One goal"),
)
class GoalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GrowthViewSet):
    serializer_class = GoalSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        rows = _goal_rows(visible_goals(self.membership))
        if self.action == "list":
            wanted = id_param(self.request, "plan")
            if wanted is not None:
                rows = rows.filter(plan_id=wanted)
            chosen = choice_param(self.request, "status", GoalStatus.values)
            if chosen:
                rows = rows.filter(status=chosen)
        return rows

    def visible(self):
        if self.action in ("partial_update",):
            return editable_goals(self.membership)
        return self.get_queryset()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        today = local_today(self.membership)
        for goal in page if page is not None else []:
            decorate(goal, today)
        return page

    def _one(self, pk: int) -> dict:
        goal = decorate(_goal_rows(Goal.objects.filter(pk=pk)).get(), local_today(self.membership))
        return GoalSerializer(goal, context=self.context()).data

    def retrieve(self, request, *args, **kwargs):
        return Response(self._one(self.get_object().pk))

    @extend_schema(
        request=GoalCreateSerializer,
        responses={201: GoalSerializer},
        summary="Add a goal to a plan you make",
    )
    def create(self, request, *args, **kwargs):
        serializer = GoalCreateSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plan = data.pop("plan")
        plan.owner = Membership.objects.select_related("manager").get(pk=plan.owner_id)
        with service_errors():
            goal = service.add_goal(actor=self.membership, plan=plan, **data)
        return Response(self._one(goal.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=GoalUpdateSerializer,
        responses={200: GoalSerializer},
        summary="Change a goal: what it says, its status (dropped needs a reason), or its progress",
    )
    def partial_update(self, request, *args, **kwargs):
        goal = _with_owner(self.get_object())
        serializer = GoalUpdateSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        text_fields = set(service.GOAL_FIELDS) | {"competencies"}
        with service_errors():
            if text_fields & set(data):
                service.edit_goal(
                    actor=self.membership,
                    goal=goal,
                    title=data.get("title", goal.title),
                    why=data.get("why", goal.why),
                    success_criteria=data.get("success_criteria", goal.success_criteria),
                    competencies=data.get("competencies", list(goal.competencies.all())),
                    start_on=data.get("start_on", goal.start_on),
                    target_on=data.get("target_on", goal.target_on),
                    visibility=data.get("visibility", goal.visibility),
                )
            if "status" in data or "dropped_reason" in data:
                service.set_goal_status(
                    actor=self.membership,
                    goal=goal,
                    status=data.get("status", goal.status),
                    reason=data.get("dropped_reason", ""),
                )
            if "progress_mode" in data or "manual_progress" in data:
                service.set_goal_progress(
                    actor=self.membership,
                    goal=goal,
                    mode=data.get("progress_mode", goal.progress_mode),
                    value=data.get("manual_progress", goal.manual_progress),
                )
        return Response(self._one(goal.pk))


# --- milestones ----------------------------------------------------------------------------


class MilestonePagination(StableCursorPagination):
    ordering = ("goal_id", "position", "id")


@extend_schema_view(
    list=extend_schema(
        summary="Milestones of the goals you may read",
        parameters=[OpenApiParameter("goal", OpenApiTypes.INT, description="A goal id.")],
    ),
    retrieve=extend_schema(summary="One milestone"),
)
class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GrowthViewSet):
    serializer_class = MilestoneSerializer
    pagination_class = MilestonePagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        rows = Milestone.objects.filter(goal__in=visible_goals(self.membership))
        wanted = id_param(self.request, "goal") if self.action == "list" else None
        if wanted is not None:
            rows = rows.filter(goal_id=wanted)
        return rows

    def visible(self):
        if self.action in ("partial_update", "destroy"):
            return editable_milestones(self.membership).select_related("goal")
        return self.get_queryset()

    @extend_schema(
        request=MilestoneCreateSerializer,
        responses={201: MilestoneSerializer},
        summary="Add a milestone to a goal of a plan you make",
    )
    def create(self, request, *args, **kwargs):
        serializer = MilestoneCreateSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        goal = _with_owner(data.pop("goal"))
        with service_errors():
            milestone = service.add_milestone(actor=self.membership, goal=goal, **data)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MilestoneUpdateSerializer,
        responses={200: MilestoneSerializer},
        summary="Mark a milestone done or not",
    )
    def partial_update(self, request, *args, **kwargs):
        milestone = self.get_object()
        _with_owner(milestone.goal)
        serializer = MilestoneUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            saved = service.set_milestone_done(
                actor=self.membership, milestone=milestone, done=serializer.validated_data["done"]
            )
        return Response(MilestoneSerializer(saved).data)

    @extend_schema(responses={204: None}, summary="Remove a milestone")
    def destroy(self, request, *args, **kwargs):
        milestone = self.get_object()
        _with_owner(milestone.goal)
        with service_errors():
            service.remove_milestone(actor=self.membership, milestone=milestone)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- learning ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Learning items of the plans you make",
        parameters=[
            OpenApiParameter("plan", OpenApiTypes.INT, description="A plan id."),
            OpenApiParameter("goal", OpenApiTypes.INT, description="A goal id."),
        ],
    ),
    retrieve=extend_schema(summary="One learning item"),
)
class LearningItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GrowthViewSet):
    serializer_class = LearningItemSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        rows = editable_learning(self.membership)
        if self.action == "list":
            for name, lookup in (("plan", "plan_id"), ("goal", "goal_id")):
                wanted = id_param(self.request, name)
                if wanted is not None:
                    rows = rows.filter(**{lookup: wanted})
        return rows

    def _plan_of(self, item: LearningItem) -> DevelopmentPlan:
        plan = DevelopmentPlan.objects.select_related("owner__user", "owner__manager").get(
            pk=item.plan_id
        )
        item.plan = plan
        return plan

    @extend_schema(
        request=LearningCreateSerializer,
        responses={201: LearningItemSerializer},
        summary="Add a course, book, talk or shadowing session for a goal or a competency",
    )
    def create(self, request, *args, **kwargs):
        serializer = LearningCreateSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plan = data.pop("plan")
        plan.owner = Membership.objects.select_related("manager").get(pk=plan.owner_id)
        with service_errors(), _rename_about():
            item = service.add_learning(actor=self.membership, plan=plan, **data)
        return Response(LearningItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=LearningUpdateSerializer,
        responses={200: LearningItemSerializer},
        summary="Change a learning item's status",
    )
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        self._plan_of(item)
        serializer = LearningUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            saved = service.set_learning_status(
                actor=self.membership, item=item, status=serializer.validated_data["status"]
            )
        return Response(LearningItemSerializer(saved).data)

    @extend_schema(responses={204: None}, summary="Remove a learning item")
    def destroy(self, request, *args, **kwargs):
        item = self.get_object()
        self._plan_of(item)
        with service_errors():
            service.remove_learning(actor=self.membership, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _rename_about:
    """The service names the goal-or-competency choice ``about``; the API has two fields,
    and reports the problem under ``goal``."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if isinstance(error, ValidationError) and "about" in getattr(error, "error_dict", {}):
            error.error_dict["goal"] = error.error_dict.pop("about")
        return False
