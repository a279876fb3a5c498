"""The core's own home panels: first-run checklist, your team, your place."""

from django.http import HttpRequest
from django.urls import reverse

from perfapp.compiled import CompiledQuery
from perfapp.notifications import selectors as notification_selectors
from perfapp.orgs.models import Membership, Team
from perfapp.orgs.roles import Permission

from . import home
from .home import HomePanel


def setup_checklist(request: HttpRequest) -> dict | None:
    """Stays on an HR admin's home until the organization is set up."""
    membership = request.membership
    if not membership.has_perm(Permission.MANAGE_PEOPLE):
        return None
    slug = request.organization.slug
    people = Membership.objects.filter(is_active=True).count()
    steps = [
        {
            "label": "Invite or import your people",
            "hint": "Send invitations one by one, or upload a CSV with reporting lines.",
            "done": people > 1,
            "url": reverse("orgs:invite", kwargs={"org_slug": slug}),
        },
        {
            "label": "Create teams",
            "hint": "Teams group people for filters, dashboards and recognition.",
            "done": Team.objects.exists(),
            "url": reverse("orgs:teams", kwargs={"org_slug": slug}),
        },
        {
            "label": "Set reporting lines",
            "hint": "Managers run check-ins and coach the people who report to them.",
            "done": Membership.objects.filter(manager__isnull=False, is_active=True).exists(),
            "url": reverse("orgs:people", kwargs={"org_slug": slug}),
        },
    ]
    if all(step["done"] for step in steps):
        return None
    return {"steps": steps, "done_count": sum(step["done"] for step in steps)}


def my_team(request: HttpRequest) -> dict | None:
    membership = request.membership
    if not membership.is_manager:  # known from the tenant's own query: no read for most people
        return None
    reports = home.direct_reports(request)
    if not reports:
        return None
    return {"reports": reports[: home.REPORTS_SHOWN], "more": len(reports) > home.REPORTS_SHOWN}


# The home page's reads, on every home page: compiled once (perfapp/compiled.py).
# The manager and their name in one read (not the manager, then their user).
_active_manager = CompiledQuery(
    lambda organization_id, manager_id: Membership.objects.select_related("user").filter(
        organization_id=organization_id, pk=manager_id, is_active=True
    ),
    params=("organization_id", "manager_id"),
)
_unread = CompiledQuery(
    lambda organization_id, me: notification_selectors.inbox(
        Membership(pk=me, organization_id=organization_id)
    ).filter(organization_id=organization_id, read_at__isnull=True)[:5],
    params=("organization_id", "me"),
)


def my_place(request: HttpRequest) -> dict:
    membership = request.membership
    found = (
        _active_manager(
            organization_id=membership.organization_id, manager_id=membership.manager_id
        )
        if membership.manager_id is not None
        else []
    )
    manager = found[0] if found else None
    return {
        "person": membership,
        "manager": manager,
        # HR and owners change title, team and manager themselves on the person's page;
        # everyone else asks them.
        "edits_people": membership.has_perm(Permission.MANAGE_PEOPLE),
    }


def unread_notifications(request: HttpRequest) -> dict | None:
    me = request.membership
    items = _unread(organization_id=me.organization_id, me=me.pk)
    if not items:
        return None
    return {"items": items}


# --- the same panels as API data (plain values, no model instances) ----------------------


def _person(member: Membership | None) -> dict | None:
    return {"id": member.pk, "name": member.name} if member is not None else None


def setup_data(context: dict) -> dict:
    return {"steps": context["steps"], "done_count": context["done_count"]}


def notifications_data(context: dict) -> dict:
    return {
        "unread": [
            {"id": item.pk, "title": item.title, "created_at": item.created_at}
            for item in context["items"]
        ]
    }


def team_data(context: dict) -> dict:
    return {
        "reports": [
            {**_person(person), "job_title": person.job_title} for person in context["reports"]
        ],
        "more": context["more"],
    }


def place_data(context: dict) -> dict:
    person = context["person"]
    return {
        "job_title": person.job_title,
        "team": person.team.name if person.team_id else None,
        "manager": _person(context["manager"]),
        "time_zone": person.effective_time_zone,
    }


HOME_PANELS = (
    HomePanel("setup", 0, "web/panels/setup.html", setup_checklist, setup_data),
    HomePanel(
        "notifications",
        10,
        "web/panels/notifications.html",
        unread_notifications,
        notifications_data,
    ),
    HomePanel("team", 20, "web/panels/team.html", my_team, team_data),
    HomePanel("place", 90, "web/panels/place.html", my_place, place_data),
)
