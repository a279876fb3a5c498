"""Forms of the points, rewards, insights and settings pages. They check shapes; the
services check the rules (and say why)."""

from django import forms

from perfapp.web.forms_util import RELOAD
from recognition.models import RecognitionSettings, RedemptionStatus, Reward
from recognition.selectors.insights import DAYS, WEEKS
from recognition.services.settings import MAX_ALLOWANCE, QUIET_DAYS


class RecognitionSettingsForm(forms.ModelForm):
    class Meta:
        model = RecognitionSettings
        fields = [
            "points_enabled",
            "monthly_allowance",
            "manager_allowance",
            "admin_allowance",
            "quiet_after_days",
        ]
        labels = {
            "points_enabled": "Points and rewards are on",
            "monthly_allowance": "Monthly allowance to give, for everyone",
            "manager_allowance": "For managers",
            "admin_allowance": "For owners and HR admins",
            "quiet_after_days": "Someone counts as “not recognized lately” after (days)",
        }
        help_texts = {
            "points_enabled": "People add points to recognition from a monthly allowance "
            "and redeem what they receive for rewards. Turning points off keeps every "
            "balance and request as it is.",
            "monthly_allowance": "Resets on the first of each month in the organization's "
            "time zone; unused points do not carry over, and nobody can give to themselves.",
            "manager_allowance": "People with direct reports. Empty: the same as everyone.",
            "admin_allowance": "Empty: the same as everyone (or managers, if they manage).",
            "quiet_after_days": "Used by the insights lists and the weekly note to managers. "
            "Between 7 and 365.",
        }
        widgets = {
            "monthly_allowance": forms.NumberInput(attrs={"min": 0, "max": MAX_ALLOWANCE}),
            "manager_allowance": forms.NumberInput(attrs={"min": 0, "max": MAX_ALLOWANCE}),
            "admin_allowance": forms.NumberInput(attrs={"min": 0, "max": MAX_ALLOWANCE}),
            "quiet_after_days": forms.NumberInput(
                attrs={"min": QUIET_DAYS[0], "max": QUIET_DAYS[1]}
            ),
        }
        error_messages = {
            "monthly_allowance": {
                "required": "Say how many points everyone may give each month (0 for none)."
            },
            "quiet_after_days": {
                "required": f"Say after how many days, from {QUIET_DAYS[0]} to {QUIET_DAYS[1]}."
            },
        }


class RewardForm(forms.Form):
    name = forms.CharField(
        max_length=120, label="Name", error_messages={"required": "Name the reward."}
    )
    cost = forms.IntegerField(
        label="Cost in points",
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        error_messages={"required": "Say how many points it costs."},
    )
    stock = forms.IntegerField(
        label="How many are available",
        required=False,
        help_text="Leave empty when there is no limit.",
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What it is, and anything people should know before asking for it.",
    )

    @classmethod
    def for_reward(cls, reward: Reward, data=None) -> "RewardForm":
        initial = {
            "name": reward.name,
            "cost": reward.cost,
            "stock": reward.stock,
            "description": reward.description,
        }
        return cls(data, initial=initial)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")],
        error_messages={"required": "Choose approve or reject.", "invalid_choice": RELOAD},
    )
    note = forms.CharField(
        label="Note to the person",
        required=False,
        max_length=500,
        help_text="Required when you reject: say why.",
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Every status"), *RedemptionStatus.choices], required=False
    )


SCOPES = [("org", "Whole organization"), ("team", "Your team")]


class InsightsFilterForm(forms.Form):
    days = forms.IntegerField(
        label="Not recognized in (days)",
        min_value=DAYS[0],
        max_value=DAYS[1],
        required=False,
        widget=forms.NumberInput(attrs={"min": DAYS[0], "max": DAYS[1]}),
    )
    weeks = forms.TypedChoiceField(
        label="Trend over",
        choices=[(WEEKS[0], f"{WEEKS[0]} weeks"), (WEEKS[1], f"{WEEKS[1]} weeks")],
        coerce=int,
        required=False,
    )
    scope = forms.ChoiceField(label="Whose", choices=SCOPES, required=False)
