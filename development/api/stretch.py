"""API: stretch assignments — the opportunity board, posting and managing opportunities,
and people's interest in them.

The same rules as the pages: an opportunity is visible to its audience, its owner, HR and
whoever expressed interest; managers and HR post; the owner (or HR) manages, chooses and
records the outcome; someone's interest is seen by that person, the owner and HR. Writes
go through ``development.services.stretch``; its ValidationErrors become the 400 envelope.
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advancement.api.common import CompetencyRefSerializer
from advancement.models import Competency
from development.models import (
    Audience,
    Commitment,
    InterestStatus,
    OpportunityStatus,
    StretchAssignment,
    StretchInterest,
)
from development.permissions.stretch import (
    can_manage_opportunity,
    can_post_opportunities,
    can_see_interest,
)
from development.selectors import stretch as selectors
from development.services import stretch
from perfapp.api.errors import service_errors
from perfapp.api.fields import PlainChoiceField
from perfapp.api.pagination import NewestFirstPagination, StableCursorPagination
from perfapp.api.params import choice_param, id_param, visible_object
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer, TeamRefSerializer
from perfapp.orgs.models import Team
from perfapp.tenancy.api import OrganizationViewSet
from perfapp.timezones import local_today

# --- shapes ---------------------------------------------------------------------------------


class StretchInterestRefSerializer(serializers.ModelSerializer):
    status = PlainChoiceField(InterestStatus.choices, read_only=True)

    class Meta:
        model = StretchInterest
        fields = ["id", "status"]
        read_only_fields = fields


class OpportunitySerializer(serializers.ModelSerializer):
    owner = PersonRefSerializer(read_only=True)
    competencies = CompetencyRefSerializer(many=True, read_only=True)
    teams = TeamRefSerializer(many=True, read_only=True)
    commitment = PlainChoiceField(Commitment.choices, read_only=True)
    audience = PlainChoiceField(Audience.choices, read_only=True)
    status = PlainChoiceField(OpportunityStatus.choices, read_only=True)
    matches_focus = serializers.SerializerMethodField(
        help_text="On the board: whether it builds a focus competency of your plan."
    )
    my_interest = serializers.SerializerMethodField(
        help_text="Your own interest in it, if you expressed any."
    )
    owner_outcome = serializers.SerializerMethodField(
        help_text="How it went, by the owner: for the owner, HR and the chosen people."
    )

    class Meta:
        model = StretchAssignment
        fields = [
            "id",
            "title",
            "description",
            "competencies",
            "commitment",
            "duration_weeks",
            "seats",
            "audience",
            "teams",
            "status",
            "closes_on",
            "owner",
            "created_at",
            "completed_at",
            "owner_outcome",
            "matches_focus",
            "my_interest",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_matches_focus(self, assignment: StretchAssignment) -> bool | None:
        matches = getattr(assignment, "focus_matches", None)
        return None if matches is None else matches > 0

    @extend_schema_field(StretchInterestRefSerializer(allow_null=True))
    def get_my_interest(self, assignment: StretchAssignment):
        mine = getattr(assignment, "mine", None)
        return StretchInterestRefSerializer(mine).data if mine is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_owner_outcome(self, assignment: StretchAssignment) -> str | None:
        viewer = self.context["membership"]
        mine = getattr(assignment, "mine", None)
        chosen = mine is not None and mine.status == InterestStatus.CHOSEN
        if can_manage_opportunity(viewer, assignment) or chosen:
            return assignment.owner_outcome
        return None


class OpportunityWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=stretch.MAX_TITLE, allow_blank=True)
    description = serializers.CharField(max_length=stretch.MAX_TEXT, allow_blank=True)
    competencies = OrgRelatedField(Competency, many=True)
    commitment = PlainChoiceField(Commitment.choices)
    duration_weeks = serializers.IntegerField(min_value=1, max_value=stretch.MAX_WEEKS)
    seats = serializers.IntegerField(
        min_value=1, max_value=stretch.MAX_SEATS, required=False, default=1
    )
    audience = PlainChoiceField(Audience.choices, required=False, default=Audience.EVERYONE)
    teams = OrgRelatedField(
        Team, many=True, required=False, default=list, help_text="With audience=teams."
    )
    closes_on = serializers.DateField(required=False, allow_null=True, default=None)


class StretchChooseSerializer(serializers.Serializer):
    interests = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=True,
        help_text="Ids of the interests (people) you choose: at most the number of seats.",
    )


class StretchOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=stretch.MAX_OUTCOME, allow_blank=True)


class StretchInterestSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True)
    opportunity = serializers.SerializerMethodField()
    status = PlainChoiceField(InterestStatus.choices, read_only=True)

    class Meta:
        model = StretchInterest
        fields = [
            "id",
            "opportunity",
            "person",
            "note",
            "status",
            "person_outcome",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
        }
    )
    def get_opportunity(self, interest: StretchInterest) -> dict:
        return {"id": interest.assignment_id, "title": interest.assignment.title}


class StretchInterestCreateSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField(min_value=1, help_text="The opportunity's id.")
    note = serializers.CharField(max_length=stretch.MAX_NOTE, allow_blank=True)


# --- opportunities --------------------------------------------------------------------------


class BoardPagination(StableCursorPagination):
    """Those building a focus competency of your plan first, then newest."""

    ordering = ("-focus_matches", "-id")


SCOPES = ("board", "posted")


def _opportunities():
    return StretchAssignment.objects.select_related("owner__user").prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.order_by("name")),
        Prefetch("teams", queryset=Team.objects.order_by("name")),
    )


@extend_schema_view(
    list=extend_schema(
        summary="The opportunity board, or the opportunities you posted",
        parameters=[
            OpenApiParameter(
                "scope",
                OpenApiTypes.STR,
                enum=list(SCOPES),
                description="board (default): open ones you may apply to, focus matches "
                "first; posted: the ones you posted, newest first.",
            ),
            OpenApiParameter("competency", OpenApiTypes.INT, description="Builds this one."),
            OpenApiParameter(
                "team", OpenApiTypes.INT, description="Posted from this team, or open to it."
            ),
            OpenApiParameter(
                "commitment",
                OpenApiTypes.STR,
                enum=Commitment.values,
                description="Time it takes.",
            ),
        ],
    ),
    retrieve=extend_schema(summary="One opportunity you may see"),
)
class OpportunityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    serializer_class = OpportunitySerializer
    pagination_class = NewestFirstPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return _opportunities().filter(pk__in=selectors.visible_to(self.membership).values("pk"))

    def _mark_mine(self, rows) -> None:
        mine = {
            interest.assignment_id: interest
            for interest in StretchInterest.objects.filter(
                person=self.membership, assignment_id__in=[row.pk for row in rows]
            )
        }
        for row in rows:
            row.mine = mine.get(row.pk)

    def list(self, request, *args, **kwargs):
        viewer = self.membership
        scope = choice_param(request, "scope", SCOPES, "board")
        if scope == "posted":
            rows = _opportunities().filter(owner=viewer)
        else:
            self.pagination_class = BoardPagination
            competency_id = id_param(request, "competency", "Give a competency id.")
            team_id = id_param(request, "team", "Give a team id.")
            rows = selectors.board(
                viewer,
                today=local_today(viewer),
                competency_id=competency_id,
                team_id=team_id,
                commitment=choice_param(request, "commitment", Commitment.values),
            )
        page = self.paginate_queryset(rows)
        self._mark_mine(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _one(self, pk) -> StretchAssignment:
        found = visible_object(self.get_queryset(), pk)
        self._mark_mine([found])
        return found

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self._one(kwargs["pk"])).data)

    def _managed(self, pk) -> StretchAssignment:
        found = self._one(pk)
        if not can_manage_opportunity(self.membership, found):
            raise exceptions.NotFound()
        return found

    @extend_schema(
        request=OpportunityWriteSerializer,
        responses={201: OpportunitySerializer},
        summary="Post an opportunity (managers and HR admins)",
    )
    def create(self, request, *args, **kwargs):
        if not can_post_opportunities(self.membership):
            raise exceptions.NotFound()
        serializer = OpportunityWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            posted = stretch.post_opportunity(actor=self.membership, **serializer.validated_data)
        return Response(
            self.get_serializer(self._one(posted.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=OpportunityWriteSerializer(partial=True),
        responses=OpportunitySerializer,
        summary="Change an opportunity while it is open (its owner or HR)",
    )
    def partial_update(self, request, *args, **kwargs):
        found = self._managed(kwargs["pk"])
        serializer = OpportunityWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            stretch.edit_opportunity(
                actor=self.membership, assignment=found, **serializer.validated_data
            )
        return Response(self.get_serializer(self._one(found.pk)).data)

    @extend_schema(
        request=None,
        responses=OpportunitySerializer,
        summary="Cancel an open opportunity; interested people are told",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        found = self._managed(kwargs["pk"])
        with service_errors():
            stretch.cancel_opportunity(actor=self.membership, assignment=found)
        return Response(self.get_serializer(self._one(found.pk)).data)

    @extend_schema(
        request=StretchChooseSerializer,
        responses=StretchInterestSerializer(many=True),
        summary="Choose up to the number of seats among the people interested",
        description="The opportunity goes underway, each chosen person's development plan "
        "gets a linked goal, and everyone else is told kindly. Answers the chosen interests.",
    )
    @action(detail=True, methods=["post"])
    def choose(self, request, *args, **kwargs):
        found = self._managed(kwargs["pk"])
        serializer = StretchChooseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        wanted = set(serializer.validated_data["interests"])
        rows = list(StretchInterest.objects.filter(assignment=found, pk__in=wanted))
        if len(rows) != len(wanted):
            missing = sorted(wanted - {row.pk for row in rows})
            raise serializers.ValidationError(
                {"interests": [f"Not an interest in this opportunity: {missing[0]}."]}
            )
        with service_errors():
            chosen = stretch.choose(actor=self.membership, assignment=found, interests=rows)
        fresh = StretchInterest.objects.select_related("person__user", "assignment").filter(
            pk__in=[row.pk for row in chosen]
        )
        return Response(StretchInterestSerializer(fresh.order_by("id"), many=True).data)

    @extend_schema(
        request=StretchOutcomeSerializer,
        responses=OpportunitySerializer,
        summary="Record how it went; the opportunity is completed",
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        found = self._managed(kwargs["pk"])
        serializer = StretchOutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            stretch.complete(
                actor=self.membership,
                assignment=found,
                outcome=serializer.validated_data["outcome"],
            )
        return Response(self.get_serializer(self._one(found.pk)).data)

    @extend_schema(
        request=None,
        responses=StretchInterestSerializer(many=True),
        summary="Everyone who expressed interest (the owner and HR)",
    )
    @action(detail=True, methods=["get"])
    def interests(self, request, *args, **kwargs):
        found = self._managed(kwargs["pk"])
        rows = selectors.interests_in(found).select_related("assignment")
        page = self.paginate_queryset(rows.order_by("-id"))
        return self.get_paginated_response(StretchInterestSerializer(page, many=True).data)


# --- interests ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Opportunities you expressed interest in, newest first"),
    retrieve=extend_schema(summary="One interest: yours, or in an opportunity you manage"),
)
class StretchInterestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    serializer_class = StretchInterestSerializer
    pagination_class = NewestFirstPagination
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return StretchInterest.objects.filter(person=self.membership).select_related(
            "person__user", "assignment"
        )

    def _one(self, pk) -> StretchInterest:
        found = visible_object(
            StretchInterest.objects.select_related("person__user", "assignment"), pk
        )
        if not can_see_interest(self.membership, found):
            raise exceptions.NotFound()
        return found

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self._one(kwargs["pk"])).data)

    def _mine(self, pk) -> StretchInterest:
        return visible_object(self.get_queryset(), pk)

    @extend_schema(
        request=StretchInterestCreateSerializer,
        responses={201: StretchInterestSerializer},
        summary="Put yourself forward for an open opportunity, with a short note",
    )
    def create(self, request, *args, **kwargs):
        serializer = StretchInterestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        opportunity = (
            selectors.visible_to(self.membership)
            .filter(pk=serializer.validated_data["opportunity"])
            .first()
        )
        if opportunity is None:
            pk = serializer.validated_data["opportunity"]
            raise serializers.ValidationError(
                {"opportunity": [f'Invalid pk "{pk}" - object does not exist.']}
            )
        with service_errors():
            interest = stretch.express_interest(
                person=self.membership,
                assignment=opportunity,
                note=serializer.validated_data["note"],
            )
        return Response(
            self.get_serializer(self._mine(interest.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=None, responses=StretchInterestSerializer, summary="Withdraw your interest"
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        mine = self._mine(kwargs["pk"])
        with service_errors():
            stretch.withdraw_interest(person=self.membership, interest=mine)
        return Response(self.get_serializer(self._mine(mine.pk)).data)

    @extend_schema(
        request=StretchOutcomeSerializer,
        responses=StretchInterestSerializer,
        summary="As the chosen person: record what you learned",
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, *args, **kwargs):
        mine = self._mine(kwargs["pk"])
        serializer = StretchOutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            stretch.record_person_outcome(
                person=self.membership,
                interest=mine,
                outcome=serializer.validated_data["outcome"],
            )
        return Response(self.get_serializer(self._mine(mine.pk)).data)
