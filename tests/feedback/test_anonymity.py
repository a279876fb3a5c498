"""The anonymity search the issue asks for.

Three colleagues with names nobody else has answer an anonymous cycle about the report.
Then every response body the participant, their manager and HR can reach (pages, htmx
partials, inbox, API), every email sent and every log line is searched for the
reviewers' names and email addresses: none may appear next to the answers. The answers
are stored without author, and their order on the results page follows the text, not the
order in which they arrived.
"""

import html
import logging
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from feedback import cycles
from feedback.models import (
    AssignmentStatus,
    CycleParticipant,
    CycleResponse,
    FeedbackCycle,
    Relation,
    ReviewerAssignment,
)
from perfapp.notifications.tasks import dispatch_outbox
from perfapp.tenancy.scoping import scopes_disabled

from ..factories import MembershipFactory
from ..isolation.routes import ORG_API

REVIEWERS = [  # submitted in this order, which is not the alphabetical order of the texts
    ("Zebulon Quartz", "zq@quartz-anon.example", "Whiteboards every design before coding."),
    ("Xanthippe Vellacourt", "xv@vellacourt-anon.example", "Clear incident notes, every time."),
    ("Quillon Marchbanks", "qm@marchbanks-anon.example", "Mentors new joiners patiently."),
]
MANAGER_TEXT = "Owns the on-call handover."
SELF_TEXT = "I could delegate more."

# API endpoints that are the people directory: they list every colleague's name by design,
# so only the answers themselves must be absent from them.
DIRECTORY_ENDPOINTS = {
    "api:member-list",
    "api:team-list",
    "api:team-detail",
    "api:me-list",
    "api:points-balance-list",  # HR reads everyone's points balance
}


def signed_in(membership) -> Client:
    """A browser of one's own: messages (toasts) of one person never reach another."""
    client = Client()
    client.force_login(membership.user)
    return client


def page_url(name, **kwargs):
    return reverse(f"feedback:{name}", kwargs={"org_slug": "alpha", **kwargs})


def text_of(response) -> str:
    body = response.content.decode()
    return html.unescape(body)


def secrets_of(name: str, email: str) -> list[str]:
    """What would identify a reviewer: full name, first and last name, email and its
    local part."""
    first, last = name.split()
    return [name, first, last, email, email.split("@")[0] + "@"]


def leaks(body: str, people) -> list[str]:
    found = []
    for name, email, _ in people:
        for secret in secrets_of(name, email):
            if re.search(re.escape(secret), body, re.IGNORECASE):
                found.append(secret)
    return found


@pytest.fixture
def anonymous_round(world_a):
    """HR sets up an anonymous cycle about the report; the report nominates the three
    colleagues, the manager approves them; all of them, the manager and the report answer
    through the answer page; HR closes it. Returns what the tests need."""
    world = world_a
    today = timezone.now().date()
    reviewers = []
    with world.scope():
        for name, email, _ in REVIEWERS:
            reviewers.append(
                MembershipFactory(
                    organization=world.organization,
                    user__name=name,
                    user__email=email,
                    job_title="Engineer",
                )
            )
        cycle = cycles.save_cycle(
            actor=world.hr,
            cycle=FeedbackCycle(
                name="Anonymous 360",
                opens_on=today,
                closes_on=today + timedelta(days=10),
                anonymous=True,
                include_peers=True,
                max_peers=3,
            ),
        )
        rating = cycles.add_question(
            actor=world.hr, cycle=cycle, kind="rating", prompt="How clearly do they share plans?"
        )
        text = cycles.add_question(
            actor=world.hr, cycle=cycle, kind="text", prompt="What should they keep doing?"
        )
        cycles.set_participants(actor=world.hr, cycle=cycle, members=[world.report])
    assert signed_in(world.hr).post(page_url("cycle_open", pk=cycle.pk)).status_code == 302

    response = signed_in(world.report).post(
        page_url("cycle_peers", pk=cycle.pk), {"peers": [r.pk for r in reviewers]}
    )
    assert response.status_code == 302
    with world.scope():
        entry = CycleParticipant.objects.get(cycle=cycle, participant=world.report)
        proposed = list(
            ReviewerAssignment.objects.filter(participant=entry, relation=Relation.PEER)
        )
    response = signed_in(world.manager).post(
        page_url("cycle_approvals", pk=cycle.pk),
        {"assignment": [a.pk for a in proposed], "decision": "approve"},
    )
    assert response.status_code == 302

    return {
        "world": world,
        "cycle": cycle,
        "entry": entry,
        "reviewers": reviewers,
        "rating": rating,
        "text": text,
    }


def answer_as(membership, entry, rating_q, text_q, score, text):
    with scopes_disabled():
        assignment = ReviewerAssignment.objects.get(participant=entry, reviewer=membership)
    response = signed_in(membership).post(
        page_url("cycle_answer_send"),
        {"review": assignment.pk, f"q{rating_q.pk}": str(score), f"q{text_q.pk}": text},
    )
    assert response.status_code == 302, text_of(response)
    return assignment


def reachable_pages(world, cycle, entry, membership) -> dict[str, str]:
    """Every cycle page and inbox page ``membership`` can open, with htmx variants."""
    client = signed_in(membership)
    urls = {
        "cycles": page_url("cycles"),
        "cycle": page_url("cycle", pk=cycle.pk),
        "cycle?page=2": page_url("cycle", pk=cycle.pk) + "?page=2",
        "results": page_url("cycle_results", pk=entry.pk),
        "inbox": reverse("notifications:inbox", kwargs={"org_slug": "alpha"}),
        "inbox?page=2": reverse("notifications:inbox", kwargs={"org_slug": "alpha"}) + "?page=2",
        "home": reverse("web:home", kwargs={"org_slug": "alpha"}),
    }
    bodies = {}
    for label, url in urls.items():
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            if response.status_code == 200:
                bodies[f"{label}{' (htmx)' if headers else ''}"] = text_of(response)
    return bodies


def api_bodies(api_as, worlds, membership) -> dict[str, str]:
    """GET every API route of tests/isolation/routes.py, once with each world's ids."""
    client = api_as(membership)
    bodies = {}
    for name, kwargs_for in ORG_API.items():
        for index, world in enumerate(worlds):
            kwargs = {"org_slug": "alpha"}
            if kwargs_for is not None:
                kwargs.update(kwargs_for(world))
            elif index:
                continue  # no ids: the same URL as before
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            response = client.get(url)
            if response.status_code == 200:
                bodies[name] = bodies.get(name, "") + response.content.decode()
    return bodies


def round_world(world, cycle, entry, question):
    """The world with this round's cycle in place of the world's own, for the API ids."""
    with scopes_disabled():
        assignment = ReviewerAssignment.objects.get(participant=entry, relation=Relation.MANAGER)
    feedback = SimpleNamespace(
        **{
            **vars(world.feedback),
            "cycle": cycle,
            "entry": entry,
            "question": question,
            "assignment": assignment,
        }
    )
    return SimpleNamespace(**{**vars(world), "feedback": feedback, "scope": world.scope})


def test_no_page_api_email_or_log_reveals_who_wrote_an_anonymous_answer(
    anonymous_round, api_as, mailoutbox, caplog
):
    round_ = anonymous_round
    world, cycle, entry = round_["world"], round_["cycle"], round_["entry"]
    rating_q, text_q = round_["rating"], round_["text"]
    caplog.set_level(logging.DEBUG)
    caplog.clear()

    # The peers answer in an order that is not the alphabetical order of their texts,
    # then the manager and the participant themselves.
    for reviewer, (_, _, text), score in zip(
        round_["reviewers"], REVIEWERS, (5, 3, 4), strict=True
    ):
        answer_as(reviewer, entry, rating_q, text_q, score, text)
    answer_as(world.manager, entry, rating_q, text_q, 2, MANAGER_TEXT)
    answer_as(world.report, entry, rating_q, text_q, 3, SELF_TEXT)

    hr = signed_in(world.hr)
    dashboard_while_open = text_of(hr.get(page_url("cycle", pk=cycle.pk)))
    assert hr.post(page_url("cycle_close", pk=cycle.pk)).status_code == 302
    dispatch_outbox()

    # Storage: no author, no relation for anything written by others.
    with scopes_disabled():
        rows = list(
            CycleResponse.objects.filter(participant=entry).values("author", "relation", "group")
        )
        statuses = set(
            ReviewerAssignment.objects.filter(participant=entry).values_list("status", flat=True)
        )
    others = [row for row in rows if row["group"] == "others"]
    assert len(others) == 4
    assert all(row["author"] is None and row["relation"] == "" for row in others)
    assert [row for row in rows if row["group"] == "self"] == [
        {"author": world.report.pk, "relation": "self", "group": "self"}
    ]
    assert statuses == {AssignmentStatus.ANSWERED}

    # What the participant, the manager and HR can reach.
    views = {"hr dashboard while open": dashboard_while_open}
    for who in (world.report, world.manager, world.hr):
        for label, body in reachable_pages(world, cycle, entry, who).items():
            views[f"{who.name} · {label}"] = body
    worlds = (world, round_world(world, cycle, entry, text_q))
    api = {
        who.pk: api_bodies(api_as, worlds, who) for who in (world.report, world.manager, world.hr)
    }
    for who in (world.report, world.manager, world.hr):
        for label, body in api[who.pk].items():
            if label not in DIRECTORY_ENDPOINTS:
                views[f"api as {who.name} · {label}"] = body
    if "api:cycle-result-detail" in ORG_API:  # the search really covers the results API
        assert REVIEWERS[0][2] in api[world.report.pk].get("api:cycle-result-detail", "")
    assert any("results" in label for label in views)
    for label, body in views.items():
        assert not leaks(body, REVIEWERS), (label, leaks(body, REVIEWERS))

    # The people directory lists every colleague, but never an answer.
    for who in (world.report, world.manager, world.hr):
        for label in DIRECTORY_ENDPOINTS & set(api[who.pk]):
            for _, _, text in REVIEWERS:
                assert text not in api[who.pk][label], label

    # Emails: nothing names a reviewer, whoever it was sent to (a reviewer's own address
    # is of course in the "to" of their own emails).
    assert mailoutbox
    for email in mailoutbox:
        content = f"{email.subject}\n{email.body}"
        assert not leaks(content, REVIEWERS), (email.to, email.subject)
        if email.to[0] in {world.report.email, world.manager.email, world.hr.email}:
            assert not leaks(" ".join(email.to), REVIEWERS)

    # Logs of everything above.
    assert not leaks(caplog.text, REVIEWERS)

    # The results page: every answer is there, texts sorted, not in submission order.
    page = text_of(signed_in(world.report).get(page_url("cycle_results", pk=entry.pk)))
    submitted = [text for _, _, text in REVIEWERS] + [MANAGER_TEXT]
    shown = sorted(submitted, key=lambda text: page.index(text))
    assert shown == sorted(submitted, key=str.lower)
    assert shown != submitted
    assert SELF_TEXT in page and "4 colleagues answered" in page
    assert "3.5" in page  # the average of 5, 3, 4 and 2

    # The manager reads the same, in the same order.
    manager_page = text_of(signed_in(world.manager).get(page_url("cycle_results", pk=entry.pk)))
    assert sorted(submitted, key=lambda text: manager_page.index(text)) == shown


def test_reviewers_see_neither_each_others_answers_nor_who_else_answered(anonymous_round):
    round_ = anonymous_round
    world, entry = round_["world"], round_["entry"]
    first, second, third = round_["reviewers"]
    answer_as(first, entry, round_["rating"], round_["text"], 4, REVIEWERS[0][2])
    answer_as(second, entry, round_["rating"], round_["text"], 4, REVIEWERS[1][2])
    for reviewer, own in ((first, REVIEWERS[0]), (third, REVIEWERS[2])):
        with world.scope():
            assignment = ReviewerAssignment.objects.get(participant=entry, reviewer=reviewer)
        client = signed_in(reviewer)
        bodies = [
            text_of(client.get(page_url("cycles"))),
            text_of(client.get(page_url("cycle_answer", pk=assignment.pk))),
            text_of(client.get(reverse("notifications:inbox", kwargs={"org_slug": "alpha"}))),
        ]
        strangers = [r for r in REVIEWERS if r is not own]
        for body in bodies:
            assert not leaks(body, strangers)
            assert REVIEWERS[1][2] not in body  # the second reviewer's answer
        # and nobody else's results
        assert client.get(page_url("cycle_results", pk=entry.pk)).status_code == 404


def test_the_peer_and_approval_pages_show_who_was_asked_but_never_who_answered(anonymous_round):
    round_ = anonymous_round
    world, cycle, entry = round_["world"], round_["cycle"], round_["entry"]
    answer_as(round_["reviewers"][0], entry, round_["rating"], round_["text"], 4, "Kind.")
    peers = text_of(signed_in(world.report).get(page_url("cycle_peers", pk=cycle.pk)))
    approvals = text_of(signed_in(world.manager).get(page_url("cycle_approvals", pk=cycle.pk)))
    for body in (peers, approvals):
        assert "answered" not in body.lower()
        assert "Kind." not in body
    # every nominee shows the same status, answered or not
    assert peers.count("Approved") == 3


def test_with_two_answers_the_results_stay_hidden(anonymous_round):
    round_ = anonymous_round
    world, cycle, entry = round_["world"], round_["cycle"], round_["entry"]
    rating_q, text_q = round_["rating"], round_["text"]
    for reviewer, (_, _, text) in list(zip(round_["reviewers"], REVIEWERS, strict=True))[:2]:
        answer_as(reviewer, entry, rating_q, text_q, 5, text)
    answer_as(world.report, entry, rating_q, text_q, 3, SELF_TEXT)
    signed_in(world.hr).post(page_url("cycle_close", pk=cycle.pk))
    for who in (world.report, world.manager):
        page = text_of(signed_in(who).get(page_url("cycle_results", pk=entry.pk)))
        assert "Answers from others are hidden" in page
        assert "Fewer than 3 colleagues answered" in page
        assert SELF_TEXT in page
        for _, _, text in REVIEWERS:
            assert text not in page
        assert 'role="img"' not in page  # no distribution drawn from two answers
