"""Giving and reading feedback through the pages (Django test client)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import Feedback, Visibility
from feedback.services import giving as services
from perfapp.notifications.models import OutboxMessage
from perfapp.notifications.tasks import dispatch_outbox
from perfapp.tenancy.scoping import scopes_disabled

from ..factories import MembershipFactory
from ..helpers import html_of, org_url
from ..notifications.helpers import notifications_of

SPECIFIC = {
    "kind": "praise",
    "situation": "In Tuesday's planning you split the migration into three safe steps.",
    "impact": "We shipped the first step the same week without an outage.",
    "suggestion": "",
    "visibility": "private",
}


def feedback_state(world) -> list:
    """Everything of the organization's feedback a page could change."""
    with scopes_disabled():
        rows = Feedback.objects.filter(organization=world.organization)
        return sorted(
            (
                *row,
                tuple(
                    sorted(
                        Feedback.competencies.through.objects.filter(
                            feedback_id=row[0]
                        ).values_list("competency_id", flat=True)
                    )
                ),
            )
            for row in rows.values_list(
                "id",
                "author_id",
                "recipient_id",
                "kind",
                "situation",
                "impact",
                "suggestion",
                "visibility",
                "attached_as_evidence",
                "edited_at",
            )
        )


def outbox_count(world) -> int:
    with scopes_disabled():
        return OutboxMessage.objects.filter(organization=world.organization).count()


def give(world, author, recipient, **overrides) -> Feedback:
    content = {**SPECIFIC, **overrides}
    with world.scope():
        return services.give_feedback(author=author, recipient=recipient, **content)


def items_shown(response) -> list[int]:
    """Ids of the feedback rows a timeline page shows, in order."""
    return [int(pk) for pk in re.findall(r'/feedback/(\d+)/"', response.content.decode())]


# --- giving ------------------------------------------------------------------------------------


def test_a_colleague_gives_feedback_and_the_recipient_is_notified(world_a, login):
    client = login(world_a.member)
    competency = world_a.framework.competency

    form = client.get(org_url("feedback:give"), {"to": world_a.report.pk})
    assert form.status_code == 200
    page = html_of(form)
    assert f'<option value="{world_a.report.pk}" selected>' in page
    assert f'<option value="{world_a.member.pk}"' not in page  # not to yourself
    assert f"Only {world_a.report.name} and you will see it." in page  # before saving
    assert 'hx-post="/o/alpha/feedback/nudge/"' in page

    response = client.post(
        org_url("feedback:give"),
        {**SPECIFIC, "recipient": world_a.report.pk, "competencies": [competency.pk]},
    )
    with world_a.scope():
        feedback = Feedback.objects.get(author=world_a.member, situation=SPECIFIC["situation"])
        assert list(feedback.competencies.all()) == [competency]
    assert response.status_code == 302
    assert response["Location"] == org_url("feedback:detail", pk=feedback.pk)
    assert feedback.recipient == world_a.report
    assert feedback.visibility == Visibility.PRIVATE

    shown = client.get(response["Location"])
    assert shown.status_code == 200
    assert f"Feedback sent to {world_a.report.name}" in html_of(shown)  # the toast
    assert SPECIFIC["impact"] in html_of(shown)
    assert "Edit" in html_of(shown)  # within the edit window

    dispatch_outbox()
    received = [n for n in notifications_of(world_a.report) if n.kind == "feedback.received"]
    assert [(n.title, n.url) for n in received] == [
        (f"{world_a.member.name} gave you feedback", org_url("feedback:detail", pk=feedback.pk))
    ]

    reader = login(world_a.report)
    assert feedback.pk in items_shown(reader.get(org_url("feedback:index")))
    assert "Count this as evidence for my promotion criteria" in html_of(
        reader.get(org_url("feedback:detail", pk=feedback.pk))
    )


def _to_self(world, request):
    return {"recipient": world.member.pk}, "you can't send it to yourself"


def _to_deactivated(world, request):
    gone = MembershipFactory(organization=world.organization, is_active=False)
    return {"recipient": gone.pk}, f"{gone.name} is no longer active here."


def _to_other_org(world, request):
    other = request.getfixturevalue("world_b")
    return {"recipient": other.report.pk}, "Choose one of your colleagues from the list."


def _empty_situation(world, request):
    return (
        {"recipient": world.report.pk, "situation": "   "},
        "Describe what happened: the situation and what they did.",
    )


def _manager_only_unasked(world, request):
    return (
        {"recipient": world.report.pk, "visibility": "manager_only"},
        "“Only the manager who asked” is for answers to a manager's request.",
    )


def _unknown_kind(world, request):
    return {"recipient": world.report.pk, "kind": "rant"}, "Select a valid choice."


@pytest.mark.parametrize(
    "case",
    [
        _to_self,
        _to_deactivated,
        _to_other_org,
        _empty_situation,
        _manager_only_unasked,
        _unknown_kind,
    ],
)
def test_bad_feedback_gets_a_clear_error_and_changes_nothing(case, world_a, login, request):
    overrides, message = case(world_a, request)
    client = login(world_a.member)
    before, queued = feedback_state(world_a), outbox_count(world_a)

    response = client.post(org_url("feedback:give"), {**SPECIFIC, **overrides})

    assert response.status_code == 400
    assert message in html_of(response)
    assert 'class="errorlist"' in html_of(response) or 'role="alert"' in html_of(response)
    assert feedback_state(world_a) == before
    assert outbox_count(world_a) == queued


def test_an_archived_competency_is_refused(world_a, login):
    with world_a.scope():
        old = world_a.framework.competency
        old.archived_at = timezone.now()
        old.save(update_fields=["archived_at"])
    before = feedback_state(world_a)
    response = login(world_a.member).post(
        org_url("feedback:give"),
        {**SPECIFIC, "recipient": world_a.report.pk, "competencies": [old.pk]},
    )
    assert response.status_code == 400
    assert "Choose competencies from the list." in html_of(response)
    assert feedback_state(world_a) == before


# --- editing -----------------------------------------------------------------------------------


def test_the_writer_edits_within_the_window_and_not_after(world_a, login):
    feedback = give(world_a, world_a.member, world_a.report)
    client = login(world_a.member)
    edited = {
        "kind": "praise",
        "situation": "In Tuesday's planning you split the billing migration into three steps.",
        "impact": "We shipped step one that week.",
        "suggestion": "",
    }

    assert client.get(org_url("feedback:edit", pk=feedback.pk)).status_code == 200
    response = client.post(org_url("feedback:edit", pk=feedback.pk), edited)
    assert response.status_code == 302
    assert response["Location"] == org_url("feedback:detail", pk=feedback.pk)
    with world_a.scope():
        feedback.refresh_from_db()
    assert feedback.situation == edited["situation"]
    assert feedback.edited_at is not None
    assert feedback.visibility == Visibility.PRIVATE  # editing never widens the audience

    with time_machine.travel(feedback.created_at + services.EDIT_WINDOW + timedelta(minutes=1)):
        before = feedback_state(world_a)
        page = client.get(org_url("feedback:edit", pk=feedback.pk))
        assert page.status_code == 200
        assert "this one is final now" in html_of(page)
        assert "<textarea" not in html_of(page)
        refused = client.post(
            org_url("feedback:edit", pk=feedback.pk), {**edited, "situation": "Changed."}
        )
        assert refused.status_code == 400
        assert "this one is final now" in html_of(refused)
        assert feedback_state(world_a) == before
        detail = html_of(client.get(org_url("feedback:detail", pk=feedback.pk)))
        assert f'href="{org_url("feedback:edit", pk=feedback.pk)}"' not in detail


@pytest.mark.parametrize("who", ["report", "manager", "hr", "owner"])
def test_only_the_writer_may_edit(who, world_a, login):
    feedback = world_a.feedback.feedback  # member → report, shared with the manager
    client = login(getattr(world_a, who))
    before = feedback_state(world_a)
    assert client.get(org_url("feedback:edit", pk=feedback.pk)).status_code == 404
    response = client.post(
        org_url("feedback:edit", pk=feedback.pk), {**SPECIFIC, "situation": "Mine now."}
    )
    assert response.status_code == 404
    assert feedback_state(world_a) == before


def test_an_edit_with_an_empty_situation_changes_nothing(world_a, login):
    feedback = give(world_a, world_a.member, world_a.report)
    before = feedback_state(world_a)
    response = login(world_a.member).post(
        org_url("feedback:edit", pk=feedback.pk), {"kind": "praise", "situation": ""}
    )
    assert response.status_code == 400
    assert "Describe what happened" in html_of(response)
    assert feedback_state(world_a) == before


# --- evidence ----------------------------------------------------------------------------------


def test_only_the_recipient_counts_private_feedback_as_evidence(world_a, login):
    feedback = give(world_a, world_a.member, world_a.report, visibility="private")

    def attached() -> bool:
        with scopes_disabled():
            return Feedback.objects.get(pk=feedback.pk).attached_as_evidence

    for who in ("member", "manager", "owner", "hr"):  # the writer too: not theirs to decide
        response = login(getattr(world_a, who)).post(
            org_url("feedback:evidence", pk=feedback.pk), {"attached": "1"}
        )
        assert response.status_code == 404, who
        assert attached() is False

    client = login(world_a.report)
    response = client.post(org_url("feedback:evidence", pk=feedback.pk), {"attached": "1"})
    assert response.status_code == 302
    assert attached() is True
    assert "Counted as evidence" in html_of(client.get(response["Location"]))

    partial = client.post(
        org_url("feedback:evidence", pk=feedback.pk),
        {"attached": "0"},
        headers={"HX-Request": "true"},
    )
    assert partial.status_code == 200
    assert "<html" not in html_of(partial)
    assert 'aria-pressed="false"' in html_of(partial)
    assert attached() is False


def test_shared_feedback_needs_no_attaching(world_a, login):
    shared = world_a.feedback.feedback  # already evidence: shared with the manager
    before = feedback_state(world_a)
    client = login(world_a.report)
    assert "Count this as evidence" not in html_of(
        client.get(org_url("feedback:detail", pk=shared.pk))
    )
    response = client.post(org_url("feedback:evidence", pk=shared.pk), {"attached": "1"})
    assert response.status_code == 302
    assert "Only private feedback" in html_of(client.get(response["Location"]))
    assert feedback_state(world_a) == before


# --- the timeline ------------------------------------------------------------------------------


def _at(world, feedback: Feedback, days_ago: int) -> None:
    with world.scope():
        Feedback.objects.filter(pk=feedback.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )


def test_timeline_filters_by_kind_competency_person_and_dates(world_a, login):
    competency = world_a.framework.competency
    old_praise = world_a.feedback.feedback  # member → report, praise, tagged
    _at(world_a, old_praise, 40)
    constructive = give(
        world_a,
        world_a.manager,
        world_a.report,
        kind="constructive",
        suggestion="Next time, share the plan a day earlier.",
    )
    _at(world_a, constructive, 10)
    suggestion = give(
        world_a, world_a.owner, world_a.report, kind="suggestion", suggestion="Try a demo."
    )
    client = login(world_a.report)

    assert items_shown(client.get(org_url("feedback:index"))) == [
        suggestion.pk,
        constructive.pk,
        old_praise.pk,
    ]
    assert items_shown(client.get(org_url("feedback:index"), {"kind": "constructive"})) == [
        constructive.pk
    ]
    assert items_shown(client.get(org_url("feedback:index"), {"competency": competency.pk})) == [
        old_praise.pk
    ]
    assert items_shown(client.get(org_url("feedback:index"), {"person": world_a.owner.pk})) == [
        suggestion.pk
    ]
    today = timezone.localdate()
    window = {
        "since": (today - timedelta(days=20)).isoformat(),
        "until": (today - timedelta(days=5)).isoformat(),
    }
    assert items_shown(client.get(org_url("feedback:index"), window)) == [constructive.pk]
    assert items_shown(client.get(org_url("feedback:index"), {"since": "not a date"})) == [
        suggestion.pk,
        constructive.pk,
        old_praise.pk,
    ]

    nothing = client.get(
        org_url("feedback:index"), {"kind": "constructive", "person": world_a.owner.pk}
    )
    assert "Nothing matches" in html_of(nothing)
    assert "Clear filters" in html_of(nothing)

    partial = client.get(
        org_url("feedback:index"), {"kind": "praise"}, headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200
    assert "<html" not in html_of(partial)
    assert html_of(partial).lstrip().startswith('<div id="results"')
    assert items_shown(partial) == [old_praise.pk]


def test_the_boxes_show_given_and_team_feedback(world_a, login):
    shared = world_a.feedback.feedback  # member → report, shared with the manager
    private = give(world_a, world_a.member, world_a.report)

    author = login(world_a.member)
    assert items_shown(author.get(org_url("feedback:index"), {"box": "given"})) == [
        private.pk,
        shared.pk,
    ]
    assert items_shown(author.get(org_url("feedback:index"))) == []
    assert "You haven't given feedback yet" not in html_of(author.get(org_url("feedback:index")))
    # A member without reports has no team box: asking for it shows their own.
    assert ">Team</a>" not in html_of(author.get(org_url("feedback:index")))
    assert items_shown(author.get(org_url("feedback:index"), {"box": "team"})) == []

    manager = login(world_a.manager)
    page = manager.get(org_url("feedback:index"), {"box": "team"})
    assert ">Team</a>" in html_of(page)
    assert items_shown(page) == [shared.pk]
    assert f"{world_a.report.name} and you" in html_of(page)  # who reads it, from their side


def test_empty_states_say_what_each_box_is_for(world_a, login):
    client = login(world_a.owner)
    assert "No feedback for you yet" in html_of(client.get(org_url("feedback:index")))
    assert "You haven't given feedback yet" in html_of(
        client.get(org_url("feedback:index"), {"box": "given"})
    )
    assert "Nothing shared with you yet" in html_of(
        client.get(org_url("feedback:index"), {"box": "team"})
    )


def test_hr_counts_are_counted_every_five_minutes(world_a, login):
    client = login(world_a.hr)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert re.search(
            r"Given in total</dt><dd>1</dd>", html_of(client.get(org_url("feedback:index")))
        )
        give(world_a, world_a.member, world_a.report, kind="constructive")
        with CaptureQueriesContext(connection) as captured:
            page = html_of(client.get(org_url("feedback:index")))
        assert re.search(r"Given in total</dt><dd>1</dd>", page)  # not counted again
        assert not [q for q in captured if "'praise'" in q["sql"]]  # HR's counts
        clock.shift(timedelta(minutes=5, seconds=1))
        page = html_of(client.get(org_url("feedback:index")))
    assert re.search(r"Given in total</dt><dd>2</dd>", page)
    assert re.search(r"Constructive</dt><dd>1</dd>", page)


def test_hr_sees_counts_but_no_content_of_others(world_a, login):
    give(world_a, world_a.member, world_a.report, kind="constructive")
    page = html_of(login(world_a.hr).get(org_url("feedback:index")))
    assert "Feedback at Alpha Inc" in page
    assert re.search(r"Given in total</dt><dd>2</dd>", page)
    assert re.search(r"Constructive</dt><dd>1</dd>", page)
    assert SPECIFIC["situation"] not in page
    assert world_a.feedback.feedback.situation not in page
    assert "Feedback at Alpha Inc" not in html_of(
        login(world_a.manager).get(org_url("feedback:index"))
    )


def test_pending_requests_show_on_the_feedback_home(world_a, login):
    row = world_a.feedback.request_row  # the report asks the member
    page = html_of(login(world_a.member).get(org_url("feedback:index")))
    assert "Asked of you" in page
    assert "The billing migration" in page
    assert org_url("feedback:answer", pk=row.pk) in page
    assert org_url("feedback:decline", pk=row.pk) in page
    assert "Asked of you" not in html_of(login(world_a.manager).get(org_url("feedback:index")))


def _bulk_feedback(world, count: int, visibility: str = Visibility.PRIVATE) -> None:
    """``count`` feedback items to the report, each tagged with the competency."""
    with world.scope():
        existing = Feedback.objects.filter(recipient=world.report).count()
        rows = Feedback.objects.bulk_create(
            Feedback(
                organization=world.organization,
                author=world.member if n % 2 else world.owner,
                recipient=world.report,
                kind=("praise", "constructive", "suggestion")[n % 3],
                situation=f"In sprint review {n} you demoed the importer.",
                visibility=visibility,
            )
            for n in range(existing, count)
        )
        Feedback.competencies.through.objects.bulk_create(
            Feedback.competencies.through(
                feedback_id=row.pk, competency_id=world.framework.competency.pk
            )
            for row in rows
        )


def test_the_timeline_pages_twenty_at_a_time(world_a, login):
    _bulk_feedback(world_a, 45)
    client = login(world_a.report)
    first = client.get(org_url("feedback:index"))
    assert len(items_shown(first)) == 20
    assert "Page 1 of 3" in html_of(first)
    assert "?box=received&page=2" in first.content.decode()
    last = client.get(org_url("feedback:index"), {"page": 3})
    assert len(items_shown(last)) == 5
    assert set(items_shown(first)).isdisjoint(items_shown(last))
    competency = world_a.framework.competency.pk
    filtered = client.get(org_url("feedback:index"), {"competency": competency, "page": 2})
    assert len(items_shown(filtered)) == 20
    assert "Page 2 of 3" in html_of(filtered)
    assert f"competency={competency}&box=received&page=3" in html_of(filtered)


@pytest.mark.parametrize(
    ("box", "viewer", "visibility"),
    [
        ("received", "report", Visibility.PRIVATE),
        ("team", "manager", Visibility.WITH_MANAGER),
    ],
)
def test_timeline_query_budget_holds_at_20_and_2000_items(
    box, viewer, visibility, world_a, login, django_assert_num_queries
):
    client = login(getattr(world_a, viewer))
    counts = []
    for size in (20, 2000):
        _bulk_feedback(world_a, size, visibility)
        client.get(org_url("feedback:index"), {"box": box})  # warm the session
        # The team box reads the manager's reports and requests first (selectors._team_box).
        # Exactly: the viewer's side of each row is the viewer, never a query of its own.
        with django_assert_num_queries(12 if box == "team" else 10) as captured:
            response = client.get(org_url("feedback:index"), {"box": box})
        assert response.status_code == 200
        assert len(items_shown(response)) == 20
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_deleted_filters_and_foreign_ids_do_not_break_the_timeline(world_a, world_b, login):
    client = login(world_a.report)
    response = client.get(
        org_url("feedback:index"),
        {"person": world_b.member.pk, "competency": world_b.framework.competency.pk, "page": "x"},
    )
    assert response.status_code == 200
    assert world_b.member.name not in html_of(response)


def test_detail_of_foreign_or_missing_feedback_is_404(world_a, world_b, login):
    client = login(world_a.member)
    assert (
        client.get(org_url("feedback:detail", pk=world_b.feedback.feedback.pk)).status_code == 404
    )
    assert client.get(org_url("feedback:detail", pk=999999)).status_code == 404


def test_the_writer_sees_the_edit_window_end(world_a, login):
    feedback = give(world_a, world_a.member, world_a.report)
    with world_a.scope():
        Feedback.objects.filter(pk=feedback.pk).update(
            created_at=F("created_at") - timedelta(minutes=25)
        )
    page = html_of(login(world_a.member).get(org_url("feedback:detail", pk=feedback.pk)))
    assert re.search(r"You can edit it for [45] more minutes", page)


def _person_choices(response) -> str:
    html = response.content.decode()
    start = html.index('name="person"')
    return html[start : html.index("</select>", start)]


def test_timeline_person_filter_offers_only_people_on_the_other_side(world_a, login):
    """Not the whole organization (a 20,000-option select on every timeline page of a
    large customer): who wrote to you, or whom you wrote to, in the box shown."""
    client = login(world_a.report)
    received = _person_choices(client.get(org_url("feedback:index")))
    assert world_a.member.name in received  # wrote the world's feedback to the report
    assert world_a.hr.name not in received
    give(world_a, world_a.report, world_a.hr)
    given = _person_choices(client.get(org_url("feedback:index"), {"box": "given"}))
    assert world_a.hr.name in given
    assert world_a.member.name not in given
