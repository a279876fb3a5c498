"""Forms for giving feedback, editing it and filtering the timeline.

They check shapes (a known person, a date, a choice); the rules (not to yourself, not to a
deactivated colleague, which visibility fits, a due date from today on) live in
the services so every way in gives the same clear answer. That is why the person fields
accept anyone of the organization while offering only the people it makes sense to pick.
"""

from functools import cache

from django import forms
from django.db.models import Q

from advancement.models import Competency
from feedback.models import FeedbackKind, Visibility
from feedback.selectors.giving import timeline_people
from perfapp.accounts.models import display_name
from perfapp.compiled import CompiledQuery
from perfapp.orgs.forms import MemberField, colleagues_of, member_label
from perfapp.orgs.models import Membership
from perfapp.web.forms_util import offer
from perfapp.web.widgets import QuickSelect

PICK_COLLEAGUE = "Choose one of your colleagues from the list."
PICK_COMPETENCY = "Choose competencies from the list."


def active_competencies():
    return Competency.objects.filter(archived_at__isnull=True).order_by("name")


AUDIENCE_HELP = (
    "Nobody else reads it, not a skip-level manager, not HR. If it becomes promotion evidence "
    "(tagged with a competency), others who read that evidence see only that feedback exists: "
    "not its words, not your name."
)

VISIBILITY_LABELS = {
    Visibility.PRIVATE: "Only them",
    Visibility.WITH_MANAGER: "Them and their manager",
    Visibility.MANAGER_ONLY: "Only the manager who asked",
}


class FeedbackContentForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of feedback",
        choices=FeedbackKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose praise, constructive or a suggestion."},
    )
    situation = forms.CharField(
        label="What happened",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The situation and what they said or did. One real moment beats a summary.",
        error_messages={
            "required": "Describe what happened: the situation and what they did.",
        },
    )
    impact = forms.CharField(
        label="What it changed",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For you, the team or a customer.",
    )
    suggestion = forms.CharField(
        label="Suggestion for next time",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    competencies = forms.ModelMultipleChoiceField(
        label="Competencies",
        queryset=Competency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tagged feedback counts as evidence for their promotion criteria.",
        error_messages={"invalid_choice": PICK_COMPETENCY, "invalid_pk_value": PICK_COMPETENCY},
    )

    def __init__(self, *args, keep_competencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        offered = active_competencies()
        kept = [c.pk for c in keep_competencies]
        if kept:  # an edit keeps tags archived since
            offered = Competency.objects.filter(
                pk__in=[*kept, *offered.values_list("pk", flat=True)]
            ).order_by("name")
        self.fields["competencies"].queryset = offered

    def content(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "situation": data["situation"],
            "impact": data.get("impact", ""),
            "suggestion": data.get("suggestion", ""),
            "competencies": list(data.get("competencies") or []),
        }


class FeedbackForm(FeedbackContentForm):
    """Give feedback: to whom, what, and who may read it."""

    field_order = ["recipient", "kind", "situation", "impact", "suggestion", "competencies"]

    recipient = MemberField(
        label="Give feedback to",
        queryset=Membership.objects.none(),
        empty_label="Choose a colleague",
        error_messages={"invalid_choice": PICK_COLLEAGUE, "required": PICK_COLLEAGUE},
    )
    visibility = forms.ChoiceField(
        label="Who will see it",
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.PRIVATE,
        help_text=AUDIENCE_HELP,
        error_messages={"required": "Choose who may read it."},
    )

    def __init__(self, *args, viewer: Membership, offered_visibility=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Validation accepts anyone here; the service explains why someone can't receive it.
        self.fields["recipient"].queryset = Membership.objects.select_related("user")
        offer(
            self.fields["recipient"],
            [("", "Choose a colleague")] + [(m.pk, member_label(m)) for m in colleagues_of(viewer)],
        )
        offer(
            self.fields["visibility"],
            [
                (value, VISIBILITY_LABELS[value])
                for value in offered_visibility or (Visibility.PRIVATE, Visibility.WITH_MANAGER)
            ],
        )

    def content(self) -> dict:
        return {**super().content(), "visibility": self.cleaned_data["visibility"]}


class EditForm(FeedbackContentForm):
    """The writer's fix within the edit window; recipient and visibility stay."""


PERSON_CHOICES_FROM = 40  # latest feedback items whose people the timeline filter offers


def _id(raw) -> int | None:
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and int(raw) < 2**63:
        return int(raw)
    return None


_OPTION_COLUMNS = ("pk", "user__name", "user__email", "job_title")
# The people a timeline page offers, on every page view: compiled once per box
# (perfapp/compiled.py); the ORM took about 10 ms of CPU to write the query with its
# subqueries. Not the team box, whose rule reads the reader's reports first.
_COMPILED_BOXES = ("received", "given")


@cache
def _latest_people(box: str) -> CompiledQuery:
    return CompiledQuery(
        lambda organization_id, viewer: (
            Membership.objects.filter(
                pk__in=timeline_people(
                    Membership(pk=viewer, organization_id=organization_id),
                    box,
                    latest=PERSON_CHOICES_FROM,
                )
            )
            .order_by("user__name", "id")
            .values_list(*_OPTION_COLUMNS)
        ),
        params=("organization_id", "viewer"),
    )


class TimelineFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "All kinds"), *FeedbackKind.choices],
        required=False,
        widget=QuickSelect,
    )
    competency = forms.ModelChoiceField(
        label="Competency",
        queryset=Competency.objects.none(),
        required=False,
        widget=QuickSelect,
        empty_label="All competencies",
    )
    person = MemberField(
        label="Person",
        queryset=Membership.objects.none(),
        required=False,
        widget=QuickSelect,
        empty_label="Anyone",
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, viewer: Membership, box: str = "received", **kwargs):
        super().__init__(*args, **kwargs)
        competencies = Competency.objects.order_by("name")
        self.fields["competency"].queryset = competencies
        # The options are read as plain values: building a model instance per option
        # cost more than rendering it (3.3 ms of the page for the competencies, 14.6 ms
        # for the people, with their users). Same options, order and labels.
        self.fields["competency"].widget.choices = cache(
            lambda: [("", "All competencies"), *competencies.values_list("pk", "name")]
        )
        # Accepted: the people on the other side of this box's feedback (filtering by
        # anyone else finds nothing). Offered: those of the latest items, and the one
        # chosen. Listing the whole organization made a 20,000-option select (megabytes of
        # HTML on every timeline page of a large organization), and everyone who ever
        # wrote to a person is still hundreds of options, each rendered by a template.
        field = self.fields["person"]
        people = Membership.objects.select_related("user").order_by("user__name", "id")
        field.queryset = people.filter(pk__in=timeline_people(viewer, box))
        chosen = _id(self.data.get("person")) if self.is_bound else None

        @cache
        def offered():  # evaluated once, and only when the select is rendered
            if chosen is None and box in _COMPILED_BOXES:
                found = _latest_people(box)(
                    organization_id=viewer.organization_id, viewer=viewer.pk
                )
            else:
                wanted = Q(pk__in=timeline_people(viewer, box, latest=PERSON_CHOICES_FROM))
                if chosen is not None:  # an OR costs a scan of the people: only when needed
                    wanted |= Q(pk=chosen, pk__in=field.queryset)
                found = people.filter(wanted).values_list(*_OPTION_COLUMNS)
            return [
                ("", "Anyone"),
                *(
                    (pk, field.label_from_values(display_name(name, email), job_title))
                    for pk, name, email, job_title in found
                ),
            ]

        field.widget.choices = offered

    def criteria(self) -> dict:
        """What was filled in validly (a mistyped date is ignored, not an error page)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "competency_id": data["competency"].pk if data.get("competency") else None,
            "person_id": data["person"].pk if data.get("person") else None,
            "since": data.get("since"),
            "until": data.get("until"),
        }
