"""API: mentoring — offers to mentor (and the search among them), requests, mentorships
and their log of sessions.

The same rules as the pages. A request and a mentorship (goals, sessions, reflections)
are visible to their two people only; anyone else gets 404, as for what does not exist.
Every write goes through ``development.services.mentoring``; its ValidationErrors become the 400
envelope and change nothing.
"""

from django.db.models import Count, Max, Q
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
    MentorProfile,
    Mentorship,
    MentorshipCadence,
    MentorshipRequest,
    MentorshipRequestStatus,
    MentorshipSession,
    MentorshipStatus,
)
from development.selectors import mentoring as selectors
from development.services import mentoring
from perfapp.api.errors import service_errors
from perfapp.api.fields import PlainChoiceField
from perfapp.api.pagination import NewestFirstPagination, StableCursorPagination
from perfapp.api.params import choice_param, id_param, visible_object
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer, TeamRefSerializer
from perfapp.orgs.models import Membership
from perfapp.tenancy.api import OrganizationViewSet

# --- offers and the mentor search ---------------------------------------------------------


class MentorProfileSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(source="membership", read_only=True)
    job_title = serializers.CharField(source="membership.job_title", read_only=True)
    team = TeamRefSerializer(source="membership.team", read_only=True, allow_null=True)
    competencies = CompetencyRefSerializer(many=True, read_only=True)
    mentees = serializers.IntegerField(read_only=True, help_text="Current mentees.")
    has_room = serializers.BooleanField(
        read_only=True, help_text="Whether they can take on one more mentee now."
    )
    in_reporting_line = serializers.SerializerMethodField(
        help_text="In a search: whether they are in your reporting line (your managers, or "
        "people who report to you). Null outside a search."
    )

    class Meta:
        model = MentorProfile
        fields = [
            "id",
            "person",
            "job_title",
            "team",
            "competencies",
            "capacity",
            "mentees",
            "has_room",
            "about",
            "in_reporting_line",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_in_reporting_line(self, profile: MentorProfile) -> bool | None:
        return getattr(profile, "in_line", None)


class MentorOfferSerializer(serializers.Serializer):
    competencies = OrgRelatedField(
        Competency, many=True, help_text="Competencies you offer to mentor in."
    )
    capacity = serializers.IntegerField(
        min_value=0,
        max_value=mentoring.MAX_CAPACITY,
        help_text="How many people at once; 0 pauses your offer.",
    )
    about = serializers.CharField(
        max_length=mentoring.MAX_ABOUT, allow_blank=True, required=False, default=""
    )


class SearchPagination(StableCursorPagination):
    """Mentors with room first, outside your reporting line before inside it (``rank``),
    then by id."""

    ordering = ("rank", "id")


def _offers():
    return MentorProfile.objects.select_related("membership__user", "membership__team")


@extend_schema_view(
    list=extend_schema(
        summary="Find a mentor: colleagues who offer mentoring (in a competency)",
        description="Never yourself, never your own manager, only active colleagues. "
        "Those with room come first, and among them those outside your reporting line.",
        parameters=[
            OpenApiParameter(
                "competency",
                OpenApiTypes.INT,
                description="The competency you'd like to grow in (else every offer).",
            )
        ],
    ),
    retrieve=extend_schema(summary="One colleague's offer to mentor"),
)
class MentorProfileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    serializer_class = MentorProfileSerializer
    pagination_class = SearchPagination
    http_method_names = ["get", "put", "head", "options"]

    def get_queryset(self):
        return selectors.with_load(_offers().filter(membership__is_active=True)).prefetch_related(
            "competencies"
        )

    def list(self, request, *args, **kwargs):
        competency_id = id_param(request, "competency", "Give a competency id.")
        competency = None
        if competency_id is not None:
            competency = Competency.objects.filter(pk=competency_id).first()
        if competency_id is not None and competency is None:
            raise serializers.ValidationError(
                {"competency": [f'Invalid pk "{competency_id}" - object does not exist.']}
            )
        rows = selectors.mentor_search(self.membership, competency).prefetch_related("competencies")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(visible_object(self.get_queryset(), kwargs["pk"])).data)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={200: MentorProfileSerializer},
        summary="Your own offer to mentor (404 when you have not offered)",
    )
    @extend_schema(
        methods=["PUT"],
        request=MentorOfferSerializer,
        responses={200: MentorProfileSerializer},
        summary="Offer to mentor, or change your offer",
    )
    @action(detail=False, methods=["get", "put"])
    def mine(self, request, *args, **kwargs):
        if request.method == "PUT":
            serializer = MentorOfferSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            with service_errors():
                mentoring.save_offer(actor=self.membership, **serializer.validated_data)
        found = selectors.offer_of(self.membership)
        if found is None:
            raise exceptions.NotFound("You have not offered to mentor.")
        return Response(self.get_serializer(found).data)


# --- shapes of mentorships -------------------------------------------------------------------


class MentorshipSerializer(serializers.ModelSerializer):
    mentor = PersonRefSerializer(read_only=True)
    mentee = PersonRefSerializer(read_only=True)
    competency = CompetencyRefSerializer(read_only=True)
    cadence = PlainChoiceField(MentorshipCadence.choices, read_only=True)
    status = PlainChoiceField(MentorshipStatus.choices, read_only=True)
    closed_by = PersonRefSerializer(read_only=True, allow_null=True)
    session_count = serializers.IntegerField(read_only=True)
    last_session = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "mentor",
            "mentee",
            "competency",
            "goals",
            "cadence",
            "status",
            "started_at",
            "closed_at",
            "closed_by",
            "mentor_reflection",
            "mentee_reflection",
            "session_count",
            "last_session",
        ]
        read_only_fields = fields


class MentorshipUpdateSerializer(serializers.Serializer):
    goals = serializers.CharField(max_length=mentoring.MAX_GOALS, allow_blank=True)
    cadence = PlainChoiceField(MentorshipCadence.choices)


class MentorshipSessionSerializer(serializers.ModelSerializer):
    logged_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = MentorshipSession
        fields = ["id", "held_on", "notes", "logged_by", "created_at"]
        read_only_fields = ["id", "logged_by", "created_at"]


class MentorshipSessionCreateSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    notes = serializers.CharField(
        max_length=mentoring.MAX_NOTES, allow_blank=True, required=False, default=""
    )


class MentorshipCloseSerializer(serializers.Serializer):
    reflection = serializers.CharField(max_length=mentoring.MAX_REFLECTION, allow_blank=True)


def _mentorships():
    return Mentorship.objects.select_related(
        "mentor__user", "mentee__user", "competency", "closed_by__user"
    ).annotate(session_count=Count("sessions"), last_session=Max("sessions__held_on"))


# --- requests -------------------------------------------------------------------------------


class MentorshipRequestSerializer(serializers.ModelSerializer):
    mentee = PersonRefSerializer(read_only=True)
    mentor = PersonRefSerializer(read_only=True)
    competency = CompetencyRefSerializer(read_only=True)
    status = PlainChoiceField(MentorshipRequestStatus.choices, read_only=True)
    mentorship = serializers.SerializerMethodField(
        help_text="The mentorship it started, once accepted."
    )

    class Meta:
        model = MentorshipRequest
        fields = [
            "id",
            "mentee",
            "mentor",
            "competency",
            "message",
            "status",
            "answer",
            "answered_at",
            "created_at",
            "mentorship",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_mentorship(self, asked: MentorshipRequest) -> int | None:
        started = getattr(asked, "started_id", None)
        return started


class MentorshipRequestCreateSerializer(serializers.Serializer):
    mentor = OrgRelatedField(Membership, help_text="The member you ask to mentor you.")
    competency = OrgRelatedField(Competency)
    message = serializers.CharField(
        max_length=mentoring.MAX_MESSAGE, allow_blank=True, help_text="What you'd like to learn."
    )


class MentoringAcceptSerializer(serializers.Serializer):
    goals = serializers.CharField(max_length=mentoring.MAX_GOALS, allow_blank=True)
    cadence = PlainChoiceField(
        MentorshipCadence.choices, required=False, default=MentorshipCadence.BIWEEKLY
    )


class MentoringDeclineSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=mentoring.MAX_ANSWER, allow_blank=True, required=False, default=""
    )


ROLES = ("all", "received", "sent")


@extend_schema_view(
    list=extend_schema(
        summary="Mentoring requests you made or received",
        parameters=[
            OpenApiParameter(
                "role",
                OpenApiTypes.STR,
                enum=list(ROLES),
                description="received (asked of you), sent (you asked), or all (default).",
            ),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=MentorshipRequestStatus.values,
                description="Only requests with this status.",
            ),
        ],
    ),
    retrieve=extend_schema(summary="One mentoring request you made or received"),
)
class MentorshipRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet
):
    """A request is visible to its mentee and its mentor only."""

    serializer_class = MentorshipRequestSerializer
    pagination_class = NewestFirstPagination
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.visible_requests(self.membership)

    def list(self, request, *args, **kwargs):
        viewer = self.membership
        rows = self.get_queryset()
        role = choice_param(request, "role", ROLES, "all")
        if role == "received":
            rows = rows.filter(mentor=viewer)
        elif role == "sent":
            rows = rows.filter(mentee=viewer)
        wanted = choice_param(request, "status", MentorshipRequestStatus.values)
        if wanted:
            rows = rows.filter(status=wanted)
        page = self.paginate_queryset(rows)
        _mark_started(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _one(self, pk) -> MentorshipRequest:
        return visible_object(self.get_queryset(), pk)

    def _answerable(self, pk, *, mentor: bool) -> MentorshipRequest:
        """The request, for the one person who may act on it (the mentor answers, the
        mentee withdraws); anyone else gets 404, as on the pages."""
        asked = self._one(pk)
        if self.membership.pk != (asked.mentor_id if mentor else asked.mentee_id):
            raise exceptions.NotFound()
        return asked

    def _answer(self, asked: MentorshipRequest, code=status.HTTP_200_OK) -> Response:
        fresh = self._one(asked.pk)
        _mark_started([fresh])
        return Response(self.get_serializer(fresh).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self._one(kwargs["pk"]))

    @extend_schema(
        request=MentorshipRequestCreateSerializer,
        responses={201: MentorshipRequestSerializer},
        summary="Ask a colleague to mentor you in a competency",
    )
    def create(self, request, *args, **kwargs):
        serializer = MentorshipRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            asked = mentoring.request_mentor(mentee=self.membership, **serializer.validated_data)
        return self._answer(asked, status.HTTP_201_CREATED)

    @extend_schema(
        request=MentoringAcceptSerializer,
        responses={201: MentorshipSerializer},
        summary="Accept a request you received: the mentorship starts",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        asked = self._answerable(kwargs["pk"], mentor=True)
        serializer = MentoringAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            started = mentoring.accept_request(
                actor=self.membership, request=asked, **serializer.validated_data
            )
        fresh = _mentorships().get(pk=started.pk)
        return Response(
            MentorshipSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=MentoringDeclineSerializer,
        responses=MentorshipRequestSerializer,
        summary="Decline a request you received, with an optional kind note",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        asked = self._answerable(kwargs["pk"], mentor=True)
        serializer = MentoringDeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            mentoring.decline_request(
                actor=self.membership, request=asked, note=serializer.validated_data["note"]
            )
        return self._answer(asked)

    @extend_schema(
        request=None,
        responses=MentorshipRequestSerializer,
        summary="Withdraw a request you made while it waits for an answer",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        asked = self._answerable(kwargs["pk"], mentor=False)
        with service_errors():
            mentoring.withdraw_request(actor=self.membership, request=asked)
        return self._answer(asked)


def _mark_started(rows) -> None:
    """The mentorship each accepted request started, in one query for the page."""
    ids = [row.pk for row in rows if row.status == MentorshipRequestStatus.ACCEPTED]
    started = (
        dict(Mentorship.objects.filter(request_id__in=ids).values_list("request_id", "id"))
        if ids
        else {}
    )
    for row in rows:
        row.started_id = started.get(row.pk)


# --- mentorships ----------------------------------------------------------------------------


class SessionPagination(StableCursorPagination):
    ordering = ("-held_on", "-id")


@extend_schema_view(
    list=extend_schema(
        summary="Your mentorships, as mentor or mentee",
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=MentorshipStatus.values,
                description="Only active or only closed mentorships.",
            )
        ],
    ),
    retrieve=extend_schema(summary="One of your mentorships"),
)
class MentorshipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """A mentorship — goals, log and reflections — is visible to its two people only."""

    serializer_class = MentorshipSerializer
    pagination_class = NewestFirstPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        viewer = self.membership
        return _mentorships().filter(Q(mentor=viewer) | Q(mentee=viewer))

    def list(self, request, *args, **kwargs):
        rows = self.get_queryset()
        wanted = choice_param(request, "status", MentorshipStatus.values)
        if wanted:
            rows = rows.filter(status=wanted)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _one(self, pk) -> Mentorship:
        return visible_object(self.get_queryset(), pk)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self._one(kwargs["pk"])).data)

    @extend_schema(
        request=MentorshipUpdateSerializer,
        responses=MentorshipSerializer,
        summary="Change the goals and the rhythm of an active mentorship",
    )
    def partial_update(self, request, *args, **kwargs):
        found = self._one(kwargs["pk"])
        serializer = MentorshipUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            mentoring.update_goals(
                actor=self.membership, mentorship=found, **serializer.validated_data
            )
        return Response(self.get_serializer(self._one(found.pk)).data)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={200: MentorshipSessionSerializer(many=True)},
        summary="The log of sessions, newest first",
    )
    @extend_schema(
        methods=["POST"],
        request=MentorshipSessionCreateSerializer,
        responses={201: MentorshipSessionSerializer},
        summary="Log a session that took place",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=SessionPagination)
    def sessions(self, request, *args, **kwargs):
        found = self._one(kwargs["pk"])
        if request.method == "POST":
            serializer = MentorshipSessionCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            with service_errors():
                logged = mentoring.log_session(
                    actor=self.membership, mentorship=found, **serializer.validated_data
                )
            fresh = MentorshipSession.objects.select_related("logged_by__user").get(pk=logged.pk)
            return Response(MentorshipSessionSerializer(fresh).data, status=status.HTTP_201_CREATED)
        rows = MentorshipSession.objects.filter(mentorship=found).select_related("logged_by__user")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(MentorshipSessionSerializer(page, many=True).data)

    @extend_schema(
        request=MentorshipCloseSerializer,
        responses=MentorshipSerializer,
        summary="Close the mentorship with your reflection (or add it once it is closed)",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        found = self._one(kwargs["pk"])
        serializer = MentorshipCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            mentoring.close_mentorship(
                actor=self.membership,
                mentorship=found,
                reflection=serializer.validated_data["reflection"],
            )
        return Response(self.get_serializer(self._one(found.pk)).data)
