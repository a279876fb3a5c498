"""The recognition wall: newest first, filtered, loaded page by page with a keyset cursor
(never a COUNT), reactions and comments in place, and the same number of queries whether
a page shows 5 items or 50."""

import re

import pytest
from django.db.models import Count

from recognition.models import Reaction, Recognition, RecognitionComment

from ..helpers import html_of, org_url, signed_in_client
from .wall_world import (
    HX,
    comment_of,
    give,
    grow_wall,
    items_shown,
    kind_named,
    outbox,
    people,
    recognition_of,
    same_moment,
    value_of,
)


def test_an_empty_wall_invites_the_first_recognition(world_a):
    page = html_of(signed_in_client(world_a.report).get(org_url("recognition:index")))
    assert "No recognition yet" in page
    assert org_url("recognition:give") in page


def test_the_wall_shows_who_recognized_whom_for_what(world_a):
    recognition = recognition_of(world_a)
    page = html_of(signed_in_client(world_a.report).get(org_url("recognition:index")))
    assert items_shown_in(page) == [recognition.pk]
    assert world_a.member.name in page and "recognized" in page and ">you</a>" in page
    assert "paired with me on the billing migration" in page
    assert "Collaboration" in page and "Better together" in page
    assert world_a.framework.competency.name in page
    assert "Well deserved!" in page and world_a.manager.name in page
    # The owner's 👏 is counted; the report has not reacted.
    assert 'aria-label="👏 1 reaction"' in page
    assert 'value="on:👏"' in page


def items_shown_in(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="recognition-(\d+)"', page)]


def test_newest_first_and_page_after_page_without_gaps_or_repeats(world_a):
    grow_wall(world_a, 45, comments=1, reactions=1)
    same_moment(world_a)  # only the id breaks the tie
    client = signed_in_client(world_a.member)
    first = client.get(org_url("recognition:index"))
    shown = items_shown(first)
    assert len(shown) == 20 and shown == sorted(shown, reverse=True)
    following = re.search(r'hx-get="([^"]+cursor=[^"]+)"', first.content.decode()).group(1)
    following = following.replace("&amp;", "&")
    second = client.get(following, headers={**HX, "HX-Target": "wall-more"})
    assert "<html" not in second.content.decode()  # only the items and the next sentinel
    more = items_shown(second)
    assert len(more) == 20 and max(more) < min(shown)
    third_url = re.search(r'hx-get="([^"]+cursor=[^"]+)"', second.content.decode()).group(1)
    third = client.get(third_url.replace("&amp;", "&"), headers={**HX, "HX-Target": "wall-more"})
    last = items_shown(third)
    assert len(last) == 5
    assert "That's everything" in html_of(third) and 'id="wall-more"' not in html_of(third)
    with world_a.scope():
        assert sorted(shown + more + last) == sorted(
            Recognition.objects.values_list("pk", flat=True)
        )


def test_a_cursor_link_works_without_javascript_and_a_bad_one_starts_over(world_a):
    grow_wall(world_a, 25, comments=0, reactions=0)
    client = signed_in_client(world_a.member)
    first = client.get(org_url("recognition:index"))
    link = re.search(r'<a class="button" href="([^"]+)"', first.content.decode()).group(1)
    page = client.get(link.replace("&amp;", "&"))
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert len(items_shown(page)) == 5
    for junk in ("x", "1-", "99999999999999999999-1", "-5-3", "1-0"):
        again = client.get(org_url("recognition:index"), {"cursor": junk})
        assert again.status_code == 200
        assert items_shown(again) == items_shown(first)


@pytest.mark.parametrize("criterion", ["team", "value", "kind", "person"])
def test_filters_narrow_the_wall_and_stay_in_the_next_page_link(criterion, world_a):
    other_team = people(world_a, 1)[0]
    matching = give(world_a, recipients=[world_a.report])  # report is in the team
    other_kind = kind_named(world_a, "Mentorship")
    other = give(world_a, giver=world_a.hr, recipients=[other_team], kind=other_kind, values=[])
    value = {
        "team": world_a.team.pk,
        "value": value_of(world_a).pk,
        "kind": kind_named(world_a).pk,
        "person": world_a.report.pk,
    }[criterion]
    client = signed_in_client(world_a.owner)
    page = client.get(org_url("recognition:index"), {criterion: value})
    assert items_shown(page) == [matching.pk]
    assert other.pk not in items_shown(page)
    grow_wall(world_a, 25, comments=0, reactions=0)  # recipients include the report
    page = client.get(org_url("recognition:index"), {criterion: value}).content.decode()
    assert f"{criterion}={value}&amp;cursor=" in page


def test_filtering_answers_with_the_results_only_for_htmx(world_a):
    recognition_of(world_a)
    response = signed_in_client(world_a.member).get(
        org_url("recognition:index"), {"kind": kind_named(world_a, "Mentorship").pk}, headers=HX
    )
    page = html_of(response)
    assert "<html" not in page and 'id="wall-results"' in page
    assert "Nothing matches" in page


def test_foreign_or_stale_filter_ids_are_ignored(world_a, world_b):
    recognition = recognition_of(world_a)
    response = signed_in_client(world_a.member).get(
        org_url("recognition:index"),
        {"team": world_b.team.pk, "person": world_b.report.pk, "value": "x", "kind": "999999"},
    )
    assert response.status_code == 200
    assert items_shown(response) == [recognition.pk]
    assert world_b.report.name not in html_of(response)


def test_the_wall_never_counts_its_rows(world_a, django_assert_max_num_queries):
    grow_wall(world_a, 30, comments=2, reactions=2)
    client = signed_in_client(world_a.member)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(org_url("recognition:index"))
    counting = [
        q["sql"]
        for q in captured.captured_queries
        if re.search(r'SELECT COUNT\(\*\)[^()]*FROM "recognition_recognition"', q["sql"])
    ]
    assert counting == []


@pytest.mark.parametrize("viewer", ["member", "owner"])
def test_the_wall_costs_the_same_at_5_and_50_items(
    viewer, world_a, monkeypatch, django_assert_max_num_queries
):
    from recognition.views import recognition as wall

    monkeypatch.setattr(wall, "PAGE_SIZE", 50)
    client = signed_in_client(getattr(world_a, viewer))
    used = []
    grown = 0
    for size in (5, 60):
        grow_wall(world_a, size - grown, comments=5, reactions=4)
        grown = size
        client.get(org_url("recognition:index"))  # warm the session and the kinds
        with django_assert_max_num_queries(20) as captured:
            response = client.get(org_url("recognition:index"))
        assert response.status_code == 200
        used.append((len(items_shown(response)), len(captured.captured_queries)))
    (small_rows, small), (large_rows, large) = used
    assert (small_rows, large_rows) == (5, 50)
    assert small == large, used


def test_a_deeper_page_costs_the_same_too(world_a, django_assert_max_num_queries):
    grow_wall(world_a, 65, comments=3, reactions=3)
    client = signed_in_client(world_a.member)
    first = client.get(org_url("recognition:index"))
    link = re.search(r'hx-get="([^"]+cursor=[^"]+)"', first.content.decode()).group(1)
    with django_assert_max_num_queries(20) as first_count:
        client.get(org_url("recognition:index"))
    with django_assert_max_num_queries(20) as deeper:
        response = client.get(link.replace("&amp;", "&"), headers={**HX, "HX-Target": "wall-more"})
    assert len(items_shown(response)) == 20
    assert len(deeper.captured_queries) <= len(first_count.captured_queries)


def test_only_the_latest_three_comments_show_with_a_link_to_all(world_a):
    recognition = recognition_of(world_a)
    with world_a.scope():
        for number in range(4):
            RecognitionComment.objects.create(
                organization=world_a.organization,
                recognition=recognition,
                author=world_a.owner,
                body=f"Comment number {number}",
            )
    page = html_of(signed_in_client(world_a.report).get(org_url("recognition:index")))
    assert "Comment number 3" in page and "Comment number 1" in page
    assert "Comment number 0" not in page and "Well deserved!" not in page
    assert page.index("Comment number 1") < page.index("Comment number 3")  # oldest first
    assert "See all 5 comments" in page
    detail = html_of(
        signed_in_client(world_a.report).get(org_url("recognition:detail", pk=recognition.pk))
    )
    assert "Comment number 0" in detail and "Well deserved!" in detail


def test_the_detail_page_of_a_recognition(world_a, world_b):
    recognition = recognition_of(world_a)
    client = signed_in_client(world_a.hr)
    page = html_of(client.get(org_url("recognition:detail", pk=recognition.pk)))
    assert "paired with me on the billing migration" in page
    assert "Who sees this" in page
    assert (
        client.get(org_url("recognition:detail", pk=recognition_of(world_b).pk)).status_code == 404
    )
    assert client.get(org_url("recognition:detail", pk=999999)).status_code == 404


# --- reactions --------------------------------------------------------------------------------


def _reactions(world, recognition) -> list[tuple[int, str]]:
    with world.scope():
        return sorted(
            Reaction.objects.filter(recognition=recognition).values_list("member_id", "emoji")
        )


def test_reacting_toggles_in_place(world_a):
    recognition = recognition_of(world_a)
    client = signed_in_client(world_a.report)
    path = org_url("recognition:react", pk=recognition.pk)
    added = client.post(path, {"toggle": "on:🎉"}, headers=HX)
    assert added.status_code == 200
    fragment = html_of(added)
    assert fragment.startswith('<form class="reactions"')
    assert 'aria-pressed="true"' in fragment and 'value="off:🎉"' in fragment
    assert (world_a.report.pk, "🎉") in _reactions(world_a, recognition)
    removed = client.post(path, {"toggle": "off:🎉"}, headers=HX)
    assert removed.status_code == 200 and 'value="on:🎉"' in html_of(removed)
    assert (world_a.report.pk, "🎉") not in _reactions(world_a, recognition)


def test_reacting_twice_with_the_same_emoji_is_a_clear_error(world_a):
    recognition = recognition_of(world_a)
    client = signed_in_client(world_a.owner)  # already reacted 👏
    before = _reactions(world_a, recognition)
    again = client.post(
        org_url("recognition:react", pk=recognition.pk), {"toggle": "on:👏"}, headers=HX
    )
    assert again.status_code == 400
    assert "You already reacted with 👏" in html_of(again)
    assert 'value="off:👏"' in html_of(again)  # still shown as yours, ready to take back
    assert _reactions(world_a, recognition) == before
    plain = client.post(org_url("recognition:react", pk=recognition.pk), {"toggle": "on:👏"})
    assert plain.status_code == 302
    assert _reactions(world_a, recognition) == before


@pytest.mark.parametrize("toggle", ["on:🍕", "on:", "", "off:🎉"])
def test_unknown_emoji_or_taking_back_what_is_not_there_is_refused(toggle, world_a):
    recognition = recognition_of(world_a)
    before = _reactions(world_a, recognition)
    response = signed_in_client(world_a.report).post(
        org_url("recognition:react", pk=recognition.pk), {"toggle": toggle}, headers=HX
    )
    assert response.status_code == 400
    assert _reactions(world_a, recognition) == before


def test_reactions_through_the_api(world_a, api_as):
    recognition = recognition_of(world_a)
    client = api_as(world_a.report)
    created = client.post(
        org_url("api:recognition-reaction-list"),
        {"recognition": recognition.pk, "emoji": "🚀"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["member"]["id"] == world_a.report.pk
    before = _reactions(world_a, recognition)
    twice = client.post(
        org_url("api:recognition-reaction-list"),
        {"recognition": recognition.pk, "emoji": "🚀"},
        format="json",
    )
    assert twice.status_code == 400
    assert twice.json()["error"]["fields"]["emoji"][0]["code"] == "already_reacted"
    assert "You already reacted with 🚀" in twice.json()["error"]["fields"]["emoji"][0]["message"]
    assert _reactions(world_a, recognition) == before
    listed = client.get(org_url("api:recognition-reaction-list"), {"recognition": recognition.pk})
    assert {(r["member"]["id"], r["emoji"]) for r in listed.json()["results"]} == set(before)
    detail = client.get(org_url("api:recognition-detail", pk=recognition.pk)).json()
    assert {"emoji": "🚀", "count": 1, "mine": True} in detail["reactions"]
    assert {"emoji": "👏", "count": 1, "mine": False} in detail["reactions"]
    # Someone else's reaction cannot be taken back; one's own can.
    owners = reaction_id(world_a, recognition, world_a.owner)
    assert client.delete(org_url("api:recognition-reaction-detail", pk=owners)).status_code == 404
    mine = created.json()["id"]
    assert client.delete(org_url("api:recognition-reaction-detail", pk=mine)).status_code == 204
    assert (world_a.report.pk, "🚀") not in _reactions(world_a, recognition)
    bad = client.post(
        org_url("api:recognition-reaction-list"),
        {"recognition": recognition.pk, "emoji": "🍕"},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["emoji"][0]["code"] == (
        "invalid_choice"
    )


def reaction_id(world, recognition, member) -> int:
    with world.scope():
        return Reaction.objects.get(recognition=recognition, member=member).pk


# --- comments ---------------------------------------------------------------------------------


def test_commenting_in_place_tells_the_giver_and_the_people_recognized(world_a):
    recognition = recognition_of(world_a)
    outbox_before = {m.pk for m in outbox("recognition.comment")}
    client = signed_in_client(world_a.hr)
    response = client.post(
        org_url("recognition:comment", pk=recognition.pk),
        {"body": "Bravo, both of you!"},
        headers=HX,
    )
    assert response.status_code == 200
    fragment = html_of(response)
    assert fragment.startswith('<section class="comments"')
    assert "Bravo, both of you!" in fragment and "Well deserved!" in fragment
    told = [m for m in outbox("recognition.comment") if m.pk not in outbox_before]
    assert {m.recipient_id for m in told} == {world_a.member.pk, world_a.report.pk}


@pytest.mark.parametrize("body", ["", "   ", "x" * 1001])
def test_empty_or_overlong_comments_are_refused(body, world_a):
    recognition = recognition_of(world_a)
    with world_a.scope():
        before = RecognitionComment.objects.count()
    client = signed_in_client(world_a.report)
    response = client.post(
        org_url("recognition:comment", pk=recognition.pk), {"body": body}, headers=HX
    )
    assert response.status_code == 400
    assert 'role="alert"' in html_of(response)
    plain = client.post(org_url("recognition:comment", pk=recognition.pk), {"body": body})
    assert plain.status_code == 302
    with world_a.scope():
        assert RecognitionComment.objects.count() == before


def test_comments_through_the_api(world_a, api_as):
    recognition = recognition_of(world_a)
    client = api_as(world_a.report)
    created = client.post(
        org_url("api:recognition-comment-list"),
        {"recognition": recognition.pk, "body": "Thank you, that means a lot."},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["author"]["id"] == world_a.report.pk
    empty = client.post(
        org_url("api:recognition-comment-list"),
        {"recognition": recognition.pk, "body": ""},
        format="json",
    )
    assert empty.status_code == 400 and empty.json()["error"]["fields"]["body"][0]["code"] == (
        "required"
    )
    listed = client.get(org_url("api:recognition-comment-list"), {"recognition": recognition.pk})
    assert [c["body"] for c in listed.json()["results"]] == [
        "Well deserved!",
        "Thank you, that means a lot.",
    ]
    one = client.get(org_url("api:recognition-comment-detail", pk=comment_of(world_a).pk))
    assert one.json()["body"] == "Well deserved!"
    assert (
        client.get(org_url("api:recognition-detail", pk=recognition.pk)).json()["comment_count"]
        == 2
    )


# --- the API wall -----------------------------------------------------------------------------


def test_the_api_wall_filters_and_pages_newest_first(world_a, api_as):
    recognition = recognition_of(world_a)
    client = api_as(world_a.manager)
    body = client.get(org_url("api:recognition-list")).json()
    assert [r["id"] for r in body["results"]] == [recognition.pk]
    assert "count" not in body
    for param, value, found in (
        ("team", world_a.team.pk, True),
        ("value", value_of(world_a).pk, True),
        ("kind", kind_named(world_a, "Mentorship").pk, False),
        ("person", world_a.member.pk, True),
        ("person", world_a.hr.pk, False),
    ):
        rows = client.get(org_url("api:recognition-list"), {param: value}).json()["results"]
        assert bool(rows) == found, (param, value)
    bad = client.get(org_url("api:recognition-list"), {"team": "x"})
    assert bad.status_code == 400 and "team" in bad.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("path", "viewer"),
    [
        (lambda w: org_url("api:recognition-list"), "member"),
        (lambda w: org_url("api:recognition-list") + f"?person={w.report.pk}", "manager"),
        (lambda w: org_url("api:recognition-reaction-list"), "report"),
        (lambda w: org_url("api:recognition-comment-list"), "report"),
    ],
)
def test_api_lists_cost_the_same_at_5_and_50(
    path, viewer, world_a, api_as, django_assert_max_num_queries
):
    client = api_as(getattr(world_a, viewer))
    used = []
    grown = 0
    for size in (5, 50):
        grow_wall(world_a, size - grown, comments=2, reactions=1)
        grown = size
        with django_assert_max_num_queries(9) as captured:
            response = client.get(path(world_a), {"page_size": 50})
        assert response.status_code == 200, response.content
        used.append((len(response.json()["results"]), len(captured.captured_queries)))
    (small_rows, small), (large_rows, large) = used
    assert large_rows > small_rows >= 5
    assert small == large, used


def test_counts_in_the_wall_match_the_rows(world_a):
    grow_wall(world_a, 3, comments=2, reactions=2)
    with world_a.scope():
        counted = dict(Recognition.objects.annotate(n=Count("comments")).values_list("pk", "n"))
    page = html_of(signed_in_client(world_a.member).get(org_url("recognition:index")))
    for pk, comments in counted.items():
        assert pk in items_shown_in(page)
        assert comments == 2
    assert page.count('aria-label="🎉 2 reactions"') == 3


# --- at scale ---------------------------------------------------------------------------------


def _bulk_sql(world, how_many: int) -> None:
    """``how_many`` recognitions (one recipient each) written by the database itself, one
    second apart, so a realistic table exists in seconds."""
    from django.db import connection

    kind = kind_named(world)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO recognition_recognition
                (organization_id, giver_id, message, kind_id, points_each, points_total,
                 created_at)
            SELECT %s, %s, 'Bulk recognition ' || n, %s, 0, 0,
                   now() - make_interval(secs => n)
            FROM generate_series(1, %s) AS n
            """,
            [world.organization.pk, world.owner.pk, kind.pk, how_many],
        )
        cursor.execute(
            """
            INSERT INTO recognition_recognitionrecipient
                (organization_id, recognition_id, recipient_id, created_at)
            SELECT organization_id, id, %s, created_at FROM recognition_recognition
            WHERE organization_id = %s AND message LIKE 'Bulk recognition %%'
            """,
            [world.report.pk, world.organization.pk],
        )
        cursor.execute("ANALYZE recognition_recognition")
        cursor.execute("ANALYZE recognition_recognitionrecipient")


def test_the_wall_at_300000_recognitions_costs_what_it_costs_at_5(
    world_a, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grow_wall(world_a, 5, comments=2, reactions=2)
    client = signed_in_client(world_a.member)
    client.get(org_url("recognition:index"))

    def cost(params=None, headers=None) -> int:
        with django_assert_max_num_queries(20) as captured:
            response = client.get(org_url("recognition:index"), params or {}, headers=headers or {})
        assert response.status_code == 200
        assert items_shown(response)
        return len(captured.captured_queries)

    small = cost()
    small_filtered = cost({"person": world_a.report.pk})
    _bulk_sql(world_a, 300_000)
    assert cost() == small
    assert cost({"person": world_a.report.pk}) == small_filtered
    # A page deep down the wall, through its cursor, costs the same as the first.
    with world_a.scope():
        deep = Recognition.objects.order_by("-created_at", "-id")[250_000]
    from recognition.selectors.recognition import Cursor

    assert cost({"cursor": Cursor.after(deep).token}, {**HX, "HX-Target": "wall-more"}) <= small
    # The page's own query walks the (organization, -created_at, -id) index: no sort of the
    # whole table, no count.
    with CaptureQueriesContext(connection) as captured:
        client.get(org_url("recognition:index"), {"cursor": Cursor.after(deep).token})
    main = next(
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "recognition_recognition"' in q["sql"] and "LIMIT 21" in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + main)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "recognition_wall" in plan, plan
    assert "Seq Scan on recognition_recognition" not in plan, plan
