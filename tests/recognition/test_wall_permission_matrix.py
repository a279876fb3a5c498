"""Who may open and use each page and endpoint of giving, the wall, profiles, values and
kinds, role by role: owner, HR admin, manager, report, peer and someone of another
organization.

The wall is public inside the organization: every member reads it, gives, reacts and
comments. Company values and contribution kinds are HR's (owners and HR admins) to
change; everyone reads them. Forbidden answers 404, exactly like missing. A new URL of
these views fails ``test_every_url_is_classified`` until it is added here.
"""

import pytest
from django.urls import get_resolver

from recognition.models import (
    CompanyValue,
    ContributionKind,
    Reaction,
    Recognition,
    RecognitionComment,
)

from ..helpers import org_url, signed_in_client
from .wall_world import MESSAGE, comment_of, kind_of, reaction_of, recognition_of, value_of

# In this order, so HR-only writes are tried by everyone else before HR makes them.
ROLES = ("member", "report", "manager", "hr", "owner")
EVERYONE = dict.fromkeys(ROLES, 200)
HR_ONLY = {"member": 404, "report": 404, "manager": 404, "hr": 200, "owner": 200}
POST_ONLY = dict.fromkeys(ROLES, 405)
HR_POST_ONLY = {**HR_ONLY, "hr": 405, "owner": 405}
MY_VIEWS = (
    "recognition.views.recognition",
    "recognition.views.values",
)


def _recognition(w) -> dict:
    return {"pk": recognition_of(w).pk}


def _value(w) -> dict:
    return {"pk": value_of(w).pk}


def _kind(w) -> dict:
    return {"pk": kind_of(w).pk}


# name -> (kwargs for the world, GET status per role)
PAGES = {
    "index": (None, EVERYONE),
    "give": (None, EVERYONE),
    "nudge": (None, POST_ONLY),
    "detail": (_recognition, EVERYONE),
    "react": (_recognition, POST_ONLY),
    "comment": (_recognition, POST_ONLY),
    "profile": (lambda w: {"pk": w.report.pk}, EVERYONE),
    "values": (None, HR_ONLY),
    "value": (_value, HR_ONLY),
    "value_archive": (_value, HR_POST_ONLY),
    "value_restore": (_value, HR_POST_ONLY),
    "value_move": (_value, HR_POST_ONLY),
    "kinds": (None, HR_ONLY),
    "kind": (_kind, HR_ONLY),
    "kind_archive": (_kind, HR_POST_ONLY),
    "kind_restore": (_kind, HR_POST_ONLY),
    "kind_move": (_kind, HR_POST_ONLY),
}

EVERYONE_WRITES = dict.fromkeys(ROLES, 302)
HR_WRITES = {"member": 404, "report": 404, "manager": 404, "hr": 302, "owner": 302}


def _someone_else(world, person):
    return world.member if person.pk == world.report.pk else world.report


# name -> (form data for the world and the person, POST status per role, what changed)
POSTS = {
    "give": (
        lambda w, p: {
            "recipients": [_someone_else(w, p).pk],
            "message": MESSAGE,
            "kind": kind_of(w).pk,
        },
        EVERYONE_WRITES,
        lambda w, p: Recognition.objects.filter(giver=p).exists(),
    ),
    "nudge": (lambda w, p: {"message": "Thanks!"}, EVERYONE, None),
    "react": (
        lambda w, p: {"toggle": "on:🎉"},
        EVERYONE_WRITES,
        lambda w, p: Reaction.objects.filter(member=p, emoji="🎉").exists(),
    ),
    "comment": (
        lambda w, p: {"body": f"Thanks from {p.pk}"},
        EVERYONE_WRITES,
        lambda w, p: RecognitionComment.objects.filter(author=p).exists(),
    ),
    "values": (
        lambda w, p: {"name": f"Value of {p.pk}", "emoji": "🎯"},
        HR_WRITES,
        lambda w, p: CompanyValue.objects.filter(name__startswith="Value of ").exists(),
    ),
    "value": (
        lambda w, p: {"name": "Stronger together", "emoji": "🤝"},
        HR_WRITES,
        lambda w, p: CompanyValue.objects.filter(name="Stronger together").exists(),
    ),
    "value_archive": (
        lambda w, p: {},
        HR_WRITES,
        lambda w, p: CompanyValue.objects.filter(archived_at__isnull=False).exists(),
    ),
    "value_restore": (lambda w, p: {}, HR_WRITES, None),  # not archived: a message
    "value_move": (lambda w, p: {"direction": "down"}, HR_WRITES, None),
    "kinds": (
        lambda w, p: {"name": f"Kind of {p.pk}"},
        HR_WRITES,
        lambda w, p: ContributionKind.objects.filter(name__startswith="Kind of ").exists(),
    ),
    "kind": (
        lambda w, p: {"name": "Teamwork", "competencies": [w.framework.competency.pk]},
        HR_WRITES,
        lambda w, p: ContributionKind.objects.filter(name="Teamwork").exists(),
    ),
    "kind_archive": (
        lambda w, p: {},
        HR_WRITES,
        lambda w, p: ContributionKind.objects.filter(archived_at__isnull=False).exists(),
    ),
    "kind_restore": (lambda w, p: {}, HR_WRITES, None),
    "kind_move": (
        lambda w, p: {"direction": "down"},
        HR_WRITES,
        lambda w, p: ContributionKind.objects.get(name="Collaboration").position >= 2,
    ),
}


def page_url(world, name: str, slug: str | None = None) -> str:
    kwargs, _ = PAGES[name]
    return (
        org_url(f"recognition:{name}", org=slug or world.organization.slug, **(kwargs(world) or {}))
        if kwargs
        else org_url(f"recognition:{name}", org=slug or world.organization.slug)
    )


def test_every_url_is_classified():
    mine = {
        pattern.name
        for pattern in get_resolver("recognition.urls").url_patterns
        if getattr(pattern, "name", None) and pattern.callback.__module__ in MY_VIEWS
    }
    assert mine == set(PAGES)
    assert set(POSTS) <= set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access_by_role(name, world_a):
    target = page_url(world_a, name)
    statuses = {
        role: signed_in_client(getattr(world_a, role)).get(target).status_code for role in ROLES
    }
    assert statuses == PAGES[name][1]


@pytest.mark.parametrize("name", sorted(POSTS))
def test_post_by_role(name, world_a):
    data, statuses, changed = POSTS[name]
    target = page_url(world_a, name)
    allowed_yet = False
    for role in ROLES:
        person = getattr(world_a, role)
        response = signed_in_client(person).post(target, data(world_a, person))
        assert response.status_code == statuses[role], (role, response.status_code)
        allowed_yet = allowed_yet or statuses[role] in (200, 302)
        if changed is not None:
            with world_a.scope():
                if name in ("give", "react", "comment"):
                    assert changed(world_a, person), role
                else:
                    assert bool(changed(world_a, person)) == allowed_yet, role


@pytest.mark.parametrize("name", sorted(PAGES))
def test_another_organizations_people_find_nothing(name, world_a, world_b):
    """world_b's owner, on world_a's pages and with world_a's ids under their own slug."""
    from .test_wall_isolation import snapshot

    client = signed_in_client(world_b.owner)
    target, own_slug = page_url(world_a, name), page_url(world_a, name, slug="beta")
    before = snapshot(world_a)
    for method in ("get", "post"):
        assert getattr(client, method)(target).status_code == 404
        if PAGES[name][0] is not None:
            assert getattr(client, method)(own_slug).status_code in (404, 405)
    assert snapshot(world_a) == before


# --- the API ------------------------------------------------------------------------------------

API_EVERYONE = dict.fromkeys(ROLES, 200)
API_CREATED = dict.fromkeys(ROLES, 201)
API_HR = {"member": 404, "report": 404, "manager": 404, "hr": 200, "owner": 200}
API_HR_CREATED = {**API_HR, "hr": 201, "owner": 201}

# name -> (kwargs, GET status per role)
API_READS = {
    "recognition-list": (None, API_EVERYONE),
    "recognition-detail": (_recognition, API_EVERYONE),
    "recognition-nudge": (None, dict.fromkeys(ROLES, 405)),
    "recognition-reaction-list": (None, API_EVERYONE),
    "recognition-reaction-detail": (lambda w: {"pk": reaction_of(w).pk}, API_EVERYONE),
    "recognition-comment-list": (None, API_EVERYONE),
    "recognition-comment-detail": (lambda w: {"pk": comment_of(w).pk}, API_EVERYONE),
    "company-value-list": (None, API_EVERYONE),
    "company-value-detail": (_value, API_EVERYONE),
    "company-value-archive": (_value, dict.fromkeys(ROLES, 405)),
    "company-value-restore": (_value, dict.fromkeys(ROLES, 405)),
    "company-value-move": (_value, dict.fromkeys(ROLES, 405)),
    "contribution-kind-list": (None, API_EVERYONE),
    "contribution-kind-detail": (_kind, API_EVERYONE),
    "contribution-kind-archive": (_kind, dict.fromkeys(ROLES, 405)),
    "contribution-kind-restore": (_kind, dict.fromkeys(ROLES, 405)),
    "contribution-kind-move": (_kind, dict.fromkeys(ROLES, 405)),
}

# (name, method) -> (kwargs, body for the world and the person, status per role)
API_WRITES = {
    ("recognition-list", "post"): (
        None,
        lambda w, p: {
            "recipients": [_someone_else(w, p).pk],
            "message": MESSAGE,
            "kind": kind_of(w).pk,
        },
        API_CREATED,
    ),
    ("recognition-nudge", "post"): (None, lambda w, p: {"message": "Thanks"}, API_EVERYONE),
    ("recognition-reaction-list", "post"): (
        None,
        lambda w, p: {"recognition": recognition_of(w).pk, "emoji": "🙌"},
        API_CREATED,
    ),
    ("recognition-comment-list", "post"): (
        None,
        lambda w, p: {"recognition": recognition_of(w).pk, "body": "Yes!"},
        API_CREATED,
    ),
    # Only its author (the owner) takes a reaction back.
    ("recognition-reaction-detail", "delete"): (
        lambda w: {"pk": reaction_of(w).pk},
        lambda w, p: {},
        {"member": 404, "report": 404, "manager": 404, "hr": 404, "owner": 204},
    ),
    ("company-value-list", "post"): (
        None,
        lambda w, p: {"name": f"Value by {p.pk}", "emoji": "🎯"},
        API_HR_CREATED,
    ),
    ("company-value-detail", "patch"): (_value, lambda w, p: {"description": "Ok"}, API_HR),
    ("company-value-move", "post"): (_value, lambda w, p: {"direction": "up"}, API_HR),
    ("company-value-archive", "post"): (
        _value,
        lambda w, p: {},
        {**API_HR, "owner": 400},  # HR archived it first
    ),
    # Not archived: HR gets past the permission check to a clear 400.
    ("company-value-restore", "post"): (
        _value,
        lambda w, p: {},
        {**API_HR, "hr": 400, "owner": 400},
    ),
    ("contribution-kind-list", "post"): (
        None,
        lambda w, p: {"name": f"Kind by {p.pk}"},
        API_HR_CREATED,
    ),
    ("contribution-kind-detail", "patch"): (
        _kind,
        lambda w, p: {"competencies": [w.framework.competency.pk]},
        API_HR,
    ),
    ("contribution-kind-move", "post"): (_kind, lambda w, p: {"direction": "down"}, API_HR),
    ("contribution-kind-archive", "post"): (_kind, lambda w, p: {}, {**API_HR, "owner": 400}),
    ("contribution-kind-restore", "post"): (
        _kind,
        lambda w, p: {},
        {**API_HR, "hr": 400, "owner": 400},
    ),
}


def api_url(world, name: str, kwargs, slug: str | None = None) -> str:
    return org_url(
        f"api:{name}", org=slug or world.organization.slug, **(kwargs(world) if kwargs else {})
    )


@pytest.mark.parametrize("name", sorted(API_READS))
def test_api_reads_by_role(name, world_a, api_as):
    kwargs, expected = API_READS[name]
    target = api_url(world_a, name, kwargs)
    statuses = {role: api_as(getattr(world_a, role)).get(target).status_code for role in ROLES}
    assert statuses == expected


@pytest.mark.parametrize(("name", "method"), sorted(API_WRITES))
def test_api_writes_by_role(name, method, world_a, api_as):
    kwargs, body, expected = API_WRITES[(name, method)]
    target = api_url(world_a, name, kwargs)
    statuses = {}
    for role in ROLES:
        person = getattr(world_a, role)
        response = getattr(api_as(person), method)(target, body(world_a, person), format="json")
        statuses[role] = response.status_code
    assert statuses == expected


@pytest.mark.parametrize("name", sorted(API_READS))
def test_the_api_of_another_organization_finds_nothing(name, world_a, world_b, api_as):
    from .test_wall_isolation import snapshot

    kwargs, _ = API_READS[name]
    client = api_as(world_b.owner)
    target, own_slug = api_url(world_a, name, kwargs), api_url(world_a, name, kwargs, "beta")
    before = snapshot(world_a)
    for method in ("get", "post", "patch", "delete"):
        response = getattr(client, method)(target, {"name": "Hacked"}, format="json")
        assert response.status_code == 404, (method, response.status_code)
        if kwargs is not None:
            response = getattr(client, method)(own_slug, {"name": "Hacked"}, format="json")
            assert response.status_code in (404, 405), (method, response.status_code)
    assert snapshot(world_a) == before
