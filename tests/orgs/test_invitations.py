"""Invitations: HR sends one, the invitee accepts it once, with or without an account."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from perfapp.audit.models import AuditAction, AuditEvent
from perfapp.notifications.models import Notification
from perfapp.orgs import services
from perfapp.orgs.models import Invitation, Membership
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import scopes_disabled
from tests.factories import PASSWORD, InvitationFactory, UserFactory

from ..helpers import visible_text

User = get_user_model()

NEW_PASSWORD = "a-long-new-passphrase-9"


# --- helpers --------------------------------------------------------------------------


def invite_url(slug: str = "alpha") -> str:
    return reverse("orgs:invite", kwargs={"org_slug": slug})


def people_url(slug: str = "alpha") -> str:
    return reverse("orgs:people", kwargs={"org_slug": slug})


def home_url(slug: str = "alpha") -> str:
    return reverse("web:home", kwargs={"org_slug": slug})


def link_of(invitation: Invitation) -> str:
    return reverse("invitation", kwargs={"token": invitation.token})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def link_in(email) -> str:
    """The path of the acceptance link in an invitation email."""
    match = re.search(r"Accept the invitation: (\S+)", email.body)
    assert match, email.body
    assert match.group(1).startswith(settings.SITE_URL + "/invitations/")
    return match.group(1).removeprefix(settings.SITE_URL)


def counts() -> dict:
    with scopes_disabled():
        return {
            "users": User.objects.count(),
            "memberships": Membership.objects.count(),
            "active": Membership.objects.filter(is_active=True).count(),
            "invitations": Invitation.objects.count(),
        }


def refreshed(invitation: Invitation) -> Invitation:
    with scopes_disabled():
        return Invitation.objects.get(pk=invitation.pk)


def signup(client, invitation: Invitation, **overrides):
    data = {"name": "Nova Newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(link_of(invitation), {**data, **overrides})


@pytest.fixture
def invitation(world_a) -> Invitation:
    """An open invitation for someone without an account, with a full placement."""
    return InvitationFactory(
        organization=world_a.organization,
        email="nova@example.com",
        name="Nova",
        role=Role.HR_ADMIN,
        manager=world_a.manager,
        team=world_a.team,
        job_title="People Partner",
        invited_by=world_a.hr,
    )


# --- sending ----------------------------------------------------------------------------


def test_hr_invites_a_colleague_who_gets_a_working_link(
    world_a, world_b, login, client, mailoutbox, django_capture_on_commit_callbacks
):
    hr = login(world_a.hr)
    assert hr.get(invite_url()).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(
            invite_url(),
            {
                "email": "  Nova@Example.com ",
                "name": "Nova",
                "role": Role.MEMBER,
                "manager": world_a.manager.pk,
                "team": world_a.team.pk,
                "job_title": "Engineer",
            },
            follow=True,
        )

    assert response.redirect_chain[-1][0] == people_url()
    assert "Invitation sent to nova@example.com." in messages_of(response)
    with world_a.scope():
        sent = Invitation.objects.get(email="nova@example.com")
        event = AuditEvent.objects.get(action=AuditAction.INVITATION_SENT)
    assert (sent.role, sent.manager, sent.team, sent.job_title, sent.invited_by) == (
        Role.MEMBER,
        world_a.manager,
        world_a.team,
        "Engineer",
        world_a.hr,
    )
    assert sent.status == "pending"
    assert (event.actor, event.target_label) == (world_a.hr, "nova@example.com")
    with world_b.scope():
        assert not Invitation.objects.filter(email="nova@example.com").exists()

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["nova@example.com"]
    assert "Alpha Inc" in email.subject
    assert f"{world_a.hr.name} invited you to join Alpha Inc" in email.body
    assert link_in(email) == link_of(sent)
    client.logout()
    page = client.get(link_in(email))
    assert page.status_code == 200
    assert "Join Alpha Inc" in visible_text(page, join_full_stops=True)


@pytest.mark.parametrize(
    ("whose_email", "error"),
    [
        ("member", "is already a member of this organization."),
        ("invitation", "already has an open invitation. Resend or revoke it instead."),
    ],
)
def test_a_duplicate_invitation_is_refused(
    world_a, login, mailoutbox, django_capture_on_commit_callbacks, whose_email, error
):
    email = world_a.report.email if whose_email == "member" else world_a.invitation.email
    before = counts()

    with django_capture_on_commit_callbacks(execute=True):
        response = login(world_a.hr).post(
            invite_url(), {"email": email.upper(), "role": Role.MEMBER}
        )

    assert response.status_code == 400
    assert f"{email} {error}" in visible_text(response, join_full_stops=True)
    assert counts() == before
    assert mailoutbox == []
    with world_a.scope():
        assert not AuditEvent.objects.filter(action=AuditAction.INVITATION_SENT).exists()


def test_an_expired_invitation_does_not_block_a_new_one(world_a, login):
    with scopes_disabled():
        Invitation.objects.filter(pk=world_a.invitation.pk).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
    response = login(world_a.hr).post(
        invite_url(), {"email": world_a.invitation.email, "role": Role.MEMBER}
    )
    assert response.status_code == 302
    with world_a.scope():
        assert Invitation.objects.filter(email=world_a.invitation.email).count() == 2


def test_only_owners_may_invite_an_owner(world_a, login):
    before = counts()
    refused = login(world_a.hr).post(invite_url(), {"email": "boss@example.com", "role": "owner"})
    assert refused.status_code == 400
    assert "Select a valid choice" in visible_text(refused, join_full_stops=True)
    assert counts() == before
    with world_a.scope(), pytest.raises(ValidationError, match="Only an owner"):
        services.invite(actor=world_a.hr, email="boss@example.com", role=Role.OWNER)

    allowed = login(world_a.owner).post(
        invite_url(), {"email": "boss@example.com", "role": "owner"}
    )
    assert allowed.status_code == 302
    with world_a.scope():
        assert Invitation.objects.get(email="boss@example.com").role == Role.OWNER


def test_a_manager_or_team_from_another_organization_is_refused(world_a, world_b, login):
    before = counts()
    hr = login(world_a.hr)
    for extra in ({"manager": world_b.manager.pk}, {"team": world_b.team.pk}):
        response = hr.post(invite_url(), {"email": "x@example.com", "role": "member", **extra})
        assert response.status_code == 400
        assert "Select a valid choice" in visible_text(response, join_full_stops=True)
    assert counts() == before


@pytest.mark.parametrize("who", ["member", "manager", "report"])
def test_people_without_hr_rights_cannot_invite_resend_or_revoke(world_a, login, who):
    client = login(getattr(world_a, who))
    pk = world_a.invitation.pk
    before = counts()
    assert client.get(invite_url()).status_code == 404
    assert (
        client.post(invite_url(), {"email": "x@example.com", "role": "member"}).status_code == 404
    )
    for name in ("orgs:invitation_resend", "orgs:invitation_revoke"):
        url = reverse(name, kwargs={"org_slug": "alpha", "pk": pk})
        assert client.post(url).status_code == 404
    assert counts() == before
    assert refreshed(world_a.invitation).status == "pending"


def test_hr_of_another_organization_cannot_touch_its_invitations(world_a, world_b, login):
    client = login(world_b.hr)
    for name in ("orgs:invitation_resend", "orgs:invitation_revoke"):
        # Through their own organization's URL, with A's invitation id.
        url = reverse(name, kwargs={"org_slug": "beta", "pk": world_a.invitation.pk})
        assert client.post(url).status_code == 404
    assert refreshed(world_a.invitation).status == "pending"


# --- accepting without an account ----------------------------------------------------------


def test_accepting_without_an_account_creates_it_and_the_membership(
    world_a, client, invitation, django_capture_on_commit_callbacks
):
    page = client.get(link_of(invitation))
    assert page.status_code == 200
    text = visible_text(page, join_full_stops=True)
    assert "Join Alpha Inc" in text
    assert "Create your account for nova@example.com." in text

    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, invitation)

    assert response.status_code == 302
    assert response["Location"] == home_url()
    user = User.objects.get(email="nova@example.com")
    assert user.name == "Nova Newcomer"
    assert user.check_password(NEW_PASSWORD)
    with world_a.scope():
        membership = Membership.objects.get(user=user)
        assert AuditEvent.objects.filter(
            action=AuditAction.MEMBER_JOINED, target_id=membership.pk
        ).exists()
    assert (membership.role, membership.manager, membership.team, membership.job_title) == (
        Role.HR_ADMIN,
        world_a.manager,
        world_a.team,
        "People Partner",
    )
    assert membership.is_active
    assert refreshed(invitation).accepted_membership_id == membership.pk
    # Signed in: the organization's pages open.
    home = client.get(home_url())
    assert home.status_code == 200
    assert "Welcome to Alpha Inc!" in messages_of(home)


def test_an_invitation_works_only_once(world_a, client, invitation):
    signup(client, invitation)
    client.logout()
    before = counts()

    again = client.get(link_of(invitation))
    assert again.status_code == 410
    assert "It has already been accepted." in visible_text(again, join_full_stops=True)
    reused = signup(client, invitation, name="Someone Else")
    assert reused.status_code == 410
    assert counts() == before
    assert User.objects.get(email="nova@example.com").name == "Nova Newcomer"


def test_the_service_refuses_a_second_use(world_a, invitation):
    membership = services.create_account_and_accept(
        invitation=invitation, name="Nova", password=NEW_PASSWORD
    )
    with pytest.raises(ValidationError, match="already been used"):
        services.accept_invitation(invitation=invitation, user=membership.user)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"password2": "something-else-entirely"}, "The two passwords differ."),
        ({"password1": "12345678", "password2": "12345678"}, "This password is too common."),
        ({"name": ""}, "Tell us your name, as colleagues will see it."),
    ],
    ids=["mismatch", "weak", "no name"],
)
def test_a_bad_signup_form_shows_errors_and_creates_nothing(
    world_a, client, invitation, overrides, error
):
    before = counts()

    response = signup(client, invitation, **overrides)

    assert response.status_code == 400
    assert error in visible_text(response, join_full_stops=True)
    assert counts() == before
    assert refreshed(invitation).status == "pending"
    assert "_auth_user_id" not in client.session


def test_someone_with_an_account_must_sign_in_rather_than_set_a_password(
    world_a, world_b, client, django_capture_on_commit_callbacks
):
    existing = world_b.member
    with world_a.scope(), django_capture_on_commit_callbacks(execute=True):
        sent = services.invite(actor=world_a.hr, email=existing.email)
    before = counts()

    page = client.get(link_of(sent))
    assert "Sign in to accept" in visible_text(page, join_full_stops=True)
    signup(client, sent)

    assert counts() == before
    existing.user.refresh_from_db()
    assert existing.user.check_password(PASSWORD), "an invitation link reset a password"
    assert refreshed(sent).status == "pending"


# --- accepting while signed in ----------------------------------------------------------


def test_a_member_of_another_organization_accepts_while_signed_in(
    world_a, world_b, login, mailoutbox, django_capture_on_commit_callbacks
):
    person = world_b.member
    with django_capture_on_commit_callbacks(execute=True):
        login(world_a.hr).post(
            invite_url(), {"email": person.email, "role": "member", "job_title": "Advisor"}
        )
    path = link_in(mailoutbox[0])
    client = login(person)

    page = client.get(path)
    assert "Accept and join" in visible_text(page, join_full_stops=True)
    response = client.post(path, follow=True)

    assert response.redirect_chain[-1][0] == home_url()
    assert "Welcome to Alpha Inc!" in messages_of(response)
    with world_a.scope():
        joined = Membership.objects.get(user=person.user)
    assert (joined.job_title, joined.role, joined.is_active) == ("Advisor", Role.MEMBER, True)
    with world_b.scope():
        still = Membership.objects.get(pk=person.pk)
    assert (still.job_title, still.team, still.is_active) == ("Designer", world_b.team, True)


def test_signed_in_as_someone_else_is_refused(world_a, world_b, login, invitation):
    client = login(world_b.owner)
    before = counts()

    page = client.get(link_of(invitation))
    assert page.status_code == 200
    assert (
        f"This invitation is for nova@example.com, but you're signed in as "
        f"{world_b.owner.email}." in visible_text(page, join_full_stops=True)
    )
    assert "Accept and join" not in visible_text(page, join_full_stops=True)

    response = client.post(link_of(invitation), follow=True)
    assert response.redirect_chain[-1][0] == link_of(invitation)
    assert any("This invitation is for nova@example.com" in m for m in messages_of(response))
    assert counts() == before
    assert refreshed(invitation).status == "pending"
    with world_a.scope():
        assert not Membership.objects.filter(user=world_b.owner.user).exists()


def test_accepting_does_not_change_someone_who_already_belongs(
    world_a, login, invitation, django_capture_on_commit_callbacks
):
    # Nova joined by another route (say, a CSV import) and was made HR, then clicks the
    # old link: she is already here and keeps what HR set since.
    user = User.objects.create_user(email="nova@example.com", password=PASSWORD, name="Nova")
    with world_a.scope():
        membership = Membership.objects.create(
            organization=world_a.organization,
            user=user,
            role=Role.MEMBER,
            job_title="Set By HR",
            manager=world_a.owner,
        )
    client = login(membership)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link_of(invitation))

    assert response.status_code == 302
    with world_a.scope():
        membership.refresh_from_db()
    assert (membership.role, membership.job_title, membership.manager, membership.team) == (
        Role.MEMBER,
        "Set By HR",
        world_a.owner,
        None,
    )
    assert refreshed(invitation).status == "accepted"
    with world_a.scope():
        assert not AuditEvent.objects.filter(action=AuditAction.MEMBER_JOINED).exists()
        assert not Notification.objects.filter(kind="people.member_joined").exists()


def test_a_manager_who_left_meanwhile_is_not_set(world_a, client, invitation):
    with world_a.scope():
        services.deactivate_membership(actor=world_a.hr, membership=world_a.manager)
    signup(client, invitation)
    with world_a.scope():
        assert Membership.objects.get(user__email="nova@example.com").manager is None


# --- expiry, resend, revoke ---------------------------------------------------------------


def test_an_expired_invitation_cannot_be_used(world_a, client, invitation):
    before = counts()
    with time_machine.travel(invitation.expires_at + timedelta(minutes=1), tick=False):
        page = client.get(link_of(invitation))
        assert page.status_code == 410
        text = visible_text(page, join_full_stops=True)
        assert "This invitation can't be used" in text
        assert f"It expired on {invitation.expires_at:%-d %B %Y}." in text
        assert signup(client, invitation).status_code == 410
        with pytest.raises(ValidationError, match="expired"):
            services.accept_invitation(invitation=invitation, user=world_a.member.user)
    assert counts() == before


def test_resend_extends_the_expiry_and_sends_another_email(
    world_a, login, client, invitation, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("orgs:invitation_resend", kwargs={"org_slug": "alpha", "pk": invitation.pk})
    later = invitation.expires_at + timedelta(days=3)  # already expired by then
    with time_machine.travel(later, tick=False):
        hr = login(world_a.hr)
        with django_capture_on_commit_callbacks(execute=True):
            response = hr.post(url, follow=True)
        assert "Invitation sent again to nova@example.com." in messages_of(response)
        hr.logout()
    resent = refreshed(invitation)
    assert resent.expires_at == later + timedelta(days=settings.INVITATION_TTL_DAYS)
    assert [m.to for m in mailoutbox] == [["nova@example.com"]]
    assert link_in(mailoutbox[0]) == link_of(invitation)
    with time_machine.travel(later + timedelta(days=1), tick=False):
        assert client.get(link_of(invitation)).status_code == 200
        assert signup(client, invitation).status_code == 302


def test_revoking_makes_the_link_stop_working(
    world_a, login, client, invitation, mailoutbox, django_capture_on_commit_callbacks
):
    hr = login(world_a.hr)
    revoke = reverse("orgs:invitation_revoke", kwargs={"org_slug": "alpha", "pk": invitation.pk})
    response = hr.post(revoke, follow=True)
    assert "Invitation for nova@example.com revoked." in messages_of(response)
    with world_a.scope():
        assert AuditEvent.objects.filter(
            action=AuditAction.INVITATION_REVOKED, target_id=invitation.pk
        ).exists()
    # A revoked invitation is not sent again.
    resend = reverse("orgs:invitation_resend", kwargs={"org_slug": "alpha", "pk": invitation.pk})
    with django_capture_on_commit_callbacks(execute=True):
        again = hr.post(resend, follow=True)
    assert "This invitation was already used or revoked." in messages_of(again)
    assert mailoutbox == []
    hr.logout()
    before = counts()

    page = client.get(link_of(invitation))
    assert page.status_code == 410
    assert "It was withdrawn. Ask your HR admin at Alpha Inc for a new one." in visible_text(
        page, join_full_stops=True
    )
    assert signup(client, invitation).status_code == 410
    assert counts() == before


def test_an_email_sent_before_revocation_is_not_delivered_after(
    world_a, mailoutbox, django_capture_on_commit_callbacks
):
    from perfapp.orgs.tasks import send_invitation_email

    with world_a.scope():
        services.revoke_invitation(actor=world_a.hr, invitation=world_a.invitation)
    send_invitation_email.delay(world_a.organization.pk, world_a.invitation.pk)
    assert mailoutbox == []


def test_an_unknown_token_is_404(world_a, client):
    assert client.get(reverse("invitation", kwargs={"token": "no-such-token"})).status_code == 404
    assert client.post(reverse("invitation", kwargs={"token": "no-such-token"})).status_code == 404


# --- reactivation and the inviter's notification -----------------------------------------


def test_inviting_a_former_member_restores_their_membership(
    world_a, login, mailoutbox, django_capture_on_commit_callbacks
):
    former = world_a.member
    with world_a.scope():
        services.deactivate_membership(actor=world_a.hr, membership=former)
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        sent = login(world_a.hr).post(
            invite_url(),
            {"email": former.email, "role": Role.HR_ADMIN, "manager": world_a.owner.pk},
        )
    assert sent.status_code == 302
    client = login(former)  # their account still signs in; Alpha's pages do not open
    assert client.get(home_url()).status_code == 404

    response = client.post(link_in(mailoutbox[0]))

    assert response["Location"] == home_url()
    with world_a.scope():
        restored = Membership.objects.get(user=former.user)
    assert restored.pk == former.pk, "a second membership was created"
    assert (restored.is_active, restored.deactivated_at) == (True, None)
    assert (restored.role, restored.manager) == (Role.HR_ADMIN, world_a.owner)
    after = counts()
    assert after["memberships"] == before["memberships"]
    assert after["active"] == before["active"] + 1
    assert client.get(home_url()).status_code == 200


def test_the_inviter_is_told_when_someone_joins(
    world_a, client, invitation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, invitation)

    with world_a.scope():
        notices = list(Notification.objects.filter(kind="people.member_joined"))
    assert [n.recipient for n in notices] == [world_a.hr]
    assert notices[0].title == "Nova Newcomer joined Alpha Inc"
    assert notices[0].url == people_url()


def test_resend_is_audited_and_refused_once_the_person_has_joined(world_a):
    with world_a.scope():
        services.resend_invitation(actor=world_a.hr, invitation=world_a.invitation)
        assert AuditEvent.objects.filter(
            action=AuditAction.INVITATION_RESENT, target_id=world_a.invitation.pk
        ).exists()
        Membership.objects.create(
            organization=world_a.organization,
            user=UserFactory(email=world_a.invitation.email),
        )
        with pytest.raises(ValidationError, match="joined meanwhile"):
            services.resend_invitation(actor=world_a.hr, invitation=world_a.invitation)


def test_a_pending_invitation_reads_naturally(world_a, login):
    """Reads "Invited just now as a member", not "Invited now as member"."""
    client = login(world_a.hr)
    with world_a.scope():
        services.invite(actor=world_a.hr, email="fresh@example.com", role=Role.HR_ADMIN)
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get(people_url()).content.decode()).split())
    assert "Invited just now as an HR admin" in page
    assert "Invited now" not in page and "as member" not in page
