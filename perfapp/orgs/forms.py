from django import forms
from django.core.exceptions import ValidationError

from perfapp.timezones import time_zone_choices

from . import selectors
from .models import Membership, Organization, Team
from .roles import Permission, Role

MAX_CSV_BYTES = 1024 * 1024
PICK_TIME_ZONE = "Choose a time zone from the list."
PICK_ROLE = {"required": "Choose a role."}


def member_label(person: Membership) -> str:
    """How a person reads in a list of choices: the name, and the job title that tells two
    people of the same name apart."""
    return name_and_title(person.name, person.job_title)


def name_and_title(name: str, job_title: str) -> str:
    """``member_label`` of a person read as plain values."""
    return f"{name} — {job_title}" if job_title else name


class MemberField(forms.ModelChoiceField):
    """One person. ``with_job_title=False`` labels by name only, for a compact filter where
    the title would crowd the list."""

    def __init__(self, *args, with_job_title: bool = True, **kwargs):
        self.with_job_title = with_job_title
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Membership) -> str:
        return self.label_from_values(obj.name, obj.job_title)

    def label_from_values(self, name: str, job_title: str) -> str:
        """The label of a person read as plain values (no model instance to build)."""
        return name_and_title(name, job_title) if self.with_job_title else name


class MembersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return member_label(obj)


def colleagues_of(viewer: Membership):
    """Active colleagues, by name: whom one gives feedback or recognition to, or asks."""
    return (
        Membership.objects.select_related("user")
        .filter(is_active=True)
        .exclude(pk=viewer.pk)
        .order_by("user__name", "id")
    )


def role_choices(actor: Membership) -> list[tuple[str, str]]:
    if actor.has_perm(Permission.GRANT_OWNER):
        return list(Role.choices)
    return [(value, label) for value, label in Role.choices if value != Role.OWNER]


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(
        label="Organization name",
        max_length=120,
        help_text="Usually your company's name. You can change it later.",
        error_messages={"required": "Name your organization: usually your company's name."},
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        initial="UTC",
        help_text="Used for reminders until people set their own.",
        error_messages={"required": PICK_TIME_ZONE},
    )


class OrganizationSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, error_messages={"required": PICK_TIME_ZONE}
    )

    class Meta:
        model = Organization
        fields = ["name", "time_zone"]
        error_messages = {"name": {"required": "Name your organization."}}


class _PlacementFields(forms.Form):
    """Role, manager, team and title: shared by invite and edit."""

    def _setup_placement(self, actor: Membership, exclude: Membership | None = None) -> None:
        managers = selectors.active_members()
        if exclude is not None:
            managers = managers.exclude(pk=exclude.pk)
        self.fields["manager"].queryset = managers
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["role"].choices = role_choices(actor)


class InviteForm(_PlacementFields):
    email = forms.EmailField(
        label="Email address",
        error_messages={"required": "Give the email address the invitation goes to."},
    )
    name = forms.CharField(label="Name", max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER, error_messages=PICK_ROLE)
    manager = MemberField(
        queryset=Membership.objects.none(), required=False, empty_label="No manager"
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="No team"
    )
    job_title = forms.CharField(label="Job title", max_length=120, required=False)

    def __init__(self, *args, actor: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_placement(actor)


class MembershipForm(_PlacementFields):
    role = forms.ChoiceField(choices=Role.choices, error_messages=PICK_ROLE)
    manager = MemberField(
        queryset=Membership.objects.none(), required=False, empty_label="No manager"
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="No team"
    )
    job_title = forms.CharField(label="Job title", max_length=120, required=False)
    time_zone = forms.ChoiceField(
        choices=[("", "Organization's time zone"), *time_zone_choices()], required=False
    )

    def __init__(self, *args, actor: Membership, membership: Membership, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "role": membership.role,
                "manager": membership.manager_id,
                "team": membership.team_id,
                "job_title": membership.job_title,
                "time_zone": membership.time_zone,
            },
        )
        super().__init__(*args, **kwargs)
        self._setup_placement(actor, exclude=membership)
        if membership.role == Role.OWNER and not actor.has_perm(Permission.GRANT_OWNER):
            self.fields["role"].choices = list(Role.choices)
            self.fields["role"].disabled = True


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "description"]
        error_messages = {"name": {"required": "Name the team."}}


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="All teams"
    )
    manager = MemberField(
        queryset=Membership.objects.none(), required=False, empty_label="Any manager"
    )
    role = forms.ChoiceField(choices=[("", "Any role"), *Role.choices], required=False)
    status = forms.ChoiceField(
        choices=[("active", "Active"), ("inactive", "Deactivated"), ("all", "Everyone")],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.fields["manager"].queryset = selectors.managers()


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: email, name, title, team, manager_email, role. UTF-8, up to 1 MB.",
        error_messages={"required": "Choose a CSV file to import."},
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError("The file is larger than 1 MB. Split it into smaller files.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                "The file is not UTF-8 text. Export it from your spreadsheet as “CSV UTF-8”."
            ) from error


class CsvConfirmForm(forms.Form):
    content = forms.CharField(
        widget=forms.HiddenInput,
        max_length=MAX_CSV_BYTES,
        error_messages={"required": "The preview expired. Upload the file again."},
    )


class AcceptWithAccountForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        error_messages={"required": "Tell us your name, as colleagues will see it."},
    )
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput,
        error_messages={"required": "Choose a password."},
    )
    password2 = forms.CharField(
        label="Repeat the password",
        widget=forms.PasswordInput,
        error_messages={"required": "Type the same password again."},
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.password_validation import validate_password

        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ. Type the same one twice.")
        elif first:
            try:
                validate_password(
                    first, get_user_model()(email=self.email, name=data.get("name", ""))
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return data
