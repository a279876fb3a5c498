"""Completed stretch assignments and mentoring given count as evidence for the
competencies they carry, for the right person only, within the period."""

from datetime import timedelta

from django.utils import timezone

from advancement.evidence import evidence_for
from development.services import mentoring, stretch
from perfapp.timezones import local_today


def _window():
    now = timezone.now()
    return now - timedelta(days=365), now + timedelta(minutes=1)


def _of(items, source):
    return [item for item in items if item.source == source]


def test_a_completed_assignment_is_evidence_for_the_chosen_person_only(world_a):
    craft, teamwork = world_a.framework.competency, world_a.framework.other_competency
    since, until = _window()
    assignment, interest = world_a.growth.opportunity, world_a.growth.interest
    with world_a.scope():
        stretch.choose(actor=world_a.manager, assignment=assignment, interests=[interest])
        assert _of(evidence_for(world_a.report, {craft.pk}, since, until), "stretch") == []
        stretch.complete(
            actor=world_a.manager, assignment=assignment, outcome="Calm, clear, three fixes."
        )
        found = _of(evidence_for(world_a.report, {craft.pk}, since, until), "stretch")
        assert _of(evidence_for(world_a.report, {teamwork.pk}, since, until), "stretch") == []
        assert _of(evidence_for(world_a.member, {craft.pk}, since, until), "stretch") == []
        later = _of(
            evidence_for(world_a.report, {craft.pk}, until, until + timedelta(days=1)), "stretch"
        )
    assert len(found) == 1 and later == []
    item = found[0]
    assert item.title == f"Stretch assignment: {assignment.title}"
    assert item.competency_ids == frozenset({craft.pk})
    assert "Calm, clear, three fixes." in item.summary
    assert item.url.endswith(f"/growth/opportunities/{assignment.pk}/")


def test_mentoring_given_is_evidence_for_the_mentor_once_a_session_is_logged(world_a):
    craft, teamwork = world_a.framework.competency, world_a.framework.other_competency
    since, until = _window()
    mentorship = world_a.growth.mentorship  # the member mentors the report in craft
    with world_a.scope():
        assert _of(evidence_for(world_a.member, {craft.pk}, since, until), "mentoring") == []
        for _ in range(2):
            mentoring.log_session(
                actor=world_a.report,
                mentorship=mentorship,
                held_on=local_today(world_a.report),
            )
        ongoing = _of(evidence_for(world_a.member, {craft.pk}, since, until), "mentoring")
        assert _of(evidence_for(world_a.member, {teamwork.pk}, since, until), "mentoring") == []
        assert _of(evidence_for(world_a.report, {craft.pk}, since, until), "mentoring") == []
        mentoring.close_mentorship(
            actor=world_a.member, mentorship=mentorship, reflection="A good run."
        )
        closed = _of(evidence_for(world_a.member, {craft.pk}, since, until), "mentoring")
    assert len(ongoing) == 1 and ongoing[0].summary == "2 sessions, ongoing."
    assert ongoing[0].title == f"Mentored a colleague in {craft.name}"
    assert world_a.report.name not in ongoing[0].title + ongoing[0].summary  # mentee unnamed
    assert len(closed) == 1 and closed[0].summary == "2 sessions, closed."
