"""Forms of assessments and readiness. The assessment form is built from the assessment's
own version: one rating and one comment per criterion, plus the version number it shows,
which the service compares with the assessment's (a stale form is refused whole)."""

from datetime import date

from django import forms

from perfapp.web.forms_util import RELOAD_ERRORS

from .assessment_services import COMMENT_MAX, AnswerInput, criteria_of
from .readiness_models import Assessment, EvidenceMarkAction, Rating
from .readiness_services import NARRATIVE_MAX


class AssessmentForm(forms.Form):
    STALE = "The form's framework version is missing or wrong: reload the page."
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "required": STALE,
            "invalid": STALE,
            "min_value": STALE,
            "max_value": STALE,
        },
    )

    def __init__(self, *args, assessment: Assessment, answers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.fields["version"].initial = assessment.version.number
        self.rows = []
        answers = answers or {}
        for level, criterion in criteria_of(assessment):
            cid = criterion["id"]
            rating = forms.ChoiceField(
                label=criterion["expectation"],
                choices=[("", "Not rated yet"), *Rating.choices],
                required=False,
                widget=forms.RadioSelect,
                initial=answers[cid].rating if cid in answers else "",
            )
            comment = forms.CharField(
                label="Comment",
                max_length=COMMENT_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answers[cid].comment if cid in answers else "",
            )
            self.fields[f"rating_{cid}"] = rating
            self.fields[f"comment_{cid}"] = comment
            self.rows.append({"level": level, "criterion": criterion, "key": cid})

    def bound_rows(self):
        for row in self.rows:
            yield {
                **row,
                "rating": self[f"rating_{row['key']}"],
                "comment": self[f"comment_{row['key']}"],
            }

    def answers(self) -> list[AnswerInput]:
        data = self.cleaned_data
        return [
            AnswerInput(
                criterion_id=row["key"],
                rating=data.get(f"rating_{row['key']}") or "",
                comment=data.get(f"comment_{row['key']}") or "",
            )
            for row in self.rows
        ]


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
