"""API: asking colleagues for feedback, answering and declining."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advancement.api.common import CompetencyRefSerializer
from advancement.models import Competency
from feedback.api.common import ROLES
from feedback.api.giving import FeedbackSerializer, RequestAnswerSerializer
from feedback.models import FeedbackRequest, RequestReviewer, RequestStatus, Visibility
from feedback.permissions import can_read_feedback, can_see_request
from feedback.selectors import requests as selectors
from feedback.selectors.giving import readable
from feedback.services import requests as services
from perfapp.api.errors import service_errors
from perfapp.api.fields import PlainChoiceField
from perfapp.api.pagination import NewestFirstPagination
from perfapp.api.params import choice_param, path_id
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.tenancy.api import OrganizationViewSet

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
        role = choice_param(request, "role", ROLES, "asked_by_me")
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
            wanted = choice_param(request, "status", RequestStatus.values)
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
        with service_errors():
            asked = services.request_feedback(requester=self.membership, **data)
        fresh = self.get_queryset().get(pk=asked.pk)
        return Response(
            self.get_serializer(self._visible(fresh)).data, status=status.HTTP_201_CREATED
        )

    def _my_row(self) -> RequestReviewer:
        row = (
            RequestReviewer.objects.select_related("request")
            .filter(request_id=path_id(self.kwargs["pk"]), reviewer=self.membership)
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
        with service_errors():
            feedback = services.answer_request(reviewer=self.membership, row=row, **content)
        data = FeedbackSerializer(
            readable(self.membership).get(pk=feedback.pk),
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
        with service_errors():
            services.decline_request(
                reviewer=self.membership, row=row, reason=serializer.validated_data["reason"]
            )
        fresh = self.get_queryset().get(pk=row.request_id)
        return Response(self.get_serializer(self._visible(fresh)).data)
