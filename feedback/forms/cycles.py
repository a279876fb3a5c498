"""Forms of the feedback-cycle pages. Writes go through ``feedback.services.cycles``; these
forms only turn what people typed into the arguments of those services."""

from django import forms
from django.core.exceptions import ValidationError

from advancement.models import Competency
from feedback.models import FeedbackCycle, QuestionKind, Relation
from feedback.services.cycles import MAX_ANSWER_LENGTH, MAX_PEERS
from perfapp.orgs.models import Membership, Team

RATING_CHOICES = [
    ("1", "1 — Needs a lot of growth"),
    ("2", "2 — Needs some growth"),
    ("3", "3 — Solid"),
    ("4", "4 — Strong"),
    ("5", "5 — Exceptional"),
]


class PersonChoiceMixin:
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.name} — {obj.job_title}" if obj.job_title else obj.name


class PeopleField(PersonChoiceMixin, forms.ModelMultipleChoiceField):
    pass


class CycleForm(forms.ModelForm):
    class Meta:
        model = FeedbackCycle
        fields = [
            "name",
            "description",
            "opens_on",
            "closes_on",
            "include_self",
            "include_manager",
            "include_peers",
            "max_peers",
            "include_reports",
            "anonymous",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "max_peers": forms.NumberInput(attrs={"min": 1, "max": MAX_PEERS}),
        }
        labels = {
            "description": "What this round is for",
            "opens_on": "Opens on",
            "closes_on": "Closes on",
            "include_self": "Self review: each participant answers about themselves",
            "include_manager": "Their manager",
            "include_peers": "Peers each participant chooses (their manager approves them)",
            "max_peers": "Peers per participant, at most",
            "include_reports": "Their direct reports (upward feedback)",
            "anonymous": "Anonymous answers",
        }
        help_texts = {
            "description": "Participants and reviewers read this at the top of their form.",
            "opens_on": "Reviewers are told on this day. Opening the cycle before then "
            "schedules it to open on this date.",
            "closes_on": "Results are shown once you close the cycle, after this date.",
            "anonymous": "Nobody, HR included, ever sees who wrote an answer about someone "
            "else: the author is never stored. A reader sees answers from others only once at "
            "least 3 people besides the reader have answered about a participant. Self "
            "reviews keep their name.",
        }
        error_messages = {
            "name": {"required": "Give the cycle a name, like “Q3 360”."},
            "opens_on": {"required": "Choose the day the cycle opens."},
            "closes_on": {"required": "Choose the day the cycle closes."},
            "max_peers": {"required": f"Say how many peers each person may ask: 1 to {MAX_PEERS}."},
        }

    def clean(self):
        """Say everything that is wrong at once; the service checks the same again."""
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes <= opens:
            self.add_error("closes_on", "The cycle must close after it opens.")
        kinds = ("include_self", "include_manager", "include_peers", "include_reports")
        if not any(data.get(kind) for kind in kinds):
            self.add_error(None, "Choose at least one kind of reviewer.")
        return data


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of question",
        choices=QuestionKind.choices,
        initial=QuestionKind.RATING,
        error_messages={"required": "Choose a rating, free text or a competency question."},
    )
    prompt = forms.CharField(
        label="Question",
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "How clearly do they share plans?"}),
        help_text="Ask about behaviour people have seen, one thing at a time.",
        error_messages={"required": "Write the question."},
    )
    competency = forms.ModelChoiceField(
        label="Competency",
        queryset=Competency.objects.none(),
        required=False,
        empty_label="Only for competency questions",
    )
    required = forms.BooleanField(label="Reviewers must answer it", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = Competency.objects.filter(
            archived_at__isnull=True
        ).order_by("category", "name")


class ParticipantsForm(forms.Form):
    EVERYONE, TEAM, PEOPLE = "everyone", "team", "people"
    mode = forms.ChoiceField(
        label="Who takes part",
        choices=[
            (EVERYONE, "Everyone active in the organization"),
            (TEAM, "One team"),
            (PEOPLE, "People I choose"),
        ],
        widget=forms.RadioSelect,
        initial=EVERYONE,
        error_messages={"required": "Choose who takes part."},
    )
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="Choose a team"
    )
    people = PeopleField(
        label="People",
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["people"].queryset = (
            Membership.objects.select_related("user")
            .filter(is_active=True)
            .order_by("user__name", "id")
        )

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == self.TEAM and not data.get("team"):
            self.add_error("team", "Choose the team that takes part.")
        if mode == self.PEOPLE and not data.get("people"):
            self.add_error("people", "Choose at least one person.")
        return data

    def members(self) -> list[Membership]:
        data = self.cleaned_data
        active = Membership.objects.select_related("user").filter(is_active=True)
        if data["mode"] == self.TEAM:
            return list(active.filter(team=data["team"]))
        if data["mode"] == self.PEOPLE:
            return list(data["people"])
        return list(active)


class PeersForm(forms.Form):
    peers = PeopleField(
        label="Colleagues to ask",
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one colleague."},
    )

    def __init__(self, *args, participant: Membership, taken: set[int], room: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = room
        self.fields["peers"].queryset = (
            Membership.objects.select_related("user")
            .filter(is_active=True)
            .exclude(pk__in={participant.pk, *taken})
            .order_by("user__name", "id")
        )
        self.fields["peers"].help_text = f"Choose up to {room}."

    def clean_peers(self):
        peers = self.cleaned_data["peers"]
        if len(peers) > self.room:
            raise ValidationError(
                f"You can add {self.room} more peer{'s' if self.room != 1 else ''}."
            )
        return list(peers)


class AnswerForm(forms.Form):
    """One field per question: ``q<id>``; ratings are radio buttons in a fieldset."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind in (QuestionKind.RATING, QuestionKind.COMPETENCY):
                self.fields[name] = forms.ChoiceField(
                    label=question.prompt,
                    choices=RATING_CHOICES,
                    widget=forms.RadioSelect,
                    required=question.required,
                    error_messages={
                        "required": "Choose a rating from 1 to 5.",
                        "invalid_choice": "Choose a rating from 1 to 5.",
                    },
                )
                if question.competency_id:
                    self.fields[name].help_text = (
                        f"Competency: {question.competency.name}. "
                        + (question.competency.description or "")
                    ).strip()
            else:
                self.fields[name] = forms.CharField(
                    label=question.prompt,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    required=question.required,
                    max_length=MAX_ANSWER_LENGTH,
                    error_messages={"required": "This question needs an answer."},
                    help_text="A concrete example helps most.",
                )

    def answers(self) -> dict:
        """What ``cycles.submit_answers`` takes: question id → (rating or None, text)."""
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.kind in (QuestionKind.RATING, QuestionKind.COMPETENCY):
                result[question.pk] = (value or None, "")
            else:
                result[question.pk] = (None, value or "")
        return result


def relation_label(relation: str) -> str:
    return Relation(relation).label if relation in Relation.values else ""
