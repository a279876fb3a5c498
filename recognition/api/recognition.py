"""API: recognition (the wall, giving), reactions and comments.

Recognition is public inside the organization: every member reads the wall, any
recognition, its reactions and its comments. Writes go through ``recognition.services.recognition``
with the same rules as the pages; bad input is a 400 with the error envelope and changes
nothing: recognizing yourself or someone deactivated or of another organization, more
points than your allowance, an archived value or kind, reacting twice with the same
emoji. The wall is cursor-paginated, newest first, and never counted.
"""

from collections import defaultdict

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
from perfapp.accounts.models import display_name
from perfapp.api.errors import service_errors
from perfapp.api.lists import PersonRef, PlainListMixin, Ref, Row, datetime_text, grouped
from perfapp.api.pagination import NewestFirstPagination, StableCursorPagination
from perfapp.api.params import id_param
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.tenancy.api import OrganizationViewSet
from recognition.models import (
    CompanyValue,
    ContributionKind,
    Reaction,
    Recognition,
    RecognitionComment,
    RecognitionRecipient,
)
from recognition.rules import specificity as nudge_rules
from recognition.selectors import recognition as selectors
from recognition.selectors.recognition import Criteria
from recognition.services import recognition as services


class WallPagination(StableCursorPagination):
    """Newest first, like the wall; the id breaks ties. No count, ever."""

    ordering = ("-created_at", "-id")
    page_size = 20


class OldestFirstPagination(StableCursorPagination):
    ordering = "id"


# --- shapes ----------------------------------------------------------------------------------


class ValueRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = CompanyValue
        fields = ["id", "name", "emoji"]
        read_only_fields = fields


class KindRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContributionKind
        fields = ["id", "name"]
        read_only_fields = fields


class ReactionCountSerializer(serializers.Serializer):
    emoji = serializers.CharField()
    count = serializers.IntegerField()
    mine = serializers.BooleanField(help_text="Whether you reacted with it.")


class RecognitionSerializer(serializers.ModelSerializer):
    giver = PersonRefSerializer(read_only=True)
    recipients = serializers.SerializerMethodField()
    kind = KindRefSerializer(read_only=True)
    values = ValueRefSerializer(many=True, read_only=True)
    competencies = CompetencyRefSerializer(many=True, read_only=True)
    reactions = serializers.SerializerMethodField(
        help_text="The emoji people reacted with, each with its count (only those used)."
    )
    comment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Recognition
        fields = [
            "id",
            "giver",
            "recipients",
            "message",
            "kind",
            "values",
            "competencies",
            "points_each",
            "created_at",
            "reactions",
            "comment_count",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonRefSerializer(many=True))
    def get_recipients(self, recognition: Recognition) -> list[dict]:
        return [
            {"id": row.recipient_id, "name": row.recipient.name}
            for row in recognition.recipient_rows.all()
        ]

    @extend_schema_field(ReactionCountSerializer(many=True))
    def get_reactions(self, recognition: Recognition) -> list[dict]:
        return [
            {"emoji": item.emoji, "count": item.count, "mine": item.mine}
            for item in getattr(recognition, "reaction_counts", [])
            if item.count
        ]


GIVER_REF = PersonRef("giver")
KIND_REF = Ref("kind", "name")
RECOGNITION_COLUMNS = (
    "id",
    *GIVER_REF.columns,
    "message",
    *KIND_REF.columns,
    "points_each",
    "created_at",
    "comment_count",
)


def recognition_rows(page: list[Row], *, viewer: Membership) -> list[Row]:
    """``RecognitionSerializer``'s output for recognition read as ``RECOGNITION_COLUMNS``
    (the wall's list): one query each for the page's recipients, values, competencies and
    reactions."""
    ids = [row["id"] for row in page]
    recipients: defaultdict[int, list[Row]] = defaultdict(list)
    for recognition_id, recipient_id, name, email in (
        RecognitionRecipient.objects.filter(recognition_id__in=ids)
        .order_by("id")
        .values_list(
            "recognition_id", "recipient_id", "recipient__user__name", "recipient__user__email"
        )
    ):
        recipients[recognition_id].append({"id": recipient_id, "name": display_name(name, email)})
    # The relation tables have no organization; the values' and competencies' is named as
    # the scoped queries would, so no plan reads every organization's.
    organization_id = viewer.organization_id
    values = grouped(
        Recognition.values.through.objects.filter(
            recognition_id__in=ids, companyvalue__organization_id=organization_id
        )
        .order_by("companyvalue__position", "companyvalue_id")
        .values_list(
            "recognition_id", "companyvalue_id", "companyvalue__name", "companyvalue__emoji"
        ),
        ("id", "name", "emoji"),
    )
    competencies = grouped(
        Recognition.competencies.through.objects.filter(
            recognition_id__in=ids, competency__organization_id=organization_id
        )
        .order_by("competency__name", "competency_id")
        .values_list("recognition_id", "competency_id", "competency__name"),
        ("id", "name"),
    )
    reactions = selectors.reaction_counts(ids, viewer)
    when = datetime_text()
    return [
        {
            "id": row["id"],
            "giver": GIVER_REF(row),
            "recipients": recipients[row["id"]],
            "message": row["message"],
            "kind": KIND_REF(row),
            "values": values[row["id"]],
            "competencies": competencies[row["id"]],
            "points_each": row["points_each"],
            "created_at": when(row["created_at"]),
            "reactions": [
                {"emoji": item.emoji, "count": item.count, "mine": item.mine}
                for item in reactions[row["id"]]
                if item.count
            ],
            "comment_count": row["comment_count"],
        }
        for row in page
    ]


class RecognitionCreateSerializer(serializers.Serializer):
    recipients = OrgRelatedField(Membership, many=True, help_text="Member ids, one or several.")
    message = serializers.CharField(
        max_length=services.MAX_MESSAGE,
        allow_blank=True,
        help_text="What they did and why it mattered.",
    )
    kind = OrgRelatedField(ContributionKind, help_text="A contribution kind id.")
    values = OrgRelatedField(
        CompanyValue, many=True, required=False, default=list, help_text="Company value ids."
    )
    competencies = OrgRelatedField(
        Competency, many=True, required=False, default=list, help_text="Competency ids."
    )
    points_each = serializers.IntegerField(
        min_value=0,
        max_value=services.MAX_POINTS_EACH,
        required=False,
        default=0,
        help_text="Points for each recipient, from your monthly allowance (when the "
        "organization uses points).",
    )


class RecognitionNudgeSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=services.MAX_MESSAGE, allow_blank=True)


class RecognitionHintSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class RecognitionHintsSerializer(serializers.Serializer):
    hints = RecognitionHintSerializer(many=True)


class RecognitionReactionSerializer(serializers.ModelSerializer):
    member = PersonRefSerializer(read_only=True)

    class Meta:
        model = Reaction
        fields = ["id", "recognition", "member", "emoji", "created_at"]
        read_only_fields = fields


class RecognitionReactionCreateSerializer(serializers.Serializer):
    recognition = OrgRelatedField(Recognition, help_text="A recognition id.")
    emoji = serializers.CharField(max_length=8, help_text=f"One of {' '.join(Reaction.EMOJI)}.")


class RecognitionCommentSerializer(serializers.ModelSerializer):
    author = PersonRefSerializer(read_only=True)

    class Meta:
        model = RecognitionComment
        fields = ["id", "recognition", "author", "body", "created_at"]
        read_only_fields = fields


class RecognitionCommentCreateSerializer(serializers.Serializer):
    recognition = OrgRelatedField(Recognition, help_text="A recognition id.")
    body = serializers.CharField(max_length=services.MAX_COMMENT, allow_blank=True)


def _recognition_param() -> OpenApiParameter:
    return OpenApiParameter(
        "recognition", OpenApiTypes.INT, description="Only those of this recognition id."
    )


# --- recognition ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="The recognition wall, newest first",
        parameters=[
            OpenApiParameter(
                "team", OpenApiTypes.INT, description="Received by someone in this team."
            ),
            OpenApiParameter("value", OpenApiTypes.INT, description="Showing this value."),
            OpenApiParameter("kind", OpenApiTypes.INT, description="Of this contribution kind."),
            OpenApiParameter(
                "person", OpenApiTypes.INT, description="Given or received by this member."
            ),
        ],
    ),
    retrieve=extend_schema(summary="One recognition"),
)
class RecognitionViewSet(
    PlainListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet
):
    """Public inside the organization: everyone reads every recognition."""

    serializer_class = RecognitionSerializer
    pagination_class = WallPagination
    http_method_names = ["get", "post", "head", "options"]

    def _criteria(self) -> Criteria:
        request = self.request
        return Criteria(
            team_id=id_param(request, "team"),
            value_id=id_param(request, "value"),
            kind_id=id_param(request, "kind"),
            person_id=id_param(request, "person"),
        )

    def get_queryset(self):
        return selectors.with_related(selectors.wall())

    def list_values(self):
        rows = selectors.wall(self._criteria()).annotate(comment_count=selectors.comment_count())
        return rows.values(*RECOGNITION_COLUMNS)

    def list_rows(self, page):
        return recognition_rows(page, viewer=self.membership)

    def retrieve(self, request, *args, **kwargs):
        item = self.get_object()
        selectors.attach_reactions([item], self.membership)
        return Response(self.get_serializer(item).data)

    @extend_schema(
        request=RecognitionCreateSerializer,
        responses={201: RecognitionSerializer},
        summary="Recognize one or several colleagues (they and their managers are told)",
    )
    def create(self, request, *args, **kwargs):
        serializer = RecognitionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            recognition = services.give_recognition(
                giver=self.membership, **serializer.validated_data
            )
        item = selectors.one(recognition.pk, self.membership)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RecognitionNudgeSerializer,
        responses=RecognitionHintsSerializer,
        summary="Hints to make recognition more specific (advice only; never blocks sending)",
    )
    @action(detail=False, methods=["post"])
    def nudge(self, request, *args, **kwargs):
        serializer = RecognitionNudgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = nudge_rules.hints(message=serializer.validated_data["message"])
        return Response({"hints": [{"code": h.code, "message": h.message} for h in found]})


# --- reactions and comments -------------------------------------------------------------------


def _filtered(viewset, rows):
    recognition = id_param(viewset.request, "recognition")
    if recognition is not None:
        rows = rows.filter(recognition_id=recognition)
    return rows


@extend_schema_view(
    list=extend_schema(summary="Reactions, newest first", parameters=[_recognition_param()]),
    retrieve=extend_schema(summary="One reaction"),
    destroy=extend_schema(summary="Take your own reaction back"),
)
class ReactionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    OrganizationViewSet,
):
    """React to a recognition with one of a small fixed set of emoji, once per emoji:
    reacting again with the same emoji is a 400 (``already_reacted``); take a reaction back
    with DELETE."""

    serializer_class = RecognitionReactionSerializer
    pagination_class = NewestFirstPagination
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        rows = Reaction.objects.select_related("member__user")
        if self.action == "destroy":
            return rows.filter(member=self.membership)  # someone else's answers 404
        return _filtered(self, rows) if self.action == "list" else rows

    @extend_schema(
        request=RecognitionReactionCreateSerializer,
        responses={201: RecognitionReactionSerializer},
        summary="React to a recognition",
    )
    def create(self, request, *args, **kwargs):
        serializer = RecognitionReactionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            reaction = services.add_reaction(member=self.membership, **serializer.validated_data)
        return Response(
            RecognitionReactionSerializer(self.get_queryset().get(pk=reaction.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def perform_destroy(self, instance: Reaction) -> None:
        with service_errors():
            services.remove_reaction(
                member=self.membership, recognition=instance.recognition, emoji=instance.emoji
            )


@extend_schema_view(
    list=extend_schema(summary="Comments, oldest first", parameters=[_recognition_param()]),
    retrieve=extend_schema(summary="One comment"),
)
class CommentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Comments on recognition; the giver and the people recognized are told."""

    serializer_class = RecognitionCommentSerializer
    pagination_class = OldestFirstPagination
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        rows = RecognitionComment.objects.select_related("author__user")
        return _filtered(self, rows) if self.action == "list" else rows

    @extend_schema(
        request=RecognitionCommentCreateSerializer,
        responses={201: RecognitionCommentSerializer},
        summary="Comment on a recognition",
    )
    def create(self, request, *args, **kwargs):
        serializer = RecognitionCommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            comment = services.add_comment(author=self.membership, **serializer.validated_data)
        return Response(
            RecognitionCommentSerializer(self.get_queryset().get(pk=comment.pk)).data,
            status=status.HTTP_201_CREATED,
        )
