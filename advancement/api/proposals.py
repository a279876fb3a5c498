"""API: proposals to change the framework, their comments, +1s and HR's answers."""

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

from advancement.api.common import MANAGE
from advancement.models import (
    Competency,
    Criterion,
    Level,
    Proposal,
    ProposalComment,
    ProposalStatus,
    ProposalTarget,
    ProposalVote,
)
from advancement.selectors import proposals as selectors
from advancement.services import proposals as services
from perfapp.api.errors import service_errors
from perfapp.api.pagination import NewestFirstPagination, StableCursorPagination
from perfapp.api.params import MAX_ID
from perfapp.orgs.api import PersonRefSerializer
from perfapp.tenancy.api import OrganizationViewSet

# --- proposals -----------------------------------------------------------------------------


class ProposalSerializer(serializers.ModelSerializer):
    author = PersonRefSerializer(read_only=True)
    answered_by = PersonRefSerializer(read_only=True, allow_null=True)
    target_id = serializers.SerializerMethodField()
    included_in = serializers.IntegerField(
        source="included_in.number",
        read_only=True,
        allow_null=True,
        help_text="The number of the version that took this proposal in.",
    )
    vote_count = serializers.IntegerField(read_only=True)
    comment_count = serializers.IntegerField(read_only=True)
    voted = serializers.BooleanField(read_only=True, help_text="Whether you +1'd it.")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "author",
            "target",
            "target_id",
            "target_label",
            "current_text",
            "proposed_text",
            "rationale",
            "status",
            "answer",
            "answered_by",
            "answered_at",
            "included_in",
            "created_at",
            "vote_count",
            "comment_count",
            "voted",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_target_id(self, proposal) -> int | None:
        return {
            ProposalTarget.CRITERION: proposal.criterion_id,
            ProposalTarget.LEVEL: proposal.level_id,
            ProposalTarget.COMPETENCY: proposal.competency_id,
        }.get(proposal.target)


class ProposalCreateSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=ProposalTarget.choices)
    target_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    proposed_text = serializers.CharField(max_length=1000)
    rationale = serializers.CharField(max_length=2000)


class ProposalAnswerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[
            (value, label)
            for value, label in ProposalStatus.choices
            if value != ProposalStatus.OPEN
        ]
    )
    answer = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class ProposalVoteResultSerializer(serializers.Serializer):
    voted = serializers.BooleanField()
    vote_count = serializers.IntegerField()


class ProposalCommentSerializer(serializers.ModelSerializer):
    author = PersonRefSerializer(read_only=True)

    class Meta:
        model = ProposalComment
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


# What a proposal is about, and how to load it inside the tenant scope.
PROPOSAL_TARGETS = {
    ProposalTarget.CRITERION: lambda: Criterion.objects.select_related(
        "level__track", "competency"
    ),
    ProposalTarget.LEVEL: lambda: Level.objects.select_related("track"),
    ProposalTarget.COMPETENCY: lambda: Competency.objects.all(),
}


@extend_schema_view(
    list=extend_schema(
        summary="Proposals, newest first",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=ProposalStatus.values),
        ],
    ),
    retrieve=extend_schema(summary="One proposal"),
)
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    """Everyone proposes wording for the framework, comments and +1s; HR answers."""

    serializer_class = ProposalSerializer
    pagination_class = NewestFirstPagination
    action_permissions = {"answer": MANAGE}

    def get_queryset(self):
        if self.action in ("vote", "comments"):
            return Proposal.objects.all()
        status_filter = ""
        if self.action == "list":
            status_filter = self.request.query_params.get("status", "")
            if status_filter and status_filter not in ProposalStatus.values:
                raise serializers.ValidationError(
                    {"status": [f"Choose one of: {', '.join(ProposalStatus.values)}."]}
                )
        return selectors.proposals(viewer=self.membership, status=status_filter)

    def _fresh(self, proposal: Proposal) -> dict:
        row = selectors.proposals(viewer=self.membership).get(pk=proposal.pk)
        return ProposalSerializer(row).data

    def _target(self, target: str, target_id: int):
        obj = PROPOSAL_TARGETS[target]().filter(pk=target_id).first()
        if (
            obj is not None
            and not self.membership.has_perm(MANAGE)
            and services.published_text(target, obj) is None
        ):
            obj = None  # members never learn what the draft holds, not even that it exists
        if obj is None:
            raise serializers.ValidationError(
                {"target_id": [f"There is no {target} {target_id} in the framework."]},
                code="does_not_exist",
            )
        return obj

    @extend_schema(
        request=ProposalCreateSerializer,
        responses={201: ProposalSerializer},
        summary="Propose new wording for a criterion, a level summary or a competency",
    )
    def create(self, request, *args, **kwargs):
        serializer = ProposalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        obj = self._target(data["target"], data["target_id"])
        with service_errors():
            proposal = services.propose(
                author=self.membership,
                target=data["target"],
                obj=obj,
                proposed_text=data["proposed_text"],
                rationale=data["rationale"],
            )
        return Response(self._fresh(proposal), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses=ProposalVoteResultSerializer, summary="+1, or take the +1 back"
    )
    @action(detail=True, methods=["post"])
    def vote(self, request, *args, **kwargs):
        proposal = self.get_object()
        with service_errors():
            voted = services.toggle_vote(voter=self.membership, proposal=proposal)
        count = ProposalVote.objects.filter(proposal=proposal).count()
        return Response({"voted": voted, "vote_count": count})

    @extend_schema(
        request=ProposalAnswerSerializer,
        responses=ProposalSerializer,
        summary="Answer a proposal (HR)",
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, *args, **kwargs):
        proposal = self.get_object()
        serializer = ProposalAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.answer(actor=self.membership, proposal=proposal, **serializer.validated_data)
        return Response(self._fresh(proposal))

    @extend_schema(
        methods=["GET"],
        responses=ProposalCommentSerializer(many=True),
        summary="A proposal's comments",
    )
    @extend_schema(
        methods=["POST"],
        request=ProposalCommentSerializer,
        responses={201: ProposalCommentSerializer},
        summary="Comment on a proposal",
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, *args, **kwargs):
        proposal = self.get_object()
        if request.method == "POST":
            serializer = ProposalCommentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            with service_errors():
                comment = services.comment(
                    author=self.membership,
                    proposal=proposal,
                    body=serializer.validated_data["body"],
                )
            return Response(ProposalCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        rows = ProposalComment.objects.filter(proposal=proposal).select_related("author__user")
        paginator = StableCursorPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(ProposalCommentSerializer(page, many=True).data)
