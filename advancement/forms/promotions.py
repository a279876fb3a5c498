"""Forms of promotion rounds, cases, endorsements, notes and decisions. Querysets are
built per request, inside the tenant scope."""

from django import forms

from advancement.models import Decision, Round, Track
from advancement.selectors.framework import current_version
from perfapp.orgs.models import Membership
from perfapp.web.forms_util import RELOAD_ERRORS


def _people():
    return Membership.objects.select_related("user").filter(is_active=True).order_by("user__name")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class RoundForm(forms.Form):
    """A plain form (not a ModelForm): the window and tracks are checked by
    ``services.promotions.save_round``, so pages and the API give the same messages."""

    name = forms.CharField(
        max_length=120,
        error_messages={"required": "Name the round, e.g. “Spring promotions”."},
    )
    opens_on = forms.DateField(
        label="Nominations open on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Choose the day nominations open."},
    )
    closes_on = forms.DateField(
        label="Last day for submissions",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Choose the last day for submissions."},
    )
    tracks = forms.ModelMultipleChoiceField(
        queryset=Track.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Tracks of the published career framework the round covers.",
        error_messages={"required": "Choose at least one track the round covers."},
    )
    allow_self_nomination = forms.BooleanField(
        label="People may nominate themselves", required=False
    )
    calibration_group = PeopleChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Besides HR, who calibrates and decides while the round is open.",
    )

    def __init__(self, *args, instance: Round, **kwargs):
        super().__init__(*args, **kwargs)
        version = current_version()
        published = [t["id"] for t in version.snapshot["tracks"]] if version else []
        self.fields["tracks"].queryset = Track.objects.filter(pk__in=published).order_by("name")
        self.fields["calibration_group"].queryset = _people()
        if instance.pk:
            self.initial.update(
                {
                    "name": instance.name,
                    "opens_on": instance.opens_on,
                    "closes_on": instance.closes_on,
                    "allow_self_nomination": instance.allow_self_nomination,
                    "tracks": list(instance.tracks.values_list("pk", flat=True)),
                    "calibration_group": list(
                        instance.calibration_group.values_list("pk", flat=True)
                    ),
                }
            )


class OpenCaseForm(forms.Form):
    subject = PersonChoiceField(
        queryset=Membership.objects.none(),
        label="Who",
        error_messages={
            "required": "Choose whom you nominate.",
            "invalid_choice": "Choose someone from the list.",
        },
    )
    summary = forms.CharField(
        label="Nominator's summary",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why now: what the person does at the next level. You can finish it later.",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = candidates


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label="Nominator's summary",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    lock_version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages=RELOAD_ERRORS
    )


class LockForm(forms.Form):
    """Actions that change only the case's state carry the version they were shown."""

    lock_version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages=RELOAD_ERRORS
    )


class EndorserForm(forms.Form):
    endorser = PersonChoiceField(
        queryset=Membership.objects.none(),
        label="Ask a colleague",
        error_messages={
            "required": "Choose a colleague to ask for an endorsement.",
            "invalid_choice": "Choose a colleague from the list.",
        },
    )

    def __init__(self, *args, exclude: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["endorser"].queryset = _people().exclude(pk__in=exclude)


class EndorsementForm(forms.Form):
    body = forms.CharField(
        label="Your endorsement",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you saw first-hand that shows the next level. Specific beats general.",
        error_messages={"required": "Write what you saw first-hand before sending."},
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Calibration note",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the note first."},
    )


def _short(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


STALE_FORM = "This page was out of date. Here is the case as it is now; decide again."


class DecisionForm(forms.Form):
    """Promoted or not yet, the rationale the person reads, the day a promotion takes
    effect, and for "not yet" the criteria to work on. Every message says what to do."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose promoted or not yet.",
            "invalid_choice": "Choose promoted or not yet.",
        },
    )
    rationale = forms.CharField(
        label="Rationale",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The person reads it with the decision.",
        error_messages={
            "required": "Write the rationale: the person reads it with the decision.",
            "max_length": "Keep the rationale to 5,000 characters (this one has %(show_value)d).",
        },
    )
    effective_on = forms.DateField(
        label="Takes effect on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day the new level applies: today applies it at once, a later day "
        "early that morning.",
        error_messages={"invalid": "Enter the day as a date, e.g. 2027-04-01."},
    )
    not_yet_criteria = forms.TypedMultipleChoiceField(
        label="Criteria to work on",
        coerce=int,
        required=False,  # required for "not yet" only: the service says so next to it
        widget=forms.CheckboxSelectMultiple,
        help_text="Each becomes a goal in the person's development plan.",
        error_messages={
            "invalid_choice": "Choose among the criteria of this case's packet.",
            "invalid_list": "Choose among the criteria of this case's packet.",
        },
    )
    lock_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": STALE_FORM, "invalid": STALE_FORM, "min_value": STALE_FORM},
    )

    def __init__(self, *args, criteria: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["not_yet_criteria"].choices = [
            (c["id"], f"{c.get('competency') or 'Criterion'}: {_short(c.get('expectation', ''))}")
            for c in criteria
        ]


class CloseRoundForm(forms.Form):
    resolve_remaining = forms.BooleanField(
        label="Mark every case not decided yet as “not yet”",
        required=False,
    )
    rationale = forms.CharField(
        label="Rationale for the remaining cases",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The people with a remaining case read it with their “not yet”.",
        error_messages={"max_length": "Keep the rationale to 5,000 characters."},
    )


class ReasonForm(forms.Form):
    """Reopening a round or reverting a promotion: the reason is kept."""

    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why: the reason is kept in the audit log.",
            "max_length": "Keep the reason to 2,000 characters.",
        },
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, label: str = "Reason", help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text
