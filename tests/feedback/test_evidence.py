"""Feedback tagged with a competency is evidence for the recipient's criteria, within the
same visibility rules: private feedback only once the recipient attaches it."""

from datetime import timedelta

from django.utils import timezone

from advancement.evidence import evidence_for
from feedback.models import Visibility
from feedback.services import giving as services


def _window():
    now = timezone.now()
    return now - timedelta(days=365), now + timedelta(minutes=1)


def test_shared_feedback_counts_and_private_only_once_attached(world_a):
    competency = world_a.framework.competency
    since, until = _window()
    with world_a.scope():
        private = services.give_feedback(
            author=world_a.manager,
            recipient=world_a.report,
            kind="praise",
            situation="In the outage review you named the root cause in ten minutes.",
            visibility=Visibility.PRIVATE,
            competencies=[competency],
        )
        found = evidence_for(world_a.report, {competency.pk}, since, until)
        titles = [item.title for item in found if item.source == "feedback"]
        # The world's shared praise from the member counts; the private one does not yet.
        assert len(titles) == 1 and world_a.member.name in titles[0]
        services.attach_as_evidence(recipient=world_a.report, feedback=private, attached=True)
        found = evidence_for(world_a.report, {competency.pk}, since, until)
    assert len([item for item in found if item.source == "feedback"]) == 2
    assert found[0].url.endswith(f"/feedback/{private.pk}/")


def test_other_competencies_periods_and_people_are_not_evidence(world_a, world_b):
    since, until = _window()
    with world_a.scope():
        other = world_a.framework.other_competency
        assert evidence_for(world_a.report, {other.pk}, since, until) == []
        assert evidence_for(world_a.member, {world_a.framework.competency.pk}, since, until) == []
        old = evidence_for(
            world_a.report,
            {world_a.framework.competency.pk},
            since - timedelta(days=400),
            since,
        )
        assert old == []
