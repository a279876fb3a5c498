"""API: promotion rounds, cases, endorsements, decisions and outcomes.

The same rules as the pages (``permissions.promotions``): HR configures rounds and sees
every case; everyone lists the open rounds they may nominate in; a case is read by its
subject, their manager chain, HR and, while the round is open, its calibration group; an
endorser reads only their own endorsement. Anything else answers 404. Writes go through
``services.promotions``; their ValidationErrors become the 400 envelope, nothing changed.
"""

from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from advancement.api.readiness import PacketEvidenceSerializer
from advancement.models import Case, CaseState, Decision, Endorsement, Round, Track
from advancement.permissions.promotions import can_read_endorsement, manages_promotions
from advancement.selectors import promotions as selectors
from advancement.selectors.readiness import packet_for
from advancement.services import promotions as services
from perfapp import small_groups
from perfapp.api.errors import service_errors
from perfapp.api.fields import PlainChoiceField
from perfapp.api.pagination import NewestFirstPagination
from perfapp.api.params import MAX_ID
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.tenancy.api import OrganizationViewSet
from perfapp.timezones import local_today

MANAGE = Permission.MANAGE_PROMOTIONS

# --- rounds -----------------------------------------------------------------------------------


class RoundTrackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["id", "name"]
        read_only_fields = fields


class RoundSerializer(serializers.ModelSerializer):
    tracks = RoundTrackSerializer(many=True, read_only=True)
    calibration_group = PersonRefSerializer(many=True, read_only=True)
    case_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "name",
            "opens_on",
            "closes_on",
            "tracks",
            "allow_self_nomination",
            "calibration_group",
            "closed_at",
            "created_at",
            "case_count",
        ]
        read_only_fields = fields


class RoundWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    tracks = OrgRelatedField(Track, many=True)
    allow_self_nomination = serializers.BooleanField(required=False, default=False)
    calibration_group = OrgRelatedField(Membership, many=True, required=False, default=list)


class RoundCloseSerializer(serializers.Serializer):
    resolve_remaining = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Decide every case not decided yet as not_yet, with the rationale. Without "
        "it, closing a round with undecided cases is refused (code undecided_cases).",
    )
    rationale = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class RoundCalibratedSerializer(serializers.Serializer):
    moved = serializers.IntegerField(help_text="How many submitted cases moved to calibration.")


@extend_schema_view(
    list=extend_schema(
        summary="Promotion rounds: all for HR, the open ones you may nominate in otherwise"
    ),
    retrieve=extend_schema(summary="One promotion round"),
)
class PromotionRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    serializer_class = RoundSerializer
    pagination_class = NewestFirstPagination
    action_permissions = dict.fromkeys(
        ("create", "update", "partial_update", "close", "reopen", "calibrate"), MANAGE
    )

    def get_queryset(self):
        rows = Round.objects.prefetch_related("tracks", "calibration_group__user").annotate(
            case_count=Count("cases", distinct=True)
        )
        if manages_promotions(self.membership):
            return rows
        viewer = self.membership
        today = local_today(viewer)
        has_reports = Membership.objects.filter(manager=viewer, is_active=True).exists()
        rows = rows.filter(closed_at__isnull=True, opens_on__lte=today, closes_on__gte=today)
        return rows if has_reports else rows.filter(allow_self_nomination=True)

    def _save(self, request, round_: Round, partial: bool) -> Round:
        serializer = RoundWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        tracks = data.pop("tracks", None)
        group = data.pop("calibration_group", None)
        for field, value in data.items():
            setattr(round_, field, value)
        with service_errors():
            return services.save_round(
                actor=self.membership,
                round_=round_,
                tracks=tracks if tracks is not None else list(round_.tracks.all()),
                calibration_group=(
                    group if group is not None else list(round_.calibration_group.all())
                ),
            )

    def _fresh(self, round_: Round) -> dict:
        return RoundSerializer(self.get_queryset().get(pk=round_.pk)).data

    @extend_schema(request=RoundWriteSerializer, responses={201: RoundSerializer})
    def create(self, request, *args, **kwargs):
        round_ = self._save(request, Round(), partial=False)
        return Response(self._fresh(round_), status=status.HTTP_201_CREATED)

    @extend_schema(request=RoundWriteSerializer, responses=RoundSerializer)
    def update(self, request, *args, **kwargs):
        round_ = self._save(request, self.get_object(), partial=False)
        return Response(self._fresh(round_))

    @extend_schema(request=RoundWriteSerializer, responses=RoundSerializer)
    def partial_update(self, request, *args, **kwargs):
        round_ = self._save(request, self.get_object(), partial=True)
        return Response(self._fresh(round_))

    @extend_schema(
        request=RoundCloseSerializer,
        responses=RoundSerializer,
        summary="Close a round (HR): refused while cases are undecided, unless resolved",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        round_ = self.get_object()
        serializer = RoundCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.close_round(actor=self.membership, round_=round_, **serializer.validated_data)
        return Response(self._fresh(round_))

    @extend_schema(
        request=ReasonSerializer,
        responses=RoundSerializer,
        summary="Reopen a closed round (HR), with a reason kept in the audit log",
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        round_ = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.reopen_round(actor=self.membership, round_=round_, **serializer.validated_data)
        return Response(self._fresh(round_))

    @extend_schema(
        request=None,
        responses=RoundCalibratedSerializer,
        summary="Move every submitted case of the round to calibration (HR)",
    )
    @action(detail=True, methods=["post"])
    def calibrate(self, request, *args, **kwargs):
        round_ = self.get_object()
        with service_errors():
            moved = services.move_round_to_calibration(actor=self.membership, round_=round_)
        return Response({"moved": moved})


# --- cases ------------------------------------------------------------------------------------


class EndorsementSerializer(serializers.ModelSerializer):
    endorser = PersonRefSerializer(read_only=True)
    subject = PersonRefSerializer(source="case.subject", read_only=True)
    target_level_label = serializers.CharField(source="case.target_level_label", read_only=True)

    class Meta:
        model = Endorsement
        fields = [
            "id",
            "case",
            "subject",
            "target_level_label",
            "endorser",
            "body",
            "requested_at",
            "submitted_at",
        ]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    subject = PersonRefSerializer(read_only=True)
    nominator = PersonRefSerializer(read_only=True, allow_null=True)
    decided_by = PersonRefSerializer(read_only=True, allow_null=True)
    state = PlainChoiceField(CaseState.choices, read_only=True)
    decision = PlainChoiceField(Decision.choices, read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    round = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "round",
            "subject",
            "nominator",
            "self_nominated",
            "version",
            "track_id",
            "track_name",
            "from_level_id",
            "from_level_label",
            "target_level_id",
            "target_level_label",
            "state",
            "summary",
            "criteria_total",
            "criteria_with_evidence",
            "evidence_count",
            "assessment_gaps",
            "decision",
            "rationale",
            "not_yet_criteria",
            "decided_by",
            "decided_at",
            "effective_on",
            "applied_at",
            "reverted_at",
            "revert_reason",
            "submitted_at",
            "created_at",
            "lock_version",
        ]
        read_only_fields = fields


class PacketCriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    competency = serializers.CharField()
    competency_id = serializers.IntegerField(allow_null=True)
    expectation = serializers.CharField()
    self_rating = serializers.CharField()
    manager_rating = serializers.CharField()
    disagree = serializers.BooleanField()
    narrative = serializers.CharField()
    evidence = PacketEvidenceSerializer(many=True)
    gap = serializers.BooleanField()


class PacketSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    track = serializers.DictField()
    from_level = serializers.DictField()
    target_level = serializers.DictField()
    period = serializers.DictField()
    assessment = serializers.DictField(allow_null=True)
    criteria = PacketCriterionSerializer(many=True)
    totals = serializers.DictField()


class CaseDetailSerializer(CaseSerializer):
    packet = serializers.SerializerMethodField(
        help_text="The readiness view frozen at submission, as you may read it: evidence "
        "shared with fewer people than read the case (feedback shared with the person and "
        "their manager, a private goal) is a placeholder (`redacted`) unless you are one "
        "of them. Empty before submission."
    )

    @extend_schema_field(PacketSerializer(allow_null=True))
    def get_packet(self, case: Case) -> dict | None:
        if case.packet is None:
            return None
        return packet_for(case.packet, subject=case.subject, viewer=self.context["membership"])

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "packet"]
        read_only_fields = fields


class CaseCreateSerializer(serializers.Serializer):
    round = OrgRelatedField(Round)
    subject = OrgRelatedField(Membership)
    target_level = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="Optional: if given, it must be the subject's next level.",
    )
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class CaseLockSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(
        min_value=0, help_text="The case's lock_version you read: a stale one is refused."
    )


class CaseSummarySerializer(CaseLockSerializer):
    summary = serializers.CharField(max_length=5000, allow_blank=True)


class CaseDecisionSerializer(CaseLockSerializer):
    decision = PlainChoiceField(Decision.choices)
    rationale = serializers.CharField(max_length=5000, allow_blank=True)
    not_yet_criteria = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        help_text="For not_yet: ids of the packet's criteria to work on.",
    )
    effective_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="For promoted: the day the new level takes effect (default today, on the "
        "organization's calendar; today applies it at once).",
    )


class CaseRevertSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    lock_version = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class CaseEndorserSerializer(serializers.Serializer):
    endorser = OrgRelatedField(Membership)


@extend_schema_view(
    list=extend_schema(summary="Promotion cases you may read, newest first"),
    retrieve=extend_schema(summary="One promotion case, with its frozen packet"),
)
class PromotionCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    serializer_class = CaseSerializer
    pagination_class = NewestFirstPagination
    action_permissions = {"calibrate": MANAGE, "apply": MANAGE, "revert": MANAGE}

    def get_queryset(self):
        return selectors.visible_cases(self.membership)

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    def _fresh(self, case: Case) -> dict:
        return CaseDetailSerializer(
            selectors.cases_base().get(pk=case.pk), context=self.get_serializer_context()
        ).data

    def _run(self, request, serializer_class, service, **extra):
        case = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            service(actor=self.membership, case=case, **serializer.validated_data, **extra)
        return Response(self._fresh(case))

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors({"target_level": "target_level"}):
            case = services.open_case(
                actor=self.membership,
                round_=data["round"],
                subject=data["subject"],
                target_level_id=data.get("target_level"),
                summary=data["summary"],
            )
        return Response(self._fresh(case), status=status.HTTP_201_CREATED)

    @extend_schema(request=CaseSummarySerializer, responses=CaseDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self._run(request, CaseSummarySerializer, services.save_summary)

    @extend_schema(request=CaseLockSerializer, responses=CaseDetailSerializer, summary="Submit")
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        return self._run(request, CaseLockSerializer, services.submit_case)

    @extend_schema(
        request=CaseLockSerializer,
        responses=CaseDetailSerializer,
        summary="Move a draft to the current framework version",
    )
    @action(detail=True, methods=["post"])
    def refresh(self, request, *args, **kwargs):
        return self._run(request, CaseLockSerializer, services.refresh_version)

    @extend_schema(
        request=CaseLockSerializer,
        responses=CaseDetailSerializer,
        summary="Move to calibration (HR)",
    )
    @action(detail=True, methods=["post"])
    def calibrate(self, request, *args, **kwargs):
        return self._run(request, CaseLockSerializer, services.move_to_calibration)

    @extend_schema(
        request=CaseDecisionSerializer,
        responses=CaseDetailSerializer,
        summary="Decide (HR or the calibration group)",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, *args, **kwargs):
        return self._run(request, CaseDecisionSerializer, services.decide)

    @extend_schema(
        request=None,
        responses=CaseDetailSerializer,
        summary="Apply a promotion that could not take effect by itself (HR)",
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, *args, **kwargs):
        case = self.get_object()
        with service_errors():
            services.apply_promotion(actor=self.membership, case=case)
        return Response(self._fresh(case))

    @extend_schema(
        request=CaseRevertSerializer,
        responses=CaseDetailSerializer,
        summary="Revert a promotion that took effect, with a reason (HR)",
    )
    @action(detail=True, methods=["post"])
    def revert(self, request, *args, **kwargs):
        return self._run(request, CaseRevertSerializer, services.revert_promotion)

    @extend_schema(
        request=CaseEndorserSerializer,
        responses={201: EndorsementSerializer},
        summary="Ask a colleague for an endorsement",
    )
    @action(detail=True, methods=["post"])
    def endorsers(self, request, *args, **kwargs):
        case = self.get_object()
        serializer = CaseEndorserSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            endorsement = services.request_endorsement(
                actor=self.membership, case=case, **serializer.validated_data
            )
        return Response(EndorsementSerializer(endorsement).data, status=status.HTTP_201_CREATED)


# --- endorsements -----------------------------------------------------------------------------


class EndorsementWriteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=3000)


@extend_schema_view(
    list=extend_schema(summary="Endorsements asked of you"),
    retrieve=extend_schema(summary="One endorsement (yours, or of a case you read)"),
)
class EndorsementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    serializer_class = EndorsementSerializer
    pagination_class = NewestFirstPagination

    def get_queryset(self):
        if self.action == "list":
            return selectors.endorsements_of(self.membership)
        return Endorsement.objects.select_related("case__subject__user", "case__round")

    def get_object(self):
        """One endorsement: its endorser's, or read by those who read the case (never by
        its subject); anyone else gets 404."""
        endorsement = super().get_object()
        if not can_read_endorsement(self.membership, endorsement):
            raise exceptions.NotFound()
        return endorsement

    @extend_schema(request=EndorsementWriteSerializer, responses=EndorsementSerializer)
    @action(detail=True, methods=["post"])
    def write(self, request, *args, **kwargs):
        endorsement = self.get_object()
        serializer = EndorsementWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.write_endorsement(
                actor=self.membership, endorsement=endorsement, **serializer.validated_data
            )
        return Response(EndorsementSerializer(endorsement).data)


# --- outcomes ---------------------------------------------------------------------------------


class LevelOutcomeSerializer(serializers.Serializer):
    track = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()
    considered = serializers.IntegerField(
        allow_null=True, help_text="Cases decided for this level in the last round with decisions."
    )
    promoted = serializers.IntegerField(
        allow_null=True, help_text=f"null: fewer than {small_groups.MIN_GROUP} people, not shown."
    )
    placed = serializers.IntegerField(allow_null=True)
    median_months = serializers.FloatField(
        allow_null=True, help_text="Typical (median) months in the level so far."
    )


class PromotionOutcomesSerializer(serializers.Serializer):
    last_round = serializers.CharField(allow_null=True)
    min_group = serializers.IntegerField()
    levels = LevelOutcomeSerializer(many=True)


class PromotionOutcomesViewSet(OrganizationViewSet):
    """Aggregate promotion outcomes per level, for every employee."""

    @extend_schema(responses=PromotionOutcomesSerializer, summary="Promotion outcomes by level")
    def list(self, request, *args, **kwargs):
        last, rows = selectors.outcomes()
        return Response(
            PromotionOutcomesSerializer(
                {
                    "last_round": last.name if last else None,
                    "min_group": small_groups.MIN_GROUP,
                    "levels": rows,
                }
            ).data
        )


__all__ = [
    "EndorsementViewSet",
    "PromotionCaseViewSet",
    "PromotionOutcomesViewSet",
    "PromotionRoundViewSet",
]
