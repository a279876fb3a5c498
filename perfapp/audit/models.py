from django.db import models

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


# Apps add their own sensitive actions (value -> label) from ``AppConfig.ready``; the core
# never needs to know them.
ACTION_LABELS: dict[str, str] = dict(AuditAction.choices)


def register_actions(choices: list[tuple[str, str]]) -> None:
    ACTION_LABELS.update(choices)


def action_choices() -> list[tuple[str, str]]:
    return sorted(ACTION_LABELS.items(), key=lambda item: item[1])


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
        return ACTION_LABELS.get(self.action, self.action)

    def change_rows(self) -> list[dict]:
        return [
            {"label": field.replace("_", " ").capitalize(), "old": values[0], "new": values[1]}
            for field, values in self.changes.items()
        ]
