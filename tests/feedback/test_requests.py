"""Asking for feedback, answering and declining, reminders and expiry."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from feedback import tasks
from feedback.models import Feedback, FeedbackRequest, RequestReviewer, RequestStatus, Visibility
from feedback.services import requests as services
from perfapp.notifications.models import OutboxMessage, OutboxStatus
from perfapp.notifications.tasks import dispatch_outbox
from perfapp.tenancy.scoping import scopes_disabled

from ..helpers import html_of, org_url
from ..notifications.helpers import notifications_of

ANSWER = {
    "kind": "constructive",
    "situation": "In the billing migration review on Thursday you skipped the rollback plan.",
    "impact": "Finance could not tell when the old invoices would come back.",
    "suggestion": "Next time, open with the rollback plan.",
    "visibility": "private",
}


def today() -> date:
    """Today where the test organizations are (Europe/Berlin), as the services see it:
    between 23:00 and midnight UTC that is already tomorrow."""
    return timezone.localdate(timezone=ZoneInfo("Europe/Berlin"))


def request_state(world) -> dict:
    org = world.organization
    with scopes_disabled():
        return {
            "requests": sorted(
                FeedbackRequest.objects.filter(organization=org).values_list(
                    "id", "requester_id", "subject_id", "topic", "due_date"
                )
            ),
            "rows": sorted(
                RequestReviewer.objects.filter(organization=org).values_list(
                    "id", "reviewer_id", "status", "decline_reason", "responded_at"
                )
            ),
            "feedback": sorted(
                Feedback.objects.filter(organization=org).values_list("id", "situation")
            ),
            "outbox": sorted(
                OutboxMessage.objects.filter(organization=org).values_list("id", "status")
            ),
        }


def ask(world, requester, subject, reviewers, due_in: int = 7, topic: str = "The Q3 roadmap"):
    with world.scope():
        return services.request_feedback(
            requester=requester,
            subject=subject,
            reviewers=reviewers,
            topic=topic,
            due_date=today() + timedelta(days=due_in),
        )


def row_of(world, asked, reviewer) -> RequestReviewer:
    with world.scope():
        return RequestReviewer.objects.get(request=asked, reviewer=reviewer)


# --- asking ------------------------------------------------------------------------------------


def test_a_person_asks_colleagues_about_their_own_work(world_a, login):
    client = login(world_a.report)
    form = client.get(org_url("feedback:request_new"))
    assert form.status_code == 200
    page = html_of(form)
    assert 'name="subject"' not in page  # only managers choose whom it is about
    assert f'value="{(today() + timedelta(days=7)).isoformat()}"' in page  # due in a week

    response = client.post(
        org_url("feedback:request_new"),
        {
            "reviewers": [world_a.member.pk, world_a.manager.pk],
            "topic": "My talk at the all-hands",
            "due_date": (today() + timedelta(days=5)).isoformat(),
            "message": "Was the demo part too long?",
            "competency": world_a.framework.competency.pk,
        },
    )
    with world_a.scope():
        asked = FeedbackRequest.objects.get(topic="My talk at the all-hands")
        reviewers = set(asked.reviewers.values_list("reviewer_id", flat=True))
        requested = set(
            OutboxMessage.objects.filter(kind="feedback.requested").values_list(
                "recipient_id", flat=True
            )
        )
    assert response.status_code == 302
    assert response["Location"] == org_url("feedback:request", pk=asked.pk)
    assert (asked.requester, asked.subject) == (world_a.report, world_a.report)
    assert asked.competency == world_a.framework.competency
    assert reviewers == requested == {world_a.member.pk, world_a.manager.pk}

    status = html_of(client.get(response["Location"]))
    assert "Asked 2 colleagues for feedback" in status
    assert status.count('class="badge badge-accent">Waiting') == 2


def test_a_manager_asks_about_a_report(world_a, login):
    client = login(world_a.manager)
    page = html_of(client.get(org_url("feedback:request_new")))
    assert 'name="subject"' in page
    assert world_a.report.name in page

    response = client.post(
        org_url("feedback:request_new"),
        {
            "subject": world_a.report.pk,
            "reviewers": [world_a.member.pk],
            "topic": "Working with design",
            "due_date": (today() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    with world_a.scope():
        asked = FeedbackRequest.objects.get(topic="Working with design")
    assert (asked.requester, asked.subject) == (world_a.manager, world_a.report)

    row = row_of(world_a, asked, world_a.member)
    answer_page = html_of(login(world_a.member).get(org_url("feedback:answer", pk=row.pk)))
    assert f"Only {world_a.manager.name}, the manager who asked" in answer_page
    assert f"{world_a.report.name} and their manager" in answer_page
    assert "Only " + world_a.report.name + "<" not in answer_page


def _about_a_colleague(world):
    return {"subject": world.report.pk}, "You can ask about yourself or about someone who reports"


def _due_in_the_past(world):
    return (
        {"due_date": (today() - timedelta(days=2)).isoformat()},
        "Choose a due date from today on.",
    )


def _asking_yourself(world):
    return (
        {"reviewers": [world.member.pk, world.owner.pk]},
        "Ask colleagues other than yourself and the person it is about.",
    )


def _nobody(world):
    return {"reviewers": []}, "Choose at least one colleague to ask."


def _no_topic(world):
    return {"topic": " "}, "Say what you'd like feedback on"


def _a_bad_date(world):
    return {"due_date": "next friday"}, "Enter a date like"


@pytest.mark.parametrize(
    "case",
    [_about_a_colleague, _due_in_the_past, _asking_yourself, _nobody, _no_topic, _a_bad_date],
)
def test_a_bad_request_gets_a_clear_error_and_changes_nothing(case, world_a, login):
    overrides, message = case(world_a)
    before = request_state(world_a)
    response = login(world_a.member).post(
        org_url("feedback:request_new"),
        {
            "reviewers": [world_a.owner.pk],
            "topic": "The design review",
            "due_date": (today() + timedelta(days=3)).isoformat(),
            **overrides,
        },
    )
    assert response.status_code == 400
    assert message in html_of(response)
    assert request_state(world_a) == before


def test_a_manager_cannot_ask_about_someone_elses_report(world_a, login):
    before = request_state(world_a)
    response = login(world_a.owner).post(  # the owner is the report's skip-level manager
        org_url("feedback:request_new"),
        {
            "subject": world_a.report.pk,
            "reviewers": [world_a.member.pk],
            "topic": "Leadership",
            "due_date": (today() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "You can ask about yourself or about someone who reports to you." in html_of(response)
    assert request_state(world_a) == before


# --- answering and declining ------------------------------------------------------------------


def test_answering_creates_linked_feedback_and_notifies(world_a, login):
    row = world_a.feedback.request_row  # the report asks the member
    client = login(world_a.member)
    page = html_of(client.get(org_url("feedback:answer", pk=row.pk)))
    assert "The billing migration" in page  # the request's topic
    assert f"Feedback for {world_a.report.name}" in page

    response = client.post(org_url("feedback:answer", pk=row.pk), ANSWER)
    with world_a.scope():
        row.refresh_from_db()
        feedback = Feedback.objects.get(request_reviewer=row)
    assert response.status_code == 302
    assert response["Location"] == org_url("feedback:detail", pk=feedback.pk)
    assert (feedback.author, feedback.recipient) == (world_a.member, world_a.report)
    assert row.status == RequestStatus.ANSWERED
    assert row.responded_at is not None

    dispatch_outbox()
    titles = [n.title for n in notifications_of(world_a.report)]
    assert f"{world_a.member.name} gave you feedback" in titles

    status = html_of(login(world_a.report).get(org_url("feedback:request", pk=row.request_id)))
    assert "Read the answer" in status
    assert org_url("feedback:detail", pk=feedback.pk) in status


def test_an_answer_to_a_managers_request_goes_to_the_manager_only(world_a, login):
    asked = ask(world_a, world_a.manager, world_a.report, [world_a.member])
    row = row_of(world_a, asked, world_a.member)
    response = login(world_a.member).post(
        org_url("feedback:answer", pk=row.pk), {**ANSWER, "visibility": Visibility.MANAGER_ONLY}
    )
    assert response.status_code == 302
    with world_a.scope():
        feedback = Feedback.objects.get(request_reviewer=row)
    assert feedback.visibility == Visibility.MANAGER_ONLY

    dispatch_outbox()
    assert [n.kind for n in notifications_of(world_a.report)].count("feedback.received") == 0
    assert f"{world_a.member.name} answered your request about {world_a.report.name}" in [
        n.title for n in notifications_of(world_a.manager)
    ]
    assert login(world_a.report).get(org_url("feedback:detail", pk=feedback.pk)).status_code == 404
    assert login(world_a.manager).get(org_url("feedback:detail", pk=feedback.pk)).status_code == 200


def test_a_private_answer_to_a_managers_request_is_refused(world_a, login):
    asked = ask(world_a, world_a.manager, world_a.report, [world_a.member])
    row = row_of(world_a, asked, world_a.member)
    before = request_state(world_a)
    response = login(world_a.member).post(org_url("feedback:answer", pk=row.pk), ANSWER)  # private
    assert response.status_code == 400
    assert "A manager asked for this" in html_of(response)
    assert request_state(world_a) == before


def test_answering_twice_is_refused(world_a, login):
    row = world_a.feedback.request_row
    client = login(world_a.member)
    assert client.post(org_url("feedback:answer", pk=row.pk), ANSWER).status_code == 302
    before = request_state(world_a)

    again = client.post(
        org_url("feedback:answer", pk=row.pk), {**ANSWER, "situation": "Another go."}
    )
    assert again.status_code == 400
    assert "You have already answered this request" in html_of(again)
    assert request_state(world_a) == before
    assert "You have already answered this request" in html_of(
        client.get(org_url("feedback:answer", pk=row.pk))
    )
    declined = client.post(org_url("feedback:decline", pk=row.pk), {"reason": "Too late anyway."})
    assert declined.status_code == 400
    assert "You have already answered this request." in html_of(declined)
    assert request_state(world_a) == before


def test_an_empty_answer_changes_nothing(world_a, login):
    row = world_a.feedback.request_row
    before = request_state(world_a)
    response = login(world_a.member).post(
        org_url("feedback:answer", pk=row.pk), {**ANSWER, "situation": ""}
    )
    assert response.status_code == 400
    assert "Describe what happened" in html_of(response)
    assert request_state(world_a) == before


def test_declining_needs_a_reason_and_tells_the_asker(world_a, login):
    row = world_a.feedback.request_row
    client = login(world_a.member)
    assert client.get(org_url("feedback:decline", pk=row.pk)).status_code == 200
    before = request_state(world_a)

    missing = client.post(org_url("feedback:decline", pk=row.pk), {"reason": "  "})
    assert missing.status_code == 400
    assert "Say why, so they can ask someone else." in html_of(missing)
    assert request_state(world_a) == before

    response = client.post(
        org_url("feedback:decline", pk=row.pk), {"reason": "I wasn't on that project."}
    )
    assert response.status_code == 302
    assert response["Location"] == org_url("feedback:requests")
    with world_a.scope():
        row.refresh_from_db()
    assert (row.status, row.decline_reason) == (RequestStatus.DECLINED, "I wasn't on that project.")

    dispatch_outbox()
    declined = [
        n for n in notifications_of(world_a.report) if n.kind == "feedback.request_declined"
    ]
    assert [n.body for n in declined] == ["I wasn't on that project."]
    status = html_of(login(world_a.report).get(org_url("feedback:request", pk=row.request_id)))
    assert "Declined" in status
    assert "I wasn't on that project." in status


@pytest.mark.parametrize("who", ["owner", "manager", "hr", "report"])
def test_only_the_asked_person_answers_or_declines(who, world_a, login):
    row = world_a.feedback.request_row  # the member's part (the owner has their own row)
    client = login(getattr(world_a, who))
    before = request_state(world_a)
    assert client.get(org_url("feedback:answer", pk=row.pk)).status_code == 404
    assert client.post(org_url("feedback:answer", pk=row.pk), ANSWER).status_code == 404
    assert client.get(org_url("feedback:decline", pk=row.pk)).status_code == 404
    assert client.post(org_url("feedback:decline", pk=row.pk), {"reason": "No."}).status_code == 404
    assert request_state(world_a) == before


def test_the_request_page_shows_each_person_to_the_asker_and_only_their_row_to_a_reviewer(
    world_a, login
):
    asked = world_a.feedback.request  # the report asks the member and the owner
    asker = html_of(login(world_a.report).get(org_url("feedback:request", pk=asked.pk)))
    assert world_a.member.name in asker
    assert world_a.owner.name in asker
    assert "0 of 2 answered" in asker

    reviewer = html_of(login(world_a.member).get(org_url("feedback:request", pk=asked.pk)))
    assert world_a.owner.name not in reviewer
    assert org_url("feedback:answer", pk=world_a.feedback.request_row.pk) in reviewer

    for outsider in ("manager", "hr"):
        assert (
            login(getattr(world_a, outsider))
            .get(org_url("feedback:request", pk=asked.pk))
            .status_code
            == 404
        )


def test_the_requests_page_lists_both_sides(world_a, login):
    page = html_of(login(world_a.report).get(org_url("feedback:requests")))
    assert "The billing migration" in page
    assert "0 of 2 answered" in page
    row = world_a.feedback.request_row
    member = login(world_a.member)
    assert org_url("feedback:answer", pk=row.pk) in html_of(
        member.get(org_url("feedback:requests"))
    )
    member.post(org_url("feedback:decline", pk=row.pk), {"reason": "On leave."})
    recently = html_of(member.get(org_url("feedback:requests")))
    assert "Recently" in recently
    assert "You declined" in recently


# --- reminders and expiry ---------------------------------------------------------------------


def _reminders(row) -> dict[str, tuple]:
    with scopes_disabled():
        return {
            m.occasion.rsplit(":", 1)[1]: (m.due_at, m.status)
            for m in OutboxMessage.objects.filter(
                recipient_id=row.reviewer_id,
                kind="feedback.request_reminder",
                occasion__startswith=f"request:{row.pk}:",
            )
        }


def _nine_am(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize("how", ["answer", "decline"])
def test_reminders_are_due_at_nine_in_the_reviewers_time_zone_and_cancelled(how, world_a):
    reviewer = world_a.member
    reviewer.user.time_zone = "America/New_York"
    reviewer.user.save(update_fields=["time_zone"])
    asked = ask(world_a, world_a.report, world_a.report, [reviewer], due_in=5)
    row = row_of(world_a, asked, reviewer)
    due = asked.due_date
    assert _reminders(row) == {
        "due": (_nine_am(due - timedelta(days=1), "America/New_York"), OutboxStatus.PENDING),
        "overdue": (_nine_am(due + timedelta(days=1), "America/New_York"), OutboxStatus.PENDING),
    }
    with world_a.scope():
        if how == "answer":
            services.answer_request(reviewer=reviewer, row=row, **ANSWER)
        else:
            services.decline_request(reviewer=reviewer, row=row, reason="Out that week.")
    assert {status for _, status in _reminders(row).values()} == {OutboxStatus.CANCELLED}


def test_a_request_due_today_only_gets_the_overdue_reminder(world_a):
    asked = ask(world_a, world_a.report, world_a.report, [world_a.member], due_in=0)
    row = row_of(world_a, asked, world_a.member)
    assert set(_reminders(row)) == {"overdue"}  # the day before is already past
    assert _reminders(row)["overdue"][0] == _nine_am(
        asked.due_date + timedelta(days=1), world_a.organization.time_zone
    )


def test_long_overdue_requests_expire(world_a, login):
    row = world_a.feedback.request_row
    with world_a.scope():
        # The daily task counts in the server's calendar (UTC), for every organization at
        # once: one day past its cutoff there, whatever the hour.
        FeedbackRequest.objects.filter(pk=row.request_id).update(
            due_date=timezone.now().date() - services.REQUEST_EXPIRES_AFTER - timedelta(days=1)
        )
        fresh = ask(world_a, world_a.report, world_a.report, [world_a.manager], due_in=0)
    assert tasks.expire_feedback_requests() == 2  # the member's and the owner's parts
    with scopes_disabled():
        row.refresh_from_db()
        assert row.status == RequestStatus.EXPIRED
        assert fresh.reviewers.get().status == RequestStatus.PENDING

    client = login(world_a.member)
    before = request_state(world_a)
    page = client.post(org_url("feedback:answer", pk=row.pk), ANSWER)
    assert page.status_code == 400
    assert "This request has expired" in html_of(page)
    assert request_state(world_a) == before
    assert "Expired" in html_of(
        login(world_a.report).get(org_url("feedback:request", pk=row.request_id))
    )


def test_a_request_due_recently_does_not_expire_yet(world_a):
    with world_a.scope():
        FeedbackRequest.objects.filter(pk=world_a.feedback.request.pk).update(
            due_date=today() - timedelta(days=3)
        )
        assert services.expire_requests(today()) == 0


def test_a_waiting_reviewer_reads_when_they_will_be_reminded(world_a, login):
    """Beside the "Waiting" badge, what happens next, not "Waiting; reminded …" again."""
    asked = world_a.feedback.request
    page = " ".join(
        html_of(login(world_a.report).get(org_url("feedback:request", pk=asked.pk))).split()
    )
    assert page.count("They'll get a reminder the day before it's due.") == 2
    assert "Waiting;" not in page
    page = " ".join(
        html_of(login(world_a.member).get(org_url("feedback:request", pk=asked.pk))).split()
    )
    assert "You'll get a reminder the day before it's due." in page
