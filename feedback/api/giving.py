"""API: giving and reading feedback, the nudge, and HR's counts."""

from datetime import datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advancement.api.common import CompetencyRefSerializer
from advancement.models import Competency
from feedback.api.common import MANAGE, MAX_TEXT, TimelinePagination, _date_param
from feedback.models import Feedback, FeedbackKind, Visibility
from feedback.rules import nudge as nudge_rules
from feedback.selectors import giving as selectors
from feedback.services import giving as services
from perfapp.api.errors import service_errors
from perfapp.api.fields import PlainChoiceField
from perfapp.api.lists import Row, datetime_text, grouped, names_of
from perfapp.api.params import choice_param, id_param
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.tenancy.api import OrganizationViewSet
from perfapp.timezones import zone_of

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


FEEDBACK_COLUMNS = (
    "id",
    "author_id",
    "recipient_id",
    "kind",
    "situation",
    "impact",
    "suggestion",
    "visibility",
    "created_at",
    "edited_at",
    "attached_as_evidence",
)


def feedback_rows(page: list[Row], *, viewer: Membership) -> list[Row]:
    """``FeedbackSerializer``'s output for feedback read as ``FEEDBACK_COLUMNS`` (the list):
    one query for the page's people, one for its competencies."""
    viewer_id = viewer.pk
    when = datetime_text()
    names = names_of(pk for row in page for pk in (row["author_id"], row["recipient_id"]))
    competencies = grouped(
        # The relation table has no organization; the competencies' is named as the
        # scoped query would, so no plan reads every organization's competencies.
        Feedback.competencies.through.objects.filter(
            feedback_id__in=[row["id"] for row in page],
            competency__organization_id=viewer.organization_id,
        )
        .order_by("competency__name", "competency_id")
        .values_list("feedback_id", "competency_id", "competency__name"),
        ("id", "name"),
    )
    rows = []
    for row in page:
        author_id, recipient_id = row["author_id"], row["recipient_id"]
        created_at = row["created_at"]
        # The serializer's method fields: the edit window for the author, and whether it
        # counts as evidence for the recipient of private feedback.
        evidence = recipient_id == viewer_id and row["visibility"] == Visibility.PRIVATE
        rows.append(
            {
                "id": row["id"],
                "author": {"id": author_id, "name": names[author_id]},
                "recipient": {"id": recipient_id, "name": names[recipient_id]},
                "kind": row["kind"],
                "situation": row["situation"],
                "impact": row["impact"],
                "suggestion": row["suggestion"],
                "visibility": row["visibility"],
                "competencies": competencies[row["id"]],
                "created_at": when(created_at),
                "edited_at": when(row["edited_at"]),
                "editable_until": (
                    created_at + services.EDIT_WINDOW if author_id == viewer_id else None
                ),
                "attached_as_evidence": row["attached_as_evidence"] if evidence else None,
            }
        )
    return rows


def _text(required: bool = False, **kwargs) -> serializers.CharField:
    if not required:
        kwargs.setdefault("default", "")
    return serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=required, **kwargs)


EVIDENCE_AUDIENCE = (
    "Tagged with competencies, it counts as evidence for the recipient's promotion criteria; "
    "everyone else who reads that evidence (HR, skip-level managers, a calibration group) "
    "sees only that it exists, never its text or its author."
)


class FeedbackContentSerializer(serializers.Serializer):
    kind = PlainChoiceField(FeedbackKind.choices)
    situation = _text(required=True, help_text="What happened: the situation and the behaviour.")
    impact = _text(help_text="What it changed, for whom.")
    suggestion = _text(help_text="One thing to try next time.")
    competencies = OrgRelatedField(
        Competency,
        many=True,
        required=False,
        default=list,
        help_text=f"Competency ids. {EVIDENCE_AUDIENCE}",
    )


class FeedbackCreateSerializer(FeedbackContentSerializer):
    recipient = OrgRelatedField(Membership, help_text="The colleague's member id.")
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        required=False,
        default=Visibility.PRIVATE,
        help_text="private: the recipient (and you); with_manager: also their current "
        f"manager. Nobody else reads it: not a skip-level, not HR. {EVIDENCE_AUDIENCE}",
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
    kind = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
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
            "box": choice_param(request, "box", selectors.BOXES, "received"),
            "kind": choice_param(request, "kind", FeedbackKind.values),
            "competency_id": id_param(request, "competency"),
            "person_id": id_param(request, "person"),
            "since": _date_param(request, "since"),
            "until": _date_param(request, "until"),
        }
        if criteria["since"] and criteria["until"] and criteria["since"] > criteria["until"]:
            raise serializers.ValidationError({"until": ["Choose a day on or after “since”."]})
        return criteria

    def list(self, request, *args, **kwargs):
        criteria = self._criteria()
        # Days are the reader's days, as on the pages.
        rows = selectors.timeline(self.membership, related=False, **criteria)
        with timezone.override(zone_of(self.membership)):
            page = self.paginate_queryset(rows.values(*FEEDBACK_COLUMNS))
        return self.get_paginated_response(feedback_rows(page, viewer=self.membership))

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
        with service_errors():
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
        with service_errors():
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
        with service_errors():
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
        return Response(selectors.counts_for_hr(self.membership.organization_id))
