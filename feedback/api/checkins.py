"""API: coaching check-ins (1:1s) — series, meetings, their agenda and action items.

The same rules as the pages. Everything of a check-in is visible to its two people only,
the manager and the report: anyone else (HR, the skip-level manager, a peer) gets 404,
exactly as for what does not exist. A private note is read and written by its writer
only: the meeting shows the caller's own note, and there is no way to address anyone
else's. Every write goes through ``feedback.services.checkins``; its ValidationErrors become
the 400 envelope, and a stale edit (``StaleEdit``) becomes a 409 envelope with the code
``conflict`` and the fresh content under ``current``, never a silent overwrite.
"""

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from feedback.api.checkin_links import LinkInField, LinkOutField, SuggestionsSerializer
from feedback.models import (
    ActionItem,
    AgendaItem,
    Cadence,
    CheckinSeries,
    Meeting,
    MeetingStatus,
    SeriesStatus,
)
from feedback.services import checkins
from perfapp import links
from perfapp.api.errors import service_errors
from perfapp.api.fields import PlainChoiceField
from perfapp.api.pagination import StableCursorPagination
from perfapp.api.params import id_param, path_id
from perfapp.orgs.api import OrgRelatedField, PersonRefSerializer
from perfapp.orgs.models import Membership
from perfapp.tenancy.api import OrganizationViewSet

MAX_NOTES = 20000
SERIES_CHANGES = (SeriesStatus.ACTIVE, SeriesStatus.PAUSED, SeriesStatus.ENDED)


# --- who sees what --------------------------------------------------------------------------


def series_of(viewer: Membership) -> QuerySet[CheckinSeries]:
    """The series the viewer is one of the two people of."""
    return CheckinSeries.objects.filter(Q(manager=viewer) | Q(report=viewer))


def meetings_of(viewer: Membership) -> QuerySet[Meeting]:
    return Meeting.objects.filter(Q(series__manager=viewer) | Q(series__report=viewer))


def points_of(viewer: Membership) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(
        Q(meeting__series__manager=viewer) | Q(meeting__series__report=viewer)
    )


def actions_of(viewer: Membership) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(Q(series__manager=viewer) | Q(series__report=viewer))


# --- the base viewset -----------------------------------------------------------------------


class CheckinViewSet(OrganizationViewSet):
    def visible(self) -> QuerySet:
        raise NotImplementedError

    def get_object(self):
        found = self.visible().filter(pk=path_id(self.kwargs["pk"])).first()
        if found is None:
            raise exceptions.NotFound()
        return found

    def context(self) -> dict:
        return self.get_serializer_context()


class LinkedRowsMixin:
    """Lists of rows that may link elsewhere: their links are shown for the whole page at
    once (one load per kind of linked object), not row by row."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            links.show(page, self.membership)
        return page


class VisibleField(OrgRelatedField):
    """An id among what the caller may see (``visible(membership)``); anything else,
    another pair's meeting included, "does not exist"."""

    def __init__(self, model, visible: Callable, **kwargs):
        self.visible = visible
        super().__init__(model, **kwargs)

    def get_queryset(self):
        return self.visible(self.context["membership"])


# --- shapes ---------------------------------------------------------------------------------


class ConflictSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Always “conflict”.")
    message = serializers.CharField()


class SeriesSerializer(serializers.ModelSerializer):
    manager = PersonRefSerializer(read_only=True)
    report = PersonRefSerializer(read_only=True)
    cadence = PlainChoiceField(Cadence.choices, read_only=True)
    status = PlainChoiceField(SeriesStatus.choices, read_only=True)
    time_of_day = serializers.TimeField(format="%H:%M", read_only=True)
    proposed_by = serializers.IntegerField(source="proposed_by_id", read_only=True)

    class Meta:
        model = CheckinSeries
        fields = [
            "id",
            "manager",
            "report",
            "proposed_by",
            "cadence",
            "time_of_day",
            "duration_minutes",
            "time_zone",
            "starts_on",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class SeriesCreateSerializer(serializers.Serializer):
    other = OrgRelatedField(
        Membership,
        help_text="The other person's member id: your direct report (the series starts at "
        "once) or your manager (a proposal they accept).",
    )
    cadence = serializers.CharField(
        max_length=20, help_text=f"One of: {', '.join(Cadence.values)}."
    )
    time_of_day = serializers.TimeField(
        format="%H:%M", input_formats=["%H:%M"], help_text="Local time, HH:MM."
    )
    duration_minutes = serializers.IntegerField(required=False, default=30)
    starts_on = serializers.DateField()
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        default="",
        allow_blank=True,
        help_text="An IANA zone; defaults to the manager's.",
    )


class SeriesRescheduleSerializer(serializers.Serializer):
    cadence = serializers.CharField(
        max_length=20, help_text=f"One of: {', '.join(Cadence.values)}."
    )
    time_of_day = serializers.TimeField(
        format="%H:%M", input_formats=["%H:%M"], help_text="Local time, HH:MM."
    )
    from_date = serializers.DateField(help_text="The first meeting on the new schedule.")


class SeriesStatusSerializer(serializers.Serializer):
    status = PlainChoiceField(
        [(value, SeriesStatus(value).label) for value in SERIES_CHANGES],
        help_text="Pause, resume or end the series.",
    )


class MeetingSerializer(serializers.ModelSerializer):
    manager = PersonRefSerializer(source="series.manager", read_only=True)
    report = PersonRefSerializer(source="series.report", read_only=True)
    status = PlainChoiceField(MeetingStatus.choices, read_only=True)
    ends_at = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "series",
            "manager",
            "report",
            "starts_at",
            "ends_at",
            "status",
            "skip_reason",
            "moved_from",
            "held_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateTimeField())
    def get_ends_at(self, meeting: Meeting):
        return serializers.DateTimeField().to_representation(
            meeting.starts_at + timedelta(minutes=meeting.series.duration_minutes)
        )


class AgendaItemSerializer(serializers.ModelSerializer):
    author = PersonRefSerializer(read_only=True)
    link = LinkOutField(help_text="What the point links to, as you may see it, or null.")

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "author",
            "text",
            "position",
            "discussed",
            "carried_from",
            "link",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class ActionItemSerializer(serializers.ModelSerializer):
    owner = PersonRefSerializer(read_only=True)
    done = serializers.SerializerMethodField()
    link = LinkOutField(help_text="What the action item links to, as you may see it, or null.")

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "series",
            "meeting",
            "owner",
            "text",
            "due_on",
            "done",
            "done_at",
            "link",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def get_done(self, item: ActionItem) -> bool:
        return item.done_at is not None


class MeetingDetailSerializer(MeetingSerializer):
    agenda = AgendaItemSerializer(many=True, read_only=True, source="agenda_rows")
    open_actions = ActionItemSerializer(
        many=True,
        read_only=True,
        source="open_action_rows",
        help_text="The series' action items not done yet, from any meeting.",
    )
    private_note = serializers.SerializerMethodField(
        help_text="Your own private note on this meeting, or null. Nobody else's, ever."
    )

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "shared_notes",
            "notes_version",
            "agenda",
            "open_actions",
            "private_note",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_private_note(self, meeting: Meeting) -> str | None:
        note = checkins.private_note_of(self.context["membership"], meeting)
        return note.body if note is not None else None


class SharedNotesSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_NOTES, allow_blank=True, trim_whitespace=False)
    version = serializers.IntegerField(
        min_value=0, help_text="The notes_version your edit started from."
    )


class SharedNotesStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "shared_notes", "notes_version"]
        read_only_fields = fields


class PrivateNoteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_NOTES, allow_blank=True, trim_whitespace=False)

    def validate(self, attrs):
        own = self.context["membership"].pk
        author = self.initial_data.get("author", own)
        if author != own and str(author) != str(own):
            raise serializers.ValidationError(
                {"author": ["A private note is always your own: you can't write anyone else's."]}
            )
        return attrs


class PrivateNoteStateSerializer(serializers.Serializer):
    body = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class SkipSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True)


class MoveSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text="The new start, ISO 8601 with an offset.")


class ReorderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        help_text="Every talking point id of the meeting, in the new order.",
    )

    def validate_order(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Name each talking point once.")
        return value


class PointCreateSerializer(serializers.Serializer):
    meeting = VisibleField(Meeting, meetings_of, help_text="A meeting id of one of your 1:1s.")
    text = serializers.CharField(max_length=500, allow_blank=True)
    link = LinkInField()


class PointEditSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500, allow_blank=True, required=False)
    discussed = serializers.BooleanField(required=False)
    link = LinkInField()
    version = serializers.IntegerField(min_value=0, help_text="The version you started from.")

    def validate(self, attrs):
        if not {"text", "discussed", "link"} & set(attrs):
            raise serializers.ValidationError(
                "Change the text or the link, or mark it discussed or not."
            )
        return attrs


class ActionCreateSerializer(serializers.Serializer):
    meeting = VisibleField(Meeting, meetings_of, help_text="A meeting id of one of your 1:1s.")
    owner = OrgRelatedField(Membership, help_text="One of the two people's member id.")
    text = serializers.CharField(max_length=500, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    link = LinkInField()


class ActionEditSerializer(serializers.Serializer):
    done = serializers.BooleanField(required=False)
    text = serializers.CharField(max_length=500, allow_blank=True, required=False)
    due_on = serializers.DateField(required=False, allow_null=True)
    link = LinkInField()
    version = serializers.IntegerField(min_value=0, help_text="The version you started from.")

    def validate(self, attrs):
        if not {"done", "text", "due_on", "link"} & set(attrs):
            raise serializers.ValidationError(
                "Change the text, the due date or the link, or mark it done or not."
            )
        return attrs


_ENVELOPES: dict[type, type] = {}


def _conflict_of(shape) -> OpenApiResponse:
    """A documented 409: ``{"error": {"code": "conflict", "message", "current": shape}}``."""
    if shape in _ENVELOPES:
        return OpenApiResponse(_ENVELOPES[shape], description=CONFLICT_HELP)
    name = f"{shape.__name__.removesuffix('Serializer')}ConflictEnvelope"
    error = type(
        f"{name}Error",
        (ConflictSerializer,),
        {"current": shape(read_only=True), "__module__": __name__},
    )
    envelope = type(name, (serializers.Serializer,), {"error": error(), "__module__": __name__})
    _ENVELOPES[shape] = envelope
    return OpenApiResponse(envelope, description=CONFLICT_HELP)


CONFLICT_HELP = "Changed meanwhile: nothing was written; `current` is what is there now."


class AgendaListSerializer(serializers.Serializer):
    """Only for documenting a reorder conflict: the agenda as it is now."""

    agenda = AgendaItemSerializer(many=True)


# --- series ---------------------------------------------------------------------------------


def _series_rows() -> QuerySet[CheckinSeries]:
    return CheckinSeries.objects.select_related("manager__user", "report__user")


@extend_schema_view(
    list=extend_schema(summary="Your check-in series: as the manager or as the report"),
    retrieve=extend_schema(summary="One of your check-in series"),
)
class CheckinSeriesViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CheckinViewSet):
    """A series is visible to its manager and its report only."""

    serializer_class = SeriesSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return series_of(self.membership).select_related("manager__user", "report__user")

    def visible(self):
        return self.get_queryset()

    def _one(self, series: CheckinSeries) -> dict:
        return SeriesSerializer(_series_rows().get(pk=series.pk), context=self.context()).data

    @extend_schema(
        request=SeriesCreateSerializer,
        responses={201: SeriesSerializer},
        summary="Start 1:1s with a direct report, or propose them to your manager",
    )
    def create(self, request, *args, **kwargs):
        serializer = SeriesCreateSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            series = checkins.start_series(actor=self.membership, **serializer.validated_data)
        return Response(self._one(series), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=SeriesSerializer, summary="Accept a proposed series")
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        series = self.get_object()
        with service_errors():
            checkins.accept_series(actor=self.membership, series=series)
        return Response(self._one(series))

    @extend_schema(
        request=SeriesRescheduleSerializer,
        responses=SeriesSerializer,
        summary="Change the rest of a series; upcoming meetings move with their agendas",
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, *args, **kwargs):
        series = self.get_object()
        serializer = SeriesRescheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            checkins.reschedule_series(
                actor=self.membership, series=series, **serializer.validated_data
            )
        series.refresh_from_db()
        return Response(self._one(series))

    @extend_schema(
        request=SeriesStatusSerializer,
        responses=SeriesSerializer,
        summary="Pause, resume or end a series (pausing or ending cancels meetings to come)",
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, *args, **kwargs):
        series = self.get_object()
        serializer = SeriesStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            checkins.set_series_status(
                actor=self.membership, series=series, status=serializer.validated_data["status"]
            )
        return Response(self._one(series))


# --- meetings -------------------------------------------------------------------------------


class MeetingPagination(StableCursorPagination):
    ordering = ("starts_at", "id")


@extend_schema_view(
    list=extend_schema(
        summary="Meetings of your check-in series, soonest first",
        parameters=[OpenApiParameter("series", OpenApiTypes.INT, description="A series id.")],
    ),
    retrieve=extend_schema(
        summary="One meeting: agenda, shared notes, open action items and your private note",
        responses=MeetingDetailSerializer,
    ),
)
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CheckinViewSet):
    serializer_class = MeetingSerializer
    pagination_class = MeetingPagination
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        rows = meetings_of(self.membership).select_related(
            "series__manager__user", "series__report__user"
        )
        wanted = id_param(self.request, "series") if self.action == "list" else None
        if wanted is not None:
            rows = rows.filter(series_id=wanted)
        return rows

    def visible(self):
        return meetings_of(self.membership).select_related("series")

    def _detail(self, pk: int) -> dict:
        meeting = (
            meetings_of(self.membership)
            .select_related("series__manager__user", "series__report__user")
            .prefetch_related(
                Prefetch(
                    "agenda",
                    queryset=AgendaItem.objects.select_related("author__user").order_by(
                        "position", "id"
                    ),
                    to_attr="agenda_rows",
                )
            )
            .get(pk=pk)
        )
        meeting.open_action_rows = list(
            ActionItem.objects.filter(series_id=meeting.series_id, done_at__isnull=True)
            .select_related("owner__user")
            .order_by("due_on", "id")
        )
        links.show([*meeting.agenda_rows, *meeting.open_action_rows], self.membership)
        return MeetingDetailSerializer(meeting, context=self.context()).data

    def retrieve(self, request, *args, **kwargs):
        return Response(self._detail(self.get_object().pk))

    @extend_schema(
        request=None,
        responses=MeetingDetailSerializer,
        summary="Mark the meeting held: undiscussed points carry over to the next one",
    )
    @action(detail=True, methods=["post"])
    def hold(self, request, *args, **kwargs):
        meeting = self.get_object()
        with service_errors():
            checkins.hold_meeting(actor=self.membership, meeting=meeting)
        return Response(self._detail(meeting.pk))

    @extend_schema(
        request=SkipSerializer,
        responses=MeetingDetailSerializer,
        summary="Skip the meeting, with a reason: undiscussed points carry over",
    )
    @action(detail=True, methods=["post"])
    def skip(self, request, *args, **kwargs):
        meeting = self.get_object()
        serializer = SkipSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            checkins.skip_meeting(
                actor=self.membership, meeting=meeting, reason=serializer.validated_data["reason"]
            )
        return Response(self._detail(meeting.pk))

    @extend_schema(
        request=MoveSerializer,
        responses=MeetingDetailSerializer,
        summary="Move the meeting; its reminders move with it",
    )
    @action(detail=True, methods=["post"])
    def move(self, request, *args, **kwargs):
        meeting = self.get_object()
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            checkins.move_meeting(
                actor=self.membership,
                meeting=meeting,
                starts_at=serializer.validated_data["starts_at"],
            )
        return Response(self._detail(meeting.pk))

    @extend_schema(
        request=SharedNotesSerializer,
        responses={200: SharedNotesStateSerializer, 409: _conflict_of(SharedNotesStateSerializer)},
        summary="Save the shared notes, if nobody changed them since your version",
    )
    @action(detail=True, methods=["put"], url_path="shared-notes")
    def shared_notes(self, request, *args, **kwargs):
        meeting = self.get_object()
        serializer = SharedNotesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(fresh=lambda fresh: SharedNotesStateSerializer(fresh).data):
            saved = checkins.save_shared_notes(
                actor=self.membership,
                meeting=meeting,
                text=serializer.validated_data["text"],
                expected_version=serializer.validated_data["version"],
            )
        return Response(SharedNotesStateSerializer(saved).data)

    @extend_schema(
        request=PrivateNoteSerializer,
        responses=PrivateNoteStateSerializer,
        summary="Write your own private note on this meeting (only you ever read it)",
    )
    @action(detail=True, methods=["put"], url_path="private-note")
    def private_note(self, request, *args, **kwargs):
        meeting = self.get_object()
        serializer = PrivateNoteSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            note = checkins.save_private_note(
                actor=self.membership, meeting=meeting, body=serializer.validated_data["body"]
            )
        return Response(PrivateNoteStateSerializer(note).data)

    @extend_schema(
        request=ReorderSerializer,
        responses={200: MeetingDetailSerializer, 409: _conflict_of(AgendaListSerializer)},
        summary="Reorder the agenda",
    )
    @action(detail=True, methods=["post"])
    def reorder(self, request, *args, **kwargs):
        meeting = self.get_object()
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)

        def fresh(rows):
            shown = list(_with_author(rows))
            links.show(shown, self.membership)
            return {"agenda": AgendaItemSerializer(shown, many=True, context=self.context()).data}

        with service_errors(fresh=fresh):
            checkins.reorder(
                actor=self.membership,
                meeting=meeting,
                ordered_ids=serializer.validated_data["order"],
            )
        return Response(self._detail(meeting.pk))

    @extend_schema(
        request=None,
        responses=SuggestionsSerializer,
        summary="For the manager: talking points suggested by context (next-level gaps, "
        "quiet feedback...)",
    )
    @action(detail=True, methods=["get"])
    def suggestions(self, request, *args, **kwargs):
        """What other apps suggest raising with the report in this meeting, minus what the
        agenda already holds. The manager's only: the report gets 404."""
        meeting = (
            meetings_of(self.membership)
            .select_related(
                "series__organization", "series__report__user", "series__report__organization"
            )
            .filter(pk=path_id(self.kwargs["pk"]))
            .first()
        )
        if meeting is None or meeting.series.manager_id != self.membership.pk:
            raise exceptions.NotFound()
        found = checkins.suggestions_for_meeting(actor=self.membership, meeting=meeting)
        return Response(SuggestionsSerializer({"suggestions": found}).data)


def _with_author(rows: list[AgendaItem]) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(pk__in=[row.pk for row in rows]).select_related("author__user")


# --- agenda ---------------------------------------------------------------------------------


class AgendaPagination(StableCursorPagination):
    ordering = ("meeting_id", "position", "id")


def _point(pk: int, context: dict) -> dict:
    row = AgendaItem.objects.select_related("author__user").get(pk=pk)
    return AgendaItemSerializer(row, context=context).data


def _fresh_point(context: dict) -> Callable:
    def fresh(item: AgendaItem | None) -> dict:
        """The point as it is now; one the other person removed meanwhile is not there."""
        if item is None:
            raise exceptions.NotFound("This talking point was removed meanwhile.")
        try:
            return _point(item.pk, context)
        except AgendaItem.DoesNotExist:
            raise exceptions.NotFound("This talking point was removed meanwhile.") from None

    return fresh


@extend_schema_view(
    list=extend_schema(
        summary="Talking points of your meetings, in agenda order",
        parameters=[OpenApiParameter("meeting", OpenApiTypes.INT, description="A meeting id.")],
    ),
    retrieve=extend_schema(summary="One talking point"),
)
class AgendaItemViewSet(
    LinkedRowsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, CheckinViewSet
):
    serializer_class = AgendaItemSerializer
    pagination_class = AgendaPagination
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        rows = points_of(self.membership).select_related("author__user")
        wanted = id_param(self.request, "meeting") if self.action == "list" else None
        if wanted is not None:
            rows = rows.filter(meeting_id=wanted)
        return rows

    def visible(self):
        return points_of(self.membership).select_related("meeting__series")

    @extend_schema(
        request=PointCreateSerializer,
        responses={201: AgendaItemSerializer},
        summary="Add a talking point to an open meeting",
    )
    def create(self, request, *args, **kwargs):
        serializer = PointCreateSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            item = checkins.add_point(actor=self.membership, **serializer.validated_data)
        return Response(_point(item.pk, self.context()), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PointEditSerializer,
        responses={200: AgendaItemSerializer, 409: _conflict_of(AgendaItemSerializer)},
        summary="Edit a talking point or mark it discussed, if unchanged since your version",
    )
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        serializer = PointEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with service_errors(fresh=_fresh_point(self.context())):
                saved = checkins.edit_point(
                    actor=self.membership,
                    item=item,
                    expected_version=data["version"],
                    text=data.get("text"),
                    discussed=data.get("discussed"),
                    link=data.get("link", checkins.UNCHANGED),
                )
        except AgendaItem.DoesNotExist:
            raise exceptions.NotFound("This talking point was removed meanwhile.") from None
        return Response(_point(saved.pk, self.context()))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version",
                OpenApiTypes.INT,
                required=True,
                description="The version you started from.",
            )
        ],
        responses={204: None, 409: _conflict_of(AgendaItemSerializer)},
        summary="Remove a talking point, if unchanged since your version",
    )
    def destroy(self, request, *args, **kwargs):
        item = self.get_object()
        raw = request.query_params.get("version", "")
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            raise serializers.ValidationError({"version": ["Give the version you started from."]})
        try:
            with service_errors(fresh=_fresh_point(self.context())):
                checkins.remove_point(actor=self.membership, item=item, expected_version=int(raw))
        except AgendaItem.DoesNotExist:
            raise exceptions.NotFound("This talking point was removed meanwhile.") from None
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- action items ---------------------------------------------------------------------------


def _action(pk: int, context: dict) -> dict:
    row = ActionItem.objects.select_related("owner__user").get(pk=pk)
    return ActionItemSerializer(row, context=context).data


@extend_schema_view(
    list=extend_schema(
        summary="Action items of your check-in series",
        parameters=[
            OpenApiParameter("series", OpenApiTypes.INT, description="A series id."),
            OpenApiParameter(
                "open", OpenApiTypes.BOOL, description="true: only those not done yet."
            ),
        ],
    ),
    retrieve=extend_schema(summary="One action item"),
)
class ActionItemViewSet(
    LinkedRowsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, CheckinViewSet
):
    serializer_class = ActionItemSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        rows = actions_of(self.membership).select_related("owner__user")
        if self.action != "list":
            return rows
        wanted = id_param(self.request, "series")
        if wanted is not None:
            rows = rows.filter(series_id=wanted)
        raw = self.request.query_params.get("open", "")
        if raw:
            if raw not in ("true", "false"):
                raise serializers.ValidationError({"open": ["Give true or false."]})
            rows = rows.filter(done_at__isnull=raw == "true")
        return rows

    def visible(self):
        return actions_of(self.membership).select_related("series")

    @extend_schema(
        request=ActionCreateSerializer,
        responses={201: ActionItemSerializer},
        summary="Add an action item for one of the two people",
    )
    def create(self, request, *args, **kwargs):
        serializer = ActionCreateSerializer(data=request.data, context=self.context())
        serializer.is_valid(raise_exception=True)
        with service_errors():
            item = checkins.add_action(actor=self.membership, **serializer.validated_data)
        return Response(_action(item.pk, self.context()), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ActionEditSerializer,
        responses={200: ActionItemSerializer, 409: _conflict_of(ActionItemSerializer)},
        summary="Edit an action item (text, due date, link) or mark it done or not, if "
        "unchanged since your version",
    )
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        serializer = ActionEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        context = self.context()
        unchanged = checkins.UNCHANGED
        with service_errors(fresh=lambda fresh: _action(fresh.pk, context)):
            if set(data) <= {"done", "version"}:
                saved = checkins.set_action_done(
                    actor=self.membership,
                    item=item,
                    done=data["done"],
                    expected_version=data["version"],
                )
            else:
                saved = checkins.edit_action(
                    actor=self.membership,
                    item=item,
                    expected_version=data["version"],
                    text=data.get("text", unchanged),
                    due_on=data.get("due_on", unchanged),
                    link=data.get("link", unchanged),
                    done=data.get("done", unchanged),
                )
        return Response(_action(saved.pk, context))
