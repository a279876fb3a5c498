"""The assessment form, built from the assessment's own version: one rating and one
comment per criterion, plus the version number it shows, which the service compares with
the assessment's (a stale form is refused whole)."""

from django import forms

from advancement.models import Assessment, Rating
from advancement.services.assessments import COMMENT_MAX, AnswerInput, criteria_of


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
