from django import forms

from . import kinds
from .digest import UNKNOWN_FREQUENCY
from .models import DigestFrequency


class PreferencesForm(forms.Form):
    """Two checkboxes per registered kind: in the inbox, by email."""

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in rows:
            kind = row["kind"]
            in_app = f"{kind.key}__in_app"
            email = f"{kind.key}__email"
            self.fields[in_app] = forms.BooleanField(
                required=False, initial=row["in_app"], label=f"{kind.label}: in perfapp"
            )
            self.fields[email] = forms.BooleanField(
                required=False, initial=row["email"], label=f"{kind.label}: by email"
            )
            self.rows.append({"kind": kind, "in_app": self[in_app], "email": self[email]})

    def choices(self) -> dict[str, tuple[bool, bool]]:
        return {
            kind.key: (
                self.cleaned_data[f"{kind.key}__in_app"],
                self.cleaned_data[f"{kind.key}__email"],
            )
            for kind in kinds.KINDS.all()
        }


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        label="Email digest",
        error_messages={"invalid_choice": UNKNOWN_FREQUENCY, "required": UNKNOWN_FREQUENCY},
    )
