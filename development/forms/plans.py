"""Forms of the plan pages. Writes go through ``development.services.plans``; these forms only turn
what people typed into its arguments (and say what is wrong next to the field)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, When

from advancement.models import Competency, Level, Track
from development.models import (
    DevelopmentSettings,
    Goal,
    GoalStatus,
    GoalVisibility,
    LearningKind,
    LearningStatus,
    ProgressMode,
)
from development.services.plans import MAX_FOCUS
from perfapp.web.forms_util import RELOAD_ERRORS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompetencyChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple
    focus_ids: frozenset[int] = frozenset()

    def label_from_instance(self, obj: Competency) -> str:
        return f"{obj.name} (focus)" if obj.pk in self.focus_ids else obj.name


class LevelChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Level) -> str:
        return f"{obj.track.name} · {obj.code} {obj.name}"


def _published_ids(snapshot: dict | None) -> tuple[set[int], set[int]]:
    if not snapshot:
        return set(), set()
    tracks = {track["id"] for track in snapshot["tracks"]}
    levels = {level["id"] for track in snapshot["tracks"] for level in track["levels"]}
    return tracks, levels


class PlanForm(forms.Form):
    aspirations = forms.CharField(
        label="Where do you want to be in one to three years?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In your own words: the work you want to do, the level or track you aim "
        "for, what you want to be known for.",
    )
    target_track = forms.ModelChoiceField(
        queryset=Track.objects.none(),
        required=False,
        label="Track you aim for",
        empty_label="No particular track",
    )
    target_level = LevelChoice(
        queryset=Level.objects.none(),
        required=False,
        label="Level you aim for",
        empty_label="No particular level",
    )
    focus_competencies = CompetencyChoices(
        queryset=Competency.objects.none(),
        required=False,
        label="Competencies to focus on",
        help_text=f"Up to {MAX_FOCUS}. Suggestions come from what your next level asks for; "
        "choose freely.",
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages=RELOAD_ERRORS
    )

    def __init__(self, *args, snapshot: dict | None, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        tracks, levels = _published_ids(snapshot)
        self.fields["target_track"].queryset = Track.objects.filter(pk__in=tracks).order_by("name")
        self.fields["target_level"].queryset = (
            Level.objects.filter(pk__in=levels)
            .select_related("track")
            .order_by("track__name", "rank")
        )
        self.fields["focus_competencies"].queryset = Competency.objects.filter(
            pk__in=[c.pk for c in competencies]
        ).order_by("category", "name")

    def clean_focus_competencies(self):
        chosen = list(self.cleaned_data["focus_competencies"])
        if len(chosen) > MAX_FOCUS:
            raise ValidationError(
                f"Choose up to {MAX_FOCUS} competencies to focus on: a plan that grows "
                "everything at once grows nothing."
            )
        return chosen


class GoalForm(forms.ModelForm):
    competencies = CompetencyChoices(
        queryset=Competency.objects.none(),
        required=False,
        label="Competencies it grows",
    )

    class Meta:
        model = Goal
        fields = [
            "title",
            "why",
            "success_criteria",
            "competencies",
            "start_on",
            "target_on",
            "visibility",
        ]
        labels = {
            "title": "Goal",
            "why": "Why it matters",
            "success_criteria": "How you will both know it is done",
            "start_on": "Starts on",
            "target_on": "Target date",
            "visibility": "Who sees it",
        }
        help_texts = {
            "success_criteria": "Something you can see or count, e.g. “led two design reviews "
            "that shipped”.",
            "visibility": "Shared goals show to your teammates, your manager's managers and HR. "
            "Private ones stay between you and your manager.",
        }
        widgets = {
            "title": forms.TextInput(attrs={"placeholder": "e.g. Lead the design of a service"}),
            "why": forms.Textarea(attrs={"rows": 2}),
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
            "start_on": DATE,
            "target_on": DATE,
            "visibility": forms.RadioSelect,
        }
        error_messages = {
            "title": {"required": "Give the goal a short title."},
            "success_criteria": {
                "required": "Say how you will both know it is done: something you can see."
            },
            "start_on": {"required": "Choose the day the goal starts."},
            "target_on": {"required": "Choose a target date."},
            "visibility": {"required": "Choose who sees the goal: shared or private."},
        }

    def __init__(self, *args, competencies, focus_ids=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["competencies"]
        field.focus_ids = frozenset(focus_ids)
        field.queryset = (
            Competency.objects.filter(pk__in=[c.pk for c in competencies])
            .annotate(is_focus=Case(When(pk__in=field.focus_ids, then=0), default=1))
            .order_by("is_focus", "category", "name")
        )
        if field.focus_ids:
            field.help_text = "The plan's focus comes first."
        self.fields["visibility"].choices = GoalVisibility.choices

    def clean(self):
        cleaned = super().clean()
        start, target = cleaned.get("start_on"), cleaned.get("target_on")
        if start and target and target < start:
            self.add_error(
                "target_on",
                f"The target date is before the start ({start:%-d %B %Y}): choose a date on "
                "or after it.",
            )
        return cleaned

    def _post_clean(self):
        # The service validates and saves; the model's own checks (the database
        # constraint on dates among them) are not run against a half-built instance.
        pass


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=GoalStatus.choices,
        widget=forms.RadioSelect,
        label="Status",
        error_messages={"required": "Choose the goal's status."},
    )
    dropped_reason = forms.CharField(
        label="Why drop it?",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you drop the goal.",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == GoalStatus.DROPPED
            and not cleaned.get("dropped_reason", "").strip()
        ):
            self.add_error("dropped_reason", "Say why the goal is dropped.")
        return cleaned


class ProgressForm(forms.Form):
    progress_mode = forms.ChoiceField(
        choices=ProgressMode.choices,
        label="Progress",
        error_messages={"required": "Choose how progress is counted."},
    )
    manual_progress = forms.IntegerField(
        label="Progress in %",
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
    )

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("manual_progress")
        manual = cleaned.get("progress_mode") == ProgressMode.MANUAL
        if manual and (value is None or not 0 <= value <= 100):
            self.add_error("manual_progress", "Give a number from 0 to 100.")
        return cleaned


class MilestoneForm(forms.Form):
    title = forms.CharField(
        label="New milestone",
        max_length=200,
        error_messages={"required": "Say what the milestone is."},
    )
    due_on = forms.DateField(label="Due", required=False, widget=DATE)


class LearningForm(forms.Form):
    kind = forms.ChoiceField(
        choices=LearningKind.choices,
        label="Kind",
        error_messages={"required": "Choose what kind of learning it is."},
    )
    title = forms.CharField(
        label="What", max_length=200, error_messages={"required": "Name what you will learn from."}
    )
    url = forms.URLField(label="Link", required=False, max_length=500, assume_scheme="https")
    about = forms.ChoiceField(label="For", choices=())

    def __init__(self, *args, goals, competencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = {goal.pk: goal for goal in goals}
        self.competencies = {c.pk: c for c in competencies}
        self.fields["about"].choices = [
            ("", "Choose a goal or a competency"),
            ("Goals", [(f"goal-{g.pk}", g.title) for g in goals]),
            ("Competencies", [(f"competency-{c.pk}", c.name) for c in competencies]),
        ]
        self.fields["about"].error_messages["required"] = (
            "Attach it to one of the goals or to a competency."
        )

    def clean_about(self):
        kind, _, raw = self.cleaned_data["about"].partition("-")
        found = None
        if raw.isascii() and raw.isdigit():
            pool = (
                self.goals if kind == "goal" else self.competencies if kind == "competency" else {}
            )
            found = pool.get(int(raw))
        if found is None:
            raise ValidationError("Choose one of the goals or competencies offered.")
        return {"goal": found} if kind == "goal" else {"competency": found}


class LearningStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=LearningStatus.choices,
        label="Status",
        error_messages={"required": "Choose where you are with it."},
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write your comment."},
    )


class ReviewForm(forms.Form):
    what_changed = forms.CharField(
        label="What changed since the last review?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what changed since the last review, even if little did."},
    )
    next_review_on = forms.DateField(
        label="Next review by",
        widget=DATE,
        error_messages={"required": "Choose when you will review the plan next."},
    )


class SignForm(forms.Form):
    version = forms.IntegerField(min_value=0, error_messages=RELOAD_ERRORS)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = DevelopmentSettings
        fields = ["review_every_months"]
        labels = {"review_every_months": "Review plans every … months"}
        help_texts = {
            "review_every_months": "Between 1 and 12. Once a plan is agreed, its owner and their "
            "manager are reminded when a review is due."
        }
        widgets = {"review_every_months": forms.NumberInput(attrs={"min": 1, "max": 12})}
        error_messages = {
            "review_every_months": {"required": "Say how many months apart reviews are: 1 to 12."}
        }
