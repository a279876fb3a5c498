"""The digest: a daily or weekly email in each person's local morning that gathers what
their notifications said since the last one; per-kind unsubscribe links that work
without signing in (GET confirms, POST changes, CSRF intact); an unknown choice is a
clear error; the inbox groups notifications by kind."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from perfapp.notifications import digest
from perfapp.notifications.models import (
    DigestFrequency,
    DigestPreference,
    Notification,
    NotificationPreference,
)
from perfapp.notifications.tasks import dispatch_outbox

from ..factories import MembershipFactory, NotificationFactory
from ..helpers import org_url, signed_in_client, visible_text

# Wednesday 26 November 2025, 07:05 UTC = 08:05 in Berlin (the test organizations' zone).
BERLIN_MORNING = datetime(2025, 11, 26, 7, 5, tzinfo=UTC)


def choose(person, frequency):
    with time_machine.travel(BERLIN_MORNING - timedelta(days=3), tick=False), person_scope(person):
        return digest.set_digest(person, frequency)


def person_scope(person):
    from perfapp.tenancy.scoping import organization_scope

    return organization_scope(person.organization)


def note(person, title, when, kind="people.role_changed", **extra):
    return NotificationFactory(recipient=person, title=title, kind=kind, created_at=when, **extra)


def run(moment) -> int:
    with time_machine.travel(moment, tick=False):
        return digest.send_digests()


def test_a_daily_digest_leaves_in_the_persons_morning_with_what_happened(world_a, mailoutbox):
    person = world_a.member
    choose(person, DigestFrequency.DAILY)
    note(person, "Your role changed", BERLIN_MORNING - timedelta(hours=10))
    note(
        person,
        "Ada recognized you",
        BERLIN_MORNING - timedelta(hours=3),
        kind="recognition.received",
        body="Thanks for the release checklist.",
    )
    assert run(BERLIN_MORNING - timedelta(minutes=10)) == 0  # 07:55 in Berlin: not yet
    assert run(BERLIN_MORNING) == 1
    email = mailoutbox[-1]
    assert email.to == [person.user.email]
    assert email.subject == "[Alpha Inc] Your daily perfapp digest"
    assert "Your role changed" in email.body and "Ada recognized you" in email.body
    assert "Recognition for you (1)" in email.body  # grouped under the kind's label
    assert "Thanks for the release checklist." in email.body
    assert email.body.count("/unsubscribe/") == 3  # two kinds and the digest itself
    assert run(BERLIN_MORNING + timedelta(minutes=55)) == 0  # sent once per morning
    note(person, "Another change", BERLIN_MORNING + timedelta(hours=5))
    assert run(BERLIN_MORNING + timedelta(days=1)) == 1
    assert "Another change" in mailoutbox[-1].body
    assert "Ada recognized you" not in mailoutbox[-1].body  # only since the last digest


def test_the_morning_is_the_persons_own_time_zone(world_a, mailoutbox):
    person = world_a.member
    person.user.time_zone = "America/New_York"
    person.user.save(update_fields=["time_zone"])
    choose(person, DigestFrequency.DAILY)
    note(person, "Your role changed", BERLIN_MORNING - timedelta(hours=2))
    assert run(BERLIN_MORNING) == 0  # 02:05 in New York
    assert run(BERLIN_MORNING + timedelta(hours=6)) == 1  # 08:05 in New York


def test_a_weekly_digest_leaves_on_monday_morning_only(world_a, mailoutbox):
    person = world_a.member
    choose(person, DigestFrequency.WEEKLY)
    note(person, "Your role changed", BERLIN_MORNING - timedelta(days=1))
    assert run(BERLIN_MORNING) == 0  # a Wednesday
    monday = BERLIN_MORNING + timedelta(days=5)
    assert run(monday) == 1
    assert mailoutbox[-1].subject == "[Alpha Inc] Your weekly perfapp digest"


def test_nothing_new_sends_nothing_and_muted_kinds_stay_out(world_a, mailoutbox):
    person = world_a.member
    choose(person, DigestFrequency.DAILY)
    assert run(BERLIN_MORNING) == 0
    with person_scope(person):
        digest.unsubscribe(person, "people.role_changed")
    note(person, "Your role changed", BERLIN_MORNING + timedelta(hours=2))
    assert run(BERLIN_MORNING + timedelta(days=1)) == 0
    assert mailoutbox == []


def test_with_a_digest_single_emails_wait_for_it_but_the_inbox_gets_them(
    world_a, queue, mailoutbox
):
    person = world_a.member
    choose(person, DigestFrequency.DAILY)
    queue(person, title="Your role changed")
    dispatch_outbox()
    assert mailoutbox == []
    with person_scope(person):
        assert Notification.objects.filter(recipient=person, title="Your role changed").exists()


def test_an_unknown_digest_choice_is_a_clear_error_and_changes_nothing(world_a):
    choose(world_a.member, DigestFrequency.WEEKLY)
    response = signed_in_client(world_a.member).post(
        org_url("notifications:digest"), {"frequency": "hourly"}
    )
    assert response.status_code == 400
    assert "Choose off, daily or weekly. Nothing was changed." in visible_text(response)
    with person_scope(world_a.member):
        assert DigestPreference.objects.get(membership=world_a.member).frequency == "weekly"
        with pytest.raises(ValidationError, match=r"Choose off, daily or weekly\."):
            digest.set_digest(world_a.member, "monthly")


def test_choosing_a_digest_on_the_settings_page(world_a):
    client = signed_in_client(world_a.member)
    assert "Email digest" in visible_text(client.get(org_url("notifications:preferences")))
    response = client.post(org_url("notifications:digest"), {"frequency": "daily"})
    assert response.status_code == 302
    with person_scope(world_a.member):
        assert digest.frequency_of(world_a.member) == "daily"


def _links(body: str) -> list[str]:
    return re.findall(r"https?://[^/\s]+(/unsubscribe/[^\s]+/)", body)


def test_unsubscribing_from_a_kind_works_without_signing_in_and_needs_a_post(world_a, mailoutbox):
    person = world_a.member
    choose(person, DigestFrequency.DAILY)
    note(person, "Your role changed", BERLIN_MORNING - timedelta(hours=1))
    run(BERLIN_MORNING)
    kind_link, digest_link = _links(mailoutbox[-1].body)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(kind_link)
    assert page.status_code == 200
    assert "Stop these emails?" in visible_text(page)
    assert "Your role changed" in visible_text(page) and "Alpha Inc" in visible_text(page)
    with person_scope(person):
        assert not NotificationPreference.objects.filter(membership=person).exists()
    assert browser.post(kind_link).status_code == 403  # no CSRF token: refused
    token = browser.cookies["csrftoken"].value
    done = browser.post(kind_link, {"csrfmiddlewaretoken": token})
    assert done.status_code == 200 and "You no longer get emails" in visible_text(done)
    with person_scope(person):
        assert not NotificationPreference.objects.get(
            membership=person, kind="people.role_changed"
        ).email
    browser.post(digest_link, {"csrfmiddlewaretoken": token})
    with person_scope(person):
        assert digest.frequency_of(person) == "off"


def test_a_tampered_unsubscribe_link_changes_nothing(world_a):
    token = digest.unsubscribe_token(world_a.member.pk, "people.role_changed")
    client = Client()
    response = client.post(url_for(token[:-2] + "xx"))
    assert response.status_code == 404
    assert "This link can't be used" in visible_text(response)
    with person_scope(world_a.member):
        assert not NotificationPreference.objects.filter(membership=world_a.member).exists()


def url_for(token: str) -> str:
    from django.urls import reverse

    return reverse("notifications_unsubscribe", kwargs={"token": token})


def test_the_inbox_groups_notifications_by_kind(world_a):
    person = world_a.member
    now = datetime.now(UTC)
    note(person, "Role changed once", now - timedelta(hours=3))
    note(person, "Ada recognized you", now - timedelta(hours=2), kind="recognition.received")
    note(person, "Role changed twice", now - timedelta(hours=1))
    text = visible_text(signed_in_client(person).get(org_url("notifications:inbox")))
    assert "Your role changed 2 2 unread" in text
    assert "Recognition for you 1 1 unread" in text
    assert text.index("Role changed twice") < text.index("Role changed once")
    assert text.index("Role changed once") < text.index("Ada recognized you")


def _digest_queries(moment) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        sent = run(moment)
    return sent, len(ctx.captured_queries)


def test_a_digest_run_costs_the_same_for_two_or_twelve_people(world_a, mailoutbox):
    people = [world_a.member, world_a.report]

    def with_news(group, day):
        for person in group:
            choose(person, DigestFrequency.DAILY)
            note(person, "Your role changed", BERLIN_MORNING + timedelta(days=day, hours=-2))

    with_news(people, 0)
    sent, small = _digest_queries(BERLIN_MORNING)
    assert sent == 2
    more = [
        MembershipFactory(organization=world_a.organization, team=world_a.team) for _ in range(10)
    ]
    with_news(people + more, 1)
    sent, large = _digest_queries(BERLIN_MORNING + timedelta(days=1))
    assert sent == 12
    assert large == small
