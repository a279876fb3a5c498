"""Demo data: two organizations of about 30 people each, with teams, two levels of
managers and an HR admin. Safe to run again: it finds what is there and fills gaps."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from perfapp.audit.models import AuditAction, AuditEvent
from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.notifications.models import OutboxMessage
from perfapp.notifications.tasks import dispatch_outbox
from perfapp.orgs import demo
from perfapp.orgs.models import Membership, Organization, Team
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import organization_scope, scopes_disabled

User = get_user_model()
PASSWORD = "perfapp-demo"

# (first name, last name) pools per organization; roles and lines are assigned below.
ORGANIZATIONS = [
    {
        "slug": "acme",
        "name": "Acme Robotics",
        "time_zone": "Europe/Berlin",
        "domain": "acme.example",
        "teams": ["Platform", "Mobile", "Design", "People"],
        "people": [
            "Priya Raman",
            "Sam Okafor",
            "Lena Fischer",
            "Diego Alvarez",
            "Mei Chen",
            "Tom Becker",
            "Aisha Khan",
            "Jonas Weber",
            "Sofia Rossi",
            "Kwame Mensah",
            "Elif Yilmaz",
            "Noah Schmidt",
            "Hana Sato",
            "Lucas Martin",
            "Amara Obi",
            "Felix Wagner",
            "Nina Petrova",
            "Omar Haddad",
            "Clara Hoffmann",
            "Ravi Patel",
            "Julia Novak",
            "Mateo Garcia",
            "Ingrid Larsen",
            "Yusuf Demir",
            "Zoe Dubois",
            "Arjun Mehta",
            "Lea Braun",
            "Kenji Tanaka",
            "Maya Cohen",
            "Oskar Nilsson",
        ],
    },
    {
        "slug": "globex",
        "name": "Globex Health",
        "time_zone": "America/New_York",
        "domain": "globex.example",
        "teams": ["Clinical Apps", "Data", "Customer Success", "People Ops"],
        "people": [
            "Grace Liu",
            "Marcus Johnson",
            "Olivia Brown",
            "Ethan Davis",
            "Ava Wilson",
            "Liam Thompson",
            "Isabella Moore",
            "Mason Taylor",
            "Chloe Anderson",
            "Logan Thomas",
            "Emma Jackson",
            "Lucas White",
            "Mia Harris",
            "Jacob Martin",
            "Harper Clark",
            "Daniel Lewis",
            "Ella Robinson",
            "Henry Walker",
            "Aria Young",
            "Samuel Allen",
            "Layla King",
            "Owen Wright",
            "Nora Scott",
            "Caleb Green",
            "Lily Baker",
            "Wyatt Adams",
            "Zoey Nelson",
            "Isaac Hill",
            "Stella Campbell",
            "Leo Mitchell",
        ],
    },
]

TITLES = ["Engineer", "Senior Engineer", "Product Designer", "Analyst", "Specialist"]


def _email(full_name: str, domain: str) -> str:
    return f"{full_name.split()[0].lower()}@{domain}"


class Command(BaseCommand):
    help = "Create (or complete) the demo organizations and print their logins."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            logins = []
            for spec in ORGANIZATIONS:
                logins.extend(self._seed_organization(spec))
            shared = self._shared_person()
            logins.append(("Both organizations (switch in the header)", shared.email))
            # Demo people are fictional: mark their messages as emailed so that none is.
            with scopes_disabled():
                OutboxMessage.objects.filter(
                    organization__slug__in=[spec["slug"] for spec in ORGANIZATIONS],
                    emailed_at__isnull=True,
                ).update(emailed_at=timezone.now())
        # Deliver now, so inboxes are not empty on first look.
        dispatch_outbox()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at /accounts/login/ with:"))
        for label, email in logins:
            self.stdout.write(f"  {label:<45} {email:<28} password: {PASSWORD}")

    def _user(self, email: str, name: str, time_zone: str):
        user, created = User.objects.get_or_create(
            email=email, defaults={"name": name, "time_zone": time_zone}
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _seed_organization(self, spec: dict) -> list[tuple[str, str]]:
        organization, _ = Organization.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "time_zone": spec["time_zone"]}
        )
        with organization_scope(organization):
            teams = {}
            for name in spec["teams"]:
                teams[name] = Team.objects.filter(name=name).first() or Team.objects.create(
                    organization=organization, name=name
                )
            product_teams = spec["teams"][:3]
            people = spec["people"]
            members: list[Membership] = []
            for index, full_name in enumerate(people):
                user = self._user(_email(full_name, spec["domain"]), full_name, spec["time_zone"])
                members.append(self._place(organization, user, index, teams, product_teams))
            # Reporting lines: 0 leads everyone; 1–3 lead a product team each; the HR
            # admin (index 4) reports to 0; everyone else reports to their team lead.
            leads = {product_teams[i]: members[i + 1] for i in range(3)}
            for index, member in enumerate(members):
                if index == 0:
                    manager = None
                elif index <= 4:
                    manager = members[0]
                else:
                    manager = leads[product_teams[index % 3]]
                if member.manager_id != (manager.pk if manager else None):
                    member.manager = manager
                    member.save(update_fields=["manager"])
                if manager is not None:
                    self._tell_manager(organization, manager, member)
            for seeder in demo.SEEDERS.all():
                seeder.seed(organization, members)
            if not AuditEvent.objects.filter(action=AuditAction.PEOPLE_IMPORTED).exists():
                record(
                    organization=organization,
                    actor=members[0],
                    action=AuditAction.PEOPLE_IMPORTED,
                    target_label=f"{len(members)} people",
                    changes={"created": [None, len(members)], "teams_created": [None, len(teams)]},
                )
        return [
            (f"{spec['name']}: owner", members[0].user.email),
            (f"{spec['name']}: HR admin", members[4].user.email),
            (f"{spec['name']}: manager", members[1].user.email),
            (f"{spec['name']}: employee", members[5].user.email),
            (f"{spec['name']}: the employee's manager", members[5].manager.user.email),
        ]

    def _tell_manager(self, organization, manager: Membership, member: Membership) -> None:
        """One notification per reporting line; the occasion makes it idempotent."""
        notifications.queue(
            recipient=manager,
            kind="people.new_report",
            occasion=f"report:{member.pk}:demo",
            title=f"{member.user.display_name} now reports to you",
            body=f"{member.user.display_name} ({member.job_title}) is one of your direct reports.",
            url=f"/o/{organization.slug}/",
        )

    def _place(self, organization, user, index: int, teams: dict, product_teams: list):
        if index == 0:
            role, team, title = Role.OWNER, None, "Chief Executive Officer"
        elif index <= 3:
            role, team = Role.MEMBER, teams[product_teams[index - 1]]
            title = f"{product_teams[index - 1]} Lead"
        elif index == 4:
            role, team, title = Role.HR_ADMIN, teams[list(teams)[3]], "Head of People"
        else:
            role, team = Role.MEMBER, teams[product_teams[index % 3]]
            title = TITLES[index % len(TITLES)]
        membership, _ = Membership.objects.get_or_create(
            organization=organization,
            user=user,
            defaults={"role": role, "team": team, "job_title": title},
        )
        return membership

    def _shared_person(self):
        """A consultant who works with both organizations, to show the org switcher."""
        user = self._user("alex@consulting.example", "Alex Morgan", "Europe/London")
        for organization in Organization.objects.filter(slug__in=["acme", "globex"]):
            with organization_scope(organization):
                Membership.objects.get_or_create(
                    organization=organization,
                    user=user,
                    defaults={"role": Role.MEMBER, "job_title": "Coach (external)"},
                )
        return user
