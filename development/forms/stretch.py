"""Forms of the stretch assignment pages: shapes only; the rules live in ``stretch``."""

from django import forms

from advancement.models import Competency
from development.models import Audience, Commitment, StretchInterest
from development.services.stretch import (
    MAX_NOTE,
    MAX_OUTCOME,
    MAX_SEATS,
    MAX_TEXT,
    MAX_TITLE,
    MAX_WEEKS,
)
from perfapp.orgs.models import Team

PICK_COMPETENCY = "Choose competencies from the list."
PICK_TEAM = "Choose teams from the list."


class OpportunityForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=MAX_TITLE,
        help_text="The work, in a few words: “Lead the Q3 incident review”.",
        error_messages={"required": "Give the opportunity a short title."},
    )
    description = forms.CharField(
        label="What it is",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The work, why it matters, who they'd work with, what they'd learn.",
        error_messages={"required": "Describe the work and what someone would learn from it."},
    )
    competencies = forms.ModelMultipleChoiceField(
        label="Competencies it builds",
        queryset=Competency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one competency this work builds.",
            "invalid_choice": PICK_COMPETENCY,
            "invalid_pk_value": PICK_COMPETENCY,
        },
    )
    commitment = forms.ChoiceField(
        label="Time it takes",
        choices=Commitment.choices,
        initial=Commitment.LIGHT,
        error_messages={"required": "Choose how much time it takes."},
    )
    duration_weeks = forms.IntegerField(
        label="For how many weeks",
        min_value=1,
        max_value=MAX_WEEKS,
        initial=6,
        error_messages={
            "required": "Say for how many weeks.",
            "min_value": f"Choose between 1 and {MAX_WEEKS} weeks.",
            "max_value": f"Choose between 1 and {MAX_WEEKS} weeks.",
        },
    )
    seats = forms.IntegerField(
        label="How many people",
        min_value=1,
        max_value=MAX_SEATS,
        initial=1,
        error_messages={
            "required": "Say how many people it takes.",
            "min_value": f"Choose between 1 and {MAX_SEATS} people.",
            "max_value": f"Choose between 1 and {MAX_SEATS} people.",
        },
    )
    audience = forms.ChoiceField(
        label="Who may apply",
        choices=Audience.choices,
        initial=Audience.EVERYONE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who may apply: everyone or chosen teams."},
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="With “Chosen teams”: the people of these teams see it and may apply.",
        error_messages={"invalid_choice": PICK_TEAM, "invalid_pk_value": PICK_TEAM},
    )
    closes_on = forms.DateField(
        label="Interest closes on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to keep it open until you choose.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = Competency.objects.filter(
            archived_at__isnull=True
        ).order_by("name")
        self.fields["teams"].queryset = Team.objects.order_by("name")

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "competencies": list(data["competencies"]),
            "commitment": data["commitment"],
            "duration_weeks": data["duration_weeks"],
            "seats": data["seats"],
            "audience": data["audience"],
            "teams": list(data.get("teams") or []),
            "closes_on": data.get("closes_on"),
        }


class BoardFilterForm(forms.Form):
    competency = forms.ModelChoiceField(
        label="Competency",
        queryset=Competency.objects.none(),
        required=False,
        empty_label="All competencies",
    )
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="All teams"
    )
    commitment = forms.ChoiceField(
        label="Time", choices=[("", "Any time commitment"), *Commitment.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = Competency.objects.filter(
            archived_at__isnull=True
        ).order_by("name")
        self.fields["team"].queryset = Team.objects.order_by("name")

    def criteria(self) -> dict:
        """What was filled in validly; a stale or foreign id is ignored, not an error."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "competency_id": data["competency"].pk if data.get("competency") else None,
            "team_id": data["team"].pk if data.get("team") else None,
            "commitment": data.get("commitment") or "",
        }


class InterestForm(forms.Form):
    note = forms.CharField(
        label="Why you'd like it",
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence or two: what draws you to it, and what you'd bring.",
        error_messages={
            "required": "Say in a sentence or two why you'd like it and what you'd bring."
        },
    )


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: StretchInterest) -> str:
        return obj.person.name


class ChooseForm(forms.Form):
    interests = PersonChoice(
        label="Who takes it on",
        queryset=StretchInterest.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one person.",
            "invalid_choice": "Choose among the people who expressed interest.",
            "invalid_pk_value": "Choose among the people who expressed interest.",
        },
    )

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interests"].queryset = StretchInterest.objects.filter(
            assignment=assignment
        ).select_related("person__user")


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        max_length=MAX_OUTCOME,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say how it went."},
    )
