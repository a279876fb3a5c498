"""Who may open and use which career page, role by role, and nothing for another org.

Reading and proposing are for every member; the draft, publishing, competencies and
placements are for HR admins and owners. Forbidden answers 404, exactly like missing.
A new advancement URL fails ``test_every_page_is_classified`` until it is added here.
"""

import pytest
from django.urls import get_resolver, reverse

from advancement.models import Competency, Criterion, Level, Placement, Proposal, Track

from .readiness_world import assessment_of, next_criterion_of

ROLES = ("owner", "hr", "manager", "member")
EVERYONE = dict.fromkeys(ROLES, 200)
HR_ONLY = {"owner": 200, "hr": 200, "manager": 404, "member": 404}
POST_ONLY = dict.fromkeys(ROLES, 405)
CHAIN = {"owner": 200, "hr": 200, "manager": 200, "member": 404}  # of the report
HR_POST_ONLY = {"owner": 405, "hr": 405, "manager": 404, "member": 404}


# name -> (kwargs for the world, GET status per role)
PAGES = {
    "index": (None, EVERYONE),
    "track": (lambda w: {"track_id": w.framework.track.pk}, EVERYONE),
    "next_level": (None, EVERYONE),
    "versions": (None, EVERYONE),
    "compare": (None, EVERYONE),
    "version": (lambda w: {"number": w.framework.version.number}, EVERYONE),
    "proposals": (None, EVERYONE),
    "proposal_new": (None, EVERYONE),
    "proposal": (lambda w: {"pk": w.framework.proposal.pk}, EVERYONE),
    "proposal_comment": (lambda w: {"pk": w.framework.proposal.pk}, POST_ONLY),
    "proposal_vote": (lambda w: {"pk": w.framework.proposal.pk}, POST_ONLY),
    "proposal_answer": (lambda w: {"pk": w.framework.proposal.pk}, HR_POST_ONLY),
    "draft": (None, HR_ONLY),
    "draft_template": (lambda w: {"key": "engineering-ic"}, HR_POST_ONLY),
    "draft_import": (None, HR_POST_ONLY),
    "publish": (None, HR_ONLY),
    "draft_track": (lambda w: {"pk": w.framework.track.pk}, HR_ONLY),
    "draft_track_delete": (lambda w: {"pk": w.framework.track.pk}, HR_POST_ONLY),
    "draft_track_export": (lambda w: {"pk": w.framework.track.pk}, HR_ONLY),
    "draft_level": (lambda w: {"pk": w.framework.level.pk}, HR_ONLY),
    "draft_level_delete": (lambda w: {"pk": w.framework.level.pk}, HR_POST_ONLY),
    "draft_criterion": (lambda w: {"pk": w.framework.criterion.pk}, HR_ONLY),
    "draft_criterion_delete": (lambda w: {"pk": w.framework.criterion.pk}, HR_POST_ONLY),
    "competencies": (None, HR_ONLY),
    "competency": (lambda w: {"pk": w.framework.competency.pk}, HR_ONLY),
    "competency_archive": (lambda w: {"pk": w.framework.competency.pk}, HR_POST_ONLY),
    "competency_restore": (lambda w: {"pk": w.framework.competency.pk}, HR_POST_ONLY),
    "placements": (None, HR_ONLY),
    "placement": (lambda w: {"pk": w.report.pk}, HR_ONLY),
    # Readiness and assessments: the full matrix (with the report) is in
    # test_readiness_pages.py; here the report's pages as the four roles see them.
    "readiness_mine": (None, EVERYONE),
    "readiness": (lambda w: {"member_id": w.report.pk}, CHAIN),
    "readiness_narrative": (lambda w: {"criterion_id": next_criterion_of(w)}, POST_ONLY),
    "readiness_mark": (None, POST_ONLY),
    "assessments_mine": (None, EVERYONE),
    "assessments": (lambda w: {"member_id": w.report.pk}, CHAIN),
    "assessment_start": (lambda w: {"member_id": w.report.pk}, POST_ONLY),
    "assessment": (lambda w: {"pk": assessment_of(w).pk}, CHAIN),
    "assessment_discard": (lambda w: {"pk": assessment_of(w).pk}, POST_ONLY),
}

HR_WRITE = {"owner": 302, "hr": 302, "manager": 404, "member": 404}
EVERYONE_WRITES = dict.fromkeys(ROLES, 302)

# name -> (form data for the world, query string, POST status per role, what must have changed)
POSTS = {
    "proposal_new": (
        lambda w: {"proposed_text": "Ships tested code, fast.", "rationale": "Speed."},
        lambda w: f"?criterion={w.framework.criterion.pk}",
        EVERYONE_WRITES,
        lambda w: Proposal.objects.filter(proposed_text="Ships tested code, fast.").exists(),
    ),
    "proposal_comment": (
        lambda w: {"body": "A comment."},
        None,
        EVERYONE_WRITES,
        lambda w: w.framework.proposal.comments.filter(body="A comment.").exists(),
    ),
    "proposal_vote": (lambda w: {}, None, EVERYONE_WRITES, None),
    "proposal_answer": (
        lambda w: {"status": "discussion", "answer": "Let's talk."},
        None,
        HR_WRITE,
        lambda w: Proposal.objects.get(pk=w.framework.proposal.pk).status == "discussion",
    ),
    "draft": (
        lambda w: {"name": "Sales"},
        None,
        HR_WRITE,
        lambda w: Track.objects.filter(name="Sales").exists(),
    ),
    "draft_template": (
        lambda w: {},
        None,
        HR_WRITE,
        lambda w: Track.objects.filter(name__startswith="Engineering —").exists(),
    ),
    "draft_import": (lambda w: {}, None, HR_WRITE, None),  # no file: an error message
    "publish": (
        lambda w: {"summary": "Nothing to publish"},
        None,
        {"owner": 400, "hr": 400, "manager": 404, "member": 404},
        None,
    ),
    "draft_track": (
        lambda w: {"form": "track", "track-name": "Engineering (renamed)"},
        None,
        HR_WRITE,
        lambda w: Track.objects.filter(name="Engineering (renamed)").exists(),
    ),
    "draft_track_delete": (lambda w: {}, None, HR_WRITE, None),  # people placed: refused
    "draft_level": (
        lambda w: {"level-code": "L1", "level-name": "Junior", "level-rank": "1"},
        None,
        HR_WRITE,
        lambda w: Level.objects.filter(name="Junior").exists(),
    ),
    "draft_level_delete": (lambda w: {}, None, HR_WRITE, None),  # people placed: refused
    "draft_criterion": (
        lambda w: {"competency": w.framework.competency.pk, "expectation": "Reworded."},
        None,
        HR_WRITE,
        lambda w: Criterion.objects.filter(expectation="Reworded.").exists(),
    ),
    "draft_criterion_delete": (
        lambda w: {},
        None,
        HR_WRITE,
        lambda w: not Criterion.objects.filter(pk=w.framework.criterion.pk).exists(),
    ),
    "competencies": (
        lambda w: {"name": "Writing", "category": "craft"},
        None,
        HR_WRITE,
        lambda w: Competency.objects.filter(name="Writing").exists(),
    ),
    "competency": (
        lambda w: {"name": "Craft", "category": "craft", "description": "Making."},
        None,
        HR_WRITE,
        lambda w: Competency.objects.filter(name="Craft").exists(),
    ),
    "competency_archive": (
        lambda w: {},
        None,
        HR_WRITE,
        lambda w: Competency.objects.get(pk=w.framework.competency.pk).is_archived,
    ),
    "competency_restore": (lambda w: {}, None, HR_WRITE, None),
    "placement": (
        lambda w: {"level": w.framework.next_level.pk},
        None,
        HR_WRITE,
        lambda w: Placement.objects.get(membership=w.report).level_id == w.framework.next_level.pk,
    ),
}


def url_for(world, name: str, slug: str | None = None) -> str:
    kwargs, _ = PAGES[name]
    return reverse(
        f"advancement:{name}",
        kwargs={"org_slug": slug or world.organization.slug, **(kwargs(world) if kwargs else {})},
    )


def test_every_page_is_classified():
    names = {
        pattern.name
        for pattern in get_resolver("advancement.urls").url_patterns
        # Promotion pages have their own matrix (more roles): test_promotion_permissions.py.
        if getattr(pattern, "name", None) and not pattern.name.startswith("promotion")
    }
    assert names == set(PAGES)
    assert set(POSTS) <= set(PAGES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access_by_role(name, role, world_a, login):
    response = login(getattr(world_a, role)).get(url_for(world_a, name))
    assert response.status_code == PAGES[name][1][role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(POSTS))
def test_post_by_role(name, role, world_a, login):
    data, query, statuses, changed = POSTS[name]
    expected = statuses[role]
    response = login(getattr(world_a, role)).post(
        url_for(world_a, name) + (query(world_a) if query else ""), data(world_a)
    )
    assert response.status_code == expected
    if changed is not None:
        with world_a.scope():
            assert bool(changed(world_a)) == (expected in (200, 302))


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_another_organizations_hr_finds_nothing(name, method, world_a, world_b, login):
    """world_b's HR admin, on world_a's pages (and with world_a's ids on their own)."""
    from .test_services import db_state

    client = login(world_b.hr)
    url = url_for(world_a, name)  # first: building it may create the object (assessments)
    before = db_state()
    assert getattr(client, method)(url).status_code == 404
    if PAGES[name][0] is not None and name not in {"version", "draft_template"}:
        # Their own organization's URL with world_a's ids: missing, not world_a's data.
        response = getattr(client, method)(url_for(world_a, name, slug="beta"))
        if (method == "get" and PAGES[name][1]["hr"] == 200) or (
            method == "post" and name in POSTS
        ):
            assert response.status_code == 404
        else:  # a method the page refuses before looking anything up
            assert response.status_code in (404, 405)
    assert db_state() == before


@pytest.mark.parametrize("query", ["criterion", "level", "competency"])
def test_another_organizations_ids_are_not_found_in_query_strings(query, world_a, world_b, login):
    obj = {
        "criterion": world_a.framework.criterion,
        "level": world_a.framework.level,
        "competency": world_a.framework.competency,
    }[query]
    client = login(world_b.hr)
    base = reverse("advancement:proposal_new", kwargs={"org_slug": "beta"})
    assert client.get(f"{base}?{query}={obj.pk}").status_code == 404
    next_level = reverse("advancement:next_level", kwargs={"org_slug": "beta"})
    assert client.get(next_level, {"person": world_a.report.pk}).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_draft_tabs_show_only_to_hr(role, world_a, login):
    page = login(getattr(world_a, role)).get(url_for(world_a, "index")).content.decode()
    assert (url_for(world_a, "draft") in page) == (HR_ONLY[role] == 200)
