"""API: continuous feedback of one organization — feedback, requests for it, and cycles.

The same rules as the pages. Every read goes through ``feedback.selectors`` and the
predicates of ``feedback.permissions``; every write through ``feedback.services`` or
``feedback.cycles``, whose ValidationErrors become the 400 envelope. What a person may
not read answers 404, exactly like what does not exist. HR has no special read access
to feedback (``feedback/stats/`` gives counts only) and sees cycles as counts only.
An anonymous cycle's answers from others carry no author: the key is absent, not null.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
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

from advancement.models import Competency
from perfapp.api.pagination import StableCursorPagination
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.tenancy.api import OrganizationViewSet

from . import cycles, selectors, services
from . import nudge as nudge_rules
from .models import (
    AssignmentStatus,
    CycleParticipant,
    CycleQuestion,
    CycleStatus,
    Feedback,
    FeedbackCycle,
    FeedbackKind,
    FeedbackRequest,
    QuestionKind,
    RequestReviewer,
    RequestStatus,
    ReviewerAssignment,
    Visibility,
)
from .permissions import can_manage_cycles, can_read_feedback, can_see_request

MANAGE = Permission.MANAGE_CYCLES
MAX_ID = 2**63 - 1
MAX_TEXT = 4000
ROLES = ("asked_by_me", "asked_of_me")
REVIEW_STATUSES = (AssignmentStatus.PENDING, AssignmentStatus.ANSWERED)


@contextmanager
def _service_errors(rename: dict[str, str] | None = None) -> Iterator[None]:
    """A service's ValidationError becomes the API's 400 envelope; ``rename`` maps the
    service's field names to the API's where they differ."""
    try:
        yield
    except ValidationError as error:
        detail = serializers.as_serializer_error(error)
        for old, new in (rename or {}).items():
            if old in detail:
                detail[new] = detail.pop(old)
        raise serializers.ValidationError(detail) from error


def _is_id(raw: str) -> bool:
    """ASCII digits that fit a bigint ("²".isdigit() is true, but int("²") fails)."""
    return raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID


def _path_id(raw) -> int:
    if not _is_id(str(raw)):
        raise exceptions.NotFound()
    return int(raw)


def _id_param(request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    if not _is_id(raw):
        raise serializers.ValidationError({name: ["Give a numeric id."]})
    return int(raw)


def _choice_param(request, name: str, choices, default: str = "") -> str:
    raw = request.query_params.get(name, "")
    if not raw:
        return default
    if raw not in choices:
        raise serializers.ValidationError({name: [f"Choose one of: {', '.join(choices)}."]})
    return raw


def _date_param(request, name: str) -> date | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise serializers.ValidationError(
            {name: ["Give a date as YYYY-MM-DD."]}, code="invalid"
        ) from None


class NewestFirstPagination(StableCursorPagination):
    ordering = "-id"


class TimelinePagination(StableCursorPagination):
    """Newest first, as ``selectors.timeline`` orders it; the id breaks ties."""

    ordering = ("-created_at", "-id")


class ResultsNotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The results are ready once the cycle closes."
    default_code = "results_not_ready"


# --- shared shapes ------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice documented as a string listing its values, not as an OpenAPI enum: the
    API already has a "status" and a "kind" enum, and one enum per field name keeps
    generated clients (and ``spectacular --fail-on-warn``) unambiguous."""

    def __init__(self, choices, **kwargs):
        values = ", ".join(str(value) for value, _ in choices)
        help_text = kwargs.pop("help_text", "")
        kwargs["help_text"] = f"{help_text} One of: {values}.".strip()
        super().__init__(choices, **kwargs)


class CompetencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Competency
        fields = ["id", "name"]
        read_only_fields = fields


# --- feedback -----------------------------------------------------------------------------


class FeedbackSerializer(serializers.ModelSerializer):
    author = PersonRefSerializer(read_only=True)
    recipient = PersonRefSerializer(read_only=True)
    kind = PlainChoiceField(FeedbackKind.choices, read_only=True)
    competencies = CompetencyRefSerializer(many=True, read_only=True)
    editable_until = serializers.SerializerMethodField(
        help_text="For the author: until when they may still edit it. Null for anyone else."
    )
    attached_as_evidence = serializers.SerializerMethodField(
        help_text="For the recipient of private feedback: whether it counts as evidence "
        "for their promotion criteria. Null for anyone else."
    )

    class Meta:
        model = Feedback
        fields = [
            "id",
            "author",
            "recipient",
            "kind",
            "situation",
            "impact",
            "suggestion",
            "visibility",
            "competencies",
            "created_at",
            "edited_at",
            "editable_until",
            "attached_as_evidence",
        ]
        read_only_fields = fields

    def _viewer_id(self) -> int | None:
        viewer = self.context.get("membership")
        return viewer.pk if viewer is not None else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_editable_until(self, feedback: Feedback) -> datetime | None:
        if feedback.author_id != self._viewer_id():
            return None
        return feedback.created_at + services.EDIT_WINDOW

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_attached_as_evidence(self, feedback: Feedback) -> bool | None:
        if feedback.recipient_id != self._viewer_id():
            return None
        if feedback.visibility != Visibility.PRIVATE:
            return None
        return feedback.attached_as_evidence


def _text(required: bool = False, **kwargs) -> serializers.CharField:
    if not required:
        kwargs.setdefault("default", "")
    return serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=required, **kwargs)


class FeedbackContentSerializer(serializers.Serializer):
    kind = PlainChoiceField(FeedbackKind.choices)
    situation = _text(required=True, help_text="What happened: the situation and the behaviour.")
    impact = _text(help_text="What it changed, for whom.")
    suggestion = _text(help_text="One thing to try next time.")
    competencies = OrgRelatedField(
        Competency, many=True, required=False, default=list, help_text="Competency ids."
    )


class FeedbackCreateSerializer(FeedbackContentSerializer):
    recipient = OrgRelatedField(Membership, help_text="The colleague's member id.")
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, default=Visibility.PRIVATE
    )


class RequestAnswerSerializer(FeedbackContentSerializer):
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        required=False,
        help_text="Defaults to private for a request about the asker themselves, and to "
        "only the manager who asked for a manager's request about a report.",
    )


class FeedbackEditSerializer(serializers.Serializer):
    kind = PlainChoiceField(FeedbackKind.choices, required=False)
    situation = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)
    impact = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)
    suggestion = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)
    competencies = OrgRelatedField(Competency, many=True, required=False)

    FIXED = {
        "recipient": "Feedback stays with the person it was written for.",
        "visibility": "Who may read it is fixed once it is sent.",
    }

    def validate(self, attrs):
        fixed = {
            name: [message] for name, message in self.FIXED.items() if name in self.initial_data
        }
        if fixed:
            raise serializers.ValidationError(fixed)
        return attrs


class EvidenceSerializer(serializers.Serializer):
    attached = serializers.BooleanField()


class NudgeSerializer(serializers.Serializer):
    kind = serializers.CharField(required=False, allow_blank=True, default="")
    situation = _text()
    impact = _text()
    suggestion = _text()


class HintSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class HintsSerializer(serializers.Serializer):
    hints = HintSerializer(many=True)


class FeedbackStatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    praise = serializers.IntegerField()
    constructive = serializers.IntegerField()
    suggestion = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(
        summary="Your feedback timeline: received, given, or shared with you as a manager",
        parameters=[
            OpenApiParameter(
                "box",
                OpenApiTypes.STR,
                enum=list(selectors.BOXES),
                description="received (default), given, or team: what your direct reports "
                "shared with you and answers to your requests about them.",
            ),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=FeedbackKind.values),
            OpenApiParameter("competency", OpenApiTypes.INT, description="A competency id."),
            OpenApiParameter(
                "person", OpenApiTypes.INT, description="Written by or to this member id."
            ),
            OpenApiParameter("since", OpenApiTypes.DATE, description="From this day on."),
            OpenApiParameter("until", OpenApiTypes.DATE, description="Up to this day."),
        ],
    ),
    retrieve=extend_schema(summary="One piece of feedback you may read"),
)
class FeedbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Author and recipient read a piece of feedback; the recipient's manager reads what
    was shared with the manager. Nobody else, not HR."""

    serializer_class = FeedbackSerializer
    pagination_class = TimelinePagination
    action_permissions = {"stats": MANAGE}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.readable(self.membership)

    def _criteria(self) -> dict:
        request = self.request
        criteria = {
            "box": _choice_param(request, "box", selectors.BOXES, "received"),
            "kind": _choice_param(request, "kind", FeedbackKind.values),
            "competency_id": _id_param(request, "competency"),
            "person_id": _id_param(request, "person"),
            "since": _date_param(request, "since"),
            "until": _date_param(request, "until"),
        }
        if criteria["since"] and criteria["until"] and criteria["since"] > criteria["until"]:
            raise serializers.ValidationError({"until": ["Choose a day on or after “since”."]})
        return criteria

    def list(self, request, *args, **kwargs):
        criteria = self._criteria()
        # Days are the reader's days, as on the pages.
        with timezone.override(ZoneInfo(self.membership.effective_time_zone)):
            page = self.paginate_queryset(selectors.timeline(self.membership, **criteria))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _one(self, pk: int) -> dict:
        return self.get_serializer(selectors.readable(self.membership).get(pk=pk)).data

    @extend_schema(
        request=FeedbackCreateSerializer,
        responses={201: FeedbackSerializer},
        summary="Give feedback to a colleague (the recipient is notified)",
    )
    def create(self, request, *args, **kwargs):
        serializer = FeedbackCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _service_errors():
            feedback = services.give_feedback(author=self.membership, **serializer.validated_data)
        return Response(self._one(feedback.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=FeedbackEditSerializer,
        responses=FeedbackSerializer,
        summary="Correct your feedback within the edit window after sending it",
    )
    def partial_update(self, request, *args, **kwargs):
        feedback = self.get_object()
        serializer = FeedbackEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _service_errors():
            services.edit_feedback(
                author=self.membership, feedback=feedback, **serializer.validated_data
            )
        return Response(self._one(feedback.pk))

    @extend_schema(
        request=EvidenceSerializer,
        responses=FeedbackSerializer,
        summary="Count private feedback you received as evidence for promotion, or stop",
    )
    @action(detail=True, methods=["post"])
    def evidence(self, request, *args, **kwargs):
        feedback = self.get_object()
        serializer = EvidenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _service_errors():
            services.attach_as_evidence(
                recipient=self.membership,
                feedback=feedback,
                attached=serializer.validated_data["attached"],
            )
        return Response(self._one(feedback.pk))

    @extend_schema(
        request=NudgeSerializer,
        responses=HintsSerializer,
        summary="Hints to make feedback more specific (advice only; never blocks sending)",
    )
    @action(detail=False, methods=["post"])
    def nudge(self, request, *args, **kwargs):
        serializer = NudgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = nudge_rules.hints(**serializer.validated_data)
        return Response({"hints": [{"code": h.code, "message": h.message} for h in found]})

    @extend_schema(
        responses=FeedbackStatsSerializer,
        summary="How much feedback was given, by kind (HR; counts only, never content)",
    )
    @action(detail=False, methods=["get"])
    def stats(self, request, *args, **kwargs):
        return Response(selectors.counts_for_hr())


# --- requests -----------------------------------------------------------------------------


class RequestRowSerializer(serializers.ModelSerializer):
    reviewer = PersonRefSerializer(read_only=True)
    status = PlainChoiceField(RequestStatus.choices, read_only=True)
    answer = serializers.SerializerMethodField(
        help_text="The id of the feedback that answered, when you may read it."
    )

    class Meta:
        model = RequestReviewer
        fields = ["id", "reviewer", "status", "decline_reason", "responded_at", "answer"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_answer(self, row: RequestReviewer) -> int | None:
        return getattr(row, "readable_answer_id", None)


class FeedbackRequestSerializer(serializers.ModelSerializer):
    requester = PersonRefSerializer(read_only=True)
    subject = PersonRefSerializer(read_only=True)
    competency = CompetencyRefSerializer(read_only=True, allow_null=True)
    reviewers = RequestRowSerializer(
        many=True,
        read_only=True,
        source="visible_rows",
        help_text="Everyone asked, for the requester; only your own row, for a reviewer.",
    )

    class Meta:
        model = FeedbackRequest
        fields = [
            "id",
            "requester",
            "subject",
            "topic",
            "message",
            "competency",
            "due_date",
            "created_at",
            "reviewers",
        ]
        read_only_fields = fields


class FeedbackRequestCreateSerializer(serializers.Serializer):
    subject = OrgRelatedField(
        Membership,
        required=False,
        allow_null=True,
        help_text="Whom the feedback is about: yourself (the default) or a direct report.",
    )
    reviewers = OrgRelatedField(Membership, many=True, help_text="Member ids of whom to ask.")
    topic = serializers.CharField(max_length=200, allow_blank=True)
    message = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    competency = OrgRelatedField(Competency, allow_null=True, required=False, default=None)
    due_date = serializers.DateField()


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)


def _request_rows():
    return RequestReviewer.objects.select_related("reviewer__user", "answer__recipient").order_by(
        "id"
    )


@extend_schema_view(
    list=extend_schema(
        summary="Feedback requests you made, or that were made of you",
        parameters=[
            OpenApiParameter(
                "role",
                OpenApiTypes.STR,
                enum=list(ROLES),
                description="asked_by_me (default) or asked_of_me.",
            ),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=RequestStatus.values,
                description="With role=asked_of_me: only requests where your part has this status.",
            ),
        ],
    ),
)
class FeedbackRequestViewSet(OrganizationViewSet):
    """The requester sees every asked person's status; each asked person sees the request
    and only their own part of it."""

    serializer_class = FeedbackRequestSerializer
    pagination_class = NewestFirstPagination
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return FeedbackRequest.objects.select_related(
            "requester__user", "subject__user", "competency"
        )

    def _mark_answers(self, request: FeedbackRequest, rows: list[RequestReviewer]) -> None:
        viewer = self.membership
        for row in rows:
            answer = getattr(row, "answer", None)
            row.readable_answer_id = (
                answer.pk
                if answer is not None
                and can_read_feedback(viewer, answer, requester_id=request.requester_id)
                else None
            )
        request.visible_rows = rows

    def list(self, request, *args, **kwargs):
        viewer = self.membership
        role = _choice_param(request, "role", ROLES, "asked_by_me")
        if role == "asked_by_me":
            rows = (
                selectors.requests_made(viewer)
                .select_related("requester__user")
                .prefetch_related(
                    Prefetch("reviewers", queryset=_request_rows(), to_attr="prefetched_rows")
                )
            )
            page = self.paginate_queryset(rows)
            for asked in page:
                self._mark_answers(asked, asked.prefetched_rows)
        else:
            mine = selectors.requests_for_me(viewer, open_only=False).select_related(
                "reviewer__user", "answer__recipient"
            )
            wanted = _choice_param(request, "status", RequestStatus.values)
            if wanted:
                mine = mine.filter(status=wanted)
            page = []
            for row in self.paginate_queryset(mine):
                self._mark_answers(row.request, [row])
                page.append(row.request)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _visible(self, asked: FeedbackRequest) -> FeedbackRequest:
        """The request with the rows the viewer may see, or 404."""
        viewer = self.membership
        rows = list(_request_rows().filter(request=asked))
        if not can_see_request(viewer, asked, {row.reviewer_id for row in rows}):
            raise exceptions.NotFound()
        if viewer.pk != asked.requester_id:
            rows = [row for row in rows if row.reviewer_id == viewer.pk]
        self._mark_answers(asked, rows)
        return asked

    @extend_schema(summary="One feedback request you made or were asked")
    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self._visible(self.get_object())).data)

    @extend_schema(
        request=FeedbackRequestCreateSerializer,
        responses={201: FeedbackRequestSerializer},
        summary="Ask colleagues for feedback about yourself or a direct report",
    )
    def create(self, request, *args, **kwargs):
        serializer = FeedbackRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["subject"] = data.get("subject") or self.membership
        with _service_errors():
            asked = services.request_feedback(requester=self.membership, **data)
        fresh = self.get_queryset().get(pk=asked.pk)
        return Response(
            self.get_serializer(self._visible(fresh)).data, status=status.HTTP_201_CREATED
        )

    def _my_row(self) -> RequestReviewer:
        row = (
            RequestReviewer.objects.select_related("request")
            .filter(request_id=_path_id(self.kwargs["pk"]), reviewer=self.membership)
            .first()
        )
        if row is None:
            raise exceptions.NotFound("You were not asked for feedback on this request.")
        return row

    @extend_schema(
        request=RequestAnswerSerializer,
        responses={201: FeedbackSerializer},
        summary="Answer a request you were asked (your answer is a piece of feedback)",
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, *args, **kwargs):
        row = self._my_row()
        serializer = RequestAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        content = dict(serializer.validated_data)
        if not content.get("visibility"):
            content["visibility"] = (
                Visibility.MANAGER_ONLY if row.request.is_about_someone_else else Visibility.PRIVATE
            )
        with _service_errors():
            feedback = services.answer_request(reviewer=self.membership, row=row, **content)
        data = FeedbackSerializer(
            selectors.readable(self.membership).get(pk=feedback.pk),
            context=self.get_serializer_context(),
        ).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DeclineSerializer,
        responses=FeedbackRequestSerializer,
        summary="Decline a request you were asked, with a reason the asker reads",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        row = self._my_row()
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _service_errors():
            services.decline_request(
                reviewer=self.membership, row=row, reason=serializer.validated_data["reason"]
            )
        fresh = self.get_queryset().get(pk=row.request_id)
        return Response(self.get_serializer(self._visible(fresh)).data)


# --- cycles (HR) --------------------------------------------------------------------------


class CycleQuestionSerializer(serializers.ModelSerializer):
    kind = PlainChoiceField(QuestionKind.choices, read_only=True)
    competency = CompetencyRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CycleQuestion
        fields = ["id", "position", "kind", "prompt", "competency", "required"]
        read_only_fields = fields


class CycleQuestionCreateSerializer(serializers.Serializer):
    kind = PlainChoiceField(QuestionKind.choices)
    prompt = serializers.CharField(max_length=300, allow_blank=True)
    competency = OrgRelatedField(
        Competency,
        allow_null=True,
        required=False,
        default=None,
        help_text="The competency a competency question rates.",
    )
    required = serializers.BooleanField(required=False, default=True)


class CycleCountsSerializer(serializers.Serializer):
    participants = serializers.IntegerField()
    asked = serializers.IntegerField(help_text="Reviews asked (peers waiting for approval aside).")
    answered = serializers.IntegerField()


class CycleTotalsSerializer(CycleCountsSerializer):
    proposed = serializers.IntegerField(help_text="Peers waiting for their manager's approval.")
    percent = serializers.IntegerField(help_text="Answered, as a percentage of asked.")
    reminders_sent = serializers.IntegerField()
    last_reminder_at = serializers.DateTimeField(allow_null=True)


CYCLE_FIELDS = [
    "id",
    "name",
    "description",
    "status",
    "opens_on",
    "closes_on",
    "anonymous",
    "include_self",
    "include_manager",
    "include_peers",
    "include_reports",
    "max_peers",
    "created_at",
]


class CycleSerializer(serializers.ModelSerializer):
    status = PlainChoiceField(CycleStatus.choices, read_only=True)
    progress = serializers.SerializerMethodField(help_text="Counts for HR; null for everyone else.")

    class Meta:
        model = FeedbackCycle
        fields = [*CYCLE_FIELDS, "progress"]
        read_only_fields = fields

    @extend_schema_field(CycleCountsSerializer(allow_null=True))
    def get_progress(self, cycle: FeedbackCycle) -> dict | None:
        if not self.context.get("is_hr") or not hasattr(cycle, "participant_count"):
            return None
        return {
            "participants": cycle.participant_count,
            "asked": cycle.asked,
            "answered": cycle.answered,
        }


class CycleDetailSerializer(serializers.ModelSerializer):
    status = PlainChoiceField(CycleStatus.choices, read_only=True)
    questions = CycleQuestionSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField(help_text="Counts for HR; null for everyone else.")

    class Meta:
        model = FeedbackCycle
        fields = [*CYCLE_FIELDS, "questions", "progress"]
        read_only_fields = fields

    @extend_schema_field(CycleTotalsSerializer(allow_null=True))
    def get_progress(self, cycle: FeedbackCycle) -> dict | None:
        if not self.context.get("is_hr"):
            return None
        totals = selectors.cycle_totals(cycle)
        reminders = selectors.cycle_reminders_sent(cycle)
        return {
            "participants": totals["participants"],
            "asked": totals["asked"],
            "answered": totals["answered"],
            "proposed": totals["proposed"],
            "percent": totals["percent"],
            "reminders_sent": reminders["count"],
            "last_reminder_at": reminders["last"],
        }


class CycleWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedbackCycle
        fields = [
            "name",
            "description",
            "opens_on",
            "closes_on",
            "anonymous",
            "include_self",
            "include_manager",
            "include_peers",
            "include_reports",
            "max_peers",
        ]


class ParticipantsSerializer(serializers.Serializer):
    members = OrgRelatedField(
        Membership, many=True, help_text="Member ids: the cycle's participants from now on."
    )


class ParticipantsResultSerializer(serializers.Serializer):
    participants = serializers.IntegerField()


class RemindResultSerializer(serializers.Serializer):
    reminded = serializers.IntegerField(help_text="How many reviewers were reminded now.")


class ProgressRowSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(source="participant", read_only=True)
    manager = PersonRefSerializer(source="participant.manager", read_only=True, allow_null=True)
    asked = serializers.IntegerField(read_only=True)
    answered = serializers.IntegerField(read_only=True)

    class Meta:
        model = CycleParticipant
        fields = ["id", "person", "manager", "asked", "answered"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Feedback cycles: all of them for HR, else those you take part or review in"
    ),
)
class FeedbackCycleViewSet(mixins.ListModelMixin, OrganizationViewSet):
    """HR sets cycles up and follows their progress, as counts only."""

    serializer_class = CycleSerializer
    pagination_class = NewestFirstPagination
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = dict.fromkeys(
        (
            "create",
            "partial_update",
            "questions",
            "participants",
            "open",
            "close",
            "remind",
            "progress",
        ),
        MANAGE,
    )

    def _is_hr(self) -> bool:
        return can_manage_cycles(self.membership)

    def get_queryset(self):
        if self._is_hr():
            return (
                selectors.cycles_overview()
                if self.action == "list"
                else FeedbackCycle.objects.all()
            )
        viewer = self.membership
        taking_part = CycleParticipant.objects.filter(participant=viewer).values("cycle_id")
        reviewing = ReviewerAssignment.objects.filter(
            reviewer=viewer, status__in=REVIEW_STATUSES
        ).values("cycle_id")
        return FeedbackCycle.objects.exclude(status=CycleStatus.DRAFT).filter(
            Q(pk__in=taking_part) | Q(pk__in=reviewing)
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "membership", None) is not None:
            context["is_hr"] = self._is_hr()
        return context

    def _detail(self, cycle: FeedbackCycle) -> dict:
        fresh = FeedbackCycle.objects.prefetch_related(
            Prefetch("questions", queryset=CycleQuestion.objects.select_related("competency"))
        ).get(pk=cycle.pk)
        return CycleDetailSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(
        responses=CycleDetailSerializer, summary="One cycle, with its questions (and counts for HR)"
    )
    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail(self.get_object()))

    @extend_schema(
        request=CycleWriteSerializer,
        responses={201: CycleDetailSerializer},
        summary="Set up a cycle as a draft (HR)",
    )
    def create(self, request, *args, **kwargs):
        serializer = CycleWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _service_errors():
            cycle = cycles.save_cycle(
                actor=self.membership, cycle=FeedbackCycle(**serializer.validated_data)
            )
        return Response(self._detail(cycle), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CycleWriteSerializer,
        responses=CycleDetailSerializer,
        summary="Change a draft cycle's settings (HR)",
    )
    def partial_update(self, request, *args, **kwargs):
        cycle = self.get_object()
        serializer = CycleWriteSerializer(cycle, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        for name, value in serializer.validated_data.items():
            setattr(cycle, name, value)
        with _service_errors():
            cycles.save_cycle(actor=self.membership, cycle=cycle)
        return Response(self._detail(cycle))

    @extend_schema(
        request=CycleQuestionCreateSerializer,
        responses={201: CycleQuestionSerializer},
        summary="Add a question to a draft cycle (HR)",
    )
    @action(detail=True, methods=["post"])
    def questions(self, request, *args, **kwargs):
        cycle = self.get_object()
        serializer = CycleQuestionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _service_errors():
            question = cycles.add_question(
                actor=self.membership, cycle=cycle, **serializer.validated_data
            )
        return Response(CycleQuestionSerializer(question).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ParticipantsSerializer,
        responses=ParticipantsResultSerializer,
        summary="Choose a draft cycle's participants (replaces the list; HR)",
    )
    @action(detail=True, methods=["post"])
    def participants(self, request, *args, **kwargs):
        cycle = self.get_object()
        serializer = ParticipantsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _service_errors(rename={"participants": "members"}):
            count = cycles.set_participants(
                actor=self.membership, cycle=cycle, members=serializer.validated_data["members"]
            )
        return Response({"participants": count})

    @extend_schema(
        request=None,
        responses=CycleDetailSerializer,
        summary="Open a draft cycle: reviewers are assigned and told (HR)",
    )
    @action(detail=True, methods=["post"])
    def open(self, request, *args, **kwargs):
        cycle = self.get_object()
        with _service_errors():
            cycles.open_cycle(actor=self.membership, cycle=cycle)
        return Response(self._detail(cycle))

    @extend_schema(
        request=None,
        responses=CycleDetailSerializer,
        summary="Close an open cycle: participants and their managers read results (HR)",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        cycle = self.get_object()
        with _service_errors():
            cycles.close_cycle(actor=self.membership, cycle=cycle)
        return Response(self._detail(cycle))

    @extend_schema(
        request=None,
        responses=RemindResultSerializer,
        summary="Remind everyone who still owes a review (HR)",
    )
    @action(detail=True, methods=["post"])
    def remind(self, request, *args, **kwargs):
        cycle = self.get_object()
        with _service_errors():
            count = cycles.remind_reviewers(actor=self.membership, cycle=cycle)
        return Response({"reminded": count})

    @extend_schema(
        responses=ProgressRowSerializer(many=True),
        summary="Per participant: reviews asked and answered, counts only (HR)",
    )
    @action(detail=True, methods=["get"])
    def progress(self, request, *args, **kwargs):
        cycle = self.get_object()
        paginator = StableCursorPagination()
        page = paginator.paginate_queryset(selectors.cycle_progress(cycle), request, view=self)
        return paginator.get_paginated_response(ProgressRowSerializer(page, many=True).data)


# --- reviewing in a cycle -----------------------------------------------------------------


class CycleRefSerializer(serializers.ModelSerializer):
    status = PlainChoiceField(CycleStatus.choices, read_only=True)

    class Meta:
        model = FeedbackCycle
        fields = ["id", "name", "status", "closes_on", "anonymous"]
        read_only_fields = fields


class CycleReviewSerializer(serializers.ModelSerializer):
    cycle = CycleRefSerializer(read_only=True)
    about = PersonRefSerializer(source="participant.participant", read_only=True)
    status = PlainChoiceField(AssignmentStatus.choices, read_only=True)

    class Meta:
        model = ReviewerAssignment
        fields = ["id", "cycle", "about", "relation", "status"]
        read_only_fields = fields


class CycleReviewDetailSerializer(CycleReviewSerializer):
    questions = CycleQuestionSerializer(source="cycle.questions", many=True, read_only=True)

    class Meta(CycleReviewSerializer.Meta):
        fields = [*CycleReviewSerializer.Meta.fields, "questions"]
        read_only_fields = fields


class CycleAnswerItemSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    rating = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    text = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False, default="")


class CycleAnswersSerializer(serializers.Serializer):
    answers = CycleAnswerItemSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary="The reviews you are asked to write in feedback cycles",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=[s.value for s in REVIEW_STATUSES])
        ],
    ),
    retrieve=extend_schema(
        summary="One review you are asked to write, with its questions",
        responses=CycleReviewDetailSerializer,
    ),
)
class CycleReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    serializer_class = CycleReviewSerializer
    pagination_class = NewestFirstPagination

    def get_queryset(self):
        rows = (
            ReviewerAssignment.objects.filter(reviewer=self.membership)
            .exclude(cycle__status=CycleStatus.DRAFT)
            .select_related("cycle", "participant__participant__user")
        )
        if self.action == "list":
            wanted = _choice_param(self.request, "status", [s.value for s in REVIEW_STATUSES])
            rows = rows.filter(status=wanted) if wanted else rows.filter(status__in=REVIEW_STATUSES)
        if self.action == "retrieve":
            rows = rows.prefetch_related(
                Prefetch(
                    "cycle__questions", queryset=CycleQuestion.objects.select_related("competency")
                )
            )
        return rows

    def get_serializer_class(self):
        return CycleReviewDetailSerializer if self.action == "retrieve" else CycleReviewSerializer

    @extend_schema(
        request=CycleAnswersSerializer,
        responses=CycleReviewSerializer,
        summary="Send your answers (final; anonymous cycles store them without your name)",
        description="Ratings are 1 to 5. Errors about one question come back under the "
        "field ``q<question id>``.",
    )
    @action(detail=True, methods=["post"])
    def answers(self, request, *args, **kwargs):
        assignment = self.get_object()
        serializer = CycleAnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        known = set(
            CycleQuestion.objects.filter(cycle_id=assignment.cycle_id).values_list("pk", flat=True)
        )
        answers: dict[int, tuple] = {}
        for item in serializer.validated_data["answers"]:
            question = item["question"]
            if question not in known:
                raise serializers.ValidationError(
                    {"answers": [f"Question {question} is not part of this cycle."]}
                )
            if question in answers:
                raise serializers.ValidationError(
                    {"answers": [f"Question {question} is answered twice."]}
                )
            answers[question] = (item.get("rating"), item.get("text", ""))
        with _service_errors():
            cycles.submit_answers(reviewer=self.membership, assignment=assignment, answers=answers)
        return Response(CycleReviewSerializer(self.get_object()).data)


# --- results ------------------------------------------------------------------------------


class CycleResultRefSerializer(serializers.ModelSerializer):
    cycle = CycleRefSerializer(read_only=True)
    person = PersonRefSerializer(source="participant", read_only=True)
    ready = serializers.SerializerMethodField(help_text="Whether the cycle is closed.")

    class Meta:
        model = CycleParticipant
        fields = ["id", "cycle", "person", "ready"]
        read_only_fields = fields

    def get_ready(self, entry: CycleParticipant) -> bool:
        return entry.cycle.status == CycleStatus.CLOSED


class SelfAnswerSerializer(serializers.Serializer):
    rating = serializers.IntegerField(allow_null=True)
    text = serializers.CharField(allow_blank=True)


class RatingsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    distribution = serializers.ListField(
        child=serializers.IntegerField(), help_text="How many gave 1, 2, 3, 4 and 5."
    )


class TextAnswerSerializer(serializers.Serializer):
    text = serializers.CharField()
    author = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="Only in cycles that are not anonymous. In anonymous cycles the key is "
        "absent: the author was never stored.",
    )


class QuestionResultSerializer(serializers.Serializer):
    question = CycleQuestionSerializer()
    self_answer = SelfAnswerSerializer(allow_null=True)
    ratings = RatingsSerializer(allow_null=True, help_text="Null for free-text questions.")
    texts = TextAnswerSerializer(
        many=True, help_text="Others' written answers, in alphabetical order."
    )


class CycleResultsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = CycleRefSerializer()
    person = PersonRefSerializer()
    others_count = serializers.IntegerField(help_text="How many others answered.")
    hidden = serializers.BooleanField(
        help_text="True when too few others answered an anonymous cycle to show their answers."
    )
    hidden_reason = serializers.CharField(allow_null=True)
    questions = QuestionResultSerializer(many=True)


def _results_data(results: cycles.Results) -> dict:
    cycle, entry = results.cycle, results.participant
    questions = []
    for result in results.questions:
        question = result.question
        own = result.self_answer
        texts = []
        for who, text in result.texts:
            if cycle.anonymous:
                texts.append({"text": text})  # no author key at all
            else:
                texts.append({"text": text, "author": who or None})
        questions.append(
            {
                "question": CycleQuestionSerializer(question).data,
                "self_answer": {"rating": own.rating, "text": own.text} if own else None,
                "ratings": None
                if question.kind == QuestionKind.TEXT
                else {
                    "count": len(result.ratings),
                    "average": result.average,
                    "distribution": result.distribution,
                },
                "texts": texts,
            }
        )
    minimum = cycles.MIN_ANONYMOUS_ANSWERS
    return {
        "id": entry.pk,
        "cycle": CycleRefSerializer(cycle).data,
        "person": PersonRefSerializer(entry.participant).data,
        "others_count": results.others_count,
        "hidden": results.hidden,
        "hidden_reason": (
            f"Fewer than {minimum} colleagues answered, so their answers stay hidden: "
            "with so few, anyone could tell who wrote what."
        )
        if results.hidden
        else None,
        "questions": questions,
    }


@extend_schema_view(
    list=extend_schema(
        summary="Cycle results you may read: your own and your direct reports'",
    ),
)
class CycleResultViewSet(mixins.ListModelMixin, OrganizationViewSet):
    """A participant's results, for the participant and their manager, once the cycle is
    closed. The path id is the participant's entry in the cycle (``cycle-results/`` lists
    them)."""

    serializer_class = CycleResultRefSerializer
    pagination_class = NewestFirstPagination

    def get_queryset(self):
        viewer = self.membership
        return (
            CycleParticipant.objects.filter(Q(participant=viewer) | Q(participant__manager=viewer))
            .exclude(cycle__status=CycleStatus.DRAFT)
            .select_related("cycle", "participant__user")
        )

    @extend_schema(
        responses=CycleResultsSerializer,
        summary="A participant's results (the participant and their manager, once closed)",
        description="Answers 409 while the cycle is still open.",
    )
    def retrieve(self, request, *args, **kwargs):
        entry = self.get_object()
        cycle = entry.cycle
        if cycle.status != CycleStatus.CLOSED:
            raise ResultsNotReady(
                f"The results of “{cycle.name}” are ready once the cycle closes "
                f"(planned for {cycle.closes_on:%-d %B %Y})."
            )
        return Response(_results_data(cycles.results_for(entry)))
