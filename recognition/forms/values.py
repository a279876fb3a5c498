"""Forms of HR's company values and contribution kinds.

Like the giving form, they check shapes; the rules (a unique name, at least one kind)
live in ``recognition.services.values``.
"""

from django import forms
from django.db.models import Q

from advancement.models import Competency
from perfapp.web.forms_util import offer
from recognition.forms.recognition import PICK_FROM_LIST


class ValueForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=60,
        error_messages={"required": "Name the value, e.g. “Ownership”."},
    )
    emoji = forms.CharField(
        label="Emoji",
        max_length=8,
        required=False,
        help_text="One emoji that people will recognize the value by, e.g. 🤝.",
        widget=forms.TextInput(attrs={"class": "input-emoji", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label="What it means here",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A sentence people read when they pick it.",
    )


class KindForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=60,
        error_messages={"required": "Name the kind of contribution, e.g. “Mentorship”."},
    )
    description = forms.CharField(
        label="Description",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    competencies = forms.ModelMultipleChoiceField(
        label="Competencies it shows",
        queryset=Competency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Recognition of this kind counts as evidence for these competencies.",
        error_messages={"invalid_choice": PICK_FROM_LIST, "invalid_pk_value": PICK_FROM_LIST},
    )

    def __init__(self, *args, keep=(), **kwargs):
        super().__init__(*args, **kwargs)
        kept = [c.pk for c in keep]
        self.fields["competencies"].queryset = Competency.objects.all()
        offered = Competency.objects.filter(Q(archived_at__isnull=True) | Q(pk__in=kept))
        offered = offered.order_by("name")
        offer(self.fields["competencies"], [(c.pk, c.name) for c in offered])

    def content(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data.get("description", ""),
            "competencies": list(data.get("competencies") or []),
        }
