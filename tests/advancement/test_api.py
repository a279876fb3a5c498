"""The career framework's REST API: the draft for HR, the published version for everyone
else, versions, placements and proposals."""

from itertools import count

import pytest

from advancement.models import (
    Competency,
    Criterion,
    FrameworkVersion,
    Level,
    Placement,
    Proposal,
    ProposalComment,
    ProposalStatus,
    ProposalTarget,
    ProposalVote,
    Track,
)
from advancement.services import framework as framework_services
from advancement.services import placements as placement_services
from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import scopes_disabled

from ..factories import MembershipFactory, UserFactory
from ..helpers import api_error, org_url


def row_counts() -> dict:
    with scopes_disabled():
        return {
            model.__name__: model.objects.count()
            for model in (
                Competency,
                Track,
                Level,
                Criterion,
                FrameworkVersion,
                Placement,
                Proposal,
                ProposalVote,
                ProposalComment,
            )
        }


# --- reading: published for members, draft for HR --------------------------------------


def test_a_member_reads_the_published_wording_never_hr_s_unpublished_draft(world_a, api_as):
    criterion = world_a.framework.criterion
    edited = api_as(world_a.hr).patch(
        org_url("api:criterion-detail", pk=criterion.pk),
        {"expectation": "Secret draft wording."},
        format="json",
    )
    assert edited.status_code == 200 and edited.json()["expectation"] == "Secret draft wording."

    member = api_as(world_a.member)
    listed = member.get(org_url("api:criterion-list"))
    one = member.get(org_url("api:criterion-detail", pk=criterion.pk))
    levels = member.get(org_url("api:level-list"), {"track": world_a.framework.track.pk})
    for response in (listed, one, levels):
        assert response.status_code == 200
        assert b"Secret draft wording" not in response.content
    body = listed.json()
    assert body["version"] == 1 and body["next"] is None and body["previous"] is None
    row = next(r for r in body["results"] if r["id"] == criterion.pk)
    assert row["expectation"] == "Ships tested code (alpha)."
    assert one.json() == row
    assert [r["code"] for r in levels.json()["results"]] == ["L1", "L2"]

    hr = api_as(world_a.hr)
    draft = hr.get(org_url("api:criterion-detail", pk=criterion.pk)).json()
    assert draft["expectation"] == "Secret draft wording."
    assert set(draft) == set(row)  # the same shape either way
    assert hr.get(org_url("api:criterion-list")).json()["version"] is None
    published = hr.get(
        org_url("api:criterion-detail", pk=criterion.pk), {"published": "true"}
    ).json()
    assert published["expectation"] == "Ships tested code (alpha)."


def test_unpublished_draft_rows_are_invisible_to_members(world_a, api_as):
    created = api_as(world_a.hr).post(
        org_url("api:track-list"), {"name": "Design", "description": "Hidden plans."}, format="json"
    )
    assert created.status_code == 201
    track_id = created.json()["id"]
    member = api_as(world_a.member)
    names = [row["name"] for row in member.get(org_url("api:track-list")).json()["results"]]
    assert names == ["Engineering alpha"]
    assert (
        api_error(member.get(org_url("api:track-detail", pk=track_id)), status=404)["code"]
        == "not_found"
    )
    assert api_as(world_a.hr).get(org_url("api:track-detail", pk=track_id)).status_code == 200


def test_members_cannot_write_the_draft_or_publish(world_a, api_as):
    before = row_counts()
    member = api_as(world_a.member)
    framework = world_a.framework
    attempts = [
        member.post(org_url("api:track-list"), {"name": "Mine"}, format="json"),
        member.patch(
            org_url("api:criterion-detail", pk=framework.criterion.pk), {"expectation": "x"}
        ),
        member.delete(org_url("api:level-detail", pk=framework.next_level.pk)),
        member.post(org_url("api:competency-list"), {"name": "Mine", "category": "craft"}),
        member.post(org_url("api:competency-archive", pk=framework.competency.pk)),
        member.post(org_url("api:version-list"), {"summary": "Mine"}, format="json"),
        member.put(
            org_url("api:placement-detail", membership_id=world_a.member.pk),
            {"level": None},
            format="json",
        ),
        member.post(
            org_url("api:proposal-answer", pk=framework.proposal.pk),
            {"status": "accepted"},
            format="json",
        ),
    ]
    assert [response.status_code for response in attempts] == [404] * len(attempts)
    assert row_counts() == before


def test_competencies_hide_archived_ones_unless_asked(world_a, api_as):
    with world_a.scope():
        framework_services.archive_competency(
            actor=world_a.hr, competency=world_a.framework.other_competency
        )
    member = api_as(world_a.member)
    names = {row["name"] for row in member.get(org_url("api:competency-list")).json()["results"]}
    assert names == {"Craft alpha"}
    everything = member.get(org_url("api:competency-list"), {"include_archived": "true"}).json()
    archived = next(r for r in everything["results"] if r["name"] == "Teamwork alpha")
    assert archived["is_archived"] is True and archived["archived_at"]


@pytest.mark.parametrize("name", ["track-detail", "version-detail", "placement-detail"])
def test_an_id_too_big_for_the_database_is_a_404_not_a_crash(world_a, api_as, name):
    kwarg = {"version-detail": "number", "placement-detail": "membership_id"}.get(name, "pk")
    for viewer in (world_a.member, world_a.hr):
        response = api_as(viewer).get(org_url(f"api:{name}", **{kwarg: str(2**70)}))
        assert api_error(response, status=404)["code"] == "not_found"


def test_a_malformed_filter_is_a_400(world_a, api_as):
    error = api_error(api_as(world_a.member).get(org_url("api:level-list"), {"track": "x"}))
    assert error["fields"]["track"][0]["message"] == "Give a numeric id."
    error = api_error(api_as(world_a.member).get(org_url("api:proposal-list"), {"status": "maybe"}))
    assert "status" in error["fields"]
    error = api_error(api_as(world_a.hr).get(org_url("api:criterion-list"), {"level": "²"}))
    assert error["fields"]["level"][0]["message"] == "Give a numeric id."
    too_long = "9" * 5000  # more digits than Python's int() reads without an error
    error = api_error(api_as(world_a.hr).get(org_url("api:criterion-list"), {"level": too_long}))
    assert error["fields"]["level"][0]["message"] == "Give a numeric id."


# --- HR writes ------------------------------------------------------------------------


def test_hr_manages_competencies(world_a, api_as):
    client = api_as(world_a.hr)
    created = client.post(
        org_url("api:competency-list"),
        {"name": "  Writing ", "category": "craft", "description": "Clear prose."},
        format="json",
    )
    assert created.status_code == 201 and created.json()["name"] == "Writing"
    pk = created.json()["id"]
    renamed = client.patch(org_url("api:competency-detail", pk=pk), {"name": "Writing well"})
    assert renamed.json()["name"] == "Writing well"
    archived = client.post(org_url("api:competency-archive", pk=pk))
    assert archived.status_code == 200 and archived.json()["is_archived"] is True
    error = api_error(client.post(org_url("api:competency-archive", pk=pk)))
    assert "already archived" in error["message"]
    restored = client.post(org_url("api:competency-restore", pk=pk))
    assert restored.json()["is_archived"] is False
    duplicate = client.post(
        org_url("api:competency-list"), {"name": "craft ALPHA", "category": "craft"}
    )
    assert "already a competency" in api_error(duplicate)["fields"]["name"][0]["message"]


def test_competencies_are_never_deleted(world_a, api_as):
    pk = world_a.framework.competency.pk
    response = api_as(world_a.hr).delete(org_url("api:competency-detail", pk=pk))
    error = api_error(response, status=405)
    assert error == {
        "code": "method_not_allowed",
        "message": "Competencies are archived, never deleted.",
    }
    with scopes_disabled():
        assert Competency.objects.filter(pk=pk, archived_at__isnull=True).exists()


def test_hr_builds_a_track_with_levels_and_criteria_and_takes_them_apart(world_a, api_as):
    client = api_as(world_a.hr)
    track = client.post(org_url("api:track-list"), {"name": "Product"}, format="json")
    assert track.status_code == 201
    track_id = track.json()["id"]
    first = client.post(
        org_url("api:level-list"), {"track": track_id, "code": "P1", "name": "PM"}, format="json"
    )
    second = client.post(
        org_url("api:level-list"),
        {"track": track_id, "code": "P2", "name": "Senior PM"},
        format="json",
    )
    assert (first.json()["rank"], second.json()["rank"]) == (1, 2)  # each goes on top
    criterion = client.post(
        org_url("api:criterion-list"),
        {
            "level": first.json()["id"],
            "competency": world_a.framework.competency.pk,
            "expectation": "Writes clear specs.",
        },
        format="json",
    )
    assert criterion.status_code == 201 and criterion.json()["position"] == 1
    listed = client.get(org_url("api:criterion-list"), {"level": first.json()["id"]}).json()[
        "results"
    ]
    assert [row["expectation"] for row in listed] == ["Writes clear specs."]
    renamed = client.patch(org_url("api:track-detail", pk=track_id), {"name": "Product Management"})
    assert renamed.json()["name"] == "Product Management"
    changed = client.patch(
        org_url("api:level-detail", pk=first.json()["id"]), {"summary": "Owns an area."}
    )
    assert changed.json()["summary"] == "Owns an area."

    assert (
        client.delete(org_url("api:criterion-detail", pk=criterion.json()["id"])).status_code == 204
    )
    assert client.delete(org_url("api:level-detail", pk=second.json()["id"])).status_code == 204
    assert client.delete(org_url("api:track-detail", pk=track_id)).status_code == 204
    with scopes_disabled():
        assert not Track.objects.filter(pk=track_id).exists()
        assert not Level.objects.filter(track_id=track_id).exists()


def test_a_level_with_people_on_it_cannot_be_removed(world_a, api_as):
    response = api_as(world_a.hr).delete(org_url("api:level-detail", pk=world_a.framework.level.pk))
    assert "placed at" in api_error(response)["message"]
    with scopes_disabled():
        assert Level.objects.filter(pk=world_a.framework.level.pk).exists()


def test_a_duplicate_rank_in_a_track_is_refused(world_a, api_as):
    before = row_counts()
    response = api_as(world_a.hr).post(
        org_url("api:level-list"),
        {"track": world_a.framework.track.pk, "code": "L9", "name": "Clash", "rank": 2},
        format="json",
    )
    error = api_error(response)
    assert error["code"] == "validation_error"
    assert "already taken" in error["fields"]["rank"][0]["message"]
    assert row_counts() == before


def test_a_level_does_not_move_to_another_track(world_a, api_as):
    client = api_as(world_a.hr)
    other = client.post(org_url("api:track-list"), {"name": "Sales"}, format="json").json()["id"]
    response = client.patch(
        org_url("api:level-detail", pk=world_a.framework.next_level.pk),
        {"track": other},
        format="json",
    )
    assert "stays on its track" in api_error(response)["fields"]["track"][0]["message"]
    with scopes_disabled():
        assert Level.objects.get(pk=world_a.framework.next_level.pk).track_id != other


def test_a_criterion_for_another_organizations_competency_does_not_exist(world_a, world_b, api_as):
    before = row_counts()
    response = api_as(world_a.hr).post(
        org_url("api:criterion-list"),
        {
            "level": world_a.framework.level.pk,
            "competency": world_b.framework.other_competency.pk,
            "expectation": "Borrowed.",
        },
        format="json",
    )
    assert api_error(response)["fields"]["competency"][0]["code"] == "does_not_exist"
    foreign_level = api_as(world_a.hr).post(
        org_url("api:criterion-list"),
        {"level": world_b.framework.level.pk, "expectation": "Borrowed."},
        format="json",
    )
    assert api_error(foreign_level)["fields"]["level"][0]["code"] == "does_not_exist"
    assert row_counts() == before


def test_a_second_criterion_for_the_same_competency_on_a_level_is_refused(world_a, api_as):
    before = row_counts()
    response = api_as(world_a.hr).post(
        org_url("api:criterion-list"),
        {
            "level": world_a.framework.level.pk,
            "competency": world_a.framework.competency.pk,
            "expectation": "Again.",
        },
        format="json",
    )
    assert "already has a criterion" in api_error(response)["fields"]["competency"][0]["message"]
    assert row_counts() == before


# --- versions -----------------------------------------------------------------------------


def test_hr_publishes_and_everyone_reads_the_versions(world_a, api_as):
    hr = api_as(world_a.hr)
    hr.patch(
        org_url("api:criterion-detail", pk=world_a.framework.criterion.pk),
        {"expectation": "Ships tested, observable code."},
        format="json",
    )
    published = hr.post(org_url("api:version-list"), {"summary": "Observability."}, format="json")
    assert published.status_code == 201
    assert published.json()["number"] == 2
    assert [c["op"] for c in published.json()["changes"]] == ["changed"]

    member = api_as(world_a.member)
    rows = member.get(org_url("api:version-list")).json()["results"]
    assert [row["number"] for row in rows] == [2, 1]
    assert rows[0]["published_by"] == {"id": world_a.hr.pk, "name": world_a.hr.name}
    assert rows[0]["change_count"] == 1 and "snapshot" not in rows[0]
    one = member.get(org_url("api:version-detail", number=1)).json()
    assert one["snapshot"]["tracks"][0]["name"] == "Engineering alpha"
    assert one["change_count"] == len(one["changes"]) > 0 and one["proposals"] == []
    assert member.get(org_url("api:version-current")).json()["number"] == 2
    text = member.get(org_url("api:criterion-detail", pk=world_a.framework.criterion.pk)).json()
    assert text["expectation"] == "Ships tested, observable code."
    compared = member.get(org_url("api:version-compare"), {"from": 1, "to": 2}).json()
    assert compared["changes"][0]["after"] == {"expectation": "Ships tested, observable code."}
    from_nothing = member.get(org_url("api:version-compare"), {"from": 0, "to": 1}).json()
    assert {c["op"] for c in from_nothing["changes"]} == {"added"}
    assert member.get(org_url("api:version-compare")).json()["from"] == 1  # default: last two


def test_publishing_with_nothing_changed_is_refused(world_a, api_as):
    before = row_counts()
    response = api_as(world_a.hr).post(
        org_url("api:version-list"), {"summary": "Again."}, format="json"
    )
    assert api_error(response)["message"].startswith("Nothing changed")
    assert row_counts() == before


def test_published_versions_never_change(world_a, api_as):
    client = api_as(world_a.hr)
    detail = org_url("api:version-detail", number=1)
    for method in ("patch", "put", "delete"):
        error = api_error(getattr(client, method)(detail, {"summary": "Hacked"}), status=405)
        assert error["message"] == (
            "Published versions never change; edit the draft and publish a new version."
        )
    with scopes_disabled():
        assert FrameworkVersion.objects.get(pk=world_a.framework.version.pk).summary == (
            "First framework of alpha."
        )


def test_bad_version_numbers_are_a_400(world_a, api_as):
    client = api_as(world_a.member)
    assert "to" in api_error(client.get(org_url("api:version-compare"), {"to": 7}))["fields"]
    assert "from" in api_error(client.get(org_url("api:version-compare"), {"from": "x"}))["fields"]
    assert client.get(org_url("api:version-detail", number=7)).status_code == 404


def test_no_current_version_is_a_clear_404(world_a, api_as):
    with scopes_disabled():
        FrameworkVersion.objects.filter(organization=world_a.organization).delete()
    error = api_error(api_as(world_a.member).get(org_url("api:version-current")), status=404)
    assert error["message"] == "No version of the career framework has been published yet."
    listed = api_as(world_a.member).get(org_url("api:track-list")).json()
    assert listed == {"next": None, "previous": None, "version": None, "results": []}


# --- placements ---------------------------------------------------------------------------


def _placed_ids(client) -> set[int]:
    response = client.get(org_url("api:placement-list"))
    assert response.status_code == 200
    return {row["membership"]["id"] for row in response.json()["results"]}


def test_placements_are_seen_by_the_person_their_managers_and_hr(world_a, api_as):
    with world_a.scope():  # someone reporting to the report: the manager's indirect report
        intern = MembershipFactory(organization=world_a.organization, manager=world_a.report)
        placement_services.place(actor=world_a.hr, membership=intern, level=world_a.framework.level)
    report, everyone = world_a.report.pk, {world_a.report.pk, intern.pk}
    assert _placed_ids(api_as(world_a.report)) == everyone  # self and own report
    assert _placed_ids(api_as(world_a.manager)) == everyone
    assert _placed_ids(api_as(world_a.owner)) == everyone  # top of the tree and HR
    assert _placed_ids(api_as(world_a.member)) == set()
    assert _placed_ids(api_as(world_a.hr)) == everyone

    row = api_as(world_a.manager).get(org_url("api:placement-detail", membership_id=report)).json()
    assert row["track"] == {"id": world_a.framework.track.pk, "name": "Engineering alpha"}
    assert row["level"] == {"id": world_a.framework.level.pk, "code": "L1", "name": "Engineer"}
    hidden = api_as(world_a.member).get(org_url("api:placement-detail", membership_id=report))
    assert hidden.status_code == 404


def test_placements_show_published_names_not_draft_renames(world_a, api_as):
    api_as(world_a.hr).patch(
        org_url("api:level-detail", pk=world_a.framework.level.pk), {"name": "Renamed in secret"}
    )
    response = api_as(world_a.report).get(org_url("api:placement-list"))
    assert response.json()["results"][0]["level"]["name"] == "Engineer"
    assert b"Renamed in secret" not in response.content


def test_hr_places_and_unplaces_people(world_a, api_as):
    client = api_as(world_a.hr)
    target = org_url("api:placement-detail", membership_id=world_a.member.pk)
    placed = client.put(target, {"level": world_a.framework.next_level.pk}, format="json")
    assert placed.status_code == 200 and placed.json()["level"]["code"] == "L2"
    removed = client.put(target, {"level": None}, format="json")
    assert removed.json()["level"] is None
    with scopes_disabled():
        assert not Placement.objects.filter(membership=world_a.member).exists()


def test_placing_on_an_unpublished_level_is_refused(world_a, api_as):
    client = api_as(world_a.hr)
    level = client.post(
        org_url("api:level-list"),
        {"track": world_a.framework.track.pk, "code": "L3", "name": "Staff"},
        format="json",
    ).json()
    response = client.put(
        org_url("api:placement-detail", membership_id=world_a.report.pk), {"level": level["id"]}
    )
    assert "not published" in api_error(response)["fields"]["level"][0]["message"]
    with scopes_disabled():
        assert Placement.objects.get(membership=world_a.report).level_id == (
            world_a.framework.level.pk
        )


# --- proposals ----------------------------------------------------------------------------


def test_members_propose_vote_comment_and_hr_answers(world_a, api_as):
    created = api_as(world_a.report).post(
        org_url("api:proposal-list"),
        {
            "target": "level",
            "target_id": world_a.framework.level.pk,
            "proposed_text": "Learns fast and asks for help.",
            "rationale": "Clearer.",
        },
        format="json",
    )
    assert created.status_code == 201
    proposal = created.json()
    assert proposal["current_text"] == "Learns." and proposal["target_id"] == (
        world_a.framework.level.pk
    )
    assert proposal["author"]["id"] == world_a.report.pk and proposal["status"] == "open"

    member = api_as(world_a.member)
    vote = org_url("api:proposal-vote", pk=proposal["id"])
    assert member.post(vote).json() == {"voted": True, "vote_count": 1}
    assert member.post(vote).json() == {"voted": False, "vote_count": 0}
    member.post(vote)
    comments = org_url("api:proposal-comments", pk=proposal["id"])
    posted = member.post(comments, {"body": "Agreed."}, format="json")
    assert posted.status_code == 201 and posted.json()["author"]["id"] == world_a.member.pk
    assert [c["body"] for c in member.get(comments).json()["results"]] == ["Agreed."]
    row = member.get(org_url("api:proposal-detail", pk=proposal["id"])).json()
    assert (row["vote_count"], row["comment_count"], row["voted"]) == (1, 1, True)
    empty = api_error(member.post(comments, {"body": "   "}, format="json"))
    assert "body" in empty["fields"]

    answered = api_as(world_a.hr).post(
        org_url("api:proposal-answer", pk=proposal["id"]), {"status": "accepted"}, format="json"
    )
    assert answered.status_code == 200 and answered.json()["status"] == "accepted"
    with scopes_disabled():
        assert Level.objects.get(pk=world_a.framework.level.pk).summary == (
            "Learns fast and asks for help."
        )
    accepted = member.get(org_url("api:proposal-list"), {"status": "accepted"}).json()["results"]
    assert [r["id"] for r in accepted] == [proposal["id"]]
    opened = member.get(org_url("api:proposal-list"), {"status": "open"}).json()["results"]
    assert [r["id"] for r in opened] == [world_a.framework.proposal.pk]


def test_declining_needs_a_reason(world_a, api_as):
    response = api_as(world_a.hr).post(
        org_url("api:proposal-answer", pk=world_a.framework.proposal.pk),
        {"status": "declined"},
        format="json",
    )
    assert "answer" in api_error(response)["fields"]
    with scopes_disabled():
        assert Proposal.objects.get(pk=world_a.framework.proposal.pk).status == "open"


def test_a_proposal_on_an_archived_competency_is_refused(world_a, api_as):
    competency = world_a.framework.other_competency
    with world_a.scope():
        framework_services.archive_competency(actor=world_a.hr, competency=competency)
    before = row_counts()
    response = api_as(world_a.member).post(
        org_url("api:proposal-list"),
        {
            "target": "competency",
            "target_id": competency.pk,
            "proposed_text": "Works well with others.",
            "rationale": "Shorter.",
        },
        format="json",
    )
    assert "archived" in api_error(response)["message"]
    assert row_counts() == before


@pytest.mark.parametrize("foreign", [True, False])
def test_a_proposal_on_another_organizations_or_an_unpublished_criterion_does_not_exist(
    foreign, world_a, world_b, api_as
):
    if foreign:
        target_id = world_b.framework.criterion.pk
    else:
        created = api_as(world_a.hr).post(
            org_url("api:criterion-list"),
            {"level": world_a.framework.level.pk, "expectation": "Unpublished idea."},
            format="json",
        )
        target_id = created.json()["id"]
    before = row_counts()
    response = api_as(world_a.member).post(
        org_url("api:proposal-list"),
        {
            "target": "criterion",
            "target_id": target_id,
            "proposed_text": "Something else.",
            "rationale": "Because.",
        },
        format="json",
    )
    assert api_error(response)["fields"]["target_id"][0]["code"] == "does_not_exist"
    assert b"Unpublished idea" not in response.content
    assert row_counts() == before


def test_voting_for_ones_own_proposal_is_refused(world_a, api_as):
    response = api_as(world_a.member).post(
        org_url("api:proposal-vote", pk=world_a.framework.proposal.pk)
    )
    assert "you proposed this" in api_error(response)["message"].lower()
    with scopes_disabled():
        assert not ProposalVote.objects.exists()


# --- query budgets --------------------------------------------------------------------------


SERIAL = count()


def _people(world, how_many: int, manager=None) -> list[Membership]:
    numbers = [next(SERIAL) for _ in range(how_many)]
    users = UserFactory._meta.model.objects.bulk_create(
        UserFactory._meta.model(email=f"fw{i}@{world.organization.slug}.test", name=f"Fw {i}")
        for i in numbers
    )
    return Membership.objects.bulk_create(
        Membership(organization=world.organization, user=user, manager=manager) for user in users
    )


def _grow_competencies(world, count: int) -> None:
    Competency.objects.bulk_create(
        Competency(organization=world.organization, name=f"Skill {next(SERIAL)}", category="craft")
        for _ in range(count)
    )


def _grow_proposals(world, count: int) -> None:
    voters = _people(world, 2)
    proposals = Proposal.objects.bulk_create(
        Proposal(
            organization=world.organization,
            author=world.report,
            target=ProposalTarget.CRITERION,
            criterion=world.framework.criterion,
            target_label="Engineering › L1",
            proposed_text=f"Wording {i}",
            rationale="Why not.",
            status=ProposalStatus.OPEN,
        )
        for i in range(count)
    )
    ProposalVote.objects.bulk_create(
        ProposalVote(organization=world.organization, proposal=p, voter=v)
        for p in proposals
        for v in voters
    )
    ProposalComment.objects.bulk_create(
        ProposalComment(organization=world.organization, proposal=p, author=world.hr, body="Hm")
        for p in proposals
    )


def _grow_placements(world, count: int) -> None:
    reports = _people(world, count, manager=world.manager)
    Placement.objects.bulk_create(
        Placement(
            organization=world.organization,
            membership=person,
            track=world.framework.track,
            level=world.framework.level,
        )
        for person in reports
    )


@pytest.mark.parametrize(
    ("name", "grow", "viewer", "budget"),
    [
        # token, organization, membership, then the rows (with their counts and people)
        ("competency-list", _grow_competencies, "member", 4),
        ("proposal-list", _grow_proposals, "member", 4),
        # + the published version for the names; a manager's walk down the reporting tree
        # costs one query per level of it (here: reports, then their reports)
        ("placement-list", _grow_placements, "manager", 7),
        ("placement-list", _grow_placements, "hr", 5),
    ],
)
def test_lists_cost_the_same_number_of_queries_at_any_size(
    name, grow, viewer, budget, world_a, api_as, django_assert_max_num_queries
):
    client = api_as(getattr(world_a, viewer))
    used = []
    for extra in (3, 37):  # 3 rows more, then 40
        with world_a.scope():
            grow(world_a, extra)
        with django_assert_max_num_queries(budget) as captured:
            response = client.get(org_url(f"api:{name}"))
        assert response.status_code == 200
        used.append((len(response.json()["results"]), len(captured.captured_queries)))
    (small_rows, small), (large_rows, large) = used
    assert large_rows > small_rows >= 3
    assert small == large, used
