"""Forms for asking colleagues for feedback, and for answering or declining what was asked.

As in ``feedback.forms.giving``, the rules (whom you may ask about, a due date from today
on) live in the services."""

from django import forms

from advancement.models import Competency
from feedback.forms.giving import (
    AUDIENCE_HELP,
    PICK_COLLEAGUE,
    PICK_COMPETENCY,
    FeedbackContentForm,
    active_competencies,
)
from feedback.models import Visibility
from perfapp.orgs.forms import MemberField, MembersField, colleagues_of, member_label
from perfapp.orgs.models import Membership
from perfapp.web.forms_util import offer


class AnswerForm(FeedbackContentForm):
    """Answer a request: the recipient is the person it is about."""

    visibility = forms.ChoiceField(
        label="Who will see it",
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        help_text=AUDIENCE_HELP,
        error_messages={"required": "Choose who may read it."},
    )

    def __init__(self, *args, visibility_choices, **kwargs):
        super().__init__(*args, **kwargs)
        offer(self.fields["visibility"], visibility_choices)

    def content(self) -> dict:
        return {**super().content(), "visibility": self.cleaned_data["visibility"]}


class RequestForm(forms.Form):
    subject = MemberField(
        label="About",
        queryset=Membership.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "Choose yourself or one of your direct reports."},
    )
    reviewers = MembersField(
        label="Whom to ask",
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Up to 10 colleagues. Each of them answers or declines on their own.",
        error_messages={
            "required": "Choose at least one colleague to ask.",
            "invalid_choice": PICK_COLLEAGUE,
            "invalid_pk_value": PICK_COLLEAGUE,
        },
    )
    topic = forms.CharField(
        label="Topic",
        max_length=200,
        help_text="A project, a presentation, a skill: what should they think about?",
        error_messages={
            "required": "Say what you'd like feedback on: a project, a presentation, a skill."
        },
    )
    competency = forms.ModelChoiceField(
        label="Competency",
        queryset=Competency.objects.none(),
        required=False,
        empty_label="No particular competency",
        error_messages={"invalid_choice": PICK_COMPETENCY},
    )
    due_date = forms.DateField(
        label="Due date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Choose a due date.",
            "invalid": "Enter a date like 2026-12-01.",
        },
    )
    message = forms.CharField(
        label="Message",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A line of context helps them answer well.",
    )

    def __init__(self, *args, viewer: Membership, reports=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = Membership.objects.select_related("user")
        self.fields["subject"].queryset = everyone
        offer(
            self.fields["subject"],
            [(viewer.pk, "Myself")] + [(m.pk, member_label(m)) for m in reports],
        )
        self.fields["reviewers"].queryset = everyone
        offer(
            self.fields["reviewers"],
            [(m.pk, member_label(m)) for m in colleagues_of(viewer)],
        )
        self.fields["competency"].queryset = active_competencies()
        if today is not None:
            self.fields["due_date"].widget.attrs["min"] = today.isoformat()


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why you can't answer",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why, so they can ask someone else."},
    )
