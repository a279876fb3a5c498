"""API: a person's readiness for their next level (read), and what the person adds to
their own: narratives per criterion and marks on evidence items. Read by the person,
their manager chain, HR and an open round's calibration group; 404 for anyone else."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from advancement.models import EvidenceMarkAction
from advancement.permissions.readiness import can_see_readiness
from advancement.selectors.readiness import Readiness, period_from_dates, readiness_for
from advancement.services import readiness as services
from perfapp.api.errors import service_errors
from perfapp.api.fields import PlainChoiceField
from perfapp.api.params import MAX_ID, path_id
from perfapp.orgs.api import PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.tenancy.api import OrganizationViewSet

NO_READINESS = "No next level to get ready for: not placed on a published track, or at its top."


class ReadinessRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReadinessLevelSerializer(ReadinessRefSerializer):
    code = serializers.CharField()
    rank = serializers.IntegerField()


class ReadinessPeriodSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()


class PacketEvidenceSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text="Stable reference, e.g. feedback:42.")
    source = serializers.CharField()
    kind = serializers.CharField(help_text="For a placeholder, the kind its source gives.")
    title = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    summary = serializers.CharField(help_text="Empty for a placeholder.")
    url = serializers.CharField(help_text="Empty for a placeholder.")
    pinned = serializers.BooleanField()
    redacted = serializers.BooleanField(
        help_text="A placeholder: the item is shared with fewer people than read this "
        "evidence (feedback shared with the person and their manager, a private goal), and "
        "you are not one of them. You see that it exists, when, and who may read it; not "
        "its text, its author or its link."
    )
    shared_with = serializers.CharField(
        help_text='Who may read the item in full, e.g. "Sam and their manager"; empty when '
        "everyone who reads this evidence may."
    )


class ReadinessEvidenceSerializer(PacketEvidenceSerializer):
    hidden = serializers.BooleanField(help_text="Only the person ever sees hidden items.")


class ReadinessRemedySerializer(serializers.Serializer):
    source = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField()


class ReadinessCriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    competency = serializers.CharField()
    competency_id = serializers.IntegerField(allow_null=True)
    expectation = serializers.CharField()
    self_rating = serializers.CharField()
    manager_rating = serializers.CharField()
    disagree = serializers.BooleanField()
    narrative = serializers.CharField()
    evidence = ReadinessEvidenceSerializer(many=True)
    gap = serializers.BooleanField(help_text="Fewer than two visible evidence items.")
    remedies = ReadinessRemedySerializer(many=True)


class ReadinessMonthSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    count = serializers.IntegerField()


class ReadinessTotalsSerializer(serializers.Serializer):
    criteria = serializers.IntegerField()
    criteria_with_evidence = serializers.IntegerField()
    evidence = serializers.IntegerField()
    assessment_gaps = serializers.IntegerField()


class ReadinessSerializer(serializers.Serializer):
    subject = PersonRefSerializer()
    version = serializers.IntegerField()
    track = ReadinessRefSerializer()
    from_level = ReadinessLevelSerializer()
    target_level = ReadinessLevelSerializer()
    period = ReadinessPeriodSerializer()
    assessment_id = serializers.IntegerField(allow_null=True)
    assessment_complete = serializers.BooleanField()
    criteria = ReadinessCriterionSerializer(many=True)
    months = ReadinessMonthSerializer(many=True)
    totals = ReadinessTotalsSerializer()


def _level(level: dict) -> dict:
    return {k: level[k] for k in ("id", "code", "name", "rank")}


def as_data(readiness: Readiness) -> dict:
    return {
        "subject": readiness.subject,
        "version": readiness.version_number,
        "track": readiness.track,
        "from_level": _level(readiness.level),
        "target_level": _level(readiness.next_level),
        "period": {"since": readiness.since, "until": readiness.until},
        "assessment_id": readiness.assessment.pk if readiness.assessment else None,
        "assessment_complete": readiness.assessment_complete,
        "criteria": [
            {
                "id": c.id,
                "competency": c.competency,
                "competency_id": c.competency_id,
                "expectation": c.expectation,
                "self_rating": c.self_rating,
                "manager_rating": c.manager_rating,
                "disagree": c.disagree,
                "narrative": c.narrative,
                "evidence": [shown.as_data() for shown in c.evidence],
                "gap": c.gap,
                "remedies": [
                    {
                        "source": r.source,
                        "kind": r.kind,
                        "title": r.title,
                        "detail": r.detail,
                        "url": r.url,
                    }
                    for r in c.remedies
                ],
            }
            for c in readiness.criteria
        ],
        "months": [{"starts_on": m.starts_on, "count": m.count} for m in readiness.months],
        "totals": readiness.totals,
    }


class ReadinessPeriodQuerySerializer(serializers.Serializer):
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


PERIOD_PARAMS = [
    OpenApiParameter("since", OpenApiTypes.DATE, description="Default: 12 months ago."),
    OpenApiParameter("until", OpenApiTypes.DATE, description="Default: today."),
]


class ReadinessViewSet(OrganizationViewSet):
    """``readiness/{member id}/`` and ``readiness/mine/``, with ?since=&until= dates."""

    serializer_class = ReadinessSerializer

    def get_queryset(self):
        return Membership.objects.none()

    def _answer(self, subject: Membership) -> Response:
        query = ReadinessPeriodQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        with service_errors():
            since, until = period_from_dates(
                query.validated_data.get("since"), query.validated_data.get("until")
            )
        found = readiness_for(subject, viewer=self.membership, since=since, until=until)
        if found is None:
            raise NotFound(NO_READINESS)
        return Response(ReadinessSerializer(as_data(found)).data)

    @extend_schema(summary="A person's readiness for their next level", parameters=PERIOD_PARAMS)
    def retrieve(self, request, *args, **kwargs):
        pk = path_id(kwargs["pk"])
        subject = Membership.objects.select_related("user").filter(pk=pk).first()
        if subject is None or not can_see_readiness(self.membership, subject):
            raise NotFound()
        return self._answer(subject)

    @extend_schema(summary="Your own readiness", parameters=PERIOD_PARAMS)
    @action(detail=False, methods=["get"])
    def mine(self, request, *args, **kwargs):
        return self._answer(self.membership)


class ReadinessNarrativeSerializer(serializers.Serializer):
    criterion_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    body = serializers.CharField(
        max_length=services.NARRATIVE_MAX,
        allow_blank=True,
        help_text="Blank removes the narrative.",
    )


class ReadinessNarrativeViewSet(OrganizationViewSet):
    """Your narrative per criterion of your next level."""

    serializer_class = ReadinessNarrativeSerializer

    def get_queryset(self):
        return Membership.objects.none()

    @extend_schema(request=ReadinessNarrativeSerializer, responses=ReadinessNarrativeSerializer)
    def create(self, request, *args, **kwargs):
        serializer = ReadinessNarrativeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            saved = services.save_narrative(
                actor=self.membership,
                subject=self.membership,
                criterion_id=data["criterion_id"],
                body=data["body"],
            )
        body = saved.body if saved else ""
        return Response({"criterion_id": data["criterion_id"], "body": body})


class ReadinessMarkSerializer(serializers.Serializer):
    item_ref = serializers.CharField(max_length=64)
    action = PlainChoiceField(choices=EvidenceMarkAction.choices)
    on = serializers.BooleanField(help_text="Set the mark (true) or take it back (false).")
    criterion_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None
    )


class ReadinessMarkViewSet(OrganizationViewSet):
    """Pin, hide or attach (private feedback you received) one of your evidence items."""

    serializer_class = ReadinessMarkSerializer

    def get_queryset(self):
        return Membership.objects.none()

    @extend_schema(request=ReadinessMarkSerializer, responses=ReadinessMarkSerializer)
    def create(self, request, *args, **kwargs):
        serializer = ReadinessMarkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            on = services.set_mark(
                actor=self.membership,
                subject=self.membership,
                item_ref=data["item_ref"],
                action=data["action"],
                on=data["on"],
                criterion_id=data["criterion_id"],
            )
        return Response({**data, "on": on}, status=status.HTTP_200_OK)
