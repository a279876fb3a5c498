"""Forms of the mentoring pages. They check shapes (a known competency, a date, a
number); the rules (not yourself, not your manager, capacity, one pending request) live in
``mentoring`` so the pages and the API give the same clear answers."""

from django import forms

from advancement.models import Competency
from development.models import MentorshipCadence
from development.services.mentoring import (
    MAX_ABOUT,
    MAX_ANSWER,
    MAX_CAPACITY,
    MAX_GOALS,
    MAX_MESSAGE,
    MAX_NOTES,
    MAX_REFLECTION,
)
from perfapp.orgs.models import Membership

PICK_COMPETENCY = "Choose competencies from the list."


def active_competencies():
    return Competency.objects.filter(archived_at__isnull=True).order_by("name")


class OfferForm(forms.Form):
    competencies = forms.ModelMultipleChoiceField(
        label="Competencies you'd mentor in",
        queryset=Competency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="People looking for a mentor in one of these will find you.",
        error_messages={
            "required": "Choose at least one competency you'd like to mentor in.",
            "invalid_choice": PICK_COMPETENCY,
            "invalid_pk_value": PICK_COMPETENCY,
        },
    )
    capacity = forms.TypedChoiceField(
        label="How many people at once",
        coerce=int,
        choices=[(0, "None right now (pause)")]
        + [(n, f"{n} {'person' if n == 1 else 'people'}") for n in range(1, MAX_CAPACITY + 1)],
        help_text="Lowering it ends no mentorship; it only stops new requests.",
        error_messages={"required": "Choose how many people you can mentor at once."},
    )
    about = forms.CharField(
        label="About you as a mentor",
        max_length=MAX_ABOUT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you've done that others could learn from, and how you like to work.",
    )

    def __init__(self, *args, keep=(), **kwargs):
        super().__init__(*args, **kwargs)
        offered = active_competencies()
        kept = [c.pk for c in keep]
        if kept:  # an offer keeps competencies archived since
            offered = Competency.objects.filter(
                pk__in=[*kept, *offered.values_list("pk", flat=True)]
            ).order_by("name")
        self.fields["competencies"].queryset = offered


class FindForm(forms.Form):
    competency = forms.ModelChoiceField(
        label="Competency",
        queryset=Competency.objects.none(),
        empty_label="Choose a competency",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = active_competencies()


class RequestForm(forms.Form):
    """Ask a mentor. The mentor and the competency come from the search; any colleague and
    any competency of the organization pass here, and the service says why not."""

    mentor = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a mentor first.",
            "invalid_choice": "Choose a mentor from the list.",
        },
    )
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a competency first.",
            "invalid_choice": "Choose a competency from the list.",
        },
    )
    message = forms.CharField(
        label="What you'd like to learn",
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A situation you're working on, a skill you want to build, what good "
        "would look like in a few months.",
        error_messages={
            "required": "Say what you'd like to learn, so they can tell whether they can help."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = Membership.objects.select_related("user")
        self.fields["competency"].queryset = Competency.objects.all()


class AcceptForm(forms.Form):
    goals = forms.CharField(
        label="Goals for your mentorship",
        max_length=MAX_GOALS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you'll work on together. You can both refine them later.",
        error_messages={"required": "Write down what you'll work on together."},
    )
    cadence = forms.ChoiceField(
        label="How often you'll meet",
        choices=MentorshipCadence.choices,
        initial=MentorshipCadence.BIWEEKLY,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often you'll meet."},
    )


class GoalsForm(AcceptForm):
    pass


class DeclineForm(forms.Form):
    note = forms.CharField(
        label="A kind note",
        max_length=MAX_ANSWER,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why not now, or who could help instead. They'll read it.",
    )


class SessionForm(forms.Form):
    held_on = forms.DateField(
        label="When",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the date of the session.", "invalid": "Give a date."},
    )
    notes = forms.CharField(
        label="Notes",
        max_length=MAX_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you talked about, what to try before next time.",
    )


class CloseForm(forms.Form):
    reflection = forms.CharField(
        label="Your reflection",
        max_length=MAX_REFLECTION,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence or two: what you take away from it.",
        error_messages={"required": "Write a sentence or two: what you take away from it."},
    )
