from django.contrib import admin

from .models import Invitation, Membership, Organization, Team


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "created_at"]
    search_fields = ["name", "slug"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "manager", "team", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user", "manager", "team", "organization"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    raw_id_fields = ["organization"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at"]
    raw_id_fields = ["organization", "manager", "team", "invited_by", "accepted_membership"]
    exclude = ["token"]
