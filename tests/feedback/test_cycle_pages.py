"""Feedback cycles in the browser (Django test client): HR builds and runs a cycle, people
answer, nominate and approve peers, participants and their managers read the results;
who may open which page; and the progress dashboard's fixed query budget."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import (
    AssignmentStatus,
    CycleAnswer,
    CycleParticipant,
    CycleQuestion,
    CycleResponse,
    CycleStatus,
    FeedbackCycle,
    Relation,
    ReviewerAssignment,
    SealedResponse,
)
from feedback.services import cycles
from perfapp.accounts.models import User
from perfapp.notifications.models import OutboxMessage
from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import scopes_disabled

from ..factories import MembershipFactory
from ..helpers import html_of, org_url, signed_in_client


def send(client, review, data: dict):
    """Post answers as the review form does: to the one address, the review in the body."""
    return client.post(org_url("feedback:cycle_answer_send"), {"review": review.pk, **data})


def new_cycle_data(**overrides) -> dict:
    today = timezone.now().date()
    data = {
        "name": "Autumn 360",
        "description": "What should each of us keep, start, stop?",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=14)).isoformat(),
        "include_self": "on",
        "include_manager": "on",
        "include_peers": "on",
        "max_peers": "3",
        "anonymous": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def cycle_state() -> list:
    with scopes_disabled():
        return [
            list(model.objects.order_by("pk").values())
            for model in (
                FeedbackCycle,
                CycleQuestion,
                CycleParticipant,
                ReviewerAssignment,
                CycleResponse,
                CycleAnswer,
                SealedResponse,
            )
        ]


# --- HR builds and runs a cycle ----------------------------------------------------------


def test_hr_builds_a_cycle_through_the_pages_opens_it_and_follows_progress(world_a):
    hr = signed_in_client(world_a.hr)
    assert hr.get(org_url("feedback:cycle_new")).status_code == 200
    response = hr.post(
        org_url("feedback:cycle_new"), new_cycle_data(closes_on=timezone.now().date().isoformat())
    )
    assert response.status_code == 400
    assert "The cycle must close after it opens." in html_of(response)

    response = hr.post(org_url("feedback:cycle_new"), new_cycle_data())
    with world_a.scope():
        cycle = FeedbackCycle.objects.get(name="Autumn 360")
    assert response.status_code == 302 and response["Location"] == org_url(
        "feedback:cycle", pk=cycle.pk
    )
    assert cycle.status == CycleStatus.DRAFT and cycle.anonymous and cycle.created_by == world_a.hr
    page = html_of(hr.get(response["Location"]))
    assert "Add at least one question and one participant first." in page
    assert "Open cycle" in page

    # Questions: htmx adds in place; a competency question without competency is refused.
    partial = hr.post(
        org_url("feedback:cycle", pk=cycle.pk),
        {
            "form": "question",
            "kind": "rating",
            "prompt": "How clearly do they share plans?",
            "required": "on",
        },
        headers={"HX-Request": "true"},
    )
    body = html_of(partial)
    assert partial.status_code == 200 and "<html" not in body
    assert "How clearly do they share plans?" in body and "Question added." in body
    assert 'id="open-cycle" hx-swap-oob="true"' in body  # the header's button is refreshed
    before = cycle_state()
    refused = hr.post(
        org_url("feedback:cycle", pk=cycle.pk),
        {"form": "question", "kind": "competency", "prompt": "Craft?"},
    )
    assert refused.status_code == 400
    assert "Choose the competency this question rates." in html_of(refused)
    assert cycle_state() == before
    response = hr.post(
        org_url("feedback:cycle", pk=cycle.pk),
        {
            "form": "question",
            "kind": "competency",
            "prompt": "How do they grow others?",
            "competency": world_a.framework.competency.pk,
            "required": "on",
        },
    )
    assert response.status_code == 302
    response = hr.post(
        org_url("feedback:cycle", pk=cycle.pk),
        {"form": "question", "kind": "text", "prompt": "Anything else?"},
    )
    with world_a.scope():
        questions = list(cycle.questions.values_list("kind", "prompt", "required", "competency"))
        anything = cycle.questions.get(prompt="Anything else?")
    assert questions == [
        ("rating", "How clearly do they share plans?", True, None),
        ("competency", "How do they grow others?", True, world_a.framework.competency.pk),
        ("text", "Anything else?", False, None),
    ]
    assert hr.get(org_url("feedback:cycle_question_delete", pk=anything.pk)).status_code == 405
    removed = hr.post(
        org_url("feedback:cycle_question_delete", pk=anything.pk), headers={"HX-Request": "true"}
    )
    assert removed.status_code == 200 and "Removed “Anything else?”." in html_of(removed)
    with world_a.scope():
        assert cycle.questions.count() == 2

    # Participants: everyone, a team, chosen people.
    def participants():
        with world_a.scope():
            return set(cycle.participants.values_list("participant_id", flat=True))

    with world_a.scope():
        everyone = set(Membership.objects.filter(is_active=True).values_list("pk", flat=True))
        team = set(world_a.team.members.values_list("pk", flat=True))
    hr.post(org_url("feedback:cycle", pk=cycle.pk), {"form": "participants", "mode": "everyone"})
    assert participants() == everyone
    response = hr.post(
        org_url("feedback:cycle", pk=cycle.pk), {"form": "participants", "mode": "team"}
    )
    assert response.status_code == 400 and "Choose the team that takes part." in html_of(response)
    hr.post(
        org_url("feedback:cycle", pk=cycle.pk),
        {"form": "participants", "mode": "team", "team": world_a.team.pk},
    )
    assert participants() == team
    partial = hr.post(
        org_url("feedback:cycle", pk=cycle.pk),
        {
            "form": "participants",
            "mode": "people",
            "people": [world_a.report.pk, world_a.member.pk],
        },
        headers={"HX-Request": "true"},
    )
    assert "2 participants chosen." in html_of(partial)
    assert participants() == {world_a.report.pk, world_a.member.pk}

    # Settings can change while it is a draft.
    response = hr.post(
        org_url("feedback:cycle", pk=cycle.pk),
        {"form": "settings", **new_cycle_data(name="Autumn 360 (v2)")},
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.name == "Autumn 360 (v2)"

    # Open: reviewers are assigned and the dashboard shows counts.
    response = hr.post(org_url("feedback:cycle_open", pk=cycle.pk))
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    dashboard = html_of(hr.get(org_url("feedback:cycle", pk=cycle.pk)))
    assert "0 of 3 reviews answered" in dashboard  # report: self + manager; member: self
    assert "0 of 2" in dashboard and "0 of 1" in dashboard
    assert "Send reminders" in dashboard and "Close cycle" in dashboard
    listing = html_of(hr.get(org_url("feedback:cycles")))
    assert "Autumn 360 (v2)" in listing and "0 of 3" in listing

    # Once open, nothing about it is reconfigured through the page.
    assert hr.post(org_url("feedback:cycle", pk=cycle.pk), {"form": "settings"}).status_code == 405
    reminded = hr.post(
        org_url("feedback:cycle_remind", pk=cycle.pk), headers={"HX-Request": "true"}
    )
    assert "Reminder sent to 3 reviewers." in html_of(reminded)
    again = hr.post(org_url("feedback:cycle_remind", pk=cycle.pk), headers={"HX-Request": "true"})
    assert "already reminded today" in html_of(again)


def test_opening_without_participants_says_what_is_missing(world_a):
    hr = signed_in_client(world_a.hr)
    hr.post(org_url("feedback:cycle_new"), new_cycle_data(name="Empty"))
    with world_a.scope():
        cycle = FeedbackCycle.objects.get(name="Empty")
    response = hr.post(org_url("feedback:cycle_open", pk=cycle.pk), follow=True)
    assert "Add participants before opening the cycle." in html_of(response)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DRAFT


def test_a_cycle_dated_in_the_past_gets_a_form_error_next_to_its_closing_date(world_a):
    hr = signed_in_client(world_a.hr)
    today = timezone.now().date()
    before = cycle_state()
    response = hr.post(
        org_url("feedback:cycle_new"),
        new_cycle_data(
            opens_on=(today - timedelta(days=30)).isoformat(),
            closes_on=(today - timedelta(days=2)).isoformat(),
        ),
    )
    assert response.status_code == 400
    field = response.context["form"]["closes_on"]
    assert field.errors == [
        f"This cycle would have closed on {today - timedelta(days=2):%-d %B %Y}, before "
        "today. Choose a closing date from today on."
    ]
    assert "field-invalid" in response.content.decode()
    assert cycle_state() == before


def test_opening_before_the_opens_on_date_schedules_it_through_the_page(world_a):
    hr = signed_in_client(world_a.hr)
    opens_on = timezone.now().date() + timedelta(days=3)
    hr.post(
        org_url("feedback:cycle_new"),
        new_cycle_data(
            name="Later 360",
            opens_on=opens_on.isoformat(),
            closes_on=(opens_on + timedelta(days=10)).isoformat(),
        ),
    )
    with world_a.scope():
        cycle = FeedbackCycle.objects.get(name="Later 360")
        cycles.add_question(actor=world_a.hr, cycle=cycle, kind="text", prompt="Keep?")
        cycles.set_participants(actor=world_a.hr, cycle=cycle, members=[world_a.report])
    page = html_of(hr.get(org_url("feedback:cycle", pk=cycle.pk)))
    assert f"Open on {opens_on:%-d %b}" in page
    assert f"Ready: it opens on {opens_on:%-d %b}, and reviewers are told then." in page

    response = hr.post(org_url("feedback:cycle_open", pk=cycle.pk), follow=True)
    page = html_of(response)
    assert f"Later 360 will open on {opens_on:%A %-d %B}: reviewers are told that day." in page
    assert "Scheduled" in page and "Cancel scheduled opening" in page
    assert "Save settings" not in page and "Add question" not in page  # fixed until then
    with world_a.scope():
        assert not ReviewerAssignment.objects.filter(cycle=cycle).exists()
        assert not OutboxMessage.objects.exists()
    # A form still open in another tab changes nothing and says why.
    before = cycle_state()
    stale = hr.post(
        org_url("feedback:cycle", pk=cycle.pk),
        {"form": "question", "kind": "text", "prompt": "?"},
        follow=True,
    )
    assert "Cancel the scheduled opening to change it." in html_of(stale)
    partial = hr.post(
        org_url("feedback:cycle", pk=cycle.pk),
        {"form": "participants", "mode": "everyone"},
        headers={"HX-Request": "true"},
    )
    assert partial.status_code == 204 and partial["HX-Redirect"] == org_url(
        "feedback:cycle", pk=cycle.pk
    )
    assert cycle_state() == before

    response = hr.post(org_url("feedback:cycle_unschedule", pk=cycle.pk), follow=True)
    page = html_of(response)
    assert "Later 360 will not open by itself. You can change it again." in page
    assert "Save settings" in page and f"Open on {opens_on:%-d %b}" in page


# --- reviewers answer --------------------------------------------------------------------


def _rating_cycle(world):
    """An open anonymous cycle about the report with a rating and a text question."""
    today = timezone.now().date()
    with world.scope():
        cycle = cycles.save_cycle(
            actor=world.hr,
            cycle=FeedbackCycle(
                name="Rated 360",
                opens_on=today,
                closes_on=today + timedelta(days=7),
                anonymous=True,
            ),
        )
        rating = cycles.add_question(actor=world.hr, cycle=cycle, kind="rating", prompt="Pace?")
        text = cycles.add_question(actor=world.hr, cycle=cycle, kind="text", prompt="Keep?")
        cycles.set_participants(actor=world.hr, cycle=cycle, members=[world.report])
        cycles.open_cycle(actor=world.hr, cycle=cycle)
        cycle.refresh_from_db()
        manager_review = ReviewerAssignment.objects.get(cycle=cycle, relation=Relation.MANAGER)
        self_review = ReviewerAssignment.objects.get(cycle=cycle, relation=Relation.SELF)
    return cycle, rating, text, manager_review, self_review


def test_a_reviewer_answers_through_the_page_knowing_who_will_read_it(world_a):
    cycle, rating, text, review, _ = _rating_cycle(world_a)
    manager = signed_in_client(world_a.manager)
    first = world_a.report.user.get_short_name()
    page = html_of(manager.get(org_url("feedback:cycle_answer", pk=review.pk)))
    assert (
        f"Anonymous: {first} sees your answers mixed with at least two others', never your name."
        in page
    )
    assert "HR sees only that you answered." in page
    assert "<fieldset><legend>Pace?</legend>" in page
    assert page.count(f'name="q{rating.pk}" value=') == 5 and 'type="radio"' in page
    assert f'<textarea name="q{text.pk}"' in page
    # The form sends to an address that names no review; the review rides in the body.
    assert f'action="{org_url("feedback:cycle_answer_send")}"' in page
    assert f'<input type="hidden" name="review" value="{review.pk}">' in page

    before = cycle_state()
    for bad in (
        {f"q{text.pk}": "Steady."},
        {f"q{rating.pk}": "9", f"q{text.pk}": "Steady."},
        {f"q{rating.pk}": "4", f"q{text.pk}": "  "},
    ):
        response = send(manager, review, bad)
        assert response.status_code == 400
        assert "nothing was saved yet" in html_of(response)
    assert cycle_state() == before
    response = send(manager, review, {f"q{rating.pk}": "4", f"q{text.pk}": "Steady."})
    assert response.status_code == 302 and response["Location"] == org_url("feedback:cycles")
    with world_a.scope():
        assert not CycleResponse.objects.filter(participant__cycle=cycle).exists()  # sealed
        assert SealedResponse.objects.filter(cycle=cycle).count() == 1

    before = cycle_state()
    again = send(manager, review, {f"q{rating.pk}": "1", f"q{text.pk}": "Again."})
    assert again.status_code == 400 and "You have already answered" in html_of(again)
    assert cycle_state() == before

    signed_in_client(world_a.hr).post(org_url("feedback:cycle_close", pk=cycle.pk))
    with world_a.scope():
        [stored] = CycleResponse.objects.filter(participant__cycle=cycle)
        answers = sorted(stored.answers.values_list("rating", "text"), key=str)
    assert stored.author_id is None and answers == sorted([(4, ""), (None, "Steady.")], key=str)
    assert (
        "Rated 360" not in html_of(manager.get(org_url("feedback:cycles"))).split("Your cycles")[0]
    )


def test_answers_posted_to_the_old_address_are_shown_back_and_not_stored(world_a):
    """A review page opened before answers moved posts to the review's own address; the
    answers come back in the form, with a word on why, and nothing is stored."""
    _, rating, text, review, _ = _rating_cycle(world_a)
    manager = signed_in_client(world_a.manager)
    before = cycle_state()
    response = manager.post(
        org_url("feedback:cycle_answer", pk=review.pk),
        {f"q{rating.pk}": "4", f"q{text.pk}": "Kept text."},
    )
    assert response.status_code == 400
    body = html_of(response)
    assert "Nothing was sent yet" in body and "Kept text." in body
    assert f'action="{org_url("feedback:cycle_answer_send")}"' in body
    assert cycle_state() == before
    with world_a.scope():
        review.refresh_from_db()
    assert review.status == AssignmentStatus.PENDING


def test_sending_someone_elses_review_or_no_review_answers_404(world_a):
    _, rating, text, review, own = _rating_cycle(world_a)
    before = cycle_state()
    answers = {f"q{rating.pk}": "4", f"q{text.pk}": "Not mine."}
    member = signed_in_client(world_a.member)
    assert (
        member.post(
            org_url("feedback:cycle_answer_send"), {"review": review.pk, **answers}
        ).status_code
        == 404
    )
    manager = signed_in_client(world_a.manager)
    for missing in ({}, {"review": ""}, {"review": "abc"}, {"review": own.pk}):
        assert (
            manager.post(org_url("feedback:cycle_answer_send"), {**missing, **answers}).status_code
            == 404
        )
    assert cycle_state() == before


def test_a_self_review_says_it_is_ones_own_view_and_a_closed_cycle_takes_no_answers(world_a):
    cycle, rating, text, _, own = _rating_cycle(world_a)
    report = signed_in_client(world_a.report)
    page = html_of(report.get(org_url("feedback:cycle_answer", pk=own.pk)))
    assert "Your own view, shown next to the others'." in page
    assert f"You and your manager, {world_a.manager.name}, read it once the cycle closes." in page
    signed_in_client(world_a.hr).post(org_url("feedback:cycle_close", pk=cycle.pk))
    before = cycle_state()
    response = send(report, own, {f"q{rating.pk}": "3", f"q{text.pk}": "Late."})
    assert response.status_code == 400 and "This cycle is closed" in html_of(response)
    assert cycle_state() == before


# --- peers and results -------------------------------------------------------------------


def test_participant_nominates_peers_the_manager_approves_and_they_answer(world_a):
    fw = world_a.feedback
    report = signed_in_client(world_a.report)
    page = html_of(report.get(org_url("feedback:cycle_peers", pk=fw.cycle.pk)))
    assert "Choose up to 3." in page
    assert f"{world_a.manager.name}, your manager, sees whom you chose and approves them" in page
    response = report.post(
        org_url("feedback:cycle_peers", pk=fw.cycle.pk),
        {"peers": [world_a.member.pk, world_a.owner.pk]},
    )
    assert response.status_code == 302
    page = html_of(report.get(org_url("feedback:cycle_peers", pk=fw.cycle.pk)))
    assert page.count(f"Waiting for {world_a.manager.user.get_short_name()}'s approval") == 2
    over = report.post(
        org_url("feedback:cycle_peers", pk=fw.cycle.pk),
        {"peers": [world_a.hr.pk, world_a.manager.pk]},
    )
    assert over.status_code == 400  # one place left, and the manager is no peer

    manager = signed_in_client(world_a.manager)
    listing = html_of(manager.get(org_url("feedback:cycles")))
    assert "Approve peers" in listing and "2 colleagues waiting" in listing
    with world_a.scope():
        member_row, owner_row = (
            ReviewerAssignment.objects.get(participant=fw.entry, reviewer=person)
            for person in (world_a.member, world_a.owner)
        )
    response = manager.post(
        org_url("feedback:cycle_approvals", pk=fw.cycle.pk),
        {"assignment": [member_row.pk], "decision": "approve"},
    )
    assert response.status_code == 302
    manager.post(
        org_url("feedback:cycle_approvals", pk=fw.cycle.pk),
        {"assignment": [owner_row.pk], "decision": "reject"},
    )
    with world_a.scope():
        statuses = dict(
            ReviewerAssignment.objects.filter(
                participant=fw.entry, relation=Relation.PEER
            ).values_list("reviewer_id", "status")
        )
    assert statuses == {world_a.member.pk: AssignmentStatus.PENDING}
    assert "Nothing to approve" in html_of(
        manager.get(org_url("feedback:cycle_approvals", pk=fw.cycle.pk))
    )

    member = signed_in_client(world_a.member)
    listing = html_of(member.get(org_url("feedback:cycles")))
    assert world_a.report.name in listing and "You review as peer" in listing
    response = send(member, member_row, {f"q{fw.question.pk}": "Calm in incidents."})
    assert response.status_code == 302


def test_results_are_for_the_participant_and_their_manager_once_closed(world_a):
    cycle, rating, text, review, own = _rating_cycle(world_a)
    report = signed_in_client(world_a.report)
    before = html_of(report.get(org_url("feedback:cycle_results", pk=review.participant_id)))
    assert "Results arrive when the cycle closes" in before
    with world_a.scope():
        entry = CycleParticipant.objects.get(pk=review.participant_id)
        for index, score in enumerate((5, 4, 4)):
            peer = MembershipFactory(organization=world_a.organization, user__name=f"Peer {index}")
            assignment = ReviewerAssignment.objects.create(
                organization=world_a.organization,
                cycle=cycle,
                participant=entry,
                reviewer=peer,
                relation=Relation.PEER,
            )
            cycles.submit_answers(
                reviewer=peer,
                assignment=assignment,
                answers={rating.pk: (score, ""), text.pk: (None, f"Answer {index}")},
            )
        cycles.submit_answers(
            reviewer=world_a.report,
            assignment=own,
            answers={rating.pk: (3, ""), text.pk: (None, "My own view.")},
        )
    signed_in_client(world_a.hr).post(org_url("feedback:cycle_close", pk=cycle.pk))

    for who in (world_a.report, world_a.manager):
        page = html_of(signed_in_client(who).get(org_url("feedback:cycle_results", pk=entry.pk)))
        assert "3 colleagues answered" in page and "4.3" in page and "My own view." in page
        assert 'role="img"' in page and "Ratings from others: 1: 0, 2: 0, 3: 0, 4: 2, 5: 1" in page
        assert '<th scope="row">Others</th><td>0</td><td>0</td><td>0</td><td>2</td><td>1</td>' in (
            signed_in_client(who)
            .get(org_url("feedback:cycle_results", pk=entry.pk))
            .content.decode()
        )
    assert "Your results" in html_of(report.get(org_url("feedback:cycle_results", pk=entry.pk)))
    assert f"{world_a.report.name}'s results" in html_of(
        signed_in_client(world_a.manager).get(org_url("feedback:cycle_results", pk=entry.pk))
    )
    assert "Read your results" in html_of(report.get(org_url("feedback:cycles")))
    assert "Your team's results" in html_of(
        signed_in_client(world_a.manager).get(org_url("feedback:cycles"))
    )
    for outsider in (world_a.member, world_a.hr, world_a.owner):
        assert (
            signed_in_client(outsider)
            .get(org_url("feedback:cycle_results", pk=entry.pk))
            .status_code
            == 404
        )


# --- who may open what --------------------------------------------------------------------

PEOPLE = ("owner", "hr", "manager", "report", "member", "other_hr")
# page -> expected GET status per person (pk from the world's open anonymous cycle)
MATRIX = {
    "cycles": (200, 200, 200, 200, 200, 404),
    "cycle_new": (200, 200, 404, 404, 404, 404),
    "cycle": (200, 200, 404, 404, 404, 404),
    "cycle_open": (405, 405, 404, 404, 404, 404),
    "cycle_unschedule": (405, 405, 404, 404, 404, 404),
    "cycle_close": (405, 405, 404, 404, 404, 404),
    "cycle_remind": (405, 405, 404, 404, 404, 404),
    "cycle_question_delete": (405, 405, 404, 404, 404, 404),
    "cycle_peers": (404, 404, 404, 200, 404, 404),
    "cycle_approvals": (200, 404, 200, 404, 404, 404),  # the owner manages people: empty
    "cycle_answer": (404, 404, 200, 404, 404, 404),
    "cycle_answer_send": (405, 405, 405, 405, 405, 404),  # POST only, review in the body
    "cycle_results": (404, 404, 200, 200, 404, 404),
}


def _kwargs(name, world):
    fw = world.feedback
    return {
        "cycle_question_delete": {"pk": fw.question.pk},
        "cycle_answer": {"pk": fw.assignment.pk},
        "cycle_results": {"pk": fw.entry.pk},
    }.get(name, {} if name in ("cycles", "cycle_new", "cycle_answer_send") else {"pk": fw.cycle.pk})


def test_the_permission_matrix_covers_every_cycle_page(world_a, world_b):
    with world_a.scope():
        FeedbackCycle.objects.filter(pk=world_a.feedback.cycle.pk).update(
            status=CycleStatus.CLOSED  # results are readable, every page has something to show
        )
    people = dict(
        zip(
            PEOPLE,
            (
                world_a.owner,
                world_a.hr,
                world_a.manager,
                world_a.report,
                world_a.member,
                world_b.hr,
            ),
            strict=True,
        )
    )
    clients = {who: signed_in_client(person) for who, person in people.items()}
    seen = {}
    for name, expected in MATRIX.items():
        target = org_url(f"feedback:{name}", **_kwargs(name, world_a))
        for who, status in zip(PEOPLE, expected, strict=True):
            seen[(name, who)] = (clients[who].get(target).status_code, status)
    assert {key: got for key, (got, _) in seen.items()} == {
        key: want for key, (_, want) in seen.items()
    }


@pytest.mark.parametrize(
    "name",
    ["cycle_open", "cycle_unschedule", "cycle_close", "cycle_remind", "cycle_question_delete"],
)
@pytest.mark.parametrize("who", ["manager", "report", "member"])
def test_hr_actions_answer_404_to_everyone_else_and_change_nothing(world_a, name, who):
    before = cycle_state()
    with scopes_disabled():
        outbox_before = OutboxMessage.objects.count()
    response = signed_in_client(getattr(world_a, who)).post(
        org_url(f"feedback:{name}", **_kwargs(name, world_a))
    )
    assert response.status_code == 404
    assert cycle_state() == before
    with scopes_disabled():
        assert OutboxMessage.objects.count() == outbox_before


def test_approving_is_for_the_participants_manager_only(world_a):
    fw = world_a.feedback
    with world_a.scope():
        cycles.nominate_peers(participant=world_a.report, cycle=fw.cycle, peers=[world_a.member])
        proposed = ReviewerAssignment.objects.get(participant=fw.entry, reviewer=world_a.member)
    before = cycle_state()
    response = signed_in_client(world_a.owner).post(
        org_url("feedback:cycle_approvals", pk=fw.cycle.pk),
        {"assignment": [proposed.pk], "decision": "approve"},
    )
    assert response.status_code == 400 and "Choose whom to approve" in html_of(response)
    assert cycle_state() == before


# --- performance --------------------------------------------------------------------------


def _grow(world, cycle, count: int) -> None:
    """``count`` more participants, each with a self and a manager review (bulk)."""
    org = world.organization
    start = User.objects.count()
    users = User.objects.bulk_create(
        User(email=f"bulk{start + i}@example.com", name=f"Bulk Person {start + i}")
        for i in range(count)
    )
    with world.scope():
        members = Membership.objects.bulk_create(
            Membership(organization=org, user=user, manager=world.manager, job_title="Engineer")
            for user in users
        )
        entries = CycleParticipant.objects.bulk_create(
            CycleParticipant(organization=org, cycle=cycle, participant=member)
            for member in members
        )
        ReviewerAssignment.objects.bulk_create(
            ReviewerAssignment(
                organization=org,
                cycle=cycle,
                participant=entry,
                reviewer_id=reviewer,
                relation=relation,
                status=AssignmentStatus.ANSWERED if index % 3 == 0 else AssignmentStatus.PENDING,
            )
            for index, entry in enumerate(entries)
            for reviewer, relation in (
                (entry.participant_id, Relation.SELF),
                (world.manager.pk, Relation.MANAGER),
            )
        )


def test_the_progress_dashboard_holds_its_query_budget_at_5_and_200_participants(world_a):
    cycle = world_a.feedback.cycle  # open, with the report as its one participant
    _grow(world_a, cycle, 4)
    hr = signed_in_client(world_a.hr)
    hr.get(org_url("feedback:cycle", pk=cycle.pk))  # warm up the session
    with CaptureQueriesContext(connection) as small:
        response = hr.get(org_url("feedback:cycle", pk=cycle.pk))
    assert response.status_code == 200 and "of 10 reviews answered" in html_of(response)

    _grow(world_a, cycle, 195)
    with CaptureQueriesContext(connection) as large:
        response = hr.get(org_url("feedback:cycle", pk=cycle.pk))
    page = html_of(response)
    assert "of 400 reviews answered" in page and "Page 1 of 8" in page
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    with CaptureQueriesContext(connection) as later:
        assert hr.get(org_url("feedback:cycle", pk=cycle.pk) + "?page=8").status_code == 200
    assert len(later) == len(small)
