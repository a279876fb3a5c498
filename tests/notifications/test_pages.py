"""The inbox, the badge, reading and opening notifications, and the settings page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from perfapp.notifications import kinds, tasks
from perfapp.notifications.models import NotificationPreference
from tests.factories import NotificationFactory

from ..helpers import org_url
from .helpers import NEWS, delivered_for, notifications_of

HTMX = {"HTTP_HX_REQUEST": "true"}


def notify(recipient, **fields):
    return NotificationFactory(recipient=recipient, **fields)


def greeting(world):
    """The notification every fixture world gives its ``report``."""
    [entry] = notifications_of(world.report)
    return entry


# --- inbox -------------------------------------------------------------------------------


def test_the_inbox_lists_only_my_own_notifications(world_a, world_b, login):
    notify(world_a.report, title="Priya thanked you")
    notify(world_a.manager, title="For the manager only")
    notify(world_b.report, title="Beta news")

    response = login(world_a.report).get(org_url("notifications:inbox", org=world_a))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Priya thanked you" in page
    assert "Hello from alpha" in page
    assert "For the manager only" not in page
    assert "Hello from beta" not in page
    assert "Beta news" not in page


def test_the_inbox_shows_newest_first(world_a, login):
    now = timezone.now()
    notify(world_a.report, title="Older news", created_at=now - timedelta(days=2))
    notify(world_a.report, title="Newest news", created_at=now)

    page = login(world_a.report).get(org_url("notifications:inbox", org=world_a)).content.decode()

    assert page.index("Newest news") < page.index("Older news")


def test_an_empty_inbox_says_so(world_a, login):
    response = login(world_a.member).get(org_url("notifications:inbox", org=world_a))

    assert response.status_code == 200
    assert "You're all caught up" in response.content.decode()


def test_unread_entries_are_marked_and_read_ones_are_not(world_a, login):
    notify(world_a.report, title="Already seen", read_at=timezone.now())

    page = login(world_a.report).get(org_url("notifications:inbox", org=world_a)).content.decode()

    unread_rows = re.findall(r'<li class="row notification is-unread"', page)
    assert len(unread_rows) == 1  # the greeting, not "Already seen"
    assert page.count("Mark read</button>") == 1


def test_the_inbox_pages_through_many_notifications(world_a, login):
    for n in range(25):
        notify(world_a.report, title=f"Note {n:02d}")
    client = login(world_a.report)

    first = client.get(org_url("notifications:inbox", org=world_a)).content.decode()
    second = client.get(org_url("notifications:inbox", org=world_a), {"page": 2}).content.decode()

    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second
    assert first.count('class="row notification') == 20
    assert second.count('class="row notification') == 6


def test_an_htmx_request_for_the_inbox_gets_only_the_list(world_a, login):
    response = login(world_a.report).get(org_url("notifications:inbox", org=world_a), **HTMX)

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="inbox">')
    assert "Hello from alpha" in page
    assert "<html" not in page


def test_someone_outside_the_organization_cannot_see_its_inbox(world_a, world_b, login):
    response = login(world_b.report).get(org_url("notifications:inbox", org=world_a))

    assert response.status_code == 404


def test_the_inbox_needs_a_sign_in(world_a, client):
    response = client.get(org_url("notifications:inbox", org=world_a))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- badge -------------------------------------------------------------------------------


def test_the_badge_counts_my_unread_notifications(world_a, world_b, login):
    notify(world_a.report)
    notify(world_a.report, read_at=timezone.now())
    notify(world_a.manager)
    notify(world_b.report)

    response = login(world_a.report).get(org_url("notifications:badge", org=world_a))

    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", "", response.content.decode()).strip()
    assert text == "2 unread"


def test_the_badge_is_empty_when_everything_is_read(world_a, login):
    response = login(world_a.member).get(org_url("notifications:badge", org=world_a))

    assert response.content.decode().strip() == ""


# --- read --------------------------------------------------------------------------------


def test_marking_one_notification_read(world_a, login):
    entry = greeting(world_a)
    other = notify(world_a.report, title="Still unread")

    response = login(world_a.report).post(org_url("notifications:read", org=world_a, pk=entry.pk))

    assert response.status_code == 302
    assert response["Location"] == org_url("notifications:inbox", org=world_a)
    entry.refresh_from_db()
    other.refresh_from_db()
    assert entry.read_at is not None
    assert other.read_at is None


def test_marking_read_with_htmx_returns_the_row_and_refreshes_the_badge(world_a, login):
    entry = greeting(world_a)

    response = login(world_a.report).post(
        org_url("notifications:read", org=world_a, pk=entry.pk), **HTMX
    )

    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    fragment = response.content.decode().strip()
    assert fragment.startswith(f'<li class="row notification" id="notification-{entry.pk}">')
    assert "Hello from alpha" in fragment
    assert "Mark read" not in fragment
    assert "<html" not in fragment
    entry.refresh_from_db()
    assert entry.read_at is not None


def test_marking_read_twice_keeps_the_first_time(world_a, login):
    entry = greeting(world_a)
    client = login(world_a.report)
    client.post(org_url("notifications:read", org=world_a, pk=entry.pk))
    entry.refresh_from_db()
    first = entry.read_at

    client.post(org_url("notifications:read", org=world_a, pk=entry.pk))

    entry.refresh_from_db()
    assert entry.read_at == first


def test_reading_needs_a_post(world_a, login):
    entry = greeting(world_a)

    response = login(world_a.report).get(org_url("notifications:read", org=world_a, pk=entry.pk))

    assert response.status_code == 405
    entry.refresh_from_db()
    assert entry.read_at is None


def test_mark_all_read_touches_only_my_notifications(world_a, login):
    notify(world_a.report)
    notify(world_a.report)
    colleague = notify(world_a.manager)

    response = login(world_a.report).post(
        org_url("notifications:read_all", org=world_a), follow=True
    )

    assert response.redirect_chain[-1][0] == org_url("notifications:inbox", org=world_a)
    assert "Marked 3 notifications as read." in response.content.decode()
    assert all(n.read_at is not None for n in notifications_of(world_a.report))
    colleague.refresh_from_db()
    assert colleague.read_at is None


# --- open --------------------------------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_follows_its_link(world_a, login):
    target = reverse("orgs:people", kwargs={"org_slug": "alpha"})
    entry = notify(world_a.report, url=target)

    response = login(world_a.report).post(org_url("notifications:open", org=world_a, pk=entry.pk))

    assert response.status_code == 302
    assert response["Location"] == target
    entry.refresh_from_db()
    assert entry.read_at is not None


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "",
    ],
)
def test_opening_never_leaves_the_site(world_a, login, target):
    entry = notify(world_a.report, url=target)

    response = login(world_a.report).post(org_url("notifications:open", org=world_a, pk=entry.pk))

    assert response.status_code == 302
    assert response["Location"] == org_url("notifications:inbox", org=world_a)


@pytest.mark.parametrize("name", ["open", "read"])
def test_another_persons_notification_is_not_found(world_a, world_b, login, name):
    colleague = notify(world_a.manager, title="For the manager only")
    stranger = greeting(world_b)
    client = login(world_a.report)

    assert (
        client.post(org_url(f"notifications:{name}", org=world_a, pk=colleague.pk)).status_code
        == 404
    )
    assert (
        client.post(org_url(f"notifications:{name}", org=world_a, pk=stranger.pk)).status_code
        == 404
    )
    assert (
        client.post(org_url(f"notifications:{name}", org=world_b, pk=stranger.pk)).status_code
        == 404
    )

    colleague.refresh_from_db()
    assert colleague.read_at is None
    assert greeting(world_b).read_at is None


# --- preferences -------------------------------------------------------------------------


def _checkbox(page: str, name: str) -> str:
    [tag] = re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    return tag


def test_the_settings_page_lists_every_kind_with_its_defaults(world_a, login, reminder_kind):
    page = (
        login(world_a.report)
        .get(org_url("notifications:preferences", org=world_a))
        .content.decode()
    )

    for label in ("New direct report", "Your role changed", "Someone joined", "Check-in due"):
        assert label in page
    assert "checked" in _checkbox(page, "people.role_changed__email")
    assert "checked" in _checkbox(page, "people.member_joined__in_app")
    assert "checked" not in _checkbox(page, "people.member_joined__email")


def test_saved_settings_take_effect_on_the_next_delivery(
    world_a, login, queue, mailoutbox, reminder_kind
):
    client = login(world_a.report)
    response = client.post(
        org_url("notifications:preferences", org=world_a),
        {
            f"{NEWS}__in_app": "on",  # role changes: inbox only
            "people.new_report__in_app": "on",
            "people.new_report__email": "on",
            "people.member_joined__email": "on",  # email only
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == org_url("notifications:preferences", org=world_a)
    assert "Notification preferences saved." in response.content.decode()
    page = response.content.decode()
    assert "checked" in _checkbox(page, f"{NEWS}__in_app")
    assert "checked" not in _checkbox(page, f"{NEWS}__email")

    role = queue(world_a.report, kind=NEWS, occasion="a", title="Role")
    joined = queue(world_a.report, kind="people.member_joined", occasion="b", title="Joined")
    report = queue(world_a.report, kind="people.new_report", occasion="c", title="Report")
    tasks.dispatch_outbox()

    assert len(delivered_for(role)) == 1
    assert delivered_for(joined) == []
    assert len(delivered_for(report)) == 1
    assert sorted(m.subject for m in mailoutbox) == ["[Alpha Inc] Joined", "[Alpha Inc] Report"]


def test_turning_everything_off(world_a, login, queue, mailoutbox):
    response = login(world_a.report).post(org_url("notifications:preferences", org=world_a), {})

    assert response.status_code == 302
    with world_a.scope():
        stored = set(
            NotificationPreference.objects.filter(membership=world_a.report).values_list(
                "kind", "in_app", "email"
            )
        )
    assert stored == {(kind.key, False, False) for kind in kinds.KINDS.all()}

    message = queue(world_a.report)
    tasks.dispatch_outbox()
    assert delivered_for(message) == []
    assert mailoutbox == []


def test_settings_are_per_person(world_a, login):
    login(world_a.report).post(org_url("notifications:preferences", org=world_a), {})

    with world_a.scope():
        stored = NotificationPreference.objects.filter(membership=world_a.report).count()
        assert stored == len(kinds.KINDS.all())
        assert not NotificationPreference.objects.filter(membership=world_a.member).exists()


# --- query budget ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 60])
def test_the_inbox_query_count_does_not_grow_with_notifications(
    world_a, login, django_assert_max_num_queries, count
):
    for n in range(count):
        notify(world_a.report, title=f"Note {n}", read_at=timezone.now() if n % 2 else None)
    client = login(world_a.report)

    # session, user, organization, membership, count, page, switcher: 7, plus one spare
    with django_assert_max_num_queries(8):
        response = client.get(org_url("notifications:inbox", org=world_a))

    assert response.status_code == 200


def test_the_inbox_makes_the_same_queries_at_both_sizes(world_a, login):
    client = login(world_a.report)
    counts = []
    for extra in (4, 55):
        for n in range(extra):
            notify(world_a.report, title=f"Note {n}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(org_url("notifications:inbox", org=world_a)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- how an item reads -------------------------------------------------------------------


def test_an_unread_item_has_no_dangling_separator(world_a, login):
    notify(world_a.report, title="Priya thanked you")
    page = login(world_a.report).get(org_url("notifications:inbox", org=world_a)).content.decode()
    visible = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", page)
    lines = [" ".join(re.sub(r"<[^>]+>", " ", line).split()) for line in visible.splitlines()]
    assert not any(line.endswith("·") for line in lines)
    assert ", unread" in page  # still said to screen readers


def test_a_long_body_ends_after_a_whole_word_with_an_ellipsis(world_a, login, queue):
    words = "Thanks for pairing on the release checklist, it saved us a whole day " * 8
    queue(world_a.report, body=words, title="A long thank-you " * 20)
    tasks.dispatch_outbox()
    page = login(world_a.report).get(org_url("notifications:inbox", org=world_a)).content.decode()
    body = re.search(r'<p class="small">([^<]*)</p>', page).group(1)
    title = re.findall(r"<strong>([^<]*)</strong>", page)
    assert body.endswith("…") and len(body) <= 280
    assert words.startswith(body[:-1]) and words[len(body) - 1] == " "  # a whole word
    assert any(t.endswith("…") and len(t) <= 200 for t in title)
