"""Stretch assignments through their services: posting (managers and HR only), interest,
choosing within the seats (the others told kindly, the chosen person's plan given a
linked goal), the outcome at the end; every bad input refused with nothing changed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from development.models import (
    DevelopmentPlan,
    Goal,
    PlanEvent,
    StretchAssignment,
    StretchInterest,
)
from development.services import stretch
from perfapp.audit.models import AuditEvent
from perfapp.notifications.models import OutboxMessage
from perfapp.timezones import local_today

from ..factories import TeamFactory
from ..helpers import new_member


def state(world) -> tuple:
    with world.scope():
        return (
            sorted(
                StretchAssignment.objects.values_list(
                    "id", "title", "status", "seats", "closes_on", "owner_outcome"
                )
            ),
            sorted(StretchInterest.objects.values_list("id", "status", "note", "person_outcome")),
            Goal.objects.count(),
            DevelopmentPlan.objects.count(),
            PlanEvent.objects.count(),
            OutboxMessage.objects.count(),
            AuditEvent.objects.count(),
        )


def refused(world, call, message: str):
    before = state(world)
    with world.scope(), pytest.raises(ValidationError) as caught:
        call()
    assert message in " ".join(caught.value.messages)
    assert state(world) == before


def values(world, **extra) -> dict:
    return {
        "title": "Run the game day",
        "description": "Plan and run a failure drill with the platform team.",
        "competencies": [world.framework.competency, world.framework.other_competency],
        "commitment": "part",
        "duration_weeks": 6,
        "seats": 1,
        **extra,
    }


def post(world, owner=None, **extra) -> StretchAssignment:
    with world.scope():
        return stretch.post_opportunity(actor=owner or world.manager, **values(world, **extra))


def interest_of(world, assignment, who, note="I'd love to.") -> StretchInterest:
    with world.scope():
        return stretch.express_interest(person=who, assignment=assignment, note=note)


# --- posting --------------------------------------------------------------------------------


def test_managers_and_hr_post_opportunities(world_a):
    by_manager = post(world_a)
    by_hr = post(world_a, owner=world_a.hr, title="Onboarding week")
    with world_a.scope():
        assert by_manager.status == "open" and by_hr.owner == world_a.hr
        assert set(by_manager.competencies.all()) == {
            world_a.framework.competency,
            world_a.framework.other_competency,
        }
        assert AuditEvent.objects.filter(action="stretch.posted", target_id=by_hr.pk).exists()


def test_someone_without_reports_cannot_post(world_a):
    refused(
        world_a,
        lambda: stretch.post_opportunity(actor=world_a.member, **values(world_a)),
        "Managers and HR admins post",
    )


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"title": " "}, "title", "short title"),
        ({"description": ""}, "description", "Describe the work"),
        ({"competencies": []}, "competencies", "at least one competency"),
        ({"commitment": "always"}, "commitment", "how much time"),
        ({"duration_weeks": 0}, "duration_weeks", "between 1 and 52 weeks"),
        ({"duration_weeks": 53}, "duration_weeks", "between 1 and 52 weeks"),
        ({"seats": 0}, "seats", "between 1 and 20"),
        ({"audience": "teams", "teams": []}, "teams", "Choose the teams"),
        ({"closes_on": "past"}, "closes_on", "today or a later date"),
    ],
)
def test_a_bad_opportunity_is_refused_field_by_field(extra, field, message, world_a):
    if extra.get("closes_on") == "past":
        extra = {"closes_on": local_today(world_a.manager) - timedelta(days=1)}
    before = state(world_a)
    with world_a.scope(), pytest.raises(ValidationError) as caught:
        stretch.post_opportunity(actor=world_a.manager, **values(world_a, **extra))
    assert message in " ".join(caught.value.message_dict[field])
    assert state(world_a) == before


def test_another_organizations_teams_and_competencies_are_refused(world_a, world_b):
    refused(
        world_a,
        lambda: stretch.post_opportunity(
            actor=world_a.manager,
            **values(world_a, audience="teams", teams=[world_b.team]),
        ),
        "Choose teams from the list",
    )
    refused(
        world_a,
        lambda: stretch.post_opportunity(
            actor=world_a.manager, **values(world_a, competencies=[world_b.framework.competency])
        ),
        "Choose competencies from the list",
    )


def test_editing_changes_an_open_opportunity_only(world_a):
    assignment = world_a.growth.opportunity
    with world_a.scope():
        stretch.edit_opportunity(actor=world_a.manager, assignment=assignment, seats=2)
        assignment.refresh_from_db()
    assert assignment.seats == 2
    refused(
        world_a,
        lambda: stretch.edit_opportunity(actor=world_a.member, assignment=assignment, seats=3),
        "Only the person who posted",
    )
    with world_a.scope():
        stretch.choose(
            actor=world_a.manager, assignment=assignment, interests=[world_a.growth.interest]
        )
    refused(
        world_a,
        lambda: stretch.edit_opportunity(actor=world_a.manager, assignment=assignment, seats=3),
        "still open for interest can change",
    )


# --- interest -------------------------------------------------------------------------------


def test_expressing_interest_tells_the_owner(world_a):
    assignment = post(world_a)
    interest = interest_of(world_a, assignment, world_a.member, note="I led the last drill.")
    with world_a.scope():
        told = OutboxMessage.objects.get(recipient=world_a.manager, kind="stretch.interest")
    assert interest.status == "interested"
    assert world_a.member.name in told.title and "I led the last drill." in told.body


def test_interest_in_your_own_opportunity_is_refused(world_a):
    assignment = post(world_a)
    refused(
        world_a,
        lambda: stretch.express_interest(person=world_a.manager, assignment=assignment, note="x"),
        "your own opportunity",
    )


def test_interest_in_a_closed_opportunity_is_refused(world_a):
    past_deadline = post(world_a)
    with world_a.scope():
        StretchAssignment.objects.filter(pk=past_deadline.pk).update(
            closes_on=local_today(world_a.member) - timedelta(days=1)
        )
    refused(
        world_a,
        lambda: stretch.express_interest(person=world_a.member, assignment=past_deadline, note="x"),
        "no longer open for interest",
    )
    cancelled = post(world_a, title="Cancelled one")
    with world_a.scope():
        stretch.cancel_opportunity(actor=world_a.manager, assignment=cancelled)
    refused(
        world_a,
        lambda: stretch.express_interest(person=world_a.member, assignment=cancelled, note="x"),
        "no longer open for interest",
    )


def test_interest_in_an_opportunity_not_open_to_your_team_is_refused(world_a):
    other_team = TeamFactory(organization=world_a.organization, name="Sales")
    assignment = post(world_a, audience="teams", teams=[other_team])
    refused(
        world_a,
        lambda: stretch.express_interest(person=world_a.member, assignment=assignment, note="x"),
        "open to chosen teams only",
    )
    seller = new_member(world_a, team=other_team)
    assert interest_of(world_a, assignment, seller).status == "interested"


def test_interest_twice_is_refused_but_coming_back_after_withdrawing_works(world_a):
    assignment = world_a.growth.opportunity
    interest = world_a.growth.interest
    refused(
        world_a,
        lambda: stretch.express_interest(person=world_a.report, assignment=assignment, note="x"),
        "already expressed interest",
    )
    refused(
        world_a,
        lambda: stretch.express_interest(person=world_a.member, assignment=assignment, note=" "),
        "Say in a sentence or two",
    )
    with world_a.scope():
        stretch.withdraw_interest(person=world_a.report, interest=interest)
        again = stretch.express_interest(
            person=world_a.report, assignment=assignment, note="Back in."
        )
        assert OutboxMessage.objects.filter(kind="stretch.interest").count() == 1
    assert again.pk == interest.pk and again.status == "interested" and again.note == "Back in."


def test_only_the_person_withdraws_their_interest(world_a):
    refused(
        world_a,
        lambda: stretch.withdraw_interest(person=world_a.manager, interest=world_a.growth.interest),
        "Only the person who expressed interest",
    )


# --- choosing -------------------------------------------------------------------------------


def test_choosing_two_people_for_one_seat_is_refused(world_a):
    assignment = world_a.growth.opportunity
    second = interest_of(world_a, assignment, world_a.member)
    refused(
        world_a,
        lambda: stretch.choose(
            actor=world_a.manager,
            assignment=assignment,
            interests=[world_a.growth.interest, second],
        ),
        "has 1 seat: choose at most 1 person",
    )


def test_choosing_nobody_or_a_withdrawn_or_foreign_interest_is_refused(world_a, world_b):
    assignment = world_a.growth.opportunity
    refused(
        world_a,
        lambda: stretch.choose(actor=world_a.manager, assignment=assignment, interests=[]),
        "Choose at least one person",
    )
    elsewhere = post(world_a, title="Elsewhere")
    other = interest_of(world_a, elsewhere, world_a.member)
    refused(
        world_a,
        lambda: stretch.choose(actor=world_a.manager, assignment=assignment, interests=[other]),
        "Choose among the people who expressed interest",
    )
    refused(
        world_a,
        lambda: stretch.choose(
            actor=world_a.manager, assignment=assignment, interests=[world_b.growth.interest]
        ),
        "Choose among the people who expressed interest",
    )
    with world_a.scope():
        stretch.withdraw_interest(person=world_a.report, interest=world_a.growth.interest)
    refused(
        world_a,
        lambda: stretch.choose(
            actor=world_a.manager, assignment=assignment, interests=[world_a.growth.interest]
        ),
        "still want it",
    )


def test_only_the_owner_or_hr_chooses(world_a):
    assignment = world_a.growth.opportunity
    for outsider in (world_a.member, world_a.report):
        refused(
            world_a,
            lambda who=outsider: stretch.choose(
                actor=who, assignment=assignment, interests=[world_a.growth.interest]
            ),
            "Only the person who posted",
        )
    with world_a.scope():
        chosen = stretch.choose(
            actor=world_a.hr, assignment=assignment, interests=[world_a.growth.interest]
        )
    assert [row.person for row in chosen] == [world_a.report]


def test_choosing_starts_it_links_a_goal_and_tells_everyone_else_kindly(world_a):
    assignment = post(world_a, seats=2, duration_weeks=6)
    first = interest_of(world_a, assignment, world_a.report)
    second = interest_of(world_a, assignment, world_a.member)
    passed_over = interest_of(world_a, assignment, world_a.hr)
    with world_a.scope():
        assert not DevelopmentPlan.objects.filter(owner=world_a.member).exists()
        chosen = stretch.choose(
            actor=world_a.manager, assignment=assignment, interests=[first, second]
        )
        assignment.refresh_from_db()
        statuses = dict(
            StretchInterest.objects.filter(assignment=assignment).values_list("person", "status")
        )
        goal = Goal.objects.get(stretch_interest=second)
        plan = goal.plan
        history = list(plan.events.values_list("kind", flat=True))
        kind_words = OutboxMessage.objects.get(recipient=world_a.hr, kind="stretch.decision")
        good_news = OutboxMessage.objects.get(recipient=world_a.member, kind="stretch.decision")
        audit = AuditEvent.objects.get(action="stretch.chosen", target_id=assignment.pk)
        competencies = set(goal.competencies.all())
    assert {row.pk for row in chosen} == {first.pk, second.pk}
    assert assignment.status == "underway"
    assert statuses == {
        world_a.report.pk: "chosen",
        world_a.member.pk: "chosen",
        world_a.hr.pk: "not_chosen",
    }
    assert plan.owner == world_a.member  # the plan was started for them
    assert "stretch" in history and "created" in history
    assert goal.title == assignment.title
    assert competencies == {world_a.framework.competency, world_a.framework.other_competency}
    today = local_today(world_a.member)
    assert (goal.start_on, goal.target_on) == (today, today + timedelta(weeks=6))
    assert "not this time" in kind_words.title and "Thank you" in kind_words.body
    assert "You're on" in good_news.title
    assert sorted(audit.changes["chosen"][1]) == sorted([world_a.report.name, world_a.member.name])
    assert passed_over.pk not in {row.pk for row in chosen}
    refused(
        world_a,
        lambda: stretch.choose(actor=world_a.manager, assignment=assignment, interests=[first]),
        "already chosen",
    )


def test_an_existing_plan_gets_the_goal(world_a):
    with world_a.scope():
        plan, _ = DevelopmentPlan.objects.get_or_create(
            organization=world_a.organization, owner=world_a.report
        )
        goals_before = plan.goals.count()
        stretch.choose(
            actor=world_a.manager,
            assignment=world_a.growth.opportunity,
            interests=[world_a.growth.interest],
        )
        assert DevelopmentPlan.objects.filter(owner=world_a.report).count() == 1
        assert plan.goals.count() == goals_before + 1
        assert plan.goals.get(stretch_interest=world_a.growth.interest).title.startswith("Lead")


# --- the end --------------------------------------------------------------------------------


def test_completing_records_the_owners_outcome_and_asks_for_the_persons(world_a):
    assignment = world_a.growth.opportunity
    interest = world_a.growth.interest
    refused(
        world_a,
        lambda: stretch.complete(actor=world_a.manager, assignment=assignment, outcome="Done."),
        "Only an assignment that is underway",
    )
    with world_a.scope():
        stretch.choose(actor=world_a.manager, assignment=assignment, interests=[interest])
    refused(
        world_a,
        lambda: stretch.complete(actor=world_a.manager, assignment=assignment, outcome=" "),
        "Say how it went",
    )
    refused(
        world_a,
        lambda: stretch.complete(actor=world_a.report, assignment=assignment, outcome="Great!"),
        "Only the person who posted",
    )
    with world_a.scope():
        done = stretch.complete(
            actor=world_a.manager, assignment=assignment, outcome="Ran it calmly; 3 fixes shipped."
        )
        asked = OutboxMessage.objects.filter(
            recipient=world_a.report, kind="stretch.decision", occasion__endswith=":completed"
        ).get()
        events = list(
            PlanEvent.objects.filter(plan__owner=world_a.report, kind="stretch").values_list(
                "summary", flat=True
            )
        )
        stretch.record_person_outcome(
            person=world_a.report, interest=interest, outcome="I learned to say no."
        )
        interest.refresh_from_db()
    assert done.status == "completed" and done.completed_at is not None
    assert "Add your own outcome" in asked.body
    assert any("Completed" in summary for summary in events)
    assert interest.person_outcome == "I learned to say no."


def test_only_the_chosen_person_records_their_outcome(world_a):
    assignment = post(world_a)
    hopeful = interest_of(world_a, assignment, world_a.member)
    refused(
        world_a,
        lambda: stretch.record_person_outcome(person=world_a.member, interest=hopeful, outcome="x"),
        "once you were chosen",
    )
    refused(
        world_a,
        lambda: stretch.record_person_outcome(person=world_a.report, interest=hopeful, outcome="x"),
        "Only the chosen person",
    )


def test_cancelling_tells_the_interested_kindly(world_a):
    assignment = world_a.growth.opportunity
    with world_a.scope():
        stretch.cancel_opportunity(actor=world_a.manager, assignment=assignment)
        told = OutboxMessage.objects.get(recipient=world_a.report, kind="stretch.decision")
    assert "won't go ahead" in told.title and "Thank you" in told.body
    refused(
        world_a,
        lambda: stretch.cancel_opportunity(actor=world_a.manager, assignment=assignment),
        "still open can be cancelled",
    )
