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


class AuditEvent(TenantModel):
    """Who did what to whom, and when. Never holds private content: only the names of
    fields that changed and non-private values such as roles, managers and teams."""

    actor = models.ForeignKey(
        "orgs.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=40, choices=AuditAction.choices)
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

    def change_rows(self) -> list[dict]:
        return [
            {"label": field.replace("_", " ").capitalize(), "old": values[0], "new": values[1]}
            for field, values in self.changes.items()
        ]
