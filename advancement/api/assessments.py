"""API: assessments. The person and their direct manager each write one side; a side is
private to its author until both are submitted; the chain above and HR read completed
ones. Writes go through ``advancement.services.assessments``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from advancement.models import Assessment, Perspective, Rating
from advancement.selectors import assessments as selectors
from advancement.services import assessments as services
from perfapp.api.errors import service_errors
from perfapp.api.fields import PlainChoiceField
from perfapp.api.pagination import NewestFirstPagination
from perfapp.api.params import MAX_ID, id_param
from perfapp.orgs.api import PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.tenancy.api import OrganizationViewSet


class AssessmentAnswerSerializer(serializers.Serializer):
    criterion_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    rating = PlainChoiceField(
        choices=Rating.choices, allow_blank=True, help_text="Blank leaves it unrated."
    )
    comment = serializers.CharField(
        max_length=services.COMMENT_MAX, allow_blank=True, required=False, default=""
    )


class AssessmentResponseSerializer(serializers.Serializer):
    perspective = PlainChoiceField(choices=Perspective.choices)
    author = PersonRefSerializer(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    answers = AssessmentAnswerSerializer(
        many=True,
        allow_null=True,
        help_text="Null while the side is not yours to read (before both are submitted).",
    )


class AssessmentSerializer(serializers.ModelSerializer):
    subject = PersonRefSerializer(read_only=True)
    version = serializers.IntegerField(
        source="version.number", read_only=True, help_text="The framework version it uses."
    )
    responses = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "subject",
            "version",
            "track_id",
            "level_id",
            "next_level_id",
            "created_at",
            "completed_at",
            "responses",
        ]
        read_only_fields = fields

    @extend_schema_field(AssessmentResponseSerializer(many=True))
    def get_responses(self, assessment: Assessment) -> list[dict]:
        viewer = self.context["membership"]
        readable = selectors.visible_perspectives(viewer, assessment)
        sides = self.context.get("sides")
        rows = []
        for response in sorted(assessment.responses.all(), key=lambda r: r.perspective != "self"):
            answers = None
            if sides is not None and response.perspective in readable:
                answers = [
                    {"criterion_id": a.criterion_id, "rating": a.rating, "comment": a.comment}
                    for a in sides.answers.get(response.perspective, {}).values()
                ]
            rows.append(
                {
                    "perspective": response.perspective,
                    "author": PersonRefSerializer(response.author).data
                    if response.author
                    else None,
                    "submitted_at": response.submitted_at,
                    "answers": answers,
                }
            )
        return rows


class AssessmentStartSerializer(serializers.Serializer):
    subject = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The person assessed: you, or your report."
    )


class AssessmentSaveSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The framework version the answers were written against; another "
        "version than the assessment's is refused (stale framework version).",
    )
    answers = AssessmentAnswerSerializer(many=True, required=False, default=list)
    submit = serializers.BooleanField(required=False, default=False)


class AssessmentSubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


@extend_schema_view(
    list=extend_schema(
        summary="Assessments of a person, newest first",
        parameters=[
            OpenApiParameter("subject", OpenApiTypes.INT, description="Whose (default: yours).")
        ],
    ),
    retrieve=extend_schema(summary="One assessment, with the sides you may read"),
    destroy=extend_schema(summary="Discard an open assessment (its two authors)"),
)
class AssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    OrganizationViewSet,
):
    serializer_class = AssessmentSerializer
    pagination_class = NewestFirstPagination

    def _subject(self) -> Membership:
        pk = id_param(self.request, "subject")
        if pk is None or pk == self.membership.pk:
            return self.membership
        subject = Membership.objects.select_related("user").filter(pk=pk).first()
        if subject is None or not selectors.can_read_assessments_of(self.membership, subject):
            raise NotFound()
        return subject

    def get_queryset(self):
        if self.action == "list":
            subject = self._subject()
            rows = selectors.assessments_of(subject).select_related("subject__manager")
            viewer = self.membership
            if viewer.pk != subject.pk and subject.manager_id != viewer.pk:
                rows = rows.filter(completed_at__isnull=False)
            return rows
        return Assessment.objects.select_related("subject__user", "subject__manager", "version")

    def get_object(self) -> Assessment:
        assessment = super().get_object()
        if not selectors.can_read_assessment(self.membership, assessment):
            raise NotFound()
        return assessment

    def _detail(self, assessment: Assessment, code=status.HTTP_200_OK) -> Response:
        assessment = selectors.get_assessment(assessment.pk)
        sides = selectors.sides_for(assessment, viewer=self.membership)
        context = {**self.get_serializer_context(), "sides": sides}
        return Response(AssessmentSerializer(assessment, context=context).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(request=AssessmentStartSerializer, responses={201: AssessmentSerializer})
    def create(self, request, *args, **kwargs):
        """Start an assessment of yourself or your report (or get the open one)."""
        serializer = AssessmentStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subject = (
            Membership.objects.select_related("manager", "user")
            .filter(pk=serializer.validated_data["subject"])
            .first()
        )
        if subject is None or not selectors.can_read_assessments_of(self.membership, subject):
            raise NotFound()
        with service_errors():
            assessment = services.start_assessment(actor=self.membership, subject=subject)
        return self._detail(assessment, status.HTTP_201_CREATED)

    @extend_schema(request=AssessmentSaveSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def answers(self, request, *args, **kwargs):
        """Save your side's answers (a draft), and submit it with ``submit``."""
        assessment = self.get_object()
        serializer = AssessmentSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            services.save_response(
                actor=self.membership,
                assessment=assessment,
                version_number=data["version"],
                answers=[services.AnswerInput(**answer) for answer in data["answers"]],
                submit=data["submit"],
            )
        return self._detail(assessment)

    @extend_schema(request=AssessmentSubmitSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        """Submit your side as saved: it is locked afterwards."""
        assessment = self.get_object()
        serializer = AssessmentSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.save_response(
                actor=self.membership,
                assessment=assessment,
                version_number=serializer.validated_data["version"],
                answers=[],
                submit=True,
            )
        return self._detail(assessment)

    def destroy(self, request, *args, **kwargs):
        assessment = self.get_object()
        with service_errors():
            services.discard_assessment(actor=self.membership, assessment=assessment)
        return Response(status=status.HTTP_204_NO_CONTENT)
