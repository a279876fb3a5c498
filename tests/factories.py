import factory
from django.utils import timezone

from perfapp.accounts.models import User
from perfapp.notifications.models import Notification
from perfapp.orgs.models import Invitation, Membership, Organization, Team
from perfapp.orgs.roles import Role

PASSWORD = "correct-horse-battery"


FIRST_NUMBER = 10000


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    # Five digits from the first person on: no name is the beginning of another ("Person 1"
    # of "Person 12"), so a test that says a name is not on a page cannot trip on a longer one.
    name = factory.Sequence(lambda n: f"Person {FIRST_NUMBER + n}")
    time_zone = ""  # not chosen: the membership's or the organization's applies
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {FIRST_NUMBER + n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    time_zone = "Europe/Berlin"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Team {FIRST_NUMBER + n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    job_title = "Engineer"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.MEMBER


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    organization = factory.LazyAttribute(lambda o: o.recipient.organization)
    recipient = factory.SubFactory(MembershipFactory)
    kind = "people.role_changed"
    title = "Something happened"
    created_at = factory.LazyFunction(timezone.now)
