"""Writes to the career framework.

Bad input is refused with a clear message and changes nothing (the whole database state
is compared before and after); publishing, placements and answers leave an audit trail
and tell the people concerned.
"""

import copy

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

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
from perfapp.audit.models import AuditEvent
from perfapp.notifications.models import OutboxMessage
from perfapp.notifications.tasks import dispatch_outbox
from perfapp.tenancy.scoping import scopes_disabled

from ..notifications.helpers import notifications_of

MODELS = (
    Competency,
    Track,
    Level,
    Criterion,
    FrameworkVersion,
    Placement,
    Proposal,
    ProposalComment,
    ProposalVote,
    AuditEvent,
    OutboxMessage,
)


def db_state() -> dict:
    """Every row the framework's writes could touch, in every organization."""
    with scopes_disabled():
        return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def assert_refused(call, message: str) -> ValidationError:
    """``call`` raises a ValidationError saying ``message`` and leaves the database alone."""
    before = db_state()
    with pytest.raises(ValidationError) as info:
        call()
    said = " ".join(info.value.messages)
    assert message in said, said
    assert db_state() == before
    return info.value


def field_errors(error: ValidationError) -> set[str]:
    return set(getattr(error, "error_dict", {}))


# --- levels -------------------------------------------------------------------------------


def test_a_duplicate_level_rank_is_refused(world_a):
    fw, hr = world_a.framework, world_a.hr
    with world_a.scope():
        error = assert_refused(
            lambda: framework_services.save_level(
                actor=hr, level=Level(track=fw.track, rank=1, code="L9", name="Other")
            ),
            "Position 1 is already taken by L1 Engineer",
        )
        assert field_errors(error) == {"rank"}


def test_moving_a_level_onto_a_taken_rank_is_refused(world_a):
    fw = world_a.framework
    with world_a.scope():
        level = Level.objects.get(pk=fw.next_level.pk)
        level.rank = 1
        assert_refused(
            lambda: framework_services.save_level(actor=world_a.hr, level=level),
            "Position 1 is already taken",
        )


def test_a_duplicate_level_code_is_refused_case_insensitively(world_a):
    fw = world_a.framework
    with world_a.scope():
        error = assert_refused(
            lambda: framework_services.save_level(
                actor=world_a.hr, level=Level(track=fw.track, code="l1", name="Again")
            ),
            "The code l1 is already used in this track",
        )
        assert field_errors(error) == {"code"}


def test_the_same_code_and_rank_on_another_track_is_fine(world_a):
    with world_a.scope():
        other = framework_services.save_track(actor=world_a.hr, track=Track(name="Sales"))
        level = framework_services.save_level(
            actor=world_a.hr, level=Level(track=other, code="L1", name="Seller")
        )
        assert level.rank == 1 and level.organization == world_a.organization


def test_a_new_level_without_a_rank_goes_on_top(world_a):
    fw = world_a.framework
    with world_a.scope():
        level = framework_services.save_level(
            actor=world_a.hr, level=Level(track=fw.track, code="L3", name="Staff")
        )
        assert level.rank == 3


# --- criteria -----------------------------------------------------------------------------


def test_a_criterion_for_another_organizations_competency_is_refused(world_a, world_b):
    foreign = world_b.framework.other_competency
    with world_a.scope():
        error = assert_refused(
            lambda: framework_services.save_criterion(
                actor=world_a.hr,
                criterion=Criterion(
                    level=world_a.framework.level, competency=foreign, expectation="Leaks."
                ),
            ),
            "Choose a competency of this organization.",
        )
        assert field_errors(error) == {"competency"}


def test_a_second_criterion_for_one_competency_on_a_level_is_refused(world_a):
    fw = world_a.framework
    with world_a.scope():
        assert_refused(
            lambda: framework_services.save_criterion(
                actor=world_a.hr,
                criterion=Criterion(
                    level=fw.level, competency=fw.competency, expectation="Second."
                ),
            ),
            f"L1 Engineer already has a criterion for {fw.competency.name}",
        )


def test_moving_a_criterion_onto_a_competency_its_level_already_has_is_refused(world_a):
    fw = world_a.framework
    with world_a.scope():
        designs = Criterion.objects.get(level=fw.next_level, competency=fw.other_competency)
        designs.competency = fw.competency
        assert_refused(
            lambda: framework_services.save_criterion(actor=world_a.hr, criterion=designs),
            "already has a criterion for",
        )


def test_a_criterion_for_an_archived_competency_is_refused(world_a):
    fw = world_a.framework
    with world_a.scope():
        framework_services.archive_competency(actor=world_a.hr, competency=fw.other_competency)
        archived = Competency.objects.get(pk=fw.other_competency.pk)
        assert_refused(
            lambda: framework_services.save_criterion(
                actor=world_a.hr,
                criterion=Criterion(level=fw.level, competency=archived, expectation="Old."),
            ),
            f"“{archived.name}” is archived.",
        )


def test_archiving_a_competency_takes_its_criteria_out_of_the_draft_only(world_a):
    fw = world_a.framework
    with world_a.scope():
        removed = framework_services.archive_competency(
            actor=world_a.hr, competency=fw.other_competency
        )
        assert removed == 1
        assert not Criterion.objects.filter(competency=fw.other_competency).exists()
        published = FrameworkVersion.objects.get(pk=fw.version.pk).snapshot
        assert str(fw.other_competency.pk) in published["competencies"]
        assert_refused(
            lambda: framework_services.archive_competency(
                actor=world_a.hr, competency=Competency.objects.get(pk=fw.other_competency.pk)
            ),
            "is already archived",
        )


def test_an_archived_competency_cannot_be_edited_and_names_stay_unique(world_a):
    fw = world_a.framework
    with world_a.scope():
        assert_refused(
            lambda: framework_services.save_competency(
                actor=world_a.hr, competency=Competency(name="craft ALPHA ", category="craft")
            ),
            "There is already a competency called",
        )
        framework_services.archive_competency(actor=world_a.hr, competency=fw.competency)
        archived = Competency.objects.get(pk=fw.competency.pk)
        archived.description = "Edited"
        assert_refused(
            lambda: framework_services.save_competency(actor=world_a.hr, competency=archived),
            "archived; restore it before editing",
        )
        # The name is free again; restoring the old one then clashes.
        framework_services.save_competency(
            actor=world_a.hr, competency=Competency(name=fw.competency.name, category="craft")
        )
        assert_refused(
            lambda: framework_services.restore_competency(actor=world_a.hr, competency=archived),
            "There is already a competency called",
        )


# --- publishing: refusals and immutability --------------------------------------------------


def test_publishing_with_no_change_is_refused(world_a):
    with world_a.scope():
        assert_refused(
            lambda: framework_services.publish(actor=world_a.hr, summary="Nothing really."),
            "Nothing changed since the last published version",
        )


@pytest.mark.parametrize("summary", ["", "   \n "])
def test_publishing_without_a_summary_is_refused(summary, world_a):
    fw = world_a.framework
    with world_a.scope():
        Criterion.objects.filter(pk=fw.criterion.pk).update(expectation="Edited in the draft.")
        error = assert_refused(
            lambda: framework_services.publish(actor=world_a.hr, summary=summary),
            "Say in a sentence or two what changed and why.",
        )
        assert field_errors(error) == {"summary"}


def test_a_published_version_cannot_be_saved_again(world_a):
    with world_a.scope():
        version = FrameworkVersion.objects.get(pk=world_a.framework.version.pk)
        before = db_state()
        version.summary = "Rewritten history"
        with pytest.raises(ValueError, match="immutable"):
            version.save()
        with pytest.raises(ValueError, match="immutable"):
            version.save(update_fields=["summary"])
        assert db_state() == before


def test_a_versions_snapshot_and_change_log_never_change_after_later_drafts(world_a):
    fw, hr = world_a.framework, world_a.hr
    with world_a.scope():
        first = FrameworkVersion.objects.get(pk=fw.version.pk)
        frozen = copy.deepcopy((first.summary, first.snapshot, first.changes))
        criterion = Criterion.objects.get(pk=fw.criterion.pk)
        criterion.expectation = "Ships code with tests and docs."
        framework_services.save_criterion(actor=hr, criterion=criterion)
        framework_services.save_level(
            actor=hr, level=Level(track=fw.track, code="L3", name="Staff")
        )
        framework_services.publish(actor=hr, summary="Second.")
        Track.objects.filter(pk=fw.track.pk).update(name="Renamed")
        framework_services.archive_competency(actor=hr, competency=fw.other_competency)
        framework_services.publish(actor=hr, summary="Third.")
        again = FrameworkVersion.objects.get(pk=fw.version.pk)
        assert (again.summary, again.snapshot, again.changes) == frozen
        level_one = again.snapshot["tracks"][0]["levels"][0]
        assert level_one["criteria"][0]["expectation"] == "Ships tested code (alpha)."


# --- proposals: refusals ------------------------------------------------------------------


def _propose(world, target, obj, text="Better wording.", why="Clearer."):
    return proposal_services.propose(
        author=world.member, target=target, obj=obj, proposed_text=text, rationale=why
    )


def test_a_proposal_on_an_archived_competency_is_refused(world_a):
    fw = world_a.framework
    with world_a.scope():
        framework_services.archive_competency(actor=world_a.hr, competency=fw.other_competency)
        archived = Competency.objects.get(pk=fw.other_competency.pk)
        assert_refused(
            lambda: _propose(world_a, ProposalTarget.COMPETENCY, archived),
            "is archived, so it can no longer be changed",
        )


def test_a_proposal_on_a_criterion_of_an_archived_competency_is_refused(world_a):
    fw = world_a.framework
    with world_a.scope():
        Competency.objects.filter(pk=fw.competency.pk).update(archived_at=timezone.now())
        criterion = Criterion.objects.select_related("competency", "level__track").get(
            pk=fw.criterion.pk
        )
        assert_refused(
            lambda: _propose(world_a, ProposalTarget.CRITERION, criterion),
            f"“{fw.competency.name}” is archived",
        )


def test_a_proposal_repeating_the_current_wording_is_refused(world_a):
    fw = world_a.framework
    with world_a.scope():
        for text in (fw.criterion.expectation, f"  {fw.criterion.expectation}\n"):
            error = assert_refused(
                lambda text=text: _propose(world_a, ProposalTarget.CRITERION, fw.criterion, text),
                "That is the current wording",
            )
            assert field_errors(error) == {"proposed_text"}


@pytest.mark.parametrize(
    ("text", "why", "fields"),
    [
        ("", "Why", {"proposed_text"}),
        ("Text", " ", {"rationale"}),
        ("", "", {"proposed_text", "rationale"}),
    ],
)
def test_a_proposal_needs_text_and_a_reason(text, why, fields, world_a):
    with world_a.scope():
        error = assert_refused(
            lambda: _propose(
                world_a, ProposalTarget.CRITERION, world_a.framework.criterion, text, why
            ),
            "",
        )
        assert field_errors(error) == fields


def test_a_proposal_longer_than_the_field_it_replaces_is_refused(world_a):
    """A level summary holds 600 characters: accepting 900 would corrupt the draft."""
    with world_a.scope():
        assert_refused(
            lambda: _propose(world_a, ProposalTarget.LEVEL, world_a.framework.level, "x" * 601),
            "Keep it to 600 characters",
        )
        proposal = _propose(world_a, ProposalTarget.LEVEL, world_a.framework.level, "x" * 600)
        assert proposal.current_text == "Learns."


def test_a_proposal_on_a_draft_only_item_is_refused(world_a):
    """Members read the published framework; the draft is HR's work in progress."""
    fw = world_a.framework
    with world_a.scope():
        unpublished = framework_services.save_criterion(
            actor=world_a.hr,
            criterion=Criterion(
                level=fw.level, competency=fw.other_competency, expectation="Secret draft."
            ),
        )
        assert_refused(
            lambda: _propose(world_a, ProposalTarget.CRITERION, unpublished),
            "not published yet",
        )


def test_a_proposal_quotes_the_published_wording_not_the_draft(world_a):
    fw = world_a.framework
    with world_a.scope():
        Criterion.objects.filter(pk=fw.criterion.pk).update(expectation="Unpublished edit.")
        Track.objects.filter(pk=fw.track.pk).update(name="Secret new name")
        criterion = Criterion.objects.select_related("level__track", "competency").get(
            pk=fw.criterion.pk
        )
        proposal = _propose(world_a, ProposalTarget.CRITERION, criterion)
        assert proposal.current_text == "Ships tested code (alpha)."
        assert proposal.target_label == "Engineering alpha › L1 Engineer › Craft alpha"


def test_answering_an_answered_proposal_is_refused(world_a):
    fw = world_a.framework
    with world_a.scope():
        proposal_services.answer(
            actor=world_a.hr, proposal=fw.proposal, status="accepted", answer=""
        )
        for status in ("declined", "accepted", "discussion"):
            assert_refused(
                lambda status=status: proposal_services.answer(
                    actor=world_a.hr, proposal=fw.proposal, status=status, answer="Again."
                ),
                "This proposal has already been answered.",
            )


@pytest.mark.parametrize("status", ["declined", "discussion"])
def test_declining_or_discussing_without_a_reason_is_refused(status, world_a):
    with world_a.scope():
        error = assert_refused(
            lambda: proposal_services.answer(
                actor=world_a.hr, proposal=world_a.framework.proposal, status=status, answer=" "
            ),
            "Tell the proposer why",
        )
        assert field_errors(error) == {"answer"}


def test_an_unknown_answer_is_refused(world_a):
    with world_a.scope():
        assert_refused(
            lambda: proposal_services.answer(
                actor=world_a.hr, proposal=world_a.framework.proposal, status="open", answer="x"
            ),
            "Choose accept, decline or needs discussion.",
        )


def test_accepting_a_proposal_whose_target_left_the_draft_is_refused(world_a):
    fw = world_a.framework
    with world_a.scope():
        framework_services.delete_criterion(actor=world_a.hr, criterion=fw.criterion)
        assert_refused(
            lambda: proposal_services.answer(
                actor=world_a.hr, proposal=fw.proposal, status="accepted", answer=""
            ),
            "no longer in the draft",
        )


def test_voting_on_your_own_proposal_is_refused(world_a):
    with world_a.scope():
        assert_refused(
            lambda: proposal_services.toggle_vote(
                voter=world_a.member, proposal=world_a.framework.proposal
            ),
            "You proposed this",
        )


def test_a_vote_toggles(world_a):
    proposal = world_a.framework.proposal
    with world_a.scope():
        assert proposal_services.toggle_vote(voter=world_a.report, proposal=proposal) is True
        assert ProposalVote.objects.filter(proposal=proposal).count() == 1
        assert proposal_services.toggle_vote(voter=world_a.report, proposal=proposal) is False
        assert not ProposalVote.objects.filter(proposal=proposal).exists()


def test_an_empty_comment_is_refused(world_a):
    with world_a.scope():
        assert_refused(
            lambda: proposal_services.comment(
                author=world_a.report, proposal=world_a.framework.proposal, body="  "
            ),
            "Write a comment first.",
        )


# --- deleting and placing -------------------------------------------------------------------


def test_deleting_a_track_with_placed_people_is_refused(world_a):
    fw = world_a.framework
    with world_a.scope():
        assert_refused(
            lambda: framework_services.delete_track(actor=world_a.hr, track=fw.track),
            f"1 person is placed on “{fw.track.name}”",
        )


def test_deleting_a_level_with_placed_people_is_refused(world_a):
    fw = world_a.framework
    with world_a.scope():
        assert_refused(
            lambda: framework_services.delete_level(actor=world_a.hr, level=fw.level),
            "1 person is placed at L1 Engineer",
        )
        placement_services.place(actor=world_a.hr, membership=world_a.member, level=fw.level)
        assert_refused(
            lambda: framework_services.delete_level(actor=world_a.hr, level=fw.level),
            "2 people are placed at L1 Engineer",
        )
        framework_services.delete_level(actor=world_a.hr, level=fw.next_level)  # nobody there
        assert not Level.objects.filter(pk=fw.next_level.pk).exists()


def test_placing_someone_on_an_unpublished_level_is_refused(world_a):
    fw = world_a.framework
    with world_a.scope():
        draft_only = framework_services.save_level(
            actor=world_a.hr, level=Level(track=fw.track, code="L3", name="Staff")
        )
        error = assert_refused(
            lambda: placement_services.place(
                actor=world_a.hr, membership=world_a.report, level=draft_only
            ),
            "L3 Staff is not published yet",
        )
        assert field_errors(error) == {"level"}


# --- publishing: the change log, proposals, notifications and audit ------------------------


def test_publishing_records_added_changed_and_removed_items_with_before_and_after(world_a):
    fw, hr = world_a.framework, world_a.hr
    with world_a.scope():
        criterion = Criterion.objects.get(pk=fw.criterion.pk)
        criterion.expectation = "Ships tested, reviewed code."
        framework_services.save_criterion(actor=hr, criterion=criterion)
        added = framework_services.save_criterion(
            actor=hr,
            criterion=Criterion(
                level=fw.level, competency=fw.other_competency, expectation="Pairs often."
            ),
        )
        removed = Criterion.objects.get(level=fw.next_level, competency=fw.other_competency)
        removed_pk = removed.pk
        framework_services.delete_criterion(actor=hr, criterion=removed)
        version = framework_services.publish(actor=hr, summary="  Clearer L1.  ")
        assert version.number == 2 and version.summary == "Clearer L1."
        assert version.published_by == hr
        changes = {(c["kind"], c["op"], c["key"]): c for c in version.changes}
        assert set(changes) == {
            ("criterion", "changed", fw.criterion.pk),
            ("criterion", "added", added.pk),
            ("criterion", "removed", removed_pk),
        }
        changed = changes[("criterion", "changed", fw.criterion.pk)]
        assert changed["before"] == {"expectation": "Ships tested code (alpha)."}
        assert changed["after"] == {"expectation": "Ships tested, reviewed code."}
        assert changed["where"] == "Engineering alpha › L1 Engineer"
        assert changed["label"] == fw.competency.name
        assert changes[("criterion", "added", added.pk)]["after"]["expectation"] == "Pairs often."
        assert changes[("criterion", "removed", removed_pk)]["before"]["expectation"] == (
            "Mentors others."
        )
        Track.objects.filter(pk=fw.track.pk).update(name="Engineering (IC)")
        third = framework_services.publish(actor=hr, summary="Renamed the track.")
        assert third.number == 3
        assert [(c["kind"], c["op"]) for c in third.changes] == [("track", "changed")]
        assert third.changes[0]["before"] == {"name": "Engineering alpha"}


def test_version_numbers_are_per_organization(world_a, world_b):
    with world_b.scope():
        Criterion.objects.filter(pk=world_b.framework.criterion.pk).update(expectation="B2")
        assert framework_services.publish(actor=world_b.hr, summary="B two").number == 2
    with world_a.scope():
        Criterion.objects.filter(pk=world_a.framework.criterion.pk).update(expectation="A2")
        assert framework_services.publish(actor=world_a.hr, summary="A two").number == 2
        assert list(FrameworkVersion.objects.values_list("number", flat=True)) == [2, 1]


def test_accepted_proposals_become_part_of_the_next_version_and_the_proposer_is_told(world_a):
    fw, hr = world_a.framework, world_a.hr
    with world_a.scope():
        declined = _propose(world_a, ProposalTarget.LEVEL, fw.next_level, "Leads a lot.")
        proposal_services.answer(
            actor=hr, proposal=declined, status="declined", answer="Too vague."
        )
        proposal_services.answer(actor=hr, proposal=fw.proposal, status="accepted", answer="")
        assert Criterion.objects.get(pk=fw.criterion.pk).expectation == (
            "Ships tested, observable code."
        )
        version = framework_services.publish(actor=hr, summary="From your proposals.")
        assert Proposal.objects.get(pk=fw.proposal.pk).included_in == version
        assert Proposal.objects.get(pk=declined.pk).included_in is None
        assert list(version.proposals.all()) == [Proposal.objects.get(pk=fw.proposal.pk)]
    dispatch_outbox()
    titles = [n.title for n in notifications_of(world_a.member)]
    assert "HR answered your proposal: accepted into the draft" in titles
    assert "HR answered your proposal: declined" in titles
    assert "Your proposal is part of version 2 of the career framework" in titles
    assert len(titles) == 3
    part_of = next(n for n in notifications_of(world_a.member) if "version 2" in n.title)
    assert part_of.url == "/o/alpha/career/versions/2/"
    with world_a.scope():  # a later version does not claim the proposal again
        Track.objects.filter(pk=fw.track.pk).update(name="Later")
        framework_services.publish(actor=hr, summary="Later.")
        assert Proposal.objects.get(pk=fw.proposal.pk).included_in == version


def test_answering_tells_the_proposer_with_the_reason(world_a):
    with world_a.scope():
        proposal_services.answer(
            actor=world_a.hr,
            proposal=world_a.framework.proposal,
            status="discussion",
            answer="Let's talk at the all-hands.",
        )
    dispatch_outbox()
    [note] = notifications_of(world_a.member)
    assert note.title == "HR answered your proposal: needs discussion"
    assert note.body == "Let's talk at the all-hands."
    assert note.url == f"/o/alpha/career/proposals/{world_a.framework.proposal.pk}/"
    assert notifications_of(world_a.hr) == []


def test_publish_placement_and_answer_are_audited(world_a):
    fw, hr = world_a.framework, world_a.hr
    with world_a.scope():
        start = AuditEvent.objects.count()
        proposal_services.answer(actor=hr, proposal=fw.proposal, status="discussion", answer="Hmm.")
        proposal_services.answer(actor=hr, proposal=fw.proposal, status="accepted", answer="OK.")
        version = framework_services.publish(actor=hr, summary="With the proposal.")
        placement_services.place(actor=hr, membership=world_a.report, level=fw.next_level)
        placement_services.place(
            actor=hr, membership=world_a.report, level=fw.next_level
        )  # no change
        placement_services.place(actor=hr, membership=world_a.report, level=None)
        events = list(AuditEvent.objects.order_by("id"))[start:]
    assert [(e.action, e.changes) for e in events] == [
        ("career.proposal_answered", {"status": ["open", "discussion"]}),
        ("career.proposal_answered", {"status": ["discussion", "accepted"]}),
        ("framework.published", {"changes": [None, 1], "proposals": [None, 1]}),
        ("career.placement_changed", {"level": ["L1 Engineer", "L2 Senior"]}),
        ("career.placement_changed", {"level": ["L2 Senior", None]}),
    ]
    assert all(e.actor == hr for e in events)
    assert events[2].target_id == version.pk and events[2].target_label == "Version 2"
    assert events[3].target_id == world_a.report.pk
    assert events[0].target_id == fw.proposal.pk


def test_placing_tells_the_person_and_moves_them(world_a):
    fw = world_a.framework
    with world_a.scope():
        placement_services.place(actor=world_a.hr, membership=world_a.member, level=fw.next_level)
        placement = Placement.objects.get(membership=world_a.member)
        assert (placement.track, placement.level, placement.placed_by) == (
            fw.track,
            fw.next_level,
            world_a.hr,
        )
    dispatch_outbox()
    [note] = notifications_of(world_a.member)
    assert note.title == "You are now placed at L2 Senior"
    assert note.url == "/o/alpha/career/next-level/"


# --- snapshots: diffs and the side-by-side comparison of two levels -------------------------


def _snapshot(
    *,
    craft="Craft",
    l1_craft="Writes code.",
    l2_craft="Designs systems.",
    l1_free="Shows up.",
    l2_team="Mentors.",
    l2_free="Sustained impact.",
):
    level_one = {
        "id": 10,
        "rank": 1,
        "code": "L1",
        "name": "Engineer",
        "summary": "",
        "criteria": [
            {"id": 100, "competency_id": 1, "expectation": l1_craft, "evidence_examples": ""},
            {"id": 101, "competency_id": None, "expectation": l1_free, "evidence_examples": ""},
        ],
    }
    level_two = {
        "id": 11,
        "rank": 2,
        "code": "L2",
        "name": "Senior",
        "summary": "",
        "criteria": [
            {"id": 110, "competency_id": 2, "expectation": l2_team, "evidence_examples": ""},
            {"id": 111, "competency_id": 1, "expectation": l2_craft, "evidence_examples": ""},
            {"id": 112, "competency_id": None, "expectation": l2_free, "evidence_examples": ""},
        ],
    }
    return {
        "competencies": {
            "1": {"id": 1, "name": craft, "description": "", "category": "craft"},
            "2": {"id": 2, "name": "Teamwork", "description": "", "category": "collaboration"},
        },
        "tracks": [{"id": 5, "name": "Eng", "description": "", "levels": [level_one, level_two]}],
    }


def test_rewording_a_criterion_is_one_change_not_a_removal_and_an_addition():
    from advancement import snapshots

    changes = snapshots.diff(_snapshot(), _snapshot(l1_craft="Writes tested code."))
    assert [c.as_dict() for c in changes] == [
        {
            "kind": "criterion",
            "op": "changed",
            "key": 100,
            "label": "Craft",
            "where": "Eng › L1 Engineer",
            "before": {"expectation": "Writes code."},
            "after": {"expectation": "Writes tested code."},
        }
    ]
    assert snapshots.diff(_snapshot(), _snapshot()) == []


def test_a_diff_from_nothing_lists_everything_as_added_in_a_stable_order():
    from advancement import snapshots

    changes = snapshots.diff(snapshots.EMPTY, _snapshot())
    assert {c.op for c in changes} == {"added"}
    assert [c.kind for c in changes] == [
        "track",
        "level",
        "level",
        "competency",
        "competency",
        "criterion",
        "criterion",
        "criterion",
        "criterion",
        "criterion",
    ]
    removed = snapshots.diff(_snapshot(), snapshots.EMPTY)
    assert {c.op for c in removed} == {"removed"} and len(removed) == len(changes)


def test_renaming_a_competency_shows_up_as_a_changed_competency():
    from advancement import snapshots

    changes = snapshots.diff(_snapshot(), _snapshot(craft="Engineering craft"))
    competency = [c for c in changes if c.kind == "competency"]
    assert [(c.op, c.key, c.before, c.after) for c in competency] == [
        ("changed", 1, {"name": "Craft"}, {"name": "Engineering craft"})
    ]
    assert {c.op for c in changes} == {"changed"}


def test_compare_levels_aligns_criteria_by_competency_with_new_rows_and_free_ones_last():
    from advancement import snapshots

    snap = _snapshot(l2_craft="Designs systems.")
    first, second = snap["tracks"][0]["levels"]
    rows = snapshots.compare_levels(snap, first, second)
    assert [(r.label, r.left, r.right, r.state) for r in rows] == [
        ("Teamwork", "", "Mentors.", "new"),  # collaboration sorts before craft
        ("Craft", "Writes code.", "Designs systems.", "changed"),
        ("Beyond one competency", "Shows up.", "", "dropped"),
        ("Beyond one competency", "", "Sustained impact.", "new"),
    ]
    same = snapshots.compare_levels(snap, first, first)
    assert {r.state for r in same} == {"same"}


def test_compare_levels_at_the_top_of_a_track_marks_nothing_as_dropped():
    """At the top level there is no next level: nothing is "not at next level"."""
    from advancement import snapshots

    snap = _snapshot()
    top = snap["tracks"][0]["levels"][1]
    rows = snapshots.compare_levels(snap, top, None)
    assert [r.left for r in rows] == ["Mentors.", "Designs systems.", "Sustained impact."]
    assert {r.state for r in rows} == {"top"}
    assert snapshots.next_level(snap["tracks"][0], top) is None
    assert snapshots.next_level(snap["tracks"][0], snap["tracks"][0]["levels"][0]) is top


def test_the_draft_snapshot_leaves_out_archived_competencies_and_other_organizations(
    world_a, world_b
):
    from advancement import snapshots

    fw = world_a.framework
    with world_a.scope():
        framework_services.archive_competency(actor=world_a.hr, competency=fw.other_competency)
        snap = snapshots.build_draft_snapshot()
    assert list(snap["competencies"]) == [str(fw.competency.pk)]
    assert [t["name"] for t in snap["tracks"]] == ["Engineering alpha"]
    assert [lvl["code"] for lvl in snap["tracks"][0]["levels"]] == ["L1", "L2"]
    assert [c["expectation"] for c in snap["tracks"][0]["levels"][1]["criteria"]] == [
        "Designs systems."
    ]


def test_compare_levels_pairs_an_unchanged_free_standing_criterion():
    from advancement import snapshots

    snap = _snapshot(l1_free="Sustained impact.")
    first, second = snap["tracks"][0]["levels"]
    rows = snapshots.compare_levels(snap, first, second)
    assert [(r.left, r.right, r.state) for r in rows][-1] == (
        "Sustained impact.",
        "Sustained impact.",
        "same",
    )
    assert len(rows) == 3
