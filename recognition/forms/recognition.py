"""Forms of giving recognition and of the wall's filters.

They check shapes (a known person, a number, a choice); the rules (not yourself, not a
deactivated colleague, not an archived value, within your allowance) live in
``services`` so the pages and the API give the same clear answer. That is why the choice
fields accept anything of the organization while offering only what it makes sense to
pick.
"""

from django import forms
from django.db.models import Q

from advancement.models import Competency
from perfapp.orgs.forms import MemberField, MembersField, colleagues_of, member_label
from perfapp.orgs.models import Membership, Team
from perfapp.web.forms_util import offer
from perfapp.web.widgets import QuickSelect
from recognition.models import CompanyValue, ContributionKind

PICK_COLLEAGUE = "Choose colleagues from the list."
PICK_FROM_LIST = "Choose from the list."


class ValuesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: CompanyValue) -> str:
        return f"{obj.emoji} {obj.name}".strip()


class GiveForm(forms.Form):
    recipients = MembersField(
        label="Who you recognize",
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="One or several colleagues. Everyone at your organization sees it on the wall.",
        error_messages={
            "required": "Choose at least one colleague to recognize.",
            "invalid_choice": PICK_COLLEAGUE,
            "invalid_pk_value": PICK_COLLEAGUE,
        },
    )
    message = forms.CharField(
        label="What they did and why it mattered",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One real moment and what it changed beats a list of adjectives.",
        error_messages={"required": "Say what they did and why it mattered."},
    )
    kind = forms.ModelChoiceField(
        label="Kind of contribution",
        queryset=ContributionKind.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the kind of contribution.",
            "invalid_choice": PICK_FROM_LIST,
        },
    )
    values = ValuesField(
        label="Values it shows",
        queryset=CompanyValue.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": PICK_FROM_LIST, "invalid_pk_value": PICK_FROM_LIST},
    )
    competencies = forms.ModelMultipleChoiceField(
        label="Competencies",
        queryset=Competency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tagged recognition counts as evidence for their promotion criteria.",
        error_messages={"invalid_choice": PICK_FROM_LIST, "invalid_pk_value": PICK_FROM_LIST},
    )
    points_each = forms.IntegerField(
        label="Points for each person",
        required=False,
        min_value=0,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
        error_messages={
            "invalid": "Give a whole number of points.",
            "min_value": "Points can't be negative.",
            "max_value": "That is more points than anyone can give.",
        },
    )

    def __init__(self, *args, viewer: Membership, kinds, values, points_enabled: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = Membership.objects.select_related("user")
        offer(
            self.fields["recipients"],
            [(person.pk, member_label(person)) for person in colleagues_of(viewer)],
        )
        self.fields["kind"].queryset = ContributionKind.objects.all()
        offer(self.fields["kind"], [(kind.pk, kind.name) for kind in kinds])
        self.fields["values"].queryset = CompanyValue.objects.all()
        offer(self.fields["values"], [(v.pk, f"{v.emoji} {v.name}".strip()) for v in values])
        competencies = Competency.objects.filter(archived_at__isnull=True).order_by("name")
        self.fields["competencies"].queryset = Competency.objects.all()
        offer(self.fields["competencies"], [(c.pk, c.name) for c in competencies])
        if not points_enabled:
            del self.fields["points_each"]

    def content(self) -> dict:
        data = self.cleaned_data
        return {
            "recipients": list(data["recipients"]),
            "message": data["message"],
            "kind": data["kind"],
            "values": list(data.get("values") or []),
            "competencies": list(data.get("competencies") or []),
            "points_each": data.get("points_each") or 0,
        }


NEARBY = 60  # people offered in the wall's person filter


def _id(raw) -> int | None:
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and int(raw) < 2**63:
        return int(raw)
    return None


class WallFilterForm(forms.Form):
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        widget=QuickSelect,
        empty_label="All teams",
    )
    value = forms.ModelChoiceField(
        label="Value",
        queryset=CompanyValue.objects.none(),
        required=False,
        widget=QuickSelect,
        empty_label="All values",
    )
    kind = forms.ModelChoiceField(
        label="Kind",
        queryset=ContributionKind.objects.none(),
        required=False,
        widget=QuickSelect,
        empty_label="All kinds",
    )
    person = MemberField(
        with_job_title=False,
        label="Person",
        queryset=Membership.objects.none(),
        required=False,
        widget=QuickSelect,
        empty_label="Anyone",
    )

    def __init__(self, *args, kinds, viewer: Membership | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["value"].queryset = CompanyValue.objects.order_by("archived_at", "position")
        self.fields["kind"].queryset = ContributionKind.objects.all()
        offer(self.fields["kind"], [("", "All kinds"), *((k.pk, k.name) for k in kinds)])
        people = Membership.objects.select_related("user").order_by("user__name", "id")
        self.fields["person"].queryset = people
        if viewer is not None:
            # Anyone can be filtered by (profile pages link here with ?person=), but the
            # list offers the people around the viewer and the one chosen: listing the
            # whole organization made a 20,000-option select, a megabyte on every page.
            field = self.fields["person"]
            chosen = _id(self.data.get("person")) if self.is_bound else None
            near = people.filter(
                Q(pk=viewer.pk)
                | Q(pk=viewer.manager_id)
                | Q(manager_id=viewer.pk)
                | (Q(manager_id=viewer.manager_id) if viewer.manager_id else Q(pk__in=[]))
                | Q(pk=chosen)
            )[:NEARBY]
            offer(field, [("", "Anyone"), *((m.pk, field.label_from_instance(m)) for m in near)])

    def criteria(self) -> dict:
        """What was filled in validly (a stale or foreign id is ignored, not an error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            key: data[key].pk if data.get(key) else None
            for key in ("team", "value", "kind", "person")
        }
