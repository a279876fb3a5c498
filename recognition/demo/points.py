"""Demo data for points and rewards: a small reward catalogue, a balance to spend for the
demo employees, and one redemption waiting for HR. Runs after the recognition seeder, so
points received with the demo recognitions are already in the ledger. Idempotent: an
organization that has rewards is left as it is."""

from datetime import timedelta

from django.utils import timezone

from perfapp.orgs.models import Membership, Organization
from recognition.models import Reward
from recognition.selectors.points import balance_of
from recognition.services import points, rewards

CATALOGUE = [
    ("Coffee with the team", "A round of coffee and pastries for your team, on us.", 50, None),
    ("Book of your choice", "Any book up to 40 €, paper or e-book.", 120, None),
    ("Extra half day off", "Half a day off, agreed with your manager.", 300, 10),
    ("Conference ticket", "A ticket to a conference in your field, once a year.", 800, 3),
    ("Donate to a charity", "We give 25 € to a charity you choose.", 100, None),
]

# (index in the seeder's people list, the balance they should have at least)
BALANCES = ((5, 180), (6, 160))


def _settle_in(members: list[Membership]) -> None:
    """Demo people were all created today; a real organization's people joined over the
    past two years, which is what "not recognized lately" and the nudges measure against.
    Only people who joined in the last day move (so a second run changes nothing)."""
    now = timezone.now()
    for index, person in enumerate(members):
        if person.joined_at > now - timedelta(days=1):
            joined = now - timedelta(days=720 - 19 * index)
            Membership.objects.filter(pk=person.pk).update(joined_at=joined)
            person.joined_at = joined


def seed_points(organization: Organization, members: list[Membership]) -> None:
    _settle_in(members)
    if Reward.objects.exists() or len(members) < 7:
        return
    hr = members[4]
    on_offer = [
        rewards.create_reward(actor=hr, name=name, description=text, cost=cost, stock=stock)
        for name, text, cost, stock in CATALOGUE
    ]
    for index, wanted in BALANCES:
        person = members[index]
        missing = wanted - balance_of(person)
        if missing > 0:
            points.adjust(
                actor=hr, member=person, delta=missing, note="Welcome to points and rewards!"
            )
    if organization.slug == "acme":
        # Aisha asked for a book; it waits in HR's queue.
        rewards.redeem(member=members[6], reward=on_offer[1])
