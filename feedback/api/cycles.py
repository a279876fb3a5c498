"""API: feedback cycles — HR's configuration and progress, reviews, and results.

An anonymous cycle's answers from others carry no author: the key is absent, not null.
Answers are sent to ``POST cycle-reviews/answers/`` with the review's id in the body, so
no request log line ties a reviewer's review to the moment its answers arrived; the old
``POST cycle-reviews/<id>/answers/`` answers 410 and stores nothing.
"""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
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
from feedback.api.common import MANAGE, MAX_TEXT, REVIEW_STATUSES, ResultsNotReady
from feedback.models import (
    AssignmentStatus,
    CycleParticipant,
    CycleQuestion,
    CycleStatus,
    FeedbackCycle,
    QuestionKind,
    ReviewerAssignment,
)
from feedback.permissions import can_manage_cycles
from feedback.selectors import cycles as selectors
from feedback.services import cycles
from perfapp.api.errors import service_errors
from perfapp.api.fields import PlainChoiceField
from perfapp.api.pagination import NewestFirstPagination, StableCursorPagination
from perfapp.api.params import MAX_ID, choice_param
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.tenancy.api import OrganizationViewSet

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
    "scheduled",
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
            "unschedule",
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
        with service_errors():
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
        with service_errors():
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
        with service_errors():
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
        with service_errors(rename={"participants": "members"}):
            count = cycles.set_participants(
                actor=self.membership, cycle=cycle, members=serializer.validated_data["members"]
            )
        return Response({"participants": count})

    @extend_schema(
        request=None,
        responses=CycleDetailSerializer,
        summary="Open a draft cycle: reviewers are assigned and told (HR)",
        description="Before the cycle's `opens_on` date (in the organization's time zone) "
        "this schedules the opening instead: `status` stays `draft`, `scheduled` becomes "
        "true, and the cycle opens by itself on that date, when reviewers are told. Its "
        "setup is fixed meanwhile; `POST …/unschedule/` makes it a plain draft again.",
    )
    @action(detail=True, methods=["post"])
    def open(self, request, *args, **kwargs):
        cycle = self.get_object()
        with service_errors():
            cycles.open_cycle(actor=self.membership, cycle=cycle)
        return Response(self._detail(cycle))

    @extend_schema(
        request=None,
        responses=CycleDetailSerializer,
        summary="Cancel a cycle's scheduled opening: a plain draft again (HR)",
    )
    @action(detail=True, methods=["post"])
    def unschedule(self, request, *args, **kwargs):
        cycle = self.get_object()
        with service_errors():
            cycles.cancel_scheduled_opening(actor=self.membership, cycle=cycle)
        return Response(self._detail(cycle))

    @extend_schema(
        request=None,
        responses=CycleDetailSerializer,
        summary="Close an open cycle: participants and their managers read results (HR)",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        cycle = self.get_object()
        with service_errors():
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
        with service_errors():
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
    review = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text="The id of your review (from `cycle-reviews/`). It goes in the body, "
        "never in the URL: request logs keep URLs.",
    )
    answers = CycleAnswerItemSerializer(many=True)


class ReviewAddressMoved(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "moved"
    default_detail = (
        "Answers are no longer sent here, and nothing was stored. Send them to "
        "POST …/cycle-reviews/answers/ with the review's id in the body as "
        '"review": an address with the review\'s id would let a request log tie '
        "anonymous answers to their author."
    )


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
            wanted = choice_param(self.request, "status", [s.value for s in REVIEW_STATUSES])
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
        operation_id="cycle_reviews_answers_send",
        request=CycleAnswersSerializer,
        responses=CycleReviewSerializer,
        summary="Send your answers to one of your reviews (final; anonymous cycles store "
        "them without your name)",
        description="The review's id goes in the body (`review`), not in the URL, so no "
        "request log line ties a reviewer to the moment their answers arrived. Ratings are "
        "1 to 5. Errors about one question come back under the field ``q<question id>``. "
        "A review that is not yours answers 404.",
    )
    @action(detail=False, methods=["post"], url_path="answers", url_name="send")
    def send(self, request, *args, **kwargs):
        serializer = CycleAnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assignment = get_object_or_404(self.get_queryset(), pk=data["review"])
        known = set(
            CycleQuestion.objects.filter(cycle_id=assignment.cycle_id).values_list("pk", flat=True)
        )
        answers: dict[int, tuple] = {}
        for item in data["answers"]:
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
        with service_errors():
            assignment = cycles.submit_answers(
                reviewer=self.membership, assignment=assignment, answers=answers
            )
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(CycleReviewSerializer(fresh).data)

    @extend_schema(
        operation_id="cycle_reviews_answers_moved",
        request=None,
        responses={410: OpenApiTypes.OBJECT},
        deprecated=True,
        summary="Moved: send answers to POST cycle-reviews/answers/",
        description="Answers 410 with the code `moved` and stores nothing. The address "
        "named the review, so request logs could tie anonymous answers to their author.",
    )
    @action(detail=True, methods=["post"])
    def answers(self, request, *args, **kwargs):
        self.get_object()  # someone else's review stays a 404
        raise ReviewAddressMoved()


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
    withheld = serializers.BooleanField(
        help_text="True when fewer than 3 people besides you answered this question in an "
        "anonymous cycle: its answers from others are kept back."
    )
    self_answer = SelfAnswerSerializer(allow_null=True)
    ratings = RatingsSerializer(allow_null=True, help_text="Null for free-text questions.")
    texts = TextAnswerSerializer(
        many=True, help_text="Others' written answers, in alphabetical order."
    )


class CycleResultsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cycle = CycleRefSerializer()
    person = PersonRefSerializer()
    others_count = serializers.IntegerField(
        help_text="How many others than the participant answered (you included, if you did)."
    )
    you_answered = serializers.BooleanField(
        help_text="You answered about this person yourself: your answer is among the "
        "others' and does not count towards the minimum of 3 that keeps them anonymous."
    )
    hidden = serializers.BooleanField(
        help_text="True when, in an anonymous cycle, fewer than 3 people besides you "
        "answered, so their answers are not shown."
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
                "withheld": result.withheld,
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
    if not results.hidden:
        reason = None
    elif results.reader_answered:
        reason = (
            f"Fewer than {minimum} colleagues besides you answered, so their answers stay "
            "hidden from you: taking your own answer away, you could tell who wrote the rest."
        )
    else:
        reason = (
            f"Fewer than {minimum} colleagues answered, so their answers stay hidden: "
            "with so few, anyone could tell who wrote what."
        )
    return {
        "id": entry.pk,
        "cycle": CycleRefSerializer(cycle).data,
        "person": PersonRefSerializer(entry.participant).data,
        "others_count": results.others_count,
        "you_answered": results.reader_answered,
        "hidden": results.hidden,
        "hidden_reason": reason,
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
        return Response(_results_data(cycles.results_for(entry=entry, reader=self.membership)))
