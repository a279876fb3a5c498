"""The analytics filters, shared by the page, the CSV export and the API: one set of
rules, one set of messages."""

from datetime import timedelta

from django import forms

from perfapp.orgs.models import Organization, Team
from perfapp.timezones import local_today

from .registry import Filters

DEFAULT_DAYS = 90
MAX_DAYS = 731  # two years: wide enough for year-on-year, bounded for the database
INVERTED = "The start date must be on or before the end date."
TOO_LONG = f"Choose a range of at most {MAX_DAYS} days."
NOT_A_TEAM = "Choose one of your organization's teams."


class AnalyticsFilterForm(forms.Form):
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="All teams",
        error_messages={"invalid_choice": NOT_A_TEAM},
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        # The tenant-scoped manager: another organization's team is simply not a choice.
        self.fields["team"].queryset = Team.objects.order_by("name")

    def clean(self):
        data = super().clean()
        today = local_today(self.organization)
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if "start" in self.errors or "end" in self.errors:
            return data
        if start > end:
            raise forms.ValidationError({"end": INVERTED})
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError({"start": TOO_LONG})
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> Filters:
        """The checked filters; call only after ``is_valid()`` returned True."""
        data = self.cleaned_data
        return Filters(self.organization, data["start"], data["end"], data.get("team"))


def default_filters(organization: Organization) -> Filters:
    form = AnalyticsFilterForm({}, organization=organization)
    form.is_valid()
    return form.filters()
