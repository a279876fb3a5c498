"""The continuous-feedback REST API: the same visibility rules as the pages, clear 400s
that change nothing, anonymous cycle results that never name a reviewer, and lists with
a fixed query budget."""

import json
import re
from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from advancement.models import Competency
from feedback.models import (
    AssignmentStatus,
    CycleAnswer,
    CycleParticipant,
    CycleQuestion,
    CycleResponse,
    Feedback,
    FeedbackCycle,
    FeedbackRequest,
    Relation,
    RequestReviewer,
    RequestStatus,
    ReviewerAssignment,
    SealedResponse,
    Visibility,
)
from feedback.services import cycles
from feedback.services import giving as services
from feedback.services import requests as request_services
from perfapp.accounts.models import User
from perfapp.notifications.models import OutboxMessage
from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import scopes_disabled

from ..factories import MembershipFactory
from ..helpers import api_error, org_url

SERIAL = count()


def field_message(response, field: str) -> str:
    return api_error(response)["fields"][field][0]["message"]


MODELS = (
    Feedback,
    Feedback.competencies.through,
    FeedbackRequest,
    RequestReviewer,
    FeedbackCycle,
    CycleQuestion,
    CycleParticipant,
    ReviewerAssignment,
    CycleResponse,
    CycleAnswer,
    SealedResponse,
    OutboxMessage,
)


def db_state() -> dict:
    with scopes_disabled():
        return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


CONTENT = {
    "kind": "constructive",
    "situation": "In Monday's incident call you paged the database team at once.",
    "impact": "We were back up in ten minutes.",
    "suggestion": "Next time, post the status page update first.",
}


def _give(world, visibility: str) -> Feedback:
    """The member writes about the report; ``manager_only`` only answers the manager's
    request about the report."""
    with world.scope():
        if visibility != Visibility.MANAGER_ONLY:
            return services.give_feedback(
                author=world.member, recipient=world.report, visibility=visibility, **CONTENT
            )
        asked = request_services.request_feedback(
            requester=world.manager,
            subject=world.report,
            reviewers=[world.member],
            topic="How the on-call week went",
            due_date=timezone.now().date() + timedelta(days=3),
        )
        return request_services.answer_request(
            reviewer=world.member, row=asked.reviewers.get(), visibility=visibility, **CONTENT
        )


# --- who reads a piece of feedback ----------------------------------------------------------

VIEWERS = ("author", "recipient", "manager", "skip_level", "peer", "hr", "other_org")

# visibility -> the viewers who read it, and the timeline box each finds it in.
MATRIX = {
    Visibility.PRIVATE: {"author": "given", "recipient": "received"},
    Visibility.WITH_MANAGER: {"author": "given", "recipient": "received", "manager": "team"},
    Visibility.MANAGER_ONLY: {"author": "given", "manager": "team"},
}


@pytest.mark.parametrize("visibility", list(MATRIX))
def test_permission_matrix_through_the_api(visibility, world_a, world_b, api_as):
    feedback = _give(world_a, visibility)
    viewers = {
        "author": world_a.member,
        "recipient": world_a.report,
        "manager": world_a.manager,
        "skip_level": world_a.owner,  # manages the manager
        "peer": MembershipFactory(organization=world_a.organization),
        "hr": world_a.hr,
        "other_org": world_b.hr,
    }
    got, expected = {}, {}
    for name in VIEWERS:
        viewer = viewers[name]
        slug = viewer.organization.slug
        client = api_as(viewer)
        detail = client.get(org_url("api:feedback-detail", org=slug, pk=feedback.pk))
        boxes = {
            box
            for box in ("received", "given", "team")
            if feedback.pk in ids(client.get(org_url("api:feedback-list", org=slug), {"box": box}))
        }
        got[name] = (detail.status_code, boxes)
        reads = name in MATRIX[visibility]
        expected[name] = (200 if reads else 404, {MATRIX[visibility][name]} if reads else set())
        if reads:
            assert detail.json()["situation"] == CONTENT["situation"]
        else:
            assert detail.json() == {"error": {"code": "not_found", "message": "Not found."}}
    assert got == expected
    # Someone of another organization gets 404 at the organization's own URL too.
    assert (
        api_as(world_b.owner).get(org_url("api:feedback-detail", pk=feedback.pk)).status_code == 404
    )


def test_hr_sees_counts_of_feedback_never_its_words(world_a, api_as):
    _give(world_a, Visibility.PRIVATE)
    hr = api_as(world_a.hr)
    stats = hr.get(org_url("api:feedback-stats"))
    assert stats.status_code == 200
    assert stats.json() == {"total": 2, "praise": 1, "constructive": 1, "suggestion": 0}
    for box in ("received", "given", "team"):
        assert ids(hr.get(org_url("api:feedback-list"), {"box": box})) == []
    assert b"incident call" not in stats.content
    for person in (world_a.member, world_a.manager, world_a.report):
        assert (
            api_error(api_as(person).get(org_url("api:feedback-stats")), status=404)["code"]
            == "not_found"
        )


def test_the_feedback_shape(world_a, api_as):
    feedback = world_a.feedback.feedback  # member → report, shared with the manager
    competency = world_a.framework.competency
    mine = api_as(world_a.member).get(org_url("api:feedback-detail", pk=feedback.pk)).json()
    assert mine["author"] == {"id": world_a.member.pk, "name": world_a.member.name}
    assert mine["recipient"] == {"id": world_a.report.pk, "name": world_a.report.name}
    assert mine["kind"] == "praise" and mine["visibility"] == "with_manager"
    assert mine["competencies"] == [{"id": competency.pk, "name": competency.name}]
    assert mine["impact"] == "Sales could answer customers the same day."
    assert mine["edited_at"] is None and mine["editable_until"] is not None
    theirs = api_as(world_a.report).get(org_url("api:feedback-detail", pk=feedback.pk)).json()
    assert theirs["editable_until"] is None  # only the author edits
    assert set(theirs) == set(mine)


# --- giving -----------------------------------------------------------------------------


def test_giving_feedback_through_the_api(world_a, api_as):
    competency = world_a.framework.competency
    response = api_as(world_a.report).post(
        org_url("api:feedback-list"),
        {
            "recipient": world_a.member.pk,
            "kind": "praise",
            "situation": "  Your slides on Thursday made the rollout plan obvious.  ",
            "impact": "Sales stopped asking.",
            "visibility": "private",
            "competencies": [competency.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["situation"] == "Your slides on Thursday made the rollout plan obvious."
    assert body["author"]["id"] == world_a.report.pk
    assert body["competencies"] == [{"id": competency.pk, "name": competency.name}]
    with scopes_disabled():
        told = OutboxMessage.objects.get(kind="feedback.received", recipient=world_a.member)
    assert told.title == f"{world_a.report.name} gave you feedback"
    received = api_as(world_a.member).get(org_url("api:feedback-list")).json()["results"]
    assert received[0]["id"] == body["id"]  # newest first


def _deactivated(world) -> Membership:
    gone = MembershipFactory(organization=world.organization, is_active=False)
    return gone


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("yourself", "recipient", "can't send it to yourself"),
        ("deactivated", "recipient", "no longer active"),
        ("other_org_member", "recipient", "does not exist"),
        ("empty_situation", "situation", "Describe what happened"),
        ("blank_situation", "situation", "Describe what happened"),
        ("no_situation", "situation", "required"),
        ("bad_kind", "kind", "not a valid choice"),
        ("manager_only", "visibility", "answers to a manager's request"),
        ("other_org_competency", "competencies", "does not exist"),
        ("archived_competency", "competencies", "active competencies"),
        ("too_long", "situation", "no more than 4000"),
    ],
)
def test_bad_feedback_is_a_400_and_changes_nothing(case, field, message, world_a, world_b, api_as):
    data = {"recipient": world_a.report.pk, **CONTENT}
    if case == "yourself":
        data["recipient"] = world_a.member.pk
    elif case == "deactivated":
        data["recipient"] = _deactivated(world_a).pk
    elif case == "other_org_member":
        data["recipient"] = world_b.report.pk
    elif case == "empty_situation":
        data["situation"] = ""
    elif case == "blank_situation":
        data["situation"] = "   \n "
    elif case == "no_situation":
        del data["situation"]
    elif case == "bad_kind":
        data["kind"] = "rant"
    elif case == "manager_only":
        data["visibility"] = "manager_only"
    elif case == "other_org_competency":
        data["competencies"] = [world_b.framework.competency.pk]
    elif case == "archived_competency":
        with scopes_disabled():
            Competency.objects.filter(pk=world_a.framework.other_competency.pk).update(
                archived_at=timezone.now()
            )
        data["competencies"] = [world_a.framework.other_competency.pk]
    elif case == "too_long":
        data["situation"] = "x" * 4001
    before = db_state()
    response = api_as(world_a.member).post(org_url("api:feedback-list"), data, format="json")
    error = api_error(response)
    assert error["code"] == "validation_error"
    assert message in json.dumps(error["fields"][field]), error
    assert db_state() == before


def test_the_author_edits_within_the_window_and_not_after(world_a, api_as):
    feedback = world_a.feedback.feedback
    edited = api_as(world_a.member).patch(
        org_url("api:feedback-detail", pk=feedback.pk),
        {
            "situation": "In Tuesday's demo you walked sales through the rollout.",
            "competencies": [],
        },
        format="json",
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["situation"].startswith("In Tuesday's demo you walked")
    assert edited.json()["edited_at"] and edited.json()["competencies"] == []

    with scopes_disabled():
        Feedback.objects.filter(pk=feedback.pk).update(
            created_at=timezone.now() - services.EDIT_WINDOW - timedelta(minutes=1)
        )
    before = db_state()
    late = api_as(world_a.member).patch(
        org_url("api:feedback-detail", pk=feedback.pk), {"situation": "Too late."}, format="json"
    )
    assert api_error(late)["message"] == (
        "Feedback can be edited for 30 minutes after sending; this one is final now."
    )
    assert db_state() == before


def test_only_the_author_edits_and_never_who_reads_it(world_a, api_as):
    feedback = world_a.feedback.feedback
    before = db_state()
    path = org_url("api:feedback-detail", pk=feedback.pk)
    recipient = api_as(world_a.report).patch(path, {"situation": "Nicer."}, format="json")
    assert "Only the person who wrote" in api_error(recipient)["message"]
    peer = api_as(world_a.hr).patch(path, {"situation": "Nicer."}, format="json")
    assert api_error(peer, status=404)["code"] == "not_found"
    audience = api_as(world_a.member).patch(path, {"visibility": "private"}, format="json")
    assert "fixed once it is sent" in field_message(audience, "visibility")
    empty = api_as(world_a.member).patch(path, {"situation": ""}, format="json")
    assert "Describe what happened" in field_message(empty, "situation")
    put = api_as(world_a.member).put(path, {"situation": "x"}, format="json")
    assert api_error(put, status=405)["code"] == "method_not_allowed"
    assert db_state() == before


def test_the_recipient_attaches_private_feedback_as_evidence(world_a, api_as):
    private = _give(world_a, Visibility.PRIVATE)
    path = org_url("api:feedback-evidence", pk=private.pk)
    assert (
        api_as(world_a.report)
        .get(org_url("api:feedback-detail", pk=private.pk))
        .json()["attached_as_evidence"]
        is False
    )
    attached = api_as(world_a.report).post(path, {"attached": True}, format="json")
    assert attached.status_code == 200 and attached.json()["attached_as_evidence"] is True
    author = api_as(world_a.member).post(path, {"attached": False}, format="json")
    assert "Only the recipient" in api_error(author)["message"]
    shared = api_as(world_a.report).post(
        org_url("api:feedback-evidence", pk=world_a.feedback.feedback.pk), {"attached": True}
    )
    assert "Only private feedback" in api_error(shared)["message"]
    assert api_error(api_as(world_a.report).post(path, {}, format="json"))["fields"]["attached"]
    with scopes_disabled():
        assert Feedback.objects.get(pk=private.pk).attached_as_evidence is True


def test_the_nudge_gives_hints_and_never_blocks(world_a, api_as):
    client = api_as(world_a.member)
    vague = client.post(
        org_url("api:feedback-nudge"),
        {"kind": "constructive", "situation": "Great job!"},
        format="json",
    )
    assert vague.status_code == 200
    assert [hint["code"] for hint in vague.json()["hints"]] == [
        "no_example",
        "no_impact",
        "no_suggestion",
    ]
    assert all(hint["message"] for hint in vague.json()["hints"])
    specific = client.post(org_url("api:feedback-nudge"), CONTENT, format="json")
    assert specific.json() == {"hints": []}
    empty = client.post(org_url("api:feedback-nudge"), {}, format="json")
    assert empty.status_code == 200 and empty.json()["hints"]
    # Vague feedback is still sent: the hints are advice.
    sent = client.post(
        org_url("api:feedback-list"),
        {"recipient": world_a.report.pk, "kind": "praise", "situation": "Great job!"},
        format="json",
    )
    assert sent.status_code == 201


# --- timelines --------------------------------------------------------------------------


def test_timeline_filters(world_a, api_as):
    craft = world_a.framework.competency
    with world_a.scope():
        from_manager = services.give_feedback(
            author=world_a.manager,
            recipient=world_a.report,
            kind="suggestion",
            situation="In Friday's planning you sized every ticket.",
            visibility=Visibility.PRIVATE,
        )
    report = api_as(world_a.report)
    everything = ids(report.get(org_url("api:feedback-list")))
    assert everything == [from_manager.pk, world_a.feedback.feedback.pk]
    assert ids(report.get(org_url("api:feedback-list"), {"kind": "suggestion"})) == [
        from_manager.pk
    ]
    assert ids(report.get(org_url("api:feedback-list"), {"competency": craft.pk})) == [
        world_a.feedback.feedback.pk
    ]
    assert ids(report.get(org_url("api:feedback-list"), {"person": world_a.manager.pk})) == [
        from_manager.pk
    ]
    today = timezone.now().date()
    assert ids(
        report.get(org_url("api:feedback-list"), {"since": str(today - timedelta(days=1))})
    ) == (everything)
    assert (
        ids(report.get(org_url("api:feedback-list"), {"since": str(today + timedelta(days=2))}))
        == []
    )
    assert (
        ids(report.get(org_url("api:feedback-list"), {"until": str(today - timedelta(days=2))}))
        == []
    )
    assert ids(api_as(world_a.manager).get(org_url("api:feedback-list"), {"box": "given"})) == [
        from_manager.pk
    ]
    # The manager's team box holds only what was shared with the manager.
    team = ids(api_as(world_a.manager).get(org_url("api:feedback-list"), {"box": "team"}))
    assert team == [world_a.feedback.feedback.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"box": "everything"}, "box"),
        ({"kind": "rant"}, "kind"),
        ({"competency": "craft"}, "competency"),
        ({"competency": "²"}, "competency"),
        ({"person": "-1"}, "person"),
        ({"person": str(2**70)}, "person"),
        ({"since": "2024-13-01"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"since": "2024-05-02", "until": "2024-05-01"}, "until"),
    ],
)
def test_bad_timeline_filters_are_a_400(params, field, world_a, api_as):
    error = api_error(api_as(world_a.report).get(org_url("api:feedback-list"), params))
    assert error["code"] == "validation_error" and field in error["fields"]


@pytest.mark.parametrize("name", ["feedback-detail", "feedback-request-detail"])
def test_an_id_too_big_for_the_database_is_a_404(name, world_a, api_as):
    response = api_as(world_a.member).get(org_url(f"api:{name}", pk=str(2**70)))
    assert api_error(response, status=404)["code"] == "not_found"


# --- asking ---------------------------------------------------------------------------


def test_asking_answering_and_declining_through_the_api(world_a, api_as):
    asked = api_as(world_a.report).post(
        org_url("api:feedback-request-list"),
        {
            "reviewers": [world_a.member.pk, world_a.manager.pk],
            "topic": "  My first on-call week ",
            "due_date": str(timezone.now().date() + timedelta(days=5)),
            "competency": world_a.framework.competency.pk,
        },
        format="json",
    )
    assert asked.status_code == 201, asked.content
    body = asked.json()
    pk = body["id"]
    assert body["topic"] == "My first on-call week"
    assert (
        body["subject"]
        == body["requester"]
        == {"id": world_a.report.pk, "name": world_a.report.name}
    )
    assert [(row["reviewer"]["id"], row["status"]) for row in body["reviewers"]] == [
        (world_a.member.pk, "pending"),
        (world_a.manager.pk, "pending"),
    ]

    answered = api_as(world_a.member).post(
        org_url("api:feedback-request-answer", pk=pk), CONTENT, format="json"
    )
    assert answered.status_code == 201, answered.content
    answer = answered.json()
    assert answer["recipient"]["id"] == world_a.report.pk and answer["visibility"] == "private"

    before = db_state()
    again = api_as(world_a.member).post(org_url("api:feedback-request-answer", pk=pk), CONTENT)
    assert api_error(again)["message"] == "You have already answered this request."
    assert db_state() == before

    no_reason = api_as(world_a.manager).post(
        org_url("api:feedback-request-decline", pk=pk), {"reason": " "}
    )
    assert "Say why" in field_message(no_reason, "reason")
    assert db_state() == before
    declined = api_as(world_a.manager).post(
        org_url("api:feedback-request-decline", pk=pk), {"reason": "I was on leave that week."}
    )
    assert declined.status_code == 200
    assert [row["reviewer"]["id"] for row in declined.json()["reviewers"]] == [world_a.manager.pk]

    # The requester sees every asked person's status; each asked person only their own.
    mine = api_as(world_a.report).get(org_url("api:feedback-request-detail", pk=pk)).json()
    assert [(r["status"], r["answer"], r["decline_reason"]) for r in mine["reviewers"]] == [
        ("answered", answer["id"], ""),
        ("declined", None, "I was on leave that week."),
    ]
    theirs = api_as(world_a.member).get(org_url("api:feedback-request-detail", pk=pk)).json()
    assert [(r["reviewer"]["id"], r["answer"]) for r in theirs["reviewers"]] == [
        (world_a.member.pk, answer["id"])
    ]
    assert (
        b"on leave"
        not in api_as(world_a.member).get(org_url("api:feedback-request-detail", pk=pk)).content
    )
    for outsider in (world_a.owner, world_a.hr):
        response = api_as(outsider).get(org_url("api:feedback-request-detail", pk=pk))
        assert api_error(response, status=404)["code"] == "not_found"
        response = api_as(outsider).post(org_url("api:feedback-request-answer", pk=pk), CONTENT)
        assert api_error(response, status=404)["code"] == "not_found"

    made = api_as(world_a.report).get(org_url("api:feedback-request-list")).json()["results"]
    assert [row["id"] for row in made] == [pk, world_a.feedback.request.pk]
    asked_of_member = api_as(world_a.member).get(
        org_url("api:feedback-request-list"), {"role": "asked_of_me"}
    )
    rows = asked_of_member.json()["results"]
    assert [row["id"] for row in rows] == [pk, world_a.feedback.request.pk]
    assert all(len(row["reviewers"]) == 1 for row in rows)
    pending = api_as(world_a.member).get(
        org_url("api:feedback-request-list"), {"role": "asked_of_me", "status": "pending"}
    )
    assert ids(pending) == [world_a.feedback.request.pk]
    bad = api_as(world_a.member).get(org_url("api:feedback-request-list"), {"role": "everyone"})
    assert "role" in api_error(bad)["fields"]


def test_a_managers_request_about_a_report_stays_with_the_manager(world_a, api_as):
    asked = api_as(world_a.manager).post(
        org_url("api:feedback-request-list"),
        {
            "subject": world_a.report.pk,
            "reviewers": [world_a.member.pk],
            "topic": "How the on-call week went",
            "due_date": str(timezone.now().date() + timedelta(days=3)),
        },
        format="json",
    )
    assert asked.status_code == 201, asked.content
    pk = asked.json()["id"]
    answer = api_as(world_a.member).post(org_url("api:feedback-request-answer", pk=pk), CONTENT)
    assert answer.status_code == 201 and answer.json()["visibility"] == "manager_only"
    feedback_id = answer.json()["id"]
    manager = api_as(world_a.manager).get(org_url("api:feedback-request-detail", pk=pk)).json()
    assert manager["reviewers"][0]["answer"] == feedback_id
    assert feedback_id in ids(
        api_as(world_a.manager).get(org_url("api:feedback-list"), {"box": "team"})
    )
    report = api_as(world_a.report)
    assert report.get(org_url("api:feedback-request-detail", pk=pk)).status_code == 404
    assert report.get(org_url("api:feedback-detail", pk=feedback_id)).status_code == 404
    assert feedback_id not in ids(report.get(org_url("api:feedback-list")))


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("past_due_date", "due_date", "from today on"),
        ("no_reviewers", "reviewers", "at least one colleague"),
        ("ask_yourself", "reviewers", "other than yourself"),
        ("deactivated_reviewer", "reviewers", "active member"),
        ("other_org_reviewer", "reviewers", "does not exist"),
        ("about_a_peer", "subject", "someone who reports to you"),
        ("empty_topic", "topic", "Say what you'd like feedback on"),
    ],
)
def test_bad_requests_are_a_400_and_change_nothing(case, field, message, world_a, world_b, api_as):
    data = {
        "reviewers": [world_a.member.pk],
        "topic": "The billing migration",
        "due_date": str(timezone.now().date() + timedelta(days=3)),
    }
    if case == "past_due_date":
        data["due_date"] = str(timezone.now().date() - timedelta(days=2))
    elif case == "no_reviewers":
        data["reviewers"] = []
    elif case == "ask_yourself":
        data["reviewers"] = [world_a.report.pk]
    elif case == "deactivated_reviewer":
        data["reviewers"] = [_deactivated(world_a).pk]
    elif case == "other_org_reviewer":
        data["reviewers"] = [world_b.member.pk]
    elif case == "about_a_peer":
        data["subject"] = world_a.member.pk
        data["reviewers"] = [world_a.owner.pk]
    elif case == "empty_topic":
        data["topic"] = ""
    before = db_state()
    response = api_as(world_a.report).post(
        org_url("api:feedback-request-list"), data, format="json"
    )
    error = api_error(response)
    assert message in json.dumps(error["fields"][field]), error
    assert db_state() == before


# --- cycles: HR -------------------------------------------------------------------------


def _draft_via_api(client, **overrides) -> dict:
    today = timezone.now().date()
    data = {
        "name": "Autumn 360",
        "opens_on": str(today),
        "closes_on": str(today + timedelta(days=14)),
        "anonymous": True,
        "include_peers": False,
        **overrides,
    }
    response = client.post(org_url("api:feedback-cycle-list"), data, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_hr_runs_a_cycle_through_the_api(world_a, api_as):
    hr = lambda: api_as(world_a.hr)  # noqa: E731  (the shared client changes credentials)
    cycle = _draft_via_api(hr())
    pk = cycle["id"]
    assert cycle["status"] == "draft" and cycle["questions"] == []
    assert cycle["progress"]["participants"] == 0

    renamed = hr().patch(org_url("api:feedback-cycle-detail", pk=pk), {"name": "Autumn 360°"})
    assert renamed.json()["name"] == "Autumn 360°"
    bad_dates = hr().patch(
        org_url("api:feedback-cycle-detail", pk=pk), {"closes_on": cycle["opens_on"]}, format="json"
    )
    assert "close after it opens" in field_message(bad_dates, "closes_on")

    question = hr().post(
        org_url("api:feedback-cycle-questions", pk=pk),
        {
            "kind": "competency",
            "prompt": "How is their craft?",
            "competency": world_a.framework.competency.pk,
        },
        format="json",
    )
    assert question.status_code == 201, question.content
    assert question.json()["competency"]["id"] == world_a.framework.competency.pk
    no_competency = hr().post(
        org_url("api:feedback-cycle-questions", pk=pk), {"kind": "competency", "prompt": "Craft?"}
    )
    assert "Choose the competency" in field_message(no_competency, "competency")
    hr().post(
        org_url("api:feedback-cycle-questions", pk=pk), {"kind": "text", "prompt": "Keep doing?"}
    )

    not_yet = hr().post(org_url("api:feedback-cycle-open", pk=pk))
    assert api_error(not_yet)["message"] == "Add participants before opening the cycle."
    chosen = hr().post(
        org_url("api:feedback-cycle-participants", pk=pk),
        {"members": [world_a.report.pk, world_a.member.pk]},
        format="json",
    )
    assert chosen.json() == {"participants": 2}

    opened = hr().post(org_url("api:feedback-cycle-open", pk=pk))
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    assert [q["prompt"] for q in opened.json()["questions"]] == [
        "How is their craft?",
        "Keep doing?",
    ]
    # report: self + manager; member: self (no manager)
    assert opened.json()["progress"]["asked"] == 3

    fixed = hr().patch(org_url("api:feedback-cycle-detail", pk=pk), {"name": "Renamed"})
    assert "has started" in api_error(fixed)["message"]
    late_question = hr().post(
        org_url("api:feedback-cycle-questions", pk=pk), {"kind": "text", "prompt": "Late?"}
    )
    assert "has started" in api_error(late_question)["message"]

    progress = hr().get(org_url("api:feedback-cycle-progress", pk=pk)).json()["results"]
    assert sorted(
        (row["person"]["id"], row["asked"], row["answered"]) for row in progress
    ) == sorted([(world_a.report.pk, 2, 0), (world_a.member.pk, 1, 0)])
    reminded = hr().post(org_url("api:feedback-cycle-remind", pk=pk))
    assert reminded.status_code == 200 and reminded.json()["reminded"] >= 1

    listed = hr().get(org_url("api:feedback-cycle-list")).json()["results"]
    assert [row["id"] for row in listed] == [pk, world_a.feedback.cycle.pk]
    assert listed[0]["progress"] == {"participants": 2, "asked": 3, "answered": 0}

    closed = hr().post(org_url("api:feedback-cycle-close", pk=pk))
    assert closed.json()["status"] == "closed"
    again = hr().post(org_url("api:feedback-cycle-close", pk=pk))
    assert api_error(again)["message"] == "Only an open cycle can be closed."


def test_opening_before_the_date_schedules_through_the_api_and_can_be_cancelled(world_a, api_as):
    hr = lambda: api_as(world_a.hr)  # noqa: E731
    opens_on = timezone.now().date() + timedelta(days=4)
    cycle = _draft_via_api(
        hr(), opens_on=str(opens_on), closes_on=str(opens_on + timedelta(days=10))
    )
    pk = cycle["id"]
    assert cycle["scheduled"] is False
    hr().post(org_url("api:feedback-cycle-questions", pk=pk), {"kind": "text", "prompt": "Keep?"})
    hr().post(
        org_url("api:feedback-cycle-participants", pk=pk),
        {"members": [world_a.report.pk]},
        format="json",
    )
    scheduled = hr().post(org_url("api:feedback-cycle-open", pk=pk))
    assert scheduled.status_code == 200, scheduled.content
    assert (scheduled.json()["status"], scheduled.json()["scheduled"]) == ("draft", True)
    assert scheduled.json()["progress"]["asked"] == 0
    before = db_state()
    fixed = hr().patch(
        org_url("api:feedback-cycle-detail", pk=pk), {"name": "Renamed"}, format="json"
    )
    assert api_error(fixed)["message"].endswith("Cancel the scheduled opening to change it.")
    assert db_state() == before
    plain = hr().post(org_url("api:feedback-cycle-unschedule", pk=pk))
    assert (plain.json()["status"], plain.json()["scheduled"]) == ("draft", False)
    again = hr().post(org_url("api:feedback-cycle-unschedule", pk=pk))
    assert api_error(again)["message"] == "This cycle is not scheduled to open."
    for who in (world_a.manager, world_a.report):
        assert api_as(who).post(org_url("api:feedback-cycle-unschedule", pk=pk)).status_code == 404


def test_a_cycle_dated_in_the_past_is_a_400_on_its_closing_date(world_a, api_as):
    today = timezone.now().date()
    before = db_state()
    response = api_as(world_a.hr).post(
        org_url("api:feedback-cycle-list"),
        {
            "name": "Last year",
            "opens_on": str(today - timedelta(days=300)),
            "closes_on": str(today - timedelta(days=280)),
        },
        format="json",
    )
    assert "Choose a closing date from today on." in field_message(response, "closes_on")
    assert db_state() == before


def test_only_hr_manages_cycles(world_a, api_as):
    before = db_state()
    cycle = world_a.feedback.cycle
    for person in (world_a.manager, world_a.report, world_a.member):
        client = api_as(person)
        attempts = [
            client.post(org_url("api:feedback-cycle-list"), {"name": "Mine"}, format="json"),
            client.patch(org_url("api:feedback-cycle-detail", pk=cycle.pk), {"name": "Mine"}),
            client.post(org_url("api:feedback-cycle-questions", pk=cycle.pk), {"kind": "text"}),
            client.post(org_url("api:feedback-cycle-participants", pk=cycle.pk), {"members": []}),
            client.post(org_url("api:feedback-cycle-open", pk=cycle.pk)),
            client.post(org_url("api:feedback-cycle-close", pk=cycle.pk)),
            client.post(org_url("api:feedback-cycle-remind", pk=cycle.pk)),
            client.get(org_url("api:feedback-cycle-progress", pk=cycle.pk)),
        ]
        assert [response.status_code for response in attempts] == [404] * len(attempts)
    assert db_state() == before


def test_members_list_only_cycles_they_take_part_or_review_in(world_a, api_as):
    cycle = world_a.feedback.cycle  # the report takes part, the manager reviews
    with world_a.scope():
        hidden_draft = cycles.save_cycle(
            actor=world_a.hr,
            cycle=FeedbackCycle(
                name="Draft",
                opens_on=cycle.opens_on,
                closes_on=cycle.closes_on,
            ),
        )
        cycles.set_participants(actor=world_a.hr, cycle=hidden_draft, members=[world_a.report])
    for person in (world_a.report, world_a.manager):
        listed = api_as(person).get(org_url("api:feedback-cycle-list")).json()["results"]
        assert [(row["id"], row["progress"]) for row in listed] == [(cycle.pk, None)]
        detail = api_as(person).get(org_url("api:feedback-cycle-detail", pk=cycle.pk)).json()
        assert detail["progress"] is None
        assert [q["id"] for q in detail["questions"]] == [world_a.feedback.question.pk]
        assert (
            api_as(person).get(org_url("api:feedback-cycle-detail", pk=hidden_draft.pk)).status_code
            == 404
        )
    assert ids(api_as(world_a.member).get(org_url("api:feedback-cycle-list"))) == []
    assert (
        api_as(world_a.member).get(org_url("api:feedback-cycle-detail", pk=cycle.pk)).status_code
        == 404
    )


def test_bad_cycle_settings_and_foreign_ids_are_a_400(world_a, world_b, api_as):
    hr = api_as(world_a.hr)
    draft = _draft_via_api(hr)
    gone = _deactivated(world_a)
    before = db_state()
    today = timezone.now().date()
    backwards = hr.post(
        org_url("api:feedback-cycle-list"),
        {"name": "Backwards", "opens_on": str(today), "closes_on": str(today)},
        format="json",
    )
    assert "close after it opens" in field_message(backwards, "closes_on")
    nobody = hr.post(
        org_url("api:feedback-cycle-list"),
        {
            "name": "Nobody",
            "opens_on": str(today),
            "closes_on": str(today + timedelta(days=3)),
            "include_self": False,
            "include_manager": False,
            "include_peers": False,
            "include_reports": False,
        },
        format="json",
    )
    assert "at least one kind of reviewer" in api_error(nobody)["message"]
    participants = org_url("api:feedback-cycle-participants", pk=draft["id"])
    foreign = hr.post(participants, {"members": [world_b.member.pk]}, format="json")
    assert "does not exist" in json.dumps(api_error(foreign)["fields"]["members"])
    inactive = hr.post(participants, {"members": [gone.pk]}, format="json")
    assert "Choose active members" in field_message(inactive, "members")
    foreign_competency = hr.post(
        org_url("api:feedback-cycle-questions", pk=draft["id"]),
        {"kind": "competency", "prompt": "Craft?", "competency": world_b.framework.competency.pk},
        format="json",
    )
    assert "does not exist" in json.dumps(api_error(foreign_competency)["fields"]["competency"])
    started = hr.post(
        org_url("api:feedback-cycle-participants", pk=world_a.feedback.cycle.pk),
        {"members": [world_a.member.pk]},
        format="json",
    )
    assert "has started" in api_error(started)["message"]
    assert db_state() == before


# --- cycles: reviewing ------------------------------------------------------------------


def _open_cycle(world, *, anonymous=True, participants=None, questions=None) -> FeedbackCycle:
    today = timezone.now().date()
    with world.scope():
        cycle = cycles.save_cycle(
            actor=world.hr,
            cycle=FeedbackCycle(
                name=f"Cycle {next(SERIAL)}",
                opens_on=today,
                closes_on=today + timedelta(days=10),
                anonymous=anonymous,
                include_peers=False,
            ),
        )
        for kind, prompt in questions or [
            ("rating", "How do they collaborate?"),
            ("text", "Keep?"),
        ]:
            cycles.add_question(actor=world.hr, cycle=cycle, kind=kind, prompt=prompt)
        cycles.set_participants(actor=world.hr, cycle=cycle, members=participants or [world.report])
        cycles.open_cycle(actor=world.hr, cycle=cycle)
        cycle.refresh_from_db()
    return cycle


def _assignment(cycle, reviewer) -> ReviewerAssignment:
    with scopes_disabled():
        return ReviewerAssignment.objects.get(cycle=cycle, reviewer=reviewer)


def _entry(cycle, participant) -> CycleParticipant:
    with scopes_disabled():
        return CycleParticipant.objects.get(cycle=cycle, participant=participant)


def _answers(cycle, rating=4, text="Clear status updates in every incident.") -> dict:
    with scopes_disabled():
        questions = list(CycleQuestion.objects.filter(cycle=cycle).order_by("position"))
    return {
        "answers": [
            {"question": q.pk, "rating": rating if q.kind != "text" else None, "text": text}
            for q in questions
        ]
    }


def test_a_reviewer_lists_reads_and_answers_their_review(world_a, api_as):
    assignment = world_a.feedback.assignment  # the manager reviews the report
    manager = lambda: api_as(world_a.manager)  # noqa: E731
    listed = manager().get(org_url("api:cycle-review-list")).json()["results"]
    assert [(row["id"], row["about"]["id"], row["relation"], row["status"]) for row in listed] == [
        (assignment.pk, world_a.report.pk, "manager", "pending")
    ]
    detail = manager().get(org_url("api:cycle-review-detail", pk=assignment.pk)).json()
    assert [q["prompt"] for q in detail["questions"]] == ["What should they keep doing?"]
    assert detail["cycle"]["anonymous"] is True

    sent = manager().post(
        org_url("api:cycle-review-send"),
        {
            "review": assignment.pk,
            "answers": [{"question": world_a.feedback.question.pk, "text": "Their calm demos."}],
        },
        format="json",
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "answered"
    with scopes_disabled():  # sealed until the cycle closes: no readable response yet
        assert not CycleResponse.objects.filter(participant=world_a.feedback.entry).exists()
        assert SealedResponse.objects.filter(cycle=world_a.feedback.cycle).count() == 1
    assert ids(manager().get(org_url("api:cycle-review-list"), {"status": "pending"})) == []
    assert ids(manager().get(org_url("api:cycle-review-list"), {"status": "answered"})) == [
        assignment.pk
    ]

    before = db_state()
    twice = manager().post(
        org_url("api:cycle-review-send"),
        {
            "review": assignment.pk,
            "answers": [{"question": world_a.feedback.question.pk, "text": "Once more."}],
        },
        format="json",
    )
    assert api_error(twice)["message"] == "You have already answered; answers are final."
    assert db_state() == before

    for person in (world_a.report, world_a.hr, world_a.owner):
        assert (
            api_as(person).get(org_url("api:cycle-review-detail", pk=assignment.pk)).status_code
            == 404
        )
        other = api_as(person).post(
            org_url("api:cycle-review-send"),
            {"review": assignment.pk, **_answers(world_a.feedback.cycle)},
            format="json",
        )
        assert other.status_code == 404
    assert db_state() == before


def test_the_old_address_with_the_review_id_answers_410_and_stores_nothing(world_a, api_as):
    review = world_a.feedback.assignment
    before = db_state()
    response = api_as(world_a.manager).post(
        org_url("api:cycle-review-answers", pk=review.pk),
        {"answers": [{"question": world_a.feedback.question.pk, "text": "Old client."}]},
        format="json",
    )
    error = api_error(response, status=410)
    assert error["code"] == "moved"
    assert "POST …/cycle-reviews/answers/" in error["message"]
    assert "nothing was stored" in error["message"]
    assert db_state() == before
    not_mine = api_as(world_a.member).post(org_url("api:cycle-review-answers", pk=review.pk), {})
    assert api_error(not_mine, status=404)["code"] == "not_found"
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    moved = paths["/api/v1/orgs/{org_slug}/cycle-reviews/{id}/answers/"]["post"]
    assert moved["deprecated"] is True
    send = paths["/api/v1/orgs/{org_slug}/cycle-reviews/answers/"]["post"]
    body = send["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert set(schema["components"]["schemas"][body]["required"]) == {"review", "answers"}


def test_answering_a_closed_cycle_is_refused(world_a, api_as):
    with world_a.scope():
        cycles.close_cycle(actor=world_a.hr, cycle=world_a.feedback.cycle)
    before = db_state()
    response = api_as(world_a.manager).post(
        org_url("api:cycle-review-send"),
        {"review": world_a.feedback.assignment.pk, **_answers(world_a.feedback.cycle)},
        format="json",
    )
    assert api_error(response)["message"] == "This cycle is closed; answers can no longer be given."
    assert db_state() == before


@pytest.mark.parametrize(
    ("case", "check"),
    [
        ("rating_too_high", lambda e: "less than or equal to 5" in json.dumps(e["fields"])),
        ("rating_zero", lambda e: "greater than or equal to 1" in json.dumps(e["fields"])),
        ("rating_missing", lambda e: "Choose a rating from 1 to 5." in json.dumps(e["fields"])),
        ("text_missing", lambda e: "This question needs an answer." in json.dumps(e["fields"])),
        ("text_too_long", lambda e: "no more than 4000" in json.dumps(e["fields"])),
        ("foreign_question", lambda e: "not part of this cycle" in json.dumps(e["fields"])),
        ("question_twice", lambda e: "answered twice" in json.dumps(e["fields"])),
        ("not_a_list", lambda e: "answers" in e["fields"]),
        ("no_review", lambda e: "review" in e["fields"]),
        ("review_not_a_number", lambda e: "review" in e["fields"]),
    ],
)
def test_bad_answers_are_a_400_and_change_nothing(case, check, world_a, api_as):
    cycle = _open_cycle(world_a)
    body = {"review": _assignment(cycle, world_a.manager).pk, **_answers(cycle)}
    rating, text = body["answers"]
    if case == "rating_too_high":
        rating["rating"] = 6
    elif case == "rating_zero":
        rating["rating"] = 0
    elif case == "rating_missing":
        rating["rating"] = None
    elif case == "text_missing":
        text["text"] = "  "
    elif case == "text_too_long":
        text["text"] = "y" * 4001
    elif case == "foreign_question":
        body["answers"].append({"question": world_a.feedback.question.pk, "text": "Hi"})
    elif case == "question_twice":
        body["answers"].append(dict(text))
    elif case == "not_a_list":
        body = {"answers": "all good"}
    elif case == "no_review":
        body.pop("review")
    elif case == "review_not_a_number":
        body["review"] = "the manager's"
    before = db_state()
    response = api_as(world_a.manager).post(org_url("api:cycle-review-send"), body, format="json")
    error = api_error(response)
    assert error["code"] == "validation_error" and check(error), error
    assert db_state() == before


# --- cycles: results --------------------------------------------------------------------


def _rename(person: Membership, name: str) -> None:
    User.objects.filter(pk=person.user_id).update(name=name)


def _person_ids(node) -> set[int]:
    """The ids of everything shaped like a person ({"id", "name"}) in a JSON document."""
    found = set()
    if isinstance(node, dict):
        if "name" in node and "id" in node:
            found.add(node["id"])
        for value in node.values():
            found |= _person_ids(value)
    elif isinstance(node, list):
        for value in node:
            found |= _person_ids(value)
    return found


def test_anonymous_results_never_reveal_a_reviewer(world_a, api_as):
    cycle = _open_cycle(world_a)
    entry = _entry(cycle, world_a.report)
    peers = [MembershipFactory(organization=world_a.organization) for _ in range(2)]
    with world_a.scope():
        ReviewerAssignment.objects.bulk_create(
            ReviewerAssignment(
                organization=world_a.organization,
                cycle=cycle,
                participant=entry,
                reviewer=peer,
                relation=Relation.PEER,
                status=AssignmentStatus.PENDING,
            )
            for peer in [world_a.member, *peers]
        )
    reviewers = [world_a.manager, world_a.member, *peers]
    for number, reviewer in enumerate(reviewers):
        _rename(reviewer, f"Quillon Reviewerson{number}x")
    texts = ["zesty demos", "Always prepared", "bold refactors", "calm in incidents"]
    for reviewer, rating, text in zip(reviewers, (2, 5, 4, 4), texts, strict=True):
        response = api_as(reviewer).post(
            org_url("api:cycle-review-send"),
            {
                "review": _assignment(cycle, reviewer).pk,
                **_answers(cycle, rating=rating, text=text),
            },
            format="json",
        )
        assert response.status_code == 200, response.content
    own = api_as(world_a.report).post(
        org_url("api:cycle-review-send"),
        {
            "review": _assignment(cycle, world_a.report).pk,
            **_answers(cycle, rating=3, text="I kept the pager quiet."),
        },
        format="json",
    )
    assert own.status_code == 200

    early = api_as(world_a.report).get(org_url("api:cycle-result-detail", pk=entry.pk))
    assert api_error(early, status=409)["message"].startswith(
        f"The results of “{cycle.name}” are ready"
    )
    assert (
        api_as(world_a.hr).post(org_url("api:feedback-cycle-close", pk=cycle.pk)).status_code == 200
    )

    for viewer in (world_a.report, world_a.manager):
        response = api_as(viewer).get(org_url("api:cycle-result-detail", pk=entry.pk))
        assert response.status_code == 200, response.content
        raw = response.content.decode()
        for reviewer in reviewers:
            with scopes_disabled():
                user = User.objects.get(pk=reviewer.user_id)
            assert user.name not in raw and "Reviewerson" not in raw
            assert user.email not in raw
        for key in ("author", "reviewer", "relation", "email"):
            assert f'"{key}"' not in raw
        body = response.json()
        person_ids = _person_ids(body["person"]) | _person_ids(body["questions"])
        assert not person_ids & {r.pk for r in reviewers}
        assert body["person"] == {"id": world_a.report.pk, "name": world_a.report.name}
        assert body["hidden"] is False and body["others_count"] == 4
        assert body["you_answered"] is (viewer == world_a.manager)
        rating, text = body["questions"]
        assert rating["ratings"] == {"count": 4, "average": 3.8, "distribution": [0, 1, 0, 2, 1]}
        assert rating["self_answer"]["rating"] == 3
        # Texts in the order results_for gives them (alphabetical), and nothing but the text.
        assert text["texts"] == [{"text": t} for t in sorted(texts, key=str.lower)]
        assert text["self_answer"] == {"rating": None, "text": "I kept the pager quiet."}
        assert text["ratings"] is None

    for outsider in (world_a.hr, world_a.owner, world_a.member):
        response = api_as(outsider).get(org_url("api:cycle-result-detail", pk=entry.pk))
        assert api_error(response, status=404)["code"] == "not_found"
    progress = api_as(world_a.hr).get(org_url("api:feedback-cycle-progress", pk=cycle.pk))
    assert progress.status_code == 200
    assert not any(t in progress.content.decode() for t in texts)


def test_too_few_anonymous_answers_stay_hidden(world_a, api_as):
    entry = world_a.feedback.entry  # the manager is the only other reviewer
    manager_review = world_a.feedback.assignment
    api_as(world_a.manager).post(
        org_url("api:cycle-review-send"),
        {
            "review": manager_review.pk,
            "answers": [{"question": world_a.feedback.question.pk, "text": "Secret praise."}],
        },
        format="json",
    )
    api_as(world_a.hr).post(org_url("api:feedback-cycle-close", pk=world_a.feedback.cycle.pk))
    response = api_as(world_a.report).get(org_url("api:cycle-result-detail", pk=entry.pk))
    body = response.json()
    assert body["hidden"] is True and body["others_count"] == 1
    assert body["hidden_reason"].startswith("Fewer than 3 colleagues answered")
    assert body["questions"][0]["texts"] == []
    assert b"Secret praise" not in response.content
    listed = api_as(world_a.report).get(org_url("api:cycle-result-list")).json()["results"]
    assert [(row["id"], row["ready"]) for row in listed] == [(entry.pk, True)]
    team = api_as(world_a.manager).get(org_url("api:cycle-result-list")).json()["results"]
    assert [row["person"]["id"] for row in team] == [world_a.report.pk]


def test_named_results_say_who_wrote_what(world_a, api_as):
    cycle = _open_cycle(world_a, anonymous=False, questions=[("text", "Keep doing?")])
    entry = _entry(cycle, world_a.report)
    api_as(world_a.manager).post(
        org_url("api:cycle-review-send"),
        {
            "review": _assignment(cycle, world_a.manager).pk,
            **_answers(cycle, text="Your calm demos."),
        },
        format="json",
    )
    api_as(world_a.hr).post(org_url("api:feedback-cycle-close", pk=cycle.pk))
    body = api_as(world_a.report).get(org_url("api:cycle-result-detail", pk=entry.pk)).json()
    assert body["hidden"] is False
    assert body["questions"][0]["texts"] == [
        {"text": "Your calm demos.", "author": world_a.manager.name}
    ]


# --- query budgets ----------------------------------------------------------------------


def _people(world, how_many: int, manager=None) -> list[Membership]:
    numbers = [next(SERIAL) for _ in range(how_many)]
    users = User.objects.bulk_create(
        User(email=f"fb{i}@{world.organization.slug}.test", name=f"Fb {i}") for i in numbers
    )
    return Membership.objects.bulk_create(
        Membership(organization=world.organization, user=user, manager=manager) for user in users
    )


def _grow_feedback(world, how_many: int) -> None:
    authors = _people(world, 3)
    rows = Feedback.objects.bulk_create(
        Feedback(
            organization=world.organization,
            author=authors[i % 3],
            recipient=world.report,
            kind="praise",
            situation=f"In demo {i} you explained the plan.",
            visibility=Visibility.WITH_MANAGER,
        )
        for i in range(how_many)
    )
    through = Feedback.competencies.through
    through.objects.bulk_create(
        through(feedback_id=row.pk, competency_id=competency.pk)
        for row in rows
        for competency in (world.framework.competency, world.framework.other_competency)
    )


def _grow_requests(world, how_many: int) -> None:
    due = timezone.now().date() + timedelta(days=3)
    asked = FeedbackRequest.objects.bulk_create(
        FeedbackRequest(
            organization=world.organization,
            requester=world.report,
            subject=world.report,
            topic=f"Topic {i}",
            due_date=due,
        )
        for i in range(how_many)
    )
    RequestReviewer.objects.bulk_create(
        RequestReviewer(
            organization=world.organization,
            request=request,
            reviewer=reviewer,
            status=RequestStatus.DECLINED if reviewer == world.owner else RequestStatus.PENDING,
        )
        for request in asked
        for reviewer in (world.member, world.owner, world.manager)
    )


def _grow_participants(world, how_many: int) -> None:
    cycle = world.feedback.cycle
    people = _people(world, how_many, manager=world.manager)
    entries = CycleParticipant.objects.bulk_create(
        CycleParticipant(organization=world.organization, cycle=cycle, participant=person)
        for person in people
    )
    ReviewerAssignment.objects.bulk_create(
        ReviewerAssignment(
            organization=world.organization,
            cycle=cycle,
            participant=entry,
            reviewer=reviewer,
            relation=relation,
            status=AssignmentStatus.ANSWERED if relation == Relation.SELF else status,
        )
        for entry in entries
        for reviewer, relation, status in (
            (entry.participant, Relation.SELF, None),
            (world.manager, Relation.MANAGER, AssignmentStatus.PENDING),
            (world.member, Relation.PEER, AssignmentStatus.PROPOSED),
        )
    )


def _progress(world) -> str:
    return org_url("api:feedback-cycle-progress", pk=world.feedback.cycle.pk)


@pytest.mark.parametrize(
    ("path", "grow", "viewer", "sizes", "budget"),
    [
        # token, organization, membership, then the page (and the competencies of its rows)
        (lambda w: org_url("api:feedback-list"), _grow_feedback, "report", (20, 480), 5),
        # + the manager's reports and requests, read first as literal ids (selectors._team_box)
        (
            lambda w: org_url("api:feedback-list") + "?box=team",
            _grow_feedback,
            "manager",
            (20, 480),
            7,
        ),
        # + the requests' reviewer rows
        (lambda w: org_url("api:feedback-request-list"), _grow_requests, "report", (5, 60), 5),
        (
            lambda w: org_url("api:feedback-request-list") + "?role=asked_of_me",
            _grow_requests,
            "member",
            (5, 60),
            4,
        ),
        # + the cycle itself
        (_progress, _grow_participants, "hr", (5, 120), 5),
    ],
)
def test_lists_cost_the_same_number_of_queries_at_two_sizes(
    path, grow, viewer, sizes, budget, world_a, api_as, django_assert_max_num_queries
):
    client = api_as(getattr(world_a, viewer))
    used = []
    grown = 0
    for size in sizes:
        with world_a.scope():
            grow(world_a, size - grown)
        grown = size
        with django_assert_max_num_queries(budget) as captured:
            response = client.get(path(world_a))
        assert response.status_code == 200, response.content
        body = response.json()
        used.append((len(body["results"]), len(captured.captured_queries)))
        if body["next"]:
            with django_assert_max_num_queries(budget):
                assert client.get(body["next"]).status_code == 200
    (small_rows, small), (large_rows, large) = used
    assert large_rows > small_rows >= 5
    assert small == large, used


def test_the_progress_dashboard_holds_counts_only(world_a, api_as):
    _grow_participants(world_a, 3)
    rows = api_as(world_a.hr).get(_progress(world_a)).json()["results"]
    assert {tuple(sorted(row)) for row in rows} == {
        ("answered", "asked", "id", "manager", "person")
    }
    report = next(row for row in rows if row["person"]["id"] == world_a.report.pk)
    assert (report["asked"], report["answered"]) == (2, 0)
    assert report["manager"] == {"id": world_a.manager.pk, "name": world_a.manager.name}
    grown = [row for row in rows if row["person"]["id"] != world_a.report.pk]
    assert {(row["asked"], row["answered"]) for row in grown} == {(2, 1)}  # proposed peers aside
    assert not re.search(r"Reviewerson|@", json.dumps(rows))


def test_detail_routes_answer_the_people_involved(world_a, api_as):
    """The isolation sweep checks its own-organization GETs as the owner only; these three
    address things the owner (a skip-level manager, reviewing nobody in the world's cycle)
    may not read, so here each is read by the people it belongs to."""
    feedback = org_url("api:feedback-detail", pk=world_a.feedback.feedback.pk)
    for person in (world_a.member, world_a.report, world_a.manager):
        assert api_as(person).get(feedback).status_code == 200
    review = org_url("api:cycle-review-detail", pk=world_a.feedback.assignment.pk)
    assert api_as(world_a.manager).get(review).status_code == 200
    results = org_url("api:cycle-result-detail", pk=world_a.feedback.entry.pk)
    for person in (world_a.report, world_a.manager):
        assert api_error(api_as(person).get(results), status=409)["message"]
    api_as(world_a.hr).post(org_url("api:feedback-cycle-close", pk=world_a.feedback.cycle.pk))
    for person in (world_a.report, world_a.manager):
        assert api_as(person).get(results).status_code == 200
    for person in (world_a.owner, world_a.hr, world_a.member):
        for path in (feedback, review, results):
            if person == world_a.member and path == feedback:
                continue  # the member wrote it
            assert api_as(person).get(path).status_code == 404
