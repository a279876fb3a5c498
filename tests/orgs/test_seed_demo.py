"""`manage.py seed_demo` gives every newcomer the same believable, repeatable world."""

from io import StringIO

from django.core.management import call_command

from perfapp.accounts.models import User
from perfapp.notifications.models import Notification
from perfapp.orgs.models import Membership, Organization
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import organization_scope


def test_seed_demo_builds_two_organizations_and_is_idempotent(db, mailoutbox):
    output = StringIO()
    call_command("seed_demo", stdout=output)
    counts = (User.objects.count(), Organization.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (User.objects.count(), Organization.objects.count()) == counts
    assert "perfapp-demo" in output.getvalue() and "mei@acme.example" in output.getvalue()
    assert mailoutbox == []  # nobody real is emailed
    for organization in Organization.objects.all():
        with organization_scope(organization):
            people = Membership.objects.filter(is_active=True)
            assert people.count() >= 30
            assert people.filter(role=Role.HR_ADMIN).exists()
            ceo = people.get(manager__isnull=True, role=Role.OWNER)
            leads = people.filter(manager=ceo, direct_reports__isnull=False).distinct()
            assert leads.count() >= 3  # two levels of managers below the owner
            assert Notification.objects.filter(recipient__in=leads).exists()
