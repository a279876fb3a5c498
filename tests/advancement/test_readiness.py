"""The readiness view's data: evidence under the right criteria, private feedback only
once attached, hidden items kept from others, pins first, gaps and what the plan does
about them, the frozen packet, and a query count that does not grow with the evidence."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advancement.models import CriterionNarrative, EvidenceMark
from advancement.permissions.readiness import can_see_readiness
from advancement.selectors.readiness import period_from_dates, readiness_for, readiness_packet
from advancement.services import readiness as services
from feedback.models import Feedback, Visibility
from feedback.services import giving as feedback_services

from .readiness_world import complete

pytestmark = pytest.mark.django_db


def by_competency(readiness):
    return {criterion.competency_id: criterion for criterion in readiness.criteria}


def private_feedback(world, situation="A private note on your tests."):
    with world.scope():
        return feedback_services.give_feedback(
            author=world.member,
            recipient=world.report,
            kind="praise",
            situation=situation,
            impact="",
            visibility=Visibility.PRIVATE,
            competencies=[world.framework.competency],
        )


def read(world, viewer, **kwargs):
    with world.scope():
        return readiness_for(world.report, viewer=viewer, **kwargs)


def refs(readiness, competency_id):
    return [shown.ref for shown in by_competency(readiness)[competency_id].evidence]


def test_next_level_criteria_with_evidence_and_gaps(world_a):
    fw = world_a.framework
    readiness = read(world_a, world_a.manager)
    assert readiness.next_level["code"] == "L2"
    assert [c.expectation for c in readiness.criteria] == ["Designs systems.", "Mentors others."]
    craft = by_competency(readiness)[fw.competency.pk]
    assert refs(readiness, fw.competency.pk) == [f"feedback:{world_a.feedback.feedback.pk}"]
    assert craft.gap and craft.gap_label == "Weak evidence"
    teamwork = by_competency(readiness)[fw.other_competency.pk]
    assert teamwork.gap_label == "No evidence"
    assert readiness.totals == {
        "criteria": 2,
        "criteria_with_evidence": 1,
        "evidence": 1,
        "assessment_gaps": 0,
    }


def test_the_plan_answers_each_gap_through_the_registry(world_a):
    fw = world_a.framework
    readiness = read(world_a, world_a.manager)
    craft = {(r.kind, r.title) for r in by_competency(readiness)[fw.competency.pk].remedies}
    slug = world_a.organization.slug
    assert ("goal", f"Goal: Shared goal of {slug}: write the testing guide") in craft
    assert ("stretch", f"Stretch assignment: Lead the incident review ({slug})") in craft
    assert ("mentor", f"Mentored by {world_a.member.name}") in craft
    teamwork = by_competency(readiness)[fw.other_competency.pk].remedies
    # The private goal shows to the manager without its title.
    assert [(r.kind, r.title) for r in teamwork] == [("goal", "A private development goal")]


def test_private_feedback_shows_only_once_the_recipient_attaches_it(world_a):
    fw = world_a.framework
    note = private_feedback(world_a)
    ref = f"feedback:{note.pk}"
    for viewer in (world_a.report, world_a.manager):
        assert ref not in refs(read(world_a, viewer), fw.competency.pk)
    with world_a.scope():
        with pytest.raises(PermissionDenied):
            services.set_mark(
                actor=world_a.manager,
                subject=world_a.report,
                item_ref=ref,
                action="attach",
                on=True,
            )
        services.set_mark(
            actor=world_a.report, subject=world_a.report, item_ref=ref, action="attach", on=True
        )
    assert ref in refs(read(world_a, world_a.manager), fw.competency.pk)
    with world_a.scope():
        services.set_mark(
            actor=world_a.report, subject=world_a.report, item_ref=ref, action="attach", on=False
        )
    assert ref not in refs(read(world_a, world_a.manager), fw.competency.pk)


def test_only_private_feedback_received_can_be_attached(world_a):
    shared = f"feedback:{world_a.feedback.feedback.pk}"
    with world_a.scope():
        given = feedback_services.give_feedback(
            author=world_a.report,
            recipient=world_a.member,
            kind="praise",
            situation="Private praise the report gave.",
            impact="",
            visibility=Visibility.PRIVATE,
            competencies=[world_a.framework.competency],
        )
        for ref in (shared, f"feedback:{given.pk}", "feedback:999999", "recognition:1"):
            with pytest.raises(ValidationError) as error:
                services.set_mark(
                    actor=world_a.report,
                    subject=world_a.report,
                    item_ref=ref,
                    action="attach",
                    on=True,
                )
            assert error.value.messages == [
                "Only private feedback you received can be attached, and only once."
            ]
        assert not EvidenceMark.objects.exists()


def test_hidden_items_stay_with_the_subject_and_pins_come_first(world_a):
    fw = world_a.framework
    shared = f"feedback:{world_a.feedback.feedback.pk}"
    note = private_feedback(world_a)
    attached = f"feedback:{note.pk}"
    with world_a.scope():
        services.set_mark(
            actor=world_a.report,
            subject=world_a.report,
            item_ref=attached,
            action="attach",
            on=True,
        )
        services.set_mark(
            actor=world_a.report, subject=world_a.report, item_ref=shared, action="pin", on=True
        )
    assert refs(read(world_a, world_a.manager), fw.competency.pk) == [shared, attached]
    with world_a.scope():
        services.set_mark(
            actor=world_a.report, subject=world_a.report, item_ref=shared, action="hide", on=True
        )
    mine = by_competency(read(world_a, world_a.report))[fw.competency.pk]
    assert [(s.ref, s.hidden, s.pinned) for s in mine.evidence] == [
        (attached, False, False),
        (shared, True, False),  # hiding unpins
    ]
    for viewer in (world_a.manager, world_a.owner, world_a.hr):
        assert refs(read(world_a, viewer), fw.competency.pk) == [attached]
    with world_a.scope():
        packet = readiness_packet(world_a.report, viewer=world_a.manager)
    assert [e["ref"] for e in packet["criteria"][0]["evidence"]] == [attached]


def test_marking_an_item_that_is_not_the_subjects_evidence_is_refused(world_a):
    with world_a.scope():
        for ref, action in (("feedback:999999", "pin"), ("", "hide"), ("goal:1", "explode")):
            with pytest.raises(ValidationError):
                services.set_mark(
                    actor=world_a.report,
                    subject=world_a.report,
                    item_ref=ref,
                    action=action,
                    on=True,
                )
        assert not EvidenceMark.objects.exists()


def test_narratives_are_the_subjects_own_and_per_next_level_criterion(world_a):
    fw = world_a.framework
    readiness = read(world_a, world_a.report)
    target = readiness.criteria[0].id
    with world_a.scope():
        services.save_narrative(
            actor=world_a.report, subject=world_a.report, criterion_id=target, body=" I led it. "
        )
        with pytest.raises(PermissionDenied):
            services.save_narrative(
                actor=world_a.manager, subject=world_a.report, criterion_id=target, body="No."
            )
        with pytest.raises(ValidationError, match="not one of your next level"):
            services.save_narrative(
                actor=world_a.report,
                subject=world_a.report,
                criterion_id=fw.criterion.pk,  # the current level's
                body="Wrong level.",
            )
        with pytest.raises(ValidationError, match="at most 1500"):
            services.save_narrative(
                actor=world_a.report, subject=world_a.report, criterion_id=target, body="x" * 1501
            )
        assert list(CriterionNarrative.objects.values_list("body", flat=True)) == ["I led it."]
    assert read(world_a, world_a.manager).criteria[0].narrative == "I led it."


def test_assessment_ratings_and_disagreements_from_the_latest_complete_one(world_a):
    complete(world_a, self_ratings=("partly",), manager_ratings=("beyond", "partly", "partly"))
    readiness = read(world_a, world_a.owner)
    rows = [(c.self_rating, c.manager_rating, c.disagree) for c in readiness.criteria]
    # The criteria order is L1 (current), L2, L2: the next level's are the 2nd and 3rd.
    assert rows == [("partly", "partly", False), ("partly", "partly", False)]
    assert readiness.totals["assessment_gaps"] == 0


def test_disagreements_count_in_totals(world_a):
    complete(world_a)  # self partly, manager consistently everywhere
    readiness = read(world_a, world_a.hr)
    assert all(c.disagree for c in readiness.criteria)
    assert readiness.totals["assessment_gaps"] == 2


def test_the_packet_is_plain_json_with_the_agreed_keys(world_a):
    import json

    complete(world_a)
    with world_a.scope():
        packet = readiness_packet(world_a.report, viewer=world_a.manager)
    assert json.loads(json.dumps(packet)) == packet
    assert packet["version"] == 1
    assert packet["target_level"]["code"] == "L2" and packet["target_level"]["rank"] == 2
    assert set(packet["from_level"]) == {"id", "code", "name"}
    assert set(packet["period"]) == {"since", "until"}
    criterion = packet["criteria"][0]
    assert set(criterion) == {
        "id",
        "competency",
        "competency_id",
        "expectation",
        "self_rating",
        "manager_rating",
        "disagree",
        "narrative",
        "evidence",
        "gap",
    }
    assert set(criterion["evidence"][0]) == {
        "ref",
        "source",
        "kind",
        "title",
        "occurred_at",
        "summary",
        "url",
        "pinned",
        "audience",  # who reads it in full; readers get it through ``packet_for``
    }
    assert packet["totals"] == {
        "criteria": 2,
        "criteria_with_evidence": 1,
        "evidence": 1,
        "assessment_gaps": 2,
    }


def test_no_readiness_without_a_next_level(world_a):
    with world_a.scope():
        assert readiness_for(world_a.member, viewer=world_a.member) is None  # not placed
        assert readiness_packet(world_a.member, viewer=world_a.hr) == {}


def test_an_inverted_period_is_refused(world_a):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="starts after it ends"):
        period_from_dates(today, today - timedelta(days=1))
    now = timezone.now()
    with pytest.raises(ValidationError, match="starts after it ends"):
        read(world_a, world_a.report, since=now, until=now - timedelta(days=1))


def test_the_period_limits_the_evidence(world_a):
    fw = world_a.framework
    old = timezone.now() - timedelta(days=400)
    with world_a.scope():
        Feedback.objects.filter(pk=world_a.feedback.feedback.pk).update(created_at=old)
    assert refs(read(world_a, world_a.report), fw.competency.pk) == []
    since, until = period_from_dates(old.date() - timedelta(days=1), old.date())
    assert len(refs(read(world_a, world_a.report, since=since, until=until), fw.competency.pk)) == 1


def test_who_may_see_readiness(world_a, world_b):
    with world_a.scope():
        for viewer in (world_a.report, world_a.manager, world_a.owner, world_a.hr):
            assert can_see_readiness(viewer, world_a.report)
        assert not can_see_readiness(world_a.member, world_a.report)
        assert not can_see_readiness(world_b.hr, world_a.report)


def add_feedback(world, count, competency_id=None):
    """``count`` pieces of shared feedback for the report, tagged with teamwork (or the
    competency given)."""
    teamwork = world.framework.other_competency.pk
    with world.scope():
        rows = Feedback.objects.bulk_create(
            Feedback(
                organization=world.organization,
                author=world.member,
                recipient=world.report,
                kind="praise",
                situation=f"Evidence {index}",
                visibility=Visibility.WITH_MANAGER,
            )
            for index in range(count)
        )
        through = Feedback.competencies.through
        through.objects.bulk_create(
            through(feedback_id=row.pk, competency_id=competency_id or teamwork) for row in rows
        )


def count_queries(world, viewer):
    with world.scope(), CaptureQueriesContext(connection) as captured:
        readiness = readiness_for(world.report, viewer=viewer)
        readiness.months  # noqa: B018 - everything the page reads
    return len(captured), readiness


@pytest.mark.parametrize("viewer", ["report", "manager"])
def test_the_query_count_does_not_grow_with_the_evidence(world_a, viewer):
    """The teamwork criterion goes from 0 to 200 items; the count stays the same."""
    complete(world_a)
    teamwork = world_a.framework.other_competency.pk
    who = getattr(world_a, viewer)
    small, readiness = count_queries(world_a, who)
    assert by_competency(readiness)[teamwork].evidence_count == 0
    add_feedback(world_a, 200)
    large, readiness = count_queries(world_a, who)
    assert by_competency(readiness)[teamwork].evidence_count == 200
    assert small == large
