"""The API lists answered from plain values (``perfapp.api.lists``): members, feedback and
recognition. Each answers exactly what its serializer would for the same rows — the same
keys in the same order, the same values, nested references, date-times and nulls, byte
for byte with the pagination envelope — and the schema still describes that serializer."""

import inspect
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.renderers import JSONRenderer

from feedback.api.giving import FeedbackSerializer, FeedbackViewSet
from feedback.models import Feedback, Visibility
from feedback.selectors import giving as feedback_selectors
from feedback.services import giving as feedback_services
from perfapp.orgs import selectors as member_selectors
from perfapp.orgs.api import MemberSerializer, MemberViewSet
from perfapp.orgs.models import Membership
from recognition.api.recognition import RecognitionSerializer, RecognitionViewSet
from recognition.models import CompanyValue
from recognition.selectors import recognition as recognition_selectors
from recognition.services import recognition as recognition_services

from ..factories import MembershipFactory, UserFactory
from ..helpers import org_url
from ..recognition.wall_world import give, recognition_of, value_of

# Half-hour offsets, and no daylight-saving time: a date-time in the wrong zone shows.
ZONE = "Asia/Kolkata"


def _same_as_serializer(response, expected_data) -> None:
    """The list's page holds what ``expected_data`` (the serializer's output for the same
    rows) holds, key by key in order, and the body is the bytes the serializer path would
    have rendered, envelope and ``next`` link included."""
    assert response.status_code == 200, response.content
    body = response.json()
    expected = json.loads(JSONRenderer().render(expected_data))
    assert [row["id"] for row in body["results"]] == [row["id"] for row in expected]
    for row, wanted in zip(body["results"], expected, strict=True):
        assert list(row) == list(wanted), row["id"]
        for key, value in wanted.items():
            assert row[key] == value, (row["id"], key)
    envelope = {"next": body["next"], "previous": body["previous"], "results": expected_data}
    assert response.content == JSONRenderer().render(envelope)


def _walk_pages(client, response, serialized_for) -> int:
    """Follow the list's own ``next`` links from ``response``, holding every page to what
    the serializer gives for that page's rows; the number of pages."""
    pages = 0
    while True:
        _same_as_serializer(response, serialized_for(_ids(response)))
        pages += 1
        following = response.json()["next"]
        if not following:
            return pages
        response = client.get(following)


def _in_order(rows, ids: list[int]) -> list:
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids]


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


# --- members -------------------------------------------------------------------------------


def _more_people(world) -> None:
    """People whose rows hold every case: no name (named by their email), a time zone of
    their own or one HR set, no team and no manager, deactivated."""
    organization = world.organization
    MembershipFactory(
        organization=organization, user=UserFactory(name="", email="quiet.one@example.com")
    )
    MembershipFactory(
        organization=organization,
        user=UserFactory(time_zone="America/Sao_Paulo"),
        manager=world.report,
        team=world.team,
        job_title="",
    )
    MembershipFactory(organization=organization, time_zone="Europe/Berlin", manager=world.manager)
    MembershipFactory(organization=organization, is_active=False, manager=world.manager)


def _members_as_serialized(world, viewer, ids: list[int]):
    with world.scope():
        members = member_selectors.with_manager_flag(
            Membership.objects.select_related("user", "team", "manager__user", "organization")
        ).filter(pk__in=ids)
        return MemberSerializer(
            _in_order(members, ids), many=True, context={"membership": viewer}
        ).data


@pytest.mark.parametrize("role", ["hr", "member"])
def test_the_members_list_answers_what_the_serializer_would(role, world_a, api_as):
    """HR reads every email; anyone else only their own, and null for everyone else."""
    _more_people(world_a)
    viewer = getattr(world_a, role)
    client = api_as(viewer)
    with timezone.override(ZONE):
        response = client.get(org_url("api:member-list"), {"include_inactive": "1"})
        _same_as_serializer(response, _members_as_serialized(world_a, viewer, _ids(response)))
    emails = [row["email"] for row in response.json()["results"]]
    assert (None in emails) is (role == "member")


def test_every_members_page_answers_what_the_serializer_would(world_a, api_as):
    """Following ``next`` (rows read as values carry the cursor's position as models did)."""
    _more_people(world_a)
    client = api_as(world_a.hr)
    response = client.get(org_url("api:member-list"), {"page_size": 3})
    pages = 0
    while True:
        _same_as_serializer(response, _members_as_serialized(world_a, world_a.hr, _ids(response)))
        pages += 1
        following = response.json()["next"]
        if not following:
            break
        response = client.get(following)
    assert pages >= 3


# --- feedback ------------------------------------------------------------------------------


def _more_feedback(world) -> None:
    """Private feedback to the report that counts as evidence, with two competencies (listed
    by name); feedback the report gave just now (still editable) and edited; feedback the
    report wrote for the manager's request (manager-only)."""
    framework = world.framework
    with world.scope():
        counted = feedback_services.give_feedback(
            author=world.manager,
            recipient=world.report,
            kind="constructive",
            situation="In the planning meeting you let the quiet people speak first.",
            suggestion="Do it again in the retro.",
            competencies=[framework.other_competency, framework.competency],
        )
        feedback_services.attach_as_evidence(
            recipient=world.report, feedback=counted, attached=True
        )
        given = feedback_services.give_feedback(
            author=world.report,
            recipient=world.member,
            kind="praise",
            situation="Your review of my pull request caught the migration bug.",
        )
        feedback_services.edit_feedback(
            author=world.report, feedback=given, impact="We shipped without a rollback."
        )


def _feedback_as_serialized(world, viewer, ids: list[int]):
    with world.scope():
        rows = feedback_selectors.readable(viewer).filter(pk__in=ids)
        return FeedbackSerializer(
            _in_order(rows, ids), many=True, context={"membership": viewer}
        ).data


@pytest.mark.parametrize(
    ("role", "box"),
    [("report", "received"), ("report", "given"), ("manager", "team"), ("member", "received")],
)
def test_the_feedback_list_answers_what_the_serializer_would(role, box, world_a, api_as):
    _more_feedback(world_a)
    viewer = getattr(world_a, role)
    with timezone.override(ZONE):
        response = api_as(viewer).get(org_url("api:feedback-list"), {"box": box})
        _same_as_serializer(response, _feedback_as_serialized(world_a, viewer, _ids(response)))
    assert response.json()["results"]


def test_the_feedback_list_shows_the_edit_window_evidence_and_nulls_as_the_serializer_does(
    world_a, api_as
):
    """The cases the comparison above must hold for are there: an edit window (the author,
    within it), evidence (private, to the reader), an edit, and nulls for everything else."""
    _more_feedback(world_a)
    client = api_as(world_a.report)
    received = client.get(org_url("api:feedback-list")).json()["results"]
    given = client.get(org_url("api:feedback-list"), {"box": "given"}).json()["results"]
    counted = next(row for row in received if row["visibility"] == Visibility.PRIVATE)
    assert counted["attached_as_evidence"] is True and counted["editable_until"] is None
    assert [c["name"] for c in counted["competencies"]] == sorted(
        c["name"] for c in counted["competencies"]
    )
    assert len(counted["competencies"]) == 2
    shared = next(row for row in received if row["visibility"] == Visibility.WITH_MANAGER)
    assert shared["attached_as_evidence"] is None and shared["edited_at"] is None
    assert given[0]["editable_until"] and given[0]["edited_at"]
    assert given[0]["editable_until"].endswith("Z")


def test_every_page_of_the_team_box_answers_what_the_serializer_would(world_a, api_as):
    with world_a.scope():
        for number in range(5):
            Feedback.objects.create(
                organization=world_a.organization,
                author=world_a.member,
                recipient=world_a.report,
                kind="praise",
                situation=f"Demo {number} went well.",
                visibility=Visibility.WITH_MANAGER,
                created_at=timezone.now() - timedelta(days=number, microseconds=number),
            )
    client = api_as(world_a.manager)
    response = client.get(org_url("api:feedback-list"), {"box": "team", "page_size": 2})
    pages = _walk_pages(
        client,
        response,
        lambda ids: _feedback_as_serialized(world_a, world_a.manager, ids),
    )
    assert pages == 3


# --- recognition ---------------------------------------------------------------------------


def _more_recognition(world) -> None:
    """The world's recognition (a value, a competency, a reaction, a comment), and one for
    two people with two values (listed by position, not by id or name) and two
    competencies (by name), that the member, the owner and HR reacted to; one without any
    value."""
    recognition_of(world)
    first = value_of(world)
    with world.scope():
        # Listed by position: the value made second comes first.
        CompanyValue.objects.filter(pk=first.pk).update(position=5)
        second = CompanyValue.objects.create(
            organization=world.organization, name="Customers first", emoji="", position=0
        )
    both = give(
        world,
        giver=world.report,
        recipients=[world.member, world.manager],
        values=[first, second],
        competencies=[world.framework.other_competency, world.framework.competency],
    )
    give(world, giver=world.owner, recipients=[world.report], values=[])
    with world.scope():
        for member, emoji in ((world.member, "🎉"), (world.owner, "🎉"), (world.hr, "👏")):
            recognition_services.add_reaction(member=member, recognition=both, emoji=emoji)


def _recognition_as_serialized(world, viewer, ids: list[int]):
    with world.scope():
        rows = list(
            recognition_selectors.with_related(recognition_selectors.wall().filter(pk__in=ids))
        )
        recognition_selectors.attach_reactions(rows, viewer)
        return RecognitionSerializer(
            _in_order(rows, ids), many=True, context={"membership": viewer}
        ).data


@pytest.mark.parametrize("role", ["member", "hr"])
def test_the_recognition_list_answers_what_the_serializer_would(role, world_a, api_as):
    """``mine`` is the reader's: the member reacted with 🎉, HR with 👏."""
    _more_recognition(world_a)
    viewer = getattr(world_a, role)
    with timezone.override(ZONE):
        response = api_as(viewer).get(org_url("api:recognition-list"))
        _same_as_serializer(response, _recognition_as_serialized(world_a, viewer, _ids(response)))
    rows = response.json()["results"]
    assert len(rows) == 3
    assert rows[1]["recipients"] and len(rows[1]["values"]) == 2
    assert any(reaction["mine"] for reaction in rows[1]["reactions"])


def test_every_page_of_the_wall_answers_what_the_serializer_would(world_a, api_as):
    _more_recognition(world_a)
    client = api_as(world_a.member)
    response = client.get(org_url("api:recognition-list"), {"page_size": 1})
    pages = _walk_pages(
        client,
        response,
        lambda ids: _recognition_as_serialized(world_a, world_a.member, ids),
    )
    assert pages == 3


# --- the schema ----------------------------------------------------------------------------

LISTS = [
    ("/api/v1/orgs/{org_slug}/members/", MemberViewSet, MemberSerializer, "api:member-list"),
    ("/api/v1/orgs/{org_slug}/feedback/", FeedbackViewSet, FeedbackSerializer, "api:feedback-list"),
    (
        "/api/v1/orgs/{org_slug}/recognitions/",
        RecognitionViewSet,
        RecognitionSerializer,
        "api:recognition-list",
    ),
]


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(("path", "viewset", "serializer", "url_name"), LISTS)
def test_the_schema_describes_each_list_with_its_serializer(
    path, viewset, serializer, url_name, schema, world_a, api_as
):
    """A cursor page of the serializer's fields, in its order, with the viewset's own
    description; and the rows the list answers have exactly those keys."""
    operation = schema["paths"][path]["get"]
    page_ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][page_ref.rsplit("/", 1)[1]]
    assert list(page["properties"]) == ["next", "previous", "results"]
    row_ref = page["properties"]["results"]["items"]["$ref"]
    row = schema["components"]["schemas"][row_ref.rsplit("/", 1)[1]]
    fields = list(serializer().fields)
    assert list(row["properties"]) == fields
    assert operation.get("description", "") == inspect.cleandoc(viewset.__doc__ or "")
    _more_recognition(world_a)
    rows = api_as(world_a.report).get(org_url(url_name)).json()["results"]
    assert rows and all(list(found) == fields for found in rows)
