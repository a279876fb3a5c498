"""Who reads a piece of feedback: the permission matrix, as a table.

For every visibility and every kind of viewer, the predicate, the detail page, the
timeline boxes and ``selectors.readable`` must all give the same answer.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Feedback, Visibility
from feedback.permissions import can_read_feedback
from feedback.selectors import giving as selectors
from feedback.services import giving as services
from feedback.services import requests as request_services

from ..factories import MembershipFactory

VIEWERS = ("author", "recipient", "manager", "skip_level", "peer", "hr", "other_org_hr")

# visibility -> the viewers who read it, and the box each of them finds it in.
MATRIX = {
    Visibility.PRIVATE: {"author": "given", "recipient": "received"},
    Visibility.WITH_MANAGER: {"author": "given", "recipient": "received", "manager": "team"},
    Visibility.MANAGER_ONLY: {"author": "given", "manager": "team"},
}


def _make(world, visibility: str) -> Feedback:
    """The member writes about the report; ``manager_only`` only answers the manager's
    request about the report."""
    content = {
        "kind": "constructive",
        "situation": "In Monday's incident call you paged the database team at once.",
        "impact": "We were back up in ten minutes.",
        "suggestion": "Next time, post the status page update first.",
    }
    with world.scope():
        if visibility != Visibility.MANAGER_ONLY:
            return services.give_feedback(
                author=world.member, recipient=world.report, visibility=visibility, **content
            )
        asked = request_services.request_feedback(
            requester=world.manager,
            subject=world.report,
            reviewers=[world.member],
            topic="How the on-call week went",
            due_date=timezone.now().date() + timedelta(days=3),
        )
        row = asked.reviewers.get()
        return request_services.answer_request(
            reviewer=world.member, row=row, visibility=visibility, **content
        )


def _viewers(world, other) -> dict:
    peer = MembershipFactory(organization=world.organization, job_title="Analyst")
    return {
        "author": world.member,
        "recipient": world.report,
        "manager": world.manager,
        "skip_level": world.owner,  # manages the manager
        "peer": peer,
        "hr": world.hr,
        "other_org_hr": other.hr,
    }


def _shown(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'/feedback/(\d+)/"', response.content.decode())}


@pytest.mark.parametrize("visibility", list(MATRIX))
def test_permission_matrix(visibility, world_a, world_b, client):
    feedback = _make(world_a, visibility)
    readers = MATRIX[visibility]
    viewers = _viewers(world_a, world_b)
    got, expected = {}, {}
    for name in VIEWERS:
        viewer = viewers[name]
        world = world_b if name == "other_org_hr" else world_a
        with world.scope():
            boxes = {
                box
                for box in selectors.BOXES
                if selectors.timeline(viewer, box=box).filter(pk=feedback.pk).exists()
            }
            in_readable = selectors.readable(viewer).filter(pk=feedback.pk).exists()
        with world_a.scope():
            fresh = Feedback.objects.get(pk=feedback.pk)  # no cached request: the predicate
            predicate = can_read_feedback(viewer, fresh)  # looks up who asked on its own
            # A page offers the team box to managers only (others asking for it get theirs).
            offered = [b for b in selectors.BOXES if b != "team" or viewer.is_manager]
        client.force_login(viewer.user)
        slug = world.organization.slug
        detail = client.get(
            reverse("feedback:detail", kwargs={"org_slug": slug, "pk": feedback.pk})
        )
        pages = {
            box
            for box in offered
            if feedback.pk
            in _shown(
                client.get(reverse("feedback:index", kwargs={"org_slug": slug}), {"box": box})
            )
        }
        got[name] = (predicate, in_readable, detail.status_code, boxes, pages)
        box = readers.get(name)
        reads = box is not None
        expected[name] = (reads, reads, 200 if reads else 404, {box} - {None}, {box} - {None})
    assert got == expected


def test_the_other_organization_cannot_open_it_under_its_own_slug(world_a, world_b, client):
    client.force_login(world_b.hr.user)
    pk = world_a.feedback.feedback.pk
    assert client.get(f"/o/alpha/feedback/{pk}/").status_code == 404
    assert client.get(f"/o/beta/feedback/{pk}/").status_code == 404


def test_the_predicate_agrees_with_the_requester_given(world_a):
    feedback = _make(world_a, Visibility.MANAGER_ONLY)
    with world_a.scope():
        asked_by = feedback.request_reviewer.request.requester_id
        assert can_read_feedback(world_a.manager, feedback, requester_id=asked_by)
        assert not can_read_feedback(world_a.report, feedback, requester_id=asked_by)
        assert not can_read_feedback(world_a.owner, feedback, requester_id=asked_by)


def test_a_former_manager_no_longer_reads_what_was_shared_with_the_manager(world_a, login):
    shared = world_a.feedback.feedback
    with world_a.scope():
        world_a.report.manager = world_a.owner
        world_a.report.save(update_fields=["manager"])
        fresh = Feedback.objects.select_related("recipient").get(pk=shared.pk)
        assert not can_read_feedback(world_a.manager, fresh)
        assert can_read_feedback(world_a.owner, fresh)
    assert login(world_a.manager).get(f"/o/alpha/feedback/{shared.pk}/").status_code == 404
    assert login(world_a.owner).get(f"/o/alpha/feedback/{shared.pk}/").status_code == 200


def test_the_detail_page_says_who_reads_it(world_a, login):
    private = _make(world_a, Visibility.PRIVATE)
    only_manager = _make(world_a, Visibility.MANAGER_ONLY)
    page = login(world_a.member).get(f"/o/alpha/feedback/{private.pk}/").content.decode()
    assert f"Only {world_a.report.name} and you, who wrote it." in page
    page = login(world_a.manager).get(f"/o/alpha/feedback/{only_manager.pk}/").content.decode()
    assert f"{world_a.report.name} does not see it" in page
    assert "HR sees only that feedback was given" in page
