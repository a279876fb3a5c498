"""The career framework as people use it in the browser (Django test client)."""

import html
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from advancement.models import (
    Competency,
    Criterion,
    FrameworkVersion,
    Level,
    Placement,
    Proposal,
    ProposalComment,
    ProposalTarget,
    ProposalVote,
    Track,
)
from advancement.services import framework as framework_services
from advancement.services import placements as placement_services
from advancement.services import proposals as proposal_services
from perfapp.notifications.tasks import dispatch_outbox

from ..helpers import html_of, org_url
from ..notifications.helpers import notifications_of
from .test_services import db_state


def compared_rows(response) -> list[tuple[str, str, str, str]]:
    """(state, label, now, next) for every row of the next-level table."""
    rows = re.findall(
        r'<tr class="row-(\w+)">\s*<th scope="row">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>',
        response.content.decode(),
        re.S,
    )
    return [
        (
            state,
            html.unescape(label.split("<")[0]).strip(),
            html.unescape(left),
            html.unescape(right),
        )
        for state, label, left, right in rows
    ]


# --- HR builds, edits and publishes; an employee reads ---------------------------------------


def test_hr_builds_a_track_from_a_template_edits_publishes_and_an_employee_reads_it(world_a, login):
    client = login(world_a.hr)
    response = client.post(org_url("advancement:draft_template", key="engineering-ic"))
    with world_a.scope():
        track = Track.objects.get(name="Engineering — individual contributor")
        first, second = Level.objects.filter(track=track, rank__in=[1, 2]).order_by("rank")
        craft = Competency.objects.get(name="Technical craft")
        criterion = Criterion.objects.get(level=first, competency=craft)
        next_wording = Criterion.objects.get(level=second, competency=craft).expectation
    assert response.status_code == 302
    assert response["Location"] == org_url("advancement:draft_track", pk=track.pk)
    assert "Engineering — individual contributor" in html_of(client.get(response["Location"]))

    response = client.post(
        org_url("advancement:draft_criterion", pk=criterion.pk),
        {
            "competency": craft.pk,
            "expectation": "Writes small, tested changes & asks for review early.",
            "evidence_examples": "Merged pull requests",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == org_url("advancement:draft_level", pk=first.pk)

    publish_page = html_of(client.get(org_url("advancement:publish")))
    assert "Publish version 2" in publish_page
    assert "Engineering — individual contributor" in publish_page
    response = client.post(org_url("advancement:publish"), {"summary": "Adopted the IC ladder."})
    assert response.status_code == 302 and response["Location"] == org_url(
        "advancement:version", number=2
    )
    version_page = html_of(client.get(response["Location"]))
    assert "Version 2" in version_page and "Adopted the IC ladder." in version_page

    response = client.post(
        org_url("advancement:placement", pk=world_a.report.pk), {"level": first.pk}
    )
    assert response.status_code == 302

    reader = login(world_a.report)
    track_page = html_of(reader.get(org_url("advancement:track", track_id=track.pk)))
    assert "Writes small, tested changes & asks for review early." in track_page
    assert "Evidence: Merged pull requests" in track_page
    assert "You are here" in track_page
    assert "an earlier version" not in track_page
    index = html_of(reader.get(org_url("advancement:index")))
    assert "Engineering — individual contributor" in index and "Version 2" in index

    response = reader.get(org_url("advancement:next_level"))
    assert response.status_code == 200
    page = html_of(response)
    assert "Your next level" in page
    assert "L1 Engineer" in page and "(now)" in page and "(next)" in page
    rows = {label: (state, left, right) for state, label, left, right in compared_rows(response)}
    assert rows["Technical craft"] == (
        "changed",
        "Writes small, tested changes & asks for review early.",
        next_wording,
    )


def test_next_level_shows_both_levels_side_by_side_with_their_states(world_a, login):
    response = login(world_a.report).get(org_url("advancement:next_level"))
    assert compared_rows(response) == [
        ("new", "Teamwork alpha", "—", "Mentors others."),
        ("changed", "Craft alpha", "Ships tested code (alpha).", "Designs systems."),
    ]
    page = html_of(response)
    assert "<strong>2</strong> of 2 criteria change from L1 to L2" in response.content.decode()
    assert "New at next level" in page and "Grows" in page


def test_next_level_at_the_top_of_a_track_drops_nothing(world_a, login):
    with world_a.scope():
        placement_services.place(
            actor=world_a.hr, membership=world_a.report, level=world_a.framework.next_level
        )
    response = login(world_a.report).get(org_url("advancement:next_level"))
    page = html_of(response)
    assert "L2 is the top of this track." in page
    assert "Not at next level" not in page and "New at next level" not in page
    assert [row[2] for row in compared_rows(response)] == ["Mentors others.", "Designs systems."]


def test_next_level_for_someone_not_placed(world_a, login):
    page = html_of(login(world_a.member).get(org_url("advancement:next_level")))
    assert "You're not placed on a track yet" in page


def test_an_earlier_version_reads_as_it_was_published(world_a, login):
    fw = world_a.framework
    client = login(world_a.hr)
    client.post(
        org_url("advancement:draft_criterion", pk=fw.criterion.pk),
        {"competency": fw.competency.pk, "expectation": "Ships observable code."},
    )
    client.post(org_url("advancement:publish"), {"summary": "Observability."})
    reader = login(world_a.member)
    current = html_of(reader.get(org_url("advancement:track", track_id=fw.track.pk)))
    assert "Ships observable code." in current and "Ships tested code (alpha)." not in current
    old = reader.get(org_url("advancement:track", track_id=fw.track.pk), {"version": 1})
    assert old.status_code == 200
    old_page = html_of(old)
    assert "Ships tested code (alpha)." in old_page and "Ships observable code." not in old_page
    assert "You're reading version 1, an earlier version." in old_page
    assert "Propose a change" not in old_page  # proposals are about the current wording
    for bad in ("3", "0", "x", "²", "99999999999"):
        assert (
            reader.get(
                org_url("advancement:track", track_id=fw.track.pk), {"version": bad}
            ).status_code
            == 404
        )

    compare = reader.get(org_url("advancement:compare"))
    assert compare.status_code == 200
    page = html_of(compare)
    assert "1 change from version 1 to version 2." in page
    assert "Ships tested code (alpha)." in page and "Ships observable code." in page
    assert "Engineering alpha › L1 Engineer" in page
    first = html_of(reader.get(org_url("advancement:compare"), {"from": 0, "to": 1}))
    assert "from nothing to version 1" in first
    for query in ({"from": "1", "to": "9"}, {"to": "x"}, {"from": "²"}, {"to": "99999999999"}):
        assert reader.get(org_url("advancement:compare"), query).status_code == 404
    versions = html_of(reader.get(org_url("advancement:versions")))
    assert "Version 2" in versions and "Observability." in versions and "1 change" in versions


def test_the_draft_is_invisible_to_everyone_but_hr(world_a, login):
    fw = world_a.framework
    hr = login(world_a.hr)
    response = hr.post(
        org_url("advancement:draft_criterion", pk=fw.criterion.pk),
        {"competency": fw.competency.pk, "expectation": "Secret draft wording."},
    )
    assert response.status_code == 302
    hr.post(
        org_url("advancement:draft_level", pk=fw.level.pk),
        {"form": "criterion", "criterion-expectation": "Unpublished extra."},
    )
    assert "Secret draft wording." in html_of(
        hr.get(org_url("advancement:draft_level", pk=fw.level.pk))
    )
    assert "1 unpublished change" not in html_of(hr.get(org_url("advancement:draft")))
    assert "2 unpublished changes" in html_of(hr.get(org_url("advancement:draft")))

    reader = login(world_a.member)
    with world_a.scope():
        extra = Criterion.objects.get(expectation="Unpublished extra.")
    for page in (
        reader.get(org_url("advancement:track", track_id=fw.track.pk)),
        reader.get(org_url("advancement:index")),
        reader.get(org_url("advancement:compare")),
        reader.get(org_url("advancement:version", number=1)),
        reader.get(org_url("advancement:proposal_new"), {"criterion": fw.criterion.pk}),
    ):
        assert page.status_code == 200
        assert "Secret draft wording." not in html_of(page)
        assert "Unpublished extra." not in html_of(page)
    assert "Ships tested code (alpha)." in html_of(
        reader.get(org_url("advancement:track", track_id=fw.track.pk))
    )
    propose = html_of(
        reader.get(org_url("advancement:proposal_new"), {"criterion": fw.criterion.pk})
    )
    assert "Ships tested code (alpha)." in propose
    # A criterion that only exists in the draft cannot be opened by id.
    assert (
        reader.get(org_url("advancement:proposal_new"), {"criterion": extra.pk}).status_code == 404
    )
    assert reader.get(org_url("advancement:draft")).status_code == 404
    assert reader.get(org_url("advancement:draft_level", pk=fw.level.pk)).status_code == 404


# --- proposals --------------------------------------------------------------------------------


def test_a_proposal_from_draft_to_published_version(world_a, login):
    fw = world_a.framework
    author = login(world_a.member)
    response = author.post(
        org_url("advancement:proposal_new") + f"?criterion={fw.criterion.pk}",
        {"proposed_text": "Ships tested code with alerts.", "rationale": "On-call matters."},
    )
    with world_a.scope():
        proposal = Proposal.objects.get(proposed_text="Ships tested code with alerts.")
    assert response.status_code == 302
    assert response["Location"] == org_url("advancement:proposal", pk=proposal.pk)
    assert proposal.author == world_a.member and proposal.criterion == fw.criterion
    page = html_of(author.get(response["Location"]))
    assert "Ships tested code (alpha)." in page and "Ships tested code with alerts." in page
    assert "0 colleagues support your proposal." in page

    colleague = login(world_a.report)
    response = colleague.post(
        org_url("advancement:proposal_comment", pk=proposal.pk), {"body": "Yes please!"}
    )
    assert response.status_code == 302
    vote = colleague.post(
        org_url("advancement:proposal_vote", pk=proposal.pk), headers={"HX-Request": "true"}
    )
    assert vote.status_code == 200
    fragment = vote.content.decode()
    assert fragment.lstrip().startswith('<div id="vote">') and "<header" not in fragment
    assert "+1 · 1" in fragment and 'aria-pressed="true"' in fragment
    page = html_of(colleague.get(org_url("advancement:proposal", pk=proposal.pk)))
    assert "Yes please!" in page and "You support this." in page
    listing = html_of(colleague.get(org_url("advancement:proposals")))
    assert "1 +1 · 1 comment" in listing and "Waiting for HR" in listing

    hr = login(world_a.hr)
    response = hr.post(
        org_url("advancement:proposal_answer", pk=proposal.pk), {"status": "accepted"}
    )
    assert response.status_code == 302
    with world_a.scope():
        assert Criterion.objects.get(pk=fw.criterion.pk).expectation == (
            "Ships tested code with alerts."
        )
    assert "Accepted into the draft" in html_of(
        hr.get(org_url("advancement:proposals"), {"status": "accepted"})
    )
    response = hr.post(org_url("advancement:publish"), {"summary": "Alerts, as proposed."})
    assert response.status_code == 302
    version_page = html_of(hr.get(org_url("advancement:version", number=2)))
    assert "Proposed by colleagues" in version_page
    assert org_url("advancement:proposal", pk=proposal.pk) in version_page
    assert proposal.target_label in version_page
    detail = (
        login(world_a.member).get(org_url("advancement:proposal", pk=proposal.pk)).content.decode()
    )
    assert f'part of <a href="{org_url("advancement:version", number=2)}">version 2</a>' in detail

    dispatch_outbox()
    titles = [n.title for n in notifications_of(world_a.member)]
    assert titles == [
        "HR answered your proposal: accepted into the draft",
        "Your proposal is part of version 2 of the career framework",
    ]


def test_a_vote_without_htmx_redirects_and_your_own_proposal_cannot_be_voted(world_a, login):
    proposal = world_a.framework.proposal
    response = login(world_a.report).post(org_url("advancement:proposal_vote", pk=proposal.pk))
    assert response.status_code == 302 and response["Location"] == org_url(
        "advancement:proposal", pk=proposal.pk
    )
    own = login(world_a.member).post(
        org_url("advancement:proposal_vote", pk=proposal.pk), headers={"HX-Request": "true"}
    )
    assert own.status_code == 200 and "1 colleague supports your proposal." in html_of(own)
    with world_a.scope():
        assert list(ProposalVote.objects.values_list("voter", flat=True)) == [world_a.report.pk]


def test_proposal_form_errors_answer_400_and_create_nothing(world_a, login):
    fw = world_a.framework
    client = login(world_a.member)
    target = org_url("advancement:proposal_new") + f"?criterion={fw.criterion.pk}"
    before = db_state()
    for data in (
        {"proposed_text": "", "rationale": ""},
        {"proposed_text": "New", "rationale": "  "},
        {"proposed_text": fw.criterion.expectation, "rationale": "Same"},
        {"proposed_text": "x" * 1001, "rationale": "Long"},
    ):
        response = client.post(target, data)
        assert response.status_code == 400, data
    assert "That is the current wording" in html_of(
        client.post(target, {"proposed_text": fw.criterion.expectation, "rationale": "Same"})
    )
    level = org_url("advancement:proposal_new") + f"?level={fw.level.pk}"
    assert "Keep it to 600 characters" in html_of(
        client.post(level, {"proposed_text": "x" * 700, "rationale": "Long"})
    )
    assert db_state() == before
    for query in ("?criterion=999999", "?criterion=x", "?level=²", "?competency=0"):
        assert client.get(org_url("advancement:proposal_new") + query).status_code == 404
    assert client.get(org_url("advancement:proposal_new")).status_code == 200


def test_a_proposal_on_an_archived_competency_is_refused_on_the_page(world_a, login):
    fw = world_a.framework
    login(world_a.hr).post(org_url("advancement:competency_archive", pk=fw.other_competency.pk))
    client = login(world_a.member)
    response = client.post(
        org_url("advancement:proposal_new") + f"?competency={fw.other_competency.pk}",
        {"proposed_text": "New description", "rationale": "Why not"},
    )
    assert response.status_code == 400
    assert "is archived, so it can no longer be changed" in html_of(response)


def test_answer_errors_answer_400_and_change_nothing(world_a, login):
    proposal = world_a.framework.proposal
    client = login(world_a.hr)
    before = db_state()
    response = client.post(
        org_url("advancement:proposal_answer", pk=proposal.pk), {"status": "declined"}
    )
    assert response.status_code == 400
    assert "Tell the proposer why" in html_of(response)
    assert (
        client.post(
            org_url("advancement:proposal_answer", pk=proposal.pk), {"status": "x"}
        ).status_code
        == 400
    )
    assert db_state() == before
    client.post(
        org_url("advancement:proposal_answer", pk=proposal.pk),
        {"status": "declined", "answer": "No."},
    )
    again = client.post(
        org_url("advancement:proposal_answer", pk=proposal.pk), {"status": "accepted"}
    )
    assert again.status_code == 400 and "already been answered" in html_of(again)


def test_an_empty_comment_is_not_saved(world_a, login):
    proposal = world_a.framework.proposal
    response = login(world_a.report).post(
        org_url("advancement:proposal_comment", pk=proposal.pk), {"body": " "}, follow=True
    )
    assert "Write a comment" in html_of(response)
    with world_a.scope():
        assert not ProposalComment.objects.exists()


# --- managers and colleagues --------------------------------------------------------------


def test_a_manager_sees_their_reports_next_level_and_a_colleague_does_not(world_a, world_b, login):
    person = {"person": world_a.report.pk}
    manager = login(world_a.manager).get(org_url("advancement:next_level"), person)
    assert manager.status_code == 200
    assert f"{world_a.report.name}'s next level" in html_of(manager)
    assert compared_rows(manager)[1][0] == "changed"
    assert (
        login(world_a.owner).get(org_url("advancement:next_level"), person).status_code == 200
    )  # chain
    assert login(world_a.hr).get(org_url("advancement:next_level"), person).status_code == 200
    assert login(world_a.member).get(org_url("advancement:next_level"), person).status_code == 404
    assert (
        login(world_a.report)
        .get(org_url("advancement:next_level"), {"person": world_a.manager.pk})
        .status_code
        == 404
    )
    hr = login(world_a.hr)
    for other in (world_b.report.pk, "x", "²", "99999999999999999999", "9" * 5000):
        assert hr.get(org_url("advancement:next_level"), {"person": other}).status_code == 404


# --- HR's forms -----------------------------------------------------------------------------


def test_hr_form_errors_answer_400_and_change_nothing(world_a, world_b, login):
    fw = world_a.framework
    client = login(world_a.hr)
    before = db_state()
    rank = client.post(
        org_url("advancement:draft_track", pk=fw.track.pk),
        {"form": "level", "level-code": "L9", "level-name": "Other", "level-rank": "1"},
    )
    assert rank.status_code == 400 and "Position 1 is already taken by L1 Engineer" in html_of(rank)
    code = client.post(
        org_url("advancement:draft_level", pk=fw.next_level.pk),
        {"level-code": "L1", "level-name": "Senior", "level-rank": "2"},
    )
    assert code.status_code == 400 and "The code L1 is already used" in html_of(code)
    duplicate = client.post(
        org_url("advancement:draft_level", pk=fw.level.pk),
        {
            "form": "criterion",
            "criterion-competency": fw.competency.pk,
            "criterion-expectation": "Again",
        },
    )
    assert duplicate.status_code == 400 and "already has a criterion for" in html_of(duplicate)
    foreign = client.post(
        org_url("advancement:draft_level", pk=fw.level.pk),
        {
            "form": "criterion",
            "criterion-competency": world_b.framework.competency.pk,
            "criterion-expectation": "Leak",
        },
    )
    assert foreign.status_code == 400 and "Select a valid choice" in html_of(foreign)
    summary = client.post(org_url("advancement:publish"), {"summary": "  "})
    assert summary.status_code == 400
    nothing = client.post(org_url("advancement:publish"), {"summary": "Nothing"})
    assert nothing.status_code == 400 and "Nothing changed since" in html_of(nothing)
    track = client.post(org_url("advancement:draft"), {"name": "engineering ALPHA"})
    assert track.status_code == 400 and "There is already a track called" in html_of(track)
    competency = client.post(
        org_url("advancement:competencies"), {"name": "Craft alpha", "category": "craft"}
    )
    assert competency.status_code == 400
    unpublished_place = client.post(
        org_url("advancement:placement", pk=world_a.member.pk), {"level": 999999}
    )
    assert unpublished_place.status_code == 400
    assert db_state() == before


def test_deleting_a_track_or_level_with_placed_people_is_refused_on_the_page(world_a, login):
    fw = world_a.framework
    client = login(world_a.hr)
    before = db_state()
    response = client.post(org_url("advancement:draft_track_delete", pk=fw.track.pk), follow=True)
    assert "1 person is placed on" in html_of(response)
    response = client.post(org_url("advancement:draft_level_delete", pk=fw.level.pk), follow=True)
    assert "1 person is placed at L1 Engineer" in html_of(response)
    assert db_state() == before
    response = client.post(org_url("advancement:draft_level_delete", pk=fw.next_level.pk))
    assert response.status_code == 302
    with world_a.scope():
        assert not Level.objects.filter(pk=fw.next_level.pk).exists()


def test_placing_only_offers_published_levels(world_a, login):
    fw = world_a.framework
    client = login(world_a.hr)
    with world_a.scope():
        draft_only = framework_services.save_level(
            actor=world_a.hr, level=Level(track=fw.track, code="L3", name="Staff")
        )
    page = html_of(client.get(org_url("advancement:placement", pk=world_a.member.pk)))
    assert "L2 Senior" in page and "L3 Staff" not in page
    response = client.post(
        org_url("advancement:placement", pk=world_a.member.pk), {"level": draft_only.pk}
    )
    assert response.status_code == 400
    response = client.post(
        org_url("advancement:placement", pk=world_a.member.pk), {"level": fw.next_level.pk}
    )
    assert response.status_code == 302
    placements = html_of(client.get(org_url("advancement:placements")))
    assert "Senior" in placements
    with world_a.scope():
        assert Placement.objects.get(membership=world_a.member).level == fw.next_level
    response = client.post(org_url("advancement:placement", pk=world_a.member.pk), {"level": ""})
    assert response.status_code == 302
    with world_a.scope():
        assert not Placement.objects.filter(membership=world_a.member).exists()


def test_a_template_used_twice_is_refused_with_a_message(world_a, login):
    client = login(world_a.hr)
    client.post(org_url("advancement:draft_template", key="people-manager"))
    before = db_state()
    response = client.post(org_url("advancement:draft_template", key="people-manager"), follow=True)
    assert "There is already a track called “Engineering — people manager”" in html_of(response)
    assert db_state() == before
    assert client.post(org_url("advancement:draft_template", key="nope")).status_code == 404


def test_export_and_import_a_track_through_the_pages(world_a, login):
    fw = world_a.framework
    client = login(world_a.hr)
    response = client.get(org_url("advancement:draft_track_export", pk=fw.track.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="engineering-alpha.json"'
    document = json.loads(response.content)
    assert [level["code"] for level in document["levels"]] == ["L1", "L2"]
    document["name"] = "Engineering copy"
    upload = SimpleUploadedFile("track.json", json.dumps(document).encode(), "application/json")
    response = client.post(org_url("advancement:draft_import"), {"file": upload})
    with world_a.scope():
        copy_ = Track.objects.get(name="Engineering copy")
        assert Criterion.objects.filter(level__track=copy_).count() == 3
    assert response["Location"] == org_url("advancement:draft_track", pk=copy_.pk)

    before = db_state()
    broken = SimpleUploadedFile("track.json", b"{not json", "application/json")
    response = client.post(org_url("advancement:draft_import"), {"file": broken}, follow=True)
    assert "Import failed: This file is not valid JSON." in html_of(response)
    clash = SimpleUploadedFile("track.json", json.dumps(document).encode(), "application/json")
    response = client.post(org_url("advancement:draft_import"), {"file": clash}, follow=True)
    assert "There is already a track called “Engineering copy”" in html_of(response)
    assert db_state() == before


# --- query budgets: the same number of queries at two sizes ---------------------------------

BUDGET = 10  # each page below does 7 or 8 today, at either size


def _build_track(world, levels: int, competencies: int) -> Track:
    hr = world.hr
    with world.scope():
        library = [
            framework_services.save_competency(
                actor=hr, competency=Competency(name=f"Skill {i:02}", category="craft")
            )
            for i in range(competencies)
        ]
        track = framework_services.save_track(
            actor=hr, track=Track(name=f"Big {levels}x{competencies}")
        )
        for rank in range(1, levels + 1):
            level = framework_services.save_level(
                actor=hr, level=Level(track=track, code=f"B{rank}", name=f"Band {rank}")
            )
            for competency in library:
                framework_services.save_criterion(
                    actor=hr,
                    criterion=Criterion(
                        level=level,
                        competency=competency,
                        expectation=f"Band {rank} does {competency.name} well.",
                    ),
                )
        framework_services.publish(actor=hr, summary=f"{levels} levels")
        # A second version that changes every criterion, for the compare page.
        Criterion.objects.filter(level__track=track).update(expectation="Reworded.")
        framework_services.publish(actor=hr, summary="Reworded")
    return track


@pytest.mark.parametrize(("levels", "competencies"), [(2, 3), (8, 20)])
def test_track_page_query_budget(
    levels, competencies, world_a, login, django_assert_max_num_queries
):
    track = _build_track(world_a, levels, competencies)
    client = login(world_a.member)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(org_url("advancement:track", track_id=track.pk))
    assert response.status_code == 200
    assert html_of(response).count("Reworded.") == levels * competencies


@pytest.mark.parametrize(("levels", "competencies"), [(2, 3), (8, 20)])
def test_compare_page_query_budget(
    levels, competencies, world_a, login, django_assert_max_num_queries
):
    _build_track(world_a, levels, competencies)
    client = login(world_a.member)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(org_url("advancement:compare"))
    assert response.status_code == 200
    assert f"{levels * competencies} changes from version 2 to version 3." in html_of(response)


@pytest.mark.parametrize("count", [3, 30])
def test_proposal_list_query_budget(count, world_a, login, django_assert_max_num_queries):
    fw = world_a.framework
    with world_a.scope():
        for i in range(count - 1):
            proposal = proposal_services.propose(
                author=world_a.report if i % 2 else world_a.manager,
                target=ProposalTarget.CRITERION,
                obj=fw.criterion,
                proposed_text=f"Wording {i}",
                rationale="Because.",
            )
            proposal_services.comment(author=world_a.member, proposal=proposal, body="Hm.")
            proposal_services.toggle_vote(voter=world_a.member, proposal=proposal)
            if i % 3 == 0:
                proposal_services.answer(
                    actor=world_a.hr, proposal=proposal, status="declined", answer="No."
                )
    client = login(world_a.member)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(org_url("advancement:proposals"))
    assert response.status_code == 200
    assert html_of(response).count("Declined") >= min(7, (count + 1) // 3)


@pytest.mark.parametrize("people", [3, 40])
def test_placements_page_query_budget(people, world_a, login, django_assert_max_num_queries):
    from ..factories import MembershipFactory

    with world_a.scope():
        for _ in range(people):
            person = MembershipFactory(organization=world_a.organization)
            placement_services.place(
                actor=world_a.hr, membership=person, level=world_a.framework.level
            )
    client = login(world_a.hr)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(org_url("advancement:placements"))
    assert response.status_code == 200
    page = html_of(response)
    assert page.count("Engineering alpha") + page.count("Not placed") == min(people + 5, 25)
    assert page.count("Engineering alpha") >= min(people, 20)


def test_versions_keep_their_proposals_linked(world_a, login):
    with world_a.scope():
        assert FrameworkVersion.objects.count() == 1
    page = html_of(login(world_a.member).get(org_url("advancement:version", number=1)))
    assert "Proposed by colleagues" not in page
    assert login(world_a.member).get(org_url("advancement:version", number=2)).status_code == 404
