from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Operators watch the queue here: what is pending, failing or stuck."""

    list_display = ["kind", "organization", "recipient", "status", "due_at", "attempts"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["organization", "recipient"]
    readonly_fields = ["created_at", "claimed_at", "sent_at", "emailed_at", "last_error"]
