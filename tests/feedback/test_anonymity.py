"""The anonymity search the issue asks for.

Three colleagues with names nobody else has answer an anonymous cycle about the report.
Then every response body the participant, their manager and HR can reach (pages, htmx
partials, inbox, API), every email sent and every log line is searched for the
reviewers' names and email addresses: none may appear next to the answers. The answers
are stored without author, and their order on the results page follows the text, not the
order in which they arrived.

Then the threshold as each reader meets it (a manager, a skip-level or a reader who
answered a question counts one fewer), and what someone holding a database dump, the
rows' ``xmin`` or the request log can line up: nothing.
"""

import json
import logging
import os
import re
import subprocess
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.signals import request_started
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from feedback.models import (
    AssignmentStatus,
    CycleParticipant,
    CycleResponse,
    FeedbackCycle,
    Relation,
    ReviewerAssignment,
)
from feedback.services import cycles
from perfapp.notifications.tasks import dispatch_outbox
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import organization_scope, scopes_disabled

from ..factories import MembershipFactory, OrganizationFactory
from ..helpers import html_of, org_url, signed_in_client
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
    assert (
        signed_in_client(world.hr).post(org_url("feedback:cycle_open", pk=cycle.pk)).status_code
        == 302
    )

    response = signed_in_client(world.report).post(
        org_url("feedback:cycle_peers", pk=cycle.pk), {"peers": [r.pk for r in reviewers]}
    )
    assert response.status_code == 302
    with world.scope():
        entry = CycleParticipant.objects.get(cycle=cycle, participant=world.report)
        proposed = list(
            ReviewerAssignment.objects.filter(participant=entry, relation=Relation.PEER)
        )
    response = signed_in_client(world.manager).post(
        org_url("feedback:cycle_approvals", pk=cycle.pk),
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
    response = signed_in_client(membership).post(
        org_url("feedback:cycle_answer_send"),
        {"review": assignment.pk, f"q{rating_q.pk}": str(score), f"q{text_q.pk}": text},
    )
    assert response.status_code == 302, html_of(response)
    return assignment


def reachable_pages(world, cycle, entry, membership) -> dict[str, str]:
    """Every cycle page and inbox page ``membership`` can open, with htmx variants."""
    client = signed_in_client(membership)
    urls = {
        "cycles": org_url("feedback:cycles"),
        "cycle": org_url("feedback:cycle", pk=cycle.pk),
        "cycle?page=2": org_url("feedback:cycle", pk=cycle.pk) + "?page=2",
        "results": org_url("feedback:cycle_results", pk=entry.pk),
        "inbox": reverse("notifications:inbox", kwargs={"org_slug": "alpha"}),
        "inbox?page=2": reverse("notifications:inbox", kwargs={"org_slug": "alpha"}) + "?page=2",
        "home": reverse("web:home", kwargs={"org_slug": "alpha"}),
    }
    bodies = {}
    for label, url in urls.items():
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            if response.status_code == 200:
                bodies[f"{label}{' (htmx)' if headers else ''}"] = html_of(response)
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

    hr = signed_in_client(world.hr)
    dashboard_while_open = html_of(hr.get(org_url("feedback:cycle", pk=cycle.pk)))
    assert hr.post(org_url("feedback:cycle_close", pk=cycle.pk)).status_code == 302
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
    page = html_of(
        signed_in_client(world.report).get(org_url("feedback:cycle_results", pk=entry.pk))
    )
    submitted = [text for _, _, text in REVIEWERS] + [MANAGER_TEXT]
    shown = sorted(submitted, key=lambda text: page.index(text))
    assert shown == sorted(submitted, key=str.lower)
    assert shown != submitted
    assert SELF_TEXT in page and "4 colleagues answered" in page
    assert "3.5" in page  # the average of 5, 3, 4 and 2

    # The manager reads the same, in the same order.
    manager_page = html_of(
        signed_in_client(world.manager).get(org_url("feedback:cycle_results", pk=entry.pk))
    )
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
        client = signed_in_client(reviewer)
        bodies = [
            html_of(client.get(org_url("feedback:cycles"))),
            html_of(client.get(org_url("feedback:cycle_answer", pk=assignment.pk))),
            html_of(client.get(reverse("notifications:inbox", kwargs={"org_slug": "alpha"}))),
        ]
        strangers = [r for r in REVIEWERS if r is not own]
        for body in bodies:
            assert not leaks(body, strangers)
            assert REVIEWERS[1][2] not in body  # the second reviewer's answer
        # and nobody else's results
        assert client.get(org_url("feedback:cycle_results", pk=entry.pk)).status_code == 404


def test_the_peer_and_approval_pages_show_who_was_asked_but_never_who_answered(anonymous_round):
    round_ = anonymous_round
    world, cycle, entry = round_["world"], round_["cycle"], round_["entry"]
    answer_as(round_["reviewers"][0], entry, round_["rating"], round_["text"], 4, "Kind.")
    peers = html_of(
        signed_in_client(world.report).get(org_url("feedback:cycle_peers", pk=cycle.pk))
    )
    approvals = html_of(
        signed_in_client(world.manager).get(org_url("feedback:cycle_approvals", pk=cycle.pk))
    )
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
    signed_in_client(world.hr).post(org_url("feedback:cycle_close", pk=cycle.pk))
    for who in (world.report, world.manager):
        page = html_of(signed_in_client(who).get(org_url("feedback:cycle_results", pk=entry.pk)))
        assert "Answers from others are hidden" in page
        assert "Fewer than 3 colleagues answered" in page
        assert SELF_TEXT in page
        for _, _, text in REVIEWERS:
            assert text not in page
        assert 'role="img"' not in page  # no distribution drawn from two answers


# --- the threshold counts only answers from people other than the reader ------------------


def results_as(api_as, who, entry) -> dict:
    response = api_as(who).get(
        reverse("api:cycle-result-detail", kwargs={"org_slug": "alpha", "pk": entry.pk})
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_manager_who_answered_does_not_read_results_backed_by_two_other_answers(
    anonymous_round, api_as
):
    """Two peers and the manager answered: three others for the report, but only two
    besides the manager, who would read the two peers' answers once their own is taken
    away. The report reads them; the manager does not, on the page or in the API."""
    round_ = anonymous_round
    world, cycle, entry = round_["world"], round_["cycle"], round_["entry"]
    rating_q, text_q = round_["rating"], round_["text"]
    for reviewer, (_, _, text), score in list(
        zip(round_["reviewers"], REVIEWERS, (5, 3, 4), strict=True)
    )[:2]:
        answer_as(reviewer, entry, rating_q, text_q, score, text)
    answer_as(world.manager, entry, rating_q, text_q, 2, MANAGER_TEXT)
    answer_as(world.report, entry, rating_q, text_q, 3, SELF_TEXT)
    assert (
        signed_in_client(world.hr).post(org_url("feedback:cycle_close", pk=cycle.pk)).status_code
        == 302
    )
    peer_texts = [text for _, _, text in REVIEWERS[:2]]

    own = html_of(
        signed_in_client(world.report).get(org_url("feedback:cycle_results", pk=entry.pk))
    )
    assert "3 colleagues answered" in own and "you among them" not in own
    assert all(text in own for text in [*peer_texts, MANAGER_TEXT])

    manager_page = html_of(
        signed_in_client(world.manager).get(org_url("feedback:cycle_results", pk=entry.pk))
    )
    assert "Answers from others are hidden" in manager_page
    assert "Fewer than 3 colleagues besides you answered" in manager_page
    assert SELF_TEXT in manager_page  # the report's own view is theirs to share
    for text in [*peer_texts, MANAGER_TEXT]:
        assert text not in manager_page
    assert 'role="img"' not in manager_page

    report_api = results_as(api_as, world.report, entry)
    assert (report_api["hidden"], report_api["you_answered"], report_api["others_count"]) == (
        False,
        False,
        3,
    )
    manager_api = results_as(api_as, world.manager, entry)
    assert manager_api["hidden"] is True and manager_api["you_answered"] is True
    assert manager_api["hidden_reason"].startswith("Fewer than 3 colleagues besides you answered")
    raw = json.dumps(manager_api)
    assert not any(text in raw for text in [*peer_texts, MANAGER_TEXT])
    assert all(q["ratings"]["count"] == 0 for q in manager_api["questions"] if q["ratings"])


def test_with_three_answers_besides_the_manager_both_read_them(anonymous_round, api_as):
    round_ = anonymous_round
    world, cycle, entry = round_["world"], round_["cycle"], round_["entry"]
    rating_q, text_q = round_["rating"], round_["text"]
    for reviewer, (_, _, text) in zip(round_["reviewers"], REVIEWERS, strict=True):
        answer_as(reviewer, entry, rating_q, text_q, 4, text)
    answer_as(world.manager, entry, rating_q, text_q, 2, MANAGER_TEXT)
    signed_in_client(world.hr).post(org_url("feedback:cycle_close", pk=cycle.pk))
    manager_page = html_of(
        signed_in_client(world.manager).get(org_url("feedback:cycle_results", pk=entry.pk))
    )
    assert "4 colleagues answered, you among them" in manager_page
    assert all(text in manager_page for _, _, text in REVIEWERS)
    body = results_as(api_as, world.manager, entry)
    assert body["hidden"] is False and body["you_answered"] is True
    assert body["questions"][0]["ratings"]["count"] == 4


def _open_cycle(world, *, participant, questions, include_reports=False):
    today = timezone.now().date()
    with world.scope():
        cycle = cycles.save_cycle(
            actor=world.hr,
            cycle=FeedbackCycle(
                name="Reader threshold",
                opens_on=today,
                closes_on=today + timedelta(days=7),
                anonymous=True,
                include_self=False,
                include_manager=True,
                include_peers=False,
                include_reports=include_reports,
            ),
        )
        made = [
            cycles.add_question(
                actor=world.hr, cycle=cycle, kind=kind, prompt=prompt, required=required
            )
            for kind, prompt, required in questions
        ]
        cycles.set_participants(actor=world.hr, cycle=cycle, members=[participant])
        cycles.open_cycle(actor=world.hr, cycle=cycle)
        entry = CycleParticipant.objects.get(cycle=cycle)
    return cycle, entry, made


def _answer(world, entry, reviewer, answers, relation=Relation.PEER):
    with world.scope():
        assignment = ReviewerAssignment.objects.filter(participant=entry, reviewer=reviewer).first()
        if assignment is None:
            assignment = ReviewerAssignment.objects.create(
                organization=world.organization,
                cycle=entry.cycle,
                participant=entry,
                reviewer=reviewer,
                relation=relation,
            )
        cycles.submit_answers(reviewer=reviewer, assignment=assignment, answers=answers)


def test_a_question_the_reader_answered_needs_three_answers_besides_theirs(world_a, api_as):
    """Every reviewer rated; only the manager and two peers answered the optional text
    question. The report reads those three comments; the manager, who wrote one of them,
    would read two peers' words through it, so for them the question is withheld."""
    world = world_a
    cycle, entry, (rating, comment) = _open_cycle(
        world,
        participant=world.report,
        questions=[("rating", "Pace?", True), ("text", "Anything else?", False)],
    )
    peers = [MembershipFactory(organization=world.organization) for _ in range(3)]
    texts = ["Brings snacks.", "Clear tickets.", "Demos early."]
    _answer(world, entry, world.manager, {rating.pk: (2, ""), comment.pk: (None, MANAGER_TEXT)})
    for peer, text in zip(peers[:2], texts, strict=False):
        _answer(world, entry, peer, {rating.pk: (4, ""), comment.pk: (None, text)})
    _answer(world, entry, peers[2], {rating.pk: (5, "")})
    with world.scope():
        cycles.close_cycle(actor=world.hr, cycle=cycle)
        for_report = cycles.results_for(entry=entry, reader=world.report)
        for_manager = cycles.results_for(entry=entry, reader=world.manager)
    assert not for_report.hidden and not for_manager.hidden
    assert for_report.questions[1].texts == [("", t) for t in [*texts[:2], MANAGER_TEXT]]
    assert for_manager.questions[0].ratings == [2, 4, 4, 5]  # four ratings, three besides
    assert for_manager.questions[1].texts == [] and for_manager.questions[1].withheld
    api = results_as(api_as, world.manager, entry)
    assert api["questions"][1]["withheld"] is True and api["questions"][1]["texts"] == []
    page = html_of(
        signed_in_client(world.manager).get(org_url("feedback:cycle_results", pk=entry.pk))
    )
    assert "Fewer than three colleagues besides you answered this question" in page
    assert not any(text in page for text in texts)


def test_upward_results_count_only_answers_besides_the_skip_level_reading_them(world_a):
    """Upward feedback about the manager: their reports answer, and so does their own
    manager (the owner), who reads the results as the reports' skip-level. Two reports
    and the owner make three for the manager, only two besides the owner."""
    world = world_a
    with world.scope():
        second = MembershipFactory(organization=world.organization, manager=world.manager)
        third = MembershipFactory(organization=world.organization, manager=world.manager)
    cycle, entry, (question,) = _open_cycle(
        world,
        participant=world.manager,
        questions=[("text", "What should they keep doing?", True)],
        include_reports=True,
    )
    for reviewer, text in ((world.report, "Shields us."), (second, "Fair reviews.")):
        _answer(world, entry, reviewer, {question.pk: (None, text)})
    _answer(world, entry, world.owner, {question.pk: (None, "Hires well.")})
    with world.scope():
        relations = dict(
            ReviewerAssignment.objects.filter(participant=entry).values_list(
                "reviewer_id", "relation"
            )
        )
        cycles.close_cycle(actor=world.hr, cycle=cycle)
    assert relations[world.owner.pk] == Relation.MANAGER and relations[third.pk] == "report"
    subject = html_of(
        signed_in_client(world.manager).get(org_url("feedback:cycle_results", pk=entry.pk))
    )
    skip_level = html_of(
        signed_in_client(world.owner).get(org_url("feedback:cycle_results", pk=entry.pk))
    )
    assert "Shields us." in subject and "3 colleagues answered" in subject
    assert "Answers from others are hidden" in skip_level
    assert "Shields us." not in skip_level and "Fair reviews." not in skip_level


# --- what someone holding the database or the request log can tell -------------------------

OPERATOR_REVIEWERS = 8  # a shuffle matches the order of answering once in 8! = 40,320


def _pg_dump(*tables) -> dict[str, list[dict]]:
    """The rows of ``tables`` exactly as ``pg_dump`` writes them (in its order)."""
    settings = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner"]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if settings.get(key):
            command += [flag, str(settings[key])]
    for table in tables:
        command += ["-t", table]
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    dump = subprocess.run(
        [*command, settings["NAME"]], capture_output=True, text=True, check=True, env=env
    ).stdout
    rows: dict[str, list[dict]] = {table: [] for table in tables}
    current = None
    for line in dump.splitlines():
        if line.startswith("COPY "):
            name = line.split()[1].split(".")[-1]
            columns = [
                c.strip('"') for c in line[line.index("(") + 1 : line.index(")")].split(", ")
            ]
            current = (name, columns)
        elif line == "\\.":
            current = None
        elif current is not None:
            rows[current[0]].append(dict(zip(current[1], line.split("\t"), strict=True)))
    rows["raw"] = dump
    return rows


def _xmins(table: str, where: str, params) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {table} WHERE {where}", params)
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def request_log():
    """What a web server's access log keeps of each request: method, path, query. Only this
    test's requests: the browser tests' live server runs in another thread of the same
    process for the whole session, and a page left open there may still ask it something."""
    lines = []
    this_thread = threading.get_ident()

    def log(sender, environ, **kwargs):
        if threading.get_ident() != this_thread:
            return
        lines.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], environ["QUERY_STRING"]))

    request_started.connect(log)
    yield lines
    request_started.disconnect(log)


@pytest.mark.django_db(transaction=True)
def test_a_dump_xmin_and_the_request_log_do_not_tie_an_answer_to_its_reviewer(request_log, api_as):
    """Eight colleagues answer an anonymous cycle about one person, in a known order,
    half through the page and half through the API, each in their own requests and
    transactions (no test transaction around them). Then someone who holds what an
    operator holds tries to line answers up with reviewers."""
    organization = OrganizationFactory(slug="gamma")
    hr = MembershipFactory(organization=organization, role=Role.HR_ADMIN)
    manager = MembershipFactory(organization=organization)
    subject = MembershipFactory(organization=organization, manager=manager)
    peers = [MembershipFactory(organization=organization) for _ in range(OPERATOR_REVIEWERS - 1)]
    today = timezone.now().date()
    with organization_scope(organization):
        cycle = cycles.save_cycle(
            actor=hr,
            cycle=FeedbackCycle(
                name="Dump-proof 360",
                opens_on=today,
                closes_on=today + timedelta(days=10),
                anonymous=True,
                include_self=False,
                include_peers=False,
            ),
        )
        question = cycles.add_question(actor=hr, cycle=cycle, kind="text", prompt="Keep doing?")
        cycles.set_participants(actor=hr, cycle=cycle, members=[subject])
        cycles.open_cycle(actor=hr, cycle=cycle)
        entry = CycleParticipant.objects.get(cycle=cycle)
        ReviewerAssignment.objects.bulk_create(
            ReviewerAssignment(
                organization=organization,
                cycle=cycle,
                participant=entry,
                reviewer=peer,
                relation=Relation.PEER,
            )
            for peer in peers
        )
        reviews = {a.reviewer_id: a for a in ReviewerAssignment.objects.filter(participant=entry)}
    reviewers = [manager, *peers]
    texts = [f"Answer number {index} about the same person." for index in range(len(reviewers))]
    request_log.clear()
    for index, (reviewer, text) in enumerate(zip(reviewers, texts, strict=True)):
        review = reviews[reviewer.pk]
        if index % 2:
            response = api_as(reviewer).post(
                reverse("api:cycle-review-send", kwargs={"org_slug": "gamma"}),
                {"review": review.pk, "answers": [{"question": question.pk, "text": text}]},
                format="json",
            )
            assert response.status_code == 200, response.content
        else:
            client = Client()
            client.force_login(reviewer.user)
            response = client.post(
                reverse("feedback:cycle_answer_send", kwargs={"org_slug": "gamma"}),
                {"review": review.pk, f"q{question.pk}": text},
            )
            assert response.status_code == 302, response.content
    sent = list(request_log)

    # The request log: every answer was sent to one address, with nothing after it, that
    # names neither a review, nor a reviewer, nor anything else with an id.
    assert [method for method, _, _ in sent] == ["POST"] * len(reviewers)
    assert {path for _, path, _ in sent} == {
        "/o/gamma/feedback/cycles/answers/",
        "/api/v1/orgs/gamma/cycle-reviews/answers/",
    }
    assert all(
        query == "" and not any(part.isdigit() for part in path.split("/"))
        for _, path, query in sent
    )

    # A dump while the cycle is open: the answers exist only sealed, all the same size.
    tables = (
        "feedback_cycleresponse",
        "feedback_cycleanswer",
        "feedback_sealedresponse",
        "feedback_reviewerassignment",
    )
    open_dump = _pg_dump(*tables)
    for text in texts:
        assert text not in open_dump["raw"]
        assert text.encode().hex() not in open_dump["raw"]
    assert open_dump["feedback_cycleresponse"] == [] and open_dump["feedback_cycleanswer"] == []
    sealed = open_dump["feedback_sealedresponse"]
    assert len(sealed) == len(reviewers) and len({len(row["sealed"]) for row in sealed}) == 1
    # The sealed rows were written in transactions apart from the "answered" marks.
    answered_marks = _xmins("feedback_reviewerassignment", "participant_id = %s", [entry.pk])
    assert len(answered_marks) == len(reviewers)
    sealed_xmins = _xmins("feedback_sealedresponse", "cycle_id = %s", [cycle.pk])
    assert not sealed_xmins & answered_marks

    client = Client()
    client.force_login(hr.user)
    closed = client.post(
        reverse("feedback:cycle_close", kwargs={"org_slug": "gamma", "pk": cycle.pk})
    )
    assert closed.status_code == 302

    # xmin: every released row was written by one transaction, the close, which marked
    # nobody's review.
    response_xmins = _xmins("feedback_cycleresponse", "participant_id = %s", [entry.pk])
    answer_xmins = _xmins(
        "feedback_cycleanswer",
        "response_id IN (SELECT id FROM feedback_cycleresponse WHERE participant_id = %s)",
        [entry.pk],
    )
    assert len(response_xmins) == 1 and response_xmins == answer_xmins
    assert not response_xmins & answered_marks
    assert _xmins("feedback_reviewerassignment", "participant_id = %s", [entry.pk]) == (
        answered_marks
    )

    # A dump after the close: the order of responses and answers (as dumped, and by key)
    # is not the order in which the reviews were marked answered, which is the order in
    # which the reviewers answered.
    closed_dump = _pg_dump(*tables)
    assert closed_dump["feedback_sealedresponse"] == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reviewer_id FROM feedback_reviewerassignment WHERE participant_id = %s "
            "ORDER BY xmin::text::bigint",
            [entry.pk],
        )
        marked_order = [row[0] for row in cursor.fetchall()]
    assert marked_order == [reviewer.pk for reviewer in reviewers]  # what the attacker sees
    answers = closed_dump["feedback_cycleanswer"]
    text_of_response = {row["response_id"]: row["text"] for row in answers}
    dumped_order = [text_of_response[row["id"]] for row in closed_dump["feedback_cycleresponse"]]
    assert sorted(dumped_order) == sorted(texts)
    assert dumped_order != texts
    assert [row["text"] for row in answers] != texts
    assert [row["text"] for row in sorted(answers, key=lambda row: row["id"])] != texts
    by_key = [text_of_response[key] for key in sorted(text_of_response)]
    assert by_key != texts
    for row in closed_dump["feedback_cycleresponse"]:
        assert row["author_id"] == "\\N" and row["relation"] == ""
        assert set(row) <= {
            "id",
            "organization_id",
            "cycle_id",
            "participant_id",
            "author_id",
            "relation",
            "group",
        }

    # And the subject still reads every answer.
    client.force_login(subject.user)
    page = html_of(
        client.get(reverse("feedback:cycle_results", kwargs={"org_slug": "gamma", "pk": entry.pk}))
    )
    assert f"{len(reviewers)} colleagues answered" in page
    assert all(text in page for text in texts)
