"""Forms of the check-in pages. Writes go through ``feedback.services.checkins``; these
forms only turn what people typed into their arguments."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError

from feedback.models import Cadence, CheckinSettings, CoachingPrompt, PromptTheme
from feedback.rules import schedule
from feedback.services.checkins import GRACE_ERROR, UNCHANGED
from perfapp import links
from perfapp.orgs.models import Membership
from perfapp.timezones import time_zone_choices
from perfapp.web.forms_util import RELOAD_ERRORS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.name} — {obj.job_title}" if obj.job_title else obj.name


class SeriesForm(forms.Form):
    other = PersonChoiceField(
        queryset=Membership.objects.none(),
        label="With whom",
        empty_label="Choose a person",
        error_messages={"required": "Choose who the 1:1s are with."},
    )
    cadence = forms.ChoiceField(
        choices=Cadence.choices,
        label="How often",
        error_messages={"required": "Choose how often you meet."},
    )
    starts_on = forms.DateField(
        widget=forms.DateInput(
            attrs={"type": "date", "data-weekday-out": "weekday-note"}, format="%Y-%m-%d"
        ),
        label="First meeting on",
        help_text="The weekday of this date is the meeting day: a first meeting on a "
        "Tuesday means every meeting is on a Tuesday.",
        error_messages={"required": "Choose the date of the first meeting."},
    )
    time_of_day = forms.TimeField(
        widget=TIME,
        label="Time of day",
        error_messages={"required": "Choose the time the meetings start."},
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=10,
        max_value=240,
        initial=30,
        widget=forms.NumberInput(attrs={"min": 10, "max": 240, "step": 5}),
        error_messages={"required": "Say how long the meetings are, from 10 to 240 minutes."},
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        label="Time zone",
        help_text="Meetings follow the clock of this time zone, across daylight saving "
        "changes. It defaults to the manager's.",
        error_messages={"required": "Choose the time zone the meetings follow."},
    )

    def __init__(self, *args, viewer: Membership, reports, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [person.pk for person in reports]
        if viewer.manager_id and viewer.manager.is_active:
            ids.append(viewer.manager_id)
        self.fields["other"].queryset = Membership.objects.select_related("user").filter(pk__in=ids)
        self.manager_id = viewer.manager_id


KEEP_LINK = "keep"


class LinkField(forms.CharField):
    """A link picked from the meeting's grouped select (``perfapp.links.choices_for``):
    ``"feedback:12"``, empty for no link, or ``"keep"`` to leave an edited item's link
    as it is. Whether the viewer may link to it is the service's check."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("label", "Link to")
        super().__init__(**kwargs)

    def clean(self, value):
        if value is None:  # not submitted at all: an edit leaves the link alone
            return UNCHANGED
        raw = super().clean(value)
        if raw == KEEP_LINK:
            return UNCHANGED
        return links.parse(raw)


class PointForm(forms.Form):
    text = forms.CharField(
        max_length=500,
        label="Talking point",
        error_messages={"required": "Write the talking point."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    link = LinkField()


class PointEditForm(PointForm):
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages=RELOAD_ERRORS
    )


class SuggestionForm(forms.Form):
    key = forms.CharField(max_length=100, error_messages=RELOAD_ERRORS)


class VersionForm(forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages=RELOAD_ERRORS
    )


class ReorderForm(forms.Form):
    order = forms.CharField(max_length=10000, error_messages=RELOAD_ERRORS)

    def clean_order(self) -> list[int]:
        raw = self.cleaned_data["order"].split(",")
        if not all(part.strip().isdigit() for part in raw):
            raise ValidationError("The order is not a list of talking points.")
        return [int(part) for part in raw]


class NotesForm(forms.Form):
    shared_notes = forms.CharField(
        max_length=20000,
        required=False,
        label="Shared notes",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages=RELOAD_ERRORS
    )


class PrivateNoteForm(forms.Form):
    body = forms.CharField(
        max_length=20000,
        required=False,
        label="Private note",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ActionForm(forms.Form):
    text = forms.CharField(
        max_length=500, label="Action item", error_messages={"required": "Say what needs doing."}
    )
    owner = PersonChoiceField(
        queryset=Membership.objects.none(),
        label="Who",
        empty_label=None,
        error_messages={
            "required": "Choose who does it: you or the other person.",
            "invalid_choice": "Choose one of the two of you.",
        },
    )
    due_on = forms.DateField(widget=DATE, required=False, label="Due")
    link = LinkField()

    def __init__(self, *args, series, viewer: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Membership.objects.select_related("user").filter(
            pk__in=[series.manager_id, series.report_id]
        )
        people = [series.report, series.manager]
        self.fields["owner"].choices = [
            (person.pk, "Me" if person.pk == viewer.pk else person.name) for person in people
        ]


class DoneForm(VersionForm):
    done = forms.BooleanField(required=False)


class ActionEditForm(VersionForm):
    text = forms.CharField(
        max_length=500, label="Action item", error_messages={"required": "Say what needs doing."}
    )
    due_on = forms.DateField(widget=DATE, required=False, label="Due")
    link = LinkField()


class SkipForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="Why skip it?",
        error_messages={"required": "Say why, so you both remember."},
    )


class MoveForm(forms.Form):
    day = forms.DateField(
        widget=DATE, label="New date", error_messages={"required": "Choose the new date."}
    )
    at = forms.TimeField(
        widget=TIME, label="New time", error_messages={"required": "Choose the new time."}
    )

    def __init__(self, *args, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone
        self.fields["at"].help_text = f"In your time zone, {time_zone.replace('_', ' ')}."

    def clean(self):
        data = super().clean()
        day, at = data.get("day"), data.get("at")
        if day and at:
            if schedule.is_in_dst_gap(day, at, self.time_zone):
                self.add_error(
                    "at",
                    f"{at:%H:%M} does not exist on {day:%-d %B} in {self.time_zone}: the "
                    "clocks skip it. Choose another time.",
                )
            else:
                data["starts_at"] = datetime.combine(day, at, tzinfo=ZoneInfo(self.time_zone))
        return data


class PromptPickForm(forms.Form):
    prompt = forms.ModelChoiceField(
        queryset=CoachingPrompt.objects.none(),
        label="Coaching prompt",
        empty_label="Choose a question",
        error_messages={"required": "Choose a question to add."},
    )

    def __init__(self, *args, bank, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prompt"].queryset = bank


class PromptForm(forms.Form):
    theme = forms.ChoiceField(
        choices=[("", "Choose a theme"), *PromptTheme.choices],
        error_messages={"required": "Choose the theme the question belongs to."},
    )
    text = forms.CharField(
        max_length=300,
        label="Question",
        error_messages={"required": "Write the question."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CheckinSettings
        fields = ["default_cadence", "lapse_grace_days", "reminder_lead_hours", "weekly_update"]
        labels = {
            "default_cadence": "Default cadence for new series",
            "lapse_grace_days": "Days of grace before a series counts as lapsed",
            "reminder_lead_hours": "Remind both people to add talking points this many hours "
            "before",
            "weekly_update": "Ask reports for a short weekly update before each 1:1",
        }
        help_texts = {
            "lapse_grace_days": "A series lapses when no 1:1 was held for its own cadence "
            "plus these days. With 7, a weekly series lapses after 14 days, one every two "
            "weeks after 21, a monthly one after 42. Managers see a “lapsed” badge and are "
            "reminded; the skip-level manager is told after twice as long.",
            "reminder_lead_hours": "Reminders never arrive between 21:00 and 08:00 the "
            "recipient's time; they wait until 08:00.",
        }
        widgets = {
            "lapse_grace_days": forms.NumberInput(attrs={"min": 1, "max": schedule.MAX_GRACE_DAYS}),
            "reminder_lead_hours": forms.NumberInput(attrs={"min": 1, "max": 168}),
        }
        error_messages = {
            "default_cadence": {"required": "Choose the cadence new series start with."},
            "lapse_grace_days": {
                "required": f"Say how many days of grace, from 1 to {schedule.MAX_GRACE_DAYS}."
            },
            "reminder_lead_hours": {"required": "Say how many hours before, from 1 to 168."},
        }

    def clean_lapse_grace_days(self) -> int:
        value = self.cleaned_data["lapse_grace_days"]
        if not 1 <= value <= schedule.MAX_GRACE_DAYS:
            raise ValidationError(GRACE_ERROR)
        return value

    def clean_reminder_lead_hours(self) -> int:
        value = self.cleaned_data["reminder_lead_hours"]
        if not 1 <= value <= 168:
            raise ValidationError("Choose between 1 and 168 hours (a week).")
        return value


class RescheduleForm(forms.Form):
    """Change the rest of a series: cadence, time, and from when."""

    cadence = forms.ChoiceField(
        choices=Cadence.choices,
        label="How often",
        error_messages={"required": "Choose how often you meet."},
    )
    time_of_day = forms.TimeField(
        widget=TIME,
        label="Time of day",
        error_messages={"required": "Choose the time the meetings start."},
    )
    from_date = forms.DateField(
        widget=DATE,
        label="From",
        help_text="The first meeting on the new schedule; later ones fall on the same weekday.",
        error_messages={"required": "Choose the date of the first meeting on the new schedule."},
    )


class WeeklyUpdateForm(forms.Form):
    wins = forms.CharField(
        label="Wins since last time",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    priorities = forms.CharField(
        label="Priorities until next time",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    blockers = forms.CharField(
        label="Blockers",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    mood = forms.TypedChoiceField(
        label="How is it going?",
        coerce=int,
        choices=[(1, "1 · Rough"), (2, "2"), (3, "3 · OK"), (4, "4"), (5, "5 · Great")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how it's going, from 1 to 5."},
    )
