from celery import shared_task
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse

from perfapp.tenancy.tasks import TenantTask

from .models import Invitation


@shared_task(base=TenantTask, acks_late=True, ignore_result=True)
def send_invitation_email(organization_id: int, invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("organization", "invited_by__user").get(
        pk=invitation_id
    )
    if not invitation.is_open:
        return
    context = {
        "invitation": invitation,
        "link": settings.SITE_URL + reverse("invitation", kwargs={"token": invitation.token}),
    }
    mail.send_mail(
        subject=f"You're invited to {invitation.organization.name} on perfapp",
        message=render_to_string("orgs/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@shared_task(base=TenantTask, acks_late=True, ignore_result=True)
def send_welcome_emails(organization_id: int, user_ids: list[int]) -> None:
    """People created by a CSV import get a link to choose their password."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.contrib.auth import get_user_model

    from .models import Organization

    organization = Organization.objects.get(pk=organization_id)
    for user in get_user_model().objects.filter(pk__in=user_ids):
        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
        link = settings.SITE_URL + path
        mail.send_mail(
            subject=f"Welcome to {organization.name} on perfapp",
            message=render_to_string(
                "orgs/email/welcome.txt",
                {"organization": organization, "user": user, "link": link},
            ),
            from_email=None,
            recipient_list=[user.email],
        )
