import secrets
from datetime import timedelta
from functools import cache
from typing import ClassVar, Self

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.functional import cached_property

from perfapp.compiled import CompiledGet
from perfapp.tenancy.models import TenantModel
from perfapp.timezones import validate_time_zone

from .roles import Permission, Role, role_has_perm

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    "Use 2–50 lowercase letters, digits and dashes, starting and ending with a letter or digit.",
)


def effective_time_zone(user_zone: str, member_zone: str, organization_zone: str) -> str:
    """A person's time zone: their own choice, else what HR set in this organization, else
    the organization's. For rows read as plain values as much as for
    ``Membership.effective_time_zone``."""
    return user_zone or member_zone or organization_zone


class Organization(models.Model):
    """The tenant. Everything a customer owns hangs off one of these."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=50, unique=True, validators=[slug_validator])
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(TenantModel):
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=240, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization", models.functions.Lower("name"), name="team_unique_name_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TenantModel):
    """A person in an organization: their role, manager, team and title there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_reports",
        db_index=False,
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        db_index=False,
    )
    job_title = models.CharField(max_length=120, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Leave empty to use the organization's time zone.",
    )
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("id")), name="membership_not_own_manager"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "is_active", "id"], name="membership_org_active"),
            models.Index(fields=["organization", "manager"], name="membership_org_manager"),
            models.Index(fields=["organization", "team"], name="membership_org_team"),
            models.Index(fields=["organization", "role"], name="membership_org_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user.display_name} @ {self.organization_id}"

    @property
    def name(self) -> str:
        return self.user.display_name

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def effective_time_zone(self) -> str:
        return effective_time_zone(self.user.time_zone, self.time_zone, self.organization.time_zone)

    def has_perm(self, permission: Permission) -> bool:
        return self.is_active and role_has_perm(self.role, permission)

    @property
    def is_hr(self) -> bool:
        return self.role in (Role.OWNER, Role.HR_ADMIN)

    @cached_property
    def is_manager(self) -> bool:
        """Anyone with active direct reports is a manager."""
        return Membership.objects.filter(manager=self, is_active=True).exists()


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


def default_invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)


class Invitation(TenantModel):
    """An emailed, expiring, single-use link that creates an account or a membership."""

    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    manager = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    job_title = models.CharField(max_length=120, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        Membership, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "email"], name="invitation_org_email"),
            models.Index(
                fields=["organization", "-created_at"],
                name="invitation_org_open",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "pending"


class OrganizationSettings(TenantModel):
    """An app's settings for one organization: one row, made with the model's defaults the
    first time anyone reads it (``of``). A subclass adds its fields, names the ones HR may
    change in ``editable`` and keeps a unique constraint on ``organization``; its rows
    change only through ``perfapp.orgs.services.change_settings``, which audits them."""

    editable: ClassVar[tuple[str, ...]] = ()
    audit_label: ClassVar[str] = "Settings"  # how the audit log names the row

    class Meta:
        abstract = True

    @classmethod
    def of(cls, organization: Organization) -> Self:
        found = _settings_read(cls)(organization_id=organization.pk)
        if found is None:
            try:
                with transaction.atomic():
                    found = cls.objects.create(organization=organization)
            except IntegrityError:  # made meanwhile by another request's first read
                found = cls.objects.get(organization=organization)
        return found


@cache
def _settings_read(model: type[OrganizationSettings]) -> CompiledGet:
    """An app's settings row of an organization, compiled once per settings model (every
    team dashboard and many pages read two or three of them)."""
    return CompiledGet(
        lambda organization_id: model.objects.filter(organization_id=organization_id),
        params=("organization_id",),
    )
