from django.db import models

from perfapp.registry import Registry
from perfapp.tenancy.models import TenantModel


class AuditAction(models.TextChoices):
    ORGANIZATION_CREATED = "organization.created", "Organization created"
    ORGANIZATION_UPDATED = "organization.updated", "Organization settings changed"
    MEMBER_UPDATED = "member.updated", "Person changed"
    MEMBER_DEACTIVATED = "member.deactivated", "Person deactivated"
    MEMBER_REACTIVATED = "member.reactivated", "Person reactivated"
    MEMBER_JOINED = "member.joined", "Person joined"
    INVITATION_SENT = "invitation.sent", "Invitation sent"
    INVITATION_RESENT = "invitation.resent", "Invitation sent again"
    INVITATION_REVOKED = "invitation.revoked", "Invitation revoked"
    PEOPLE_IMPORTED = "people.imported", "People imported from CSV"
    TEAM_CREATED = "team.created", "Team created"
    TEAM_UPDATED = "team.updated", "Team renamed"
    TEAM_DELETED = "team.deleted", "Team deleted"
    API_TOKEN_CREATED = "api_token.created", "API token created"
    API_TOKEN_REPLACED = "api_token.replaced", "API token replaced"
    API_TOKEN_REVOKED = "api_token.revoked", "API token revoked"


# Apps add their own sensitive actions (their TextChoices' (value, label) pairs) from
# their ``wiring.py``; the core never needs to know them. Listed by label.
ACTIONS: Registry[tuple[str, str]] = Registry(
    "audit action", key=lambda choice: choice[0], order=lambda choice: choice[1]
)
for _core_action in AuditAction.choices:
    ACTIONS.register(_core_action)


def label_of(action: str) -> str:
    found = ACTIONS.find(action)
    return found[1] if found else action


def action_choices() -> list[tuple[str, str]]:
    return ACTIONS.all()


class AuditEvent(TenantModel):
    """Who did what to whom, and when. Never holds private content: only the names of
    fields that changed and non-private values such as roles, managers and teams."""

    actor = models.ForeignKey(
        "orgs.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=40)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="audit_org_recent"),
            models.Index(fields=["organization", "action", "-created_at"], name="audit_org_action"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.target_label}"

    @property
    def action_label(self) -> str:
        return label_of(self.action)

    def change_rows(self) -> list[dict]:
        return [
            {"label": field.replace("_", " ").capitalize(), "old": values[0], "new": values[1]}
            for field, values in self.changes.items()
        ]
