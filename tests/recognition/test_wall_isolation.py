"""Organization B can neither read nor change organization A's recognition: the wall,
reactions, comments, values, kinds and the points a gift moves. The core sweep
(tests/isolation) walks every URL; this compares all of A's recognition data before and
after B's attempts, which the core sweep's snapshot does not look at."""

import pytest

from perfapp.tenancy.scoping import scopes_disabled
from recognition.models import (
    CompanyValue,
    ContributionKind,
    PointsEntry,
    Reaction,
    Recognition,
    RecognitionComment,
    RecognitionRecipient,
)

from ..helpers import html_of, org_url, signed_in_client
from .wall_world import kind_of, recognition_of, value_of


def snapshot(world) -> dict:
    org = world.organization
    with scopes_disabled():
        return {
            "recognition": sorted(
                Recognition.objects.filter(organization=org).values_list(
                    "id", "message", "kind_id", "points_each"
                )
            ),
            "recipients": RecognitionRecipient.objects.filter(organization=org).count(),
            "reactions": sorted(
                Reaction.objects.filter(organization=org).values_list("id", "emoji")
            ),
            "comments": sorted(
                RecognitionComment.objects.filter(organization=org).values_list("id", "body")
            ),
            "values": sorted(
                CompanyValue.objects.filter(organization=org).values_list(
                    "id", "name", "position", "archived_at"
                )
            ),
            "kinds": sorted(
                ContributionKind.objects.filter(organization=org).values_list(
                    "id", "name", "position", "archived_at"
                )
            ),
            "ledger": PointsEntry.objects.filter(organization=org).count(),
        }


@pytest.fixture
def prepared(world_a, world_b):
    for world in (world_a, world_b):
        recognition_of(world)
        value_of(world)
        kind_of(world)
    return world_a, world_b


def test_b_cannot_write_to_a_through_any_page(prepared):
    world_a, world_b = prepared
    recognition = recognition_of(world_a)
    value, kind = value_of(world_a), kind_of(world_a)
    client = signed_in_client(world_b.owner)
    before = snapshot(world_a)
    attempts = [
        ("recognition:react", {"pk": recognition.pk}, {"toggle": "on:🎉"}),
        ("recognition:comment", {"pk": recognition.pk}, {"body": "Hacked"}),
        ("recognition:value", {"pk": value.pk}, {"name": "Hacked"}),
        ("recognition:value_archive", {"pk": value.pk}, {}),
        ("recognition:value_move", {"pk": value.pk}, {"direction": "down"}),
        ("recognition:kind", {"pk": kind.pk}, {"name": "Hacked"}),
        ("recognition:kind_archive", {"pk": kind.pk}, {}),
        ("recognition:kind_move", {"pk": kind.pk}, {"direction": "down"}),
    ]
    for name, kwargs, data in attempts:
        for slug in ("alpha", "beta"):  # A's URL, and A's ids under B's own slug
            assert client.post(org_url(name, org=slug, **kwargs), data).status_code == 404
    # Giving under B's own slug with A's ids: not a choice there.
    response = client.post(
        org_url("recognition:give", org="beta"),
        {
            "recipients": [world_a.report.pk],
            "message": "Hacked",
            "kind": kind.pk,
            "values": [value.pk],
        },
    )
    assert response.status_code == 400
    assert snapshot(world_a) == before


def test_b_cannot_write_to_a_through_the_api(prepared, api_as):
    world_a, world_b = prepared
    recognition = recognition_of(world_a)
    client = api_as(world_b.owner)
    before = snapshot(world_a)
    created = client.post(
        org_url("api:recognition-list", org="beta"),
        {"recipients": [world_a.report.pk], "message": "Hacked", "kind": kind_of(world_a).pk},
        format="json",
    )
    assert created.status_code == 400
    fields = created.json()["error"]["fields"]
    assert fields["recipients"][0]["code"] == "does_not_exist"
    assert fields["kind"][0]["code"] == "does_not_exist"
    for name, body in (
        ("api:recognition-reaction-list", {"recognition": recognition.pk, "emoji": "🎉"}),
        ("api:recognition-comment-list", {"recognition": recognition.pk, "body": "Hacked"}),
    ):
        response = client.post(org_url(name, org="beta"), body, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["fields"]["recognition"][0]["code"] == "does_not_exist"
    assert snapshot(world_a) == before


def test_b_sees_nothing_of_a(prepared, api_as):
    world_a, world_b = prepared
    page = html_of(signed_in_client(world_b.owner).get(org_url("recognition:index", org="beta")))
    assert world_a.report.name not in page and world_a.member.name not in page
    body = api_as(world_b.owner).get(org_url("api:recognition-list", org="beta")).json()
    assert [r["id"] for r in body["results"]] == [recognition_of(world_b).pk]
    profile = signed_in_client(world_b.owner).get(
        org_url("recognition:profile", org="beta", pk=world_a.report.pk)
    )
    assert profile.status_code == 404
