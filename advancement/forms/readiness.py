"""Forms of the readiness view: the period it covers, a narrative, and a mark on an
evidence item."""

from datetime import date

from django import forms

from advancement.models import EvidenceMarkAction
from advancement.services.readiness import NARRATIVE_MAX
from perfapp.web.forms_util import RELOAD_ERRORS


class PeriodForm(forms.Form):
    """?since=&until= of the readiness view (dates; both optional)."""

    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        since: date | None = data.get("since")
        until: date | None = data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(
                "The period starts after it ends: pick a start before the end."
            )
        return data


class NarrativeForm(forms.Form):
    body = forms.CharField(
        label="Your narrative",
        max_length=NARRATIVE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In a few sentences: how your work meets this criterion.",
    )


class MarkForm(forms.Form):
    item_ref = forms.CharField(max_length=64, error_messages=RELOAD_ERRORS)
    action = forms.ChoiceField(choices=EvidenceMarkAction.choices, error_messages=RELOAD_ERRORS)
    on = forms.BooleanField(required=False)
    criterion_id = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
