"""Forms of the draft: competencies, tracks, levels and criteria, publishing, and importing
a track."""

from django import forms

from advancement.models import Competency, Criterion, Level, Track


class CompetencyForm(forms.ModelForm):
    class Meta:
        model = Competency
        fields = ["name", "category", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": "Name the competency, e.g. “System design”."},
            "category": {"required": "Choose the category it belongs to."},
        }


class TrackForm(forms.ModelForm):
    class Meta:
        model = Track
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"name": {"required": "Name the track, e.g. “Engineering IC”."}}


class LevelForm(forms.ModelForm):
    rank = forms.IntegerField(
        label="Position in the track",
        min_value=1,
        required=False,
        help_text="1 is the first rung. Leave empty to add it on top.",
    )

    class Meta:
        model = Level
        fields = ["code", "name", "rank", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"code": "Short, like L3 or M2."}
        error_messages = {
            "code": {"required": "Give the level a short code, like L3."},
            "name": {"required": "Name the level, e.g. “Senior engineer”."},
        }


class CriterionForm(forms.ModelForm):
    # Declared so the queryset is built per request, inside the tenant scope.
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.none(),
        required=False,
        empty_label="None: a criterion beyond one competency",
    )

    class Meta:
        model = Criterion
        fields = ["competency", "expectation", "evidence_examples"]
        widgets = {
            "expectation": forms.Textarea(attrs={"rows": 3}),
            "evidence_examples": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "expectation": "What this level asks for",
            "evidence_examples": "Examples of evidence",
        }
        help_texts = {
            "expectation": "Write it so a person can tell whether they meet it.",
        }
        error_messages = {
            "expectation": {"required": "Write what this level asks for."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = Competency.objects.filter(archived_at__isnull=True).order_by("category", "name")
        self.fields["competency"].queryset = active


class PublishForm(forms.Form):
    summary = forms.CharField(
        label="What changed, and why",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Everyone reads this at the top of the change log.",
        error_messages={"required": "Write a short summary of what changed and why."},
    )


class ImportTrackForm(forms.Form):
    file = forms.FileField(
        label="Track file (.json)",
        help_text="Exported from perfapp.",
        error_messages={"required": "Choose a track file (.json) to import."},
    )

    def clean_file(self):
        import json

        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError("The file is larger than 1 MB.")
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forms.ValidationError("This file is not valid JSON.") from error
