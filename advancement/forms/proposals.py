"""Forms of proposals: proposing new wording, commenting, and HR's answer."""

from django import forms

from advancement.models import ProposalStatus


class ProposalForm(forms.Form):
    proposed_text = forms.CharField(
        label="The wording you propose",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        error_messages={"required": "Write the wording you propose."},
    )
    rationale = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="What would this make clearer or fairer? Everyone in the organization can "
        "read proposals and comment.",
        error_messages={"required": "Say why: what would this make clearer or fairer?"},
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Write your comment first."},
    )


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label="Your answer",
        choices=[
            (ProposalStatus.ACCEPTED, "Accept into the draft"),
            (ProposalStatus.DISCUSSION, "Needs discussion"),
            (ProposalStatus.DECLINED, "Decline"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose accept, needs discussion or decline."},
    )
    answer = forms.CharField(
        label="Note to the proposer",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="Required when declining or asking for discussion.",
    )
