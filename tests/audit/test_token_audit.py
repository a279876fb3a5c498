"""What grants access is audited: creating, replacing and revoking an API token is in the
audit log of every organization the token opens, naming the person and never the key."""

from django.urls import reverse
from rest_framework.authtoken.models import Token

from perfapp.audit.models import AuditAction, AuditEvent

from ..factories import MembershipFactory


def token_url(name: str, slug: str = "alpha") -> str:
    return reverse(f"web:{name}", kwargs={"org_slug": slug})


def events(world, action=None):
    with world.scope():
        rows = AuditEvent.objects.filter(action__startswith="api_token.")
        if action:
            rows = rows.filter(action=action)
        return list(rows.order_by("id"))


def test_creating_replacing_and_revoking_a_token_are_audited(world_a, login):
    client = login(world_a.member)
    client.post(token_url("api_token"))
    first = Token.objects.get(user=world_a.member.user).key
    client.post(token_url("api_token"))
    second = Token.objects.get(user=world_a.member.user).key
    response = client.post(token_url("api_token_revoke"), follow=True)
    assert "Your API token is revoked" in response.content.decode()
    assert not Token.objects.filter(user=world_a.member.user).exists()
    found = events(world_a)
    assert [e.action for e in found] == [
        AuditAction.API_TOKEN_CREATED,
        AuditAction.API_TOKEN_REPLACED,
        AuditAction.API_TOKEN_REVOKED,
    ]
    for event in found:
        assert event.actor_id == world_a.member.pk and event.target_id == world_a.member.pk
        assert event.target_label == world_a.member.name
        assert first not in str(vars(event)) and second not in str(vars(event))
    page = login(world_a.hr).get(reverse("audit:log", kwargs={"org_slug": "alpha"}))
    text = page.content.decode()
    assert "API token created" in text and "API token revoked" in text


def test_a_revoked_token_no_longer_opens_the_api(world_a, login, api_client):
    client = login(world_a.member)
    client.post(token_url("api_token"))
    key = Token.objects.get(user=world_a.member.user).key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = "/api/v1/orgs/alpha/me/"
    assert api_client.get(me).status_code == 200
    client.post(token_url("api_token_revoke"))
    assert api_client.get(me).status_code == 401


def test_revoking_without_a_token_changes_nothing(world_a, login):
    response = login(world_a.member).post(token_url("api_token_revoke"), follow=True)
    assert "You have no API token to revoke." in response.content.decode()
    assert events(world_a) == []


def test_every_organization_the_token_opens_records_it_and_no_other(world_a, world_b, login):
    """A token opens the API of each of the account's organizations: each one's HR sees
    it in their own log, attributed to the membership there; a third organization where
    the account was deactivated records nothing."""
    both = MembershipFactory(organization=world_b.organization, user=world_a.member.user)
    login(world_a.member).post(token_url("api_token"))
    (in_a,) = events(world_a)
    (in_b,) = events(world_b)
    assert in_a.actor_id == world_a.member.pk and in_b.actor_id == both.pk
    assert in_b.organization_id == world_b.organization.pk
    both.is_active = False
    both.save(update_fields=["is_active"])
    login(world_a.member).post(token_url("api_token_revoke"))
    assert len(events(world_b)) == 1 and len(events(world_a)) == 2


def test_the_profile_page_offers_to_revoke_only_an_existing_token(world_a, login):
    client = login(world_a.member)
    profile = token_url("profile")
    assert "Revoke my token" not in client.get(profile).content.decode()
    client.post(token_url("api_token"))
    page = client.get(profile).content.decode()
    assert "Revoke my token" in page and "data-confirm=" in page
    assert client.get(token_url("api_token_revoke")).status_code == 405
