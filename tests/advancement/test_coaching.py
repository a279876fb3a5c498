"""What the career framework contributes to 1:1s: published criteria as link targets and
the report's next-level gaps as coaching suggestions (``advancement/coaching.py``),
registered with the core's registries without the check-in app importing advancement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advancement import coaching as coaching_module
from advancement.coaching import CriterionLinks, next_level_gaps
from advancement.models import Criterion
from advancement.services import framework as framework_services
from advancement.services import placements as placement_services
from feedback.models import Visibility
from feedback.services import giving as feedback_services
from perfapp import coaching, links
from perfapp.links import LinkRef


def criteria_of(world, level) -> list[Criterion]:
    with world.scope():
        return list(Criterion.objects.filter(level=level).order_by("id"))


def gaps(world, viewer=None, subject=None) -> list[str]:
    with world.scope():
        found = next_level_gaps(subject=subject or world.report, viewer=viewer or world.manager)
    return [suggestion.key for suggestion in found]


def test_advancement_registers_its_link_source_and_signal():
    assert isinstance(links.SOURCES.find("criterion"), CriterionLinks)
    assert "career.next_level_gaps" in coaching.PROVIDERS


def test_criteria_read_as_published_never_as_drafted(world_a):
    world = world_a
    criterion = world.framework.criterion
    with world.scope():
        criterion.expectation = "Draft wording nobody may read yet."
        framework_services.save_criterion(actor=world.hr, criterion=criterion)
        shown = links.show_refs([LinkRef("criterion", criterion.pk)], world.report)
    link = shown[LinkRef("criterion", criterion.pk)]
    assert link.visible and "Ships tested code (alpha)." in link.label
    assert "Draft wording" not in link.label
    assert link.url.endswith(
        f"/career/tracks/{world.framework.track.pk}/#level-{world.framework.level.pk}"
    )

    with world.scope():
        draft_only = framework_services.save_criterion(
            actor=world.hr,
            criterion=Criterion(level=world.framework.level, expectation="Only in the draft"),
        )
        assert CriterionLinks().load([draft_only.pk]) == {}
        with pytest.raises(Exception, match="nothing you can link to"):
            links.find(LinkRef("criterion", draft_only.pk), viewer=world.manager)
        # Once published, everyone may link to it.
        framework_services.publish(actor=world.hr, summary="Second version.")
        assert (
            links.find(LinkRef("criterion", draft_only.pk), viewer=world.member).pk == draft_only.pk
        )


def test_candidates_are_the_current_and_next_level_for_who_may_see_the_placement(world_a):
    world = world_a
    expected = [
        c.pk
        for c in criteria_of(world, world.framework.level)
        + criteria_of(world, world.framework.next_level)
    ]
    source = CriterionLinks()
    with world.scope():
        for viewer in (world.manager, world.report, world.owner):  # the manager chain
            found = source.candidates(subject=world.report, viewer=viewer)
            assert [c.pk for c in found] == expected
        # A peer does not learn where the report stands; someone not placed has none.
        assert source.candidates(subject=world.report, viewer=world.member) == []
        assert source.candidates(subject=world.member, viewer=world.member) == []


def test_another_organizations_criterion_does_not_exist_here(world_a, world_b):
    with world_a.scope():
        assert CriterionLinks().load([world_b.framework.criterion.pk]) == {}
        with pytest.raises(Exception, match="nothing you can link to"):
            links.find(LinkRef("criterion", world_b.framework.criterion.pk), viewer=world_a.manager)


def test_gaps_are_next_level_criteria_without_evidence(world_a):
    world = world_a
    _craft, teamwork = criteria_of(world, world.framework.next_level)
    # The world's feedback is tagged with craft and shared with the manager: evidence.
    assert gaps(world) == [f"career.gap:{teamwork.pk}"]
    with world.scope():
        [suggestion] = next_level_gaps(subject=world.report, viewer=world.manager)
    assert suggestion.link == LinkRef("criterion", teamwork.pk)
    assert suggestion.theme == "career" and "L2" in suggestion.reason

    with world.scope():
        feedback_services.give_feedback(
            author=world.member,
            recipient=world.report,
            kind="praise",
            situation="You mentored the new joiner through their first release.",
            visibility=Visibility.WITH_MANAGER,
            competencies=[world.framework.other_competency],
        )
    assert gaps(world) == []  # both criteria now have evidence


def test_gaps_are_for_the_manager_chain_only_and_stop_at_the_top(world_a):
    world = world_a
    assert gaps(world, viewer=world.member) == []  # a peer
    assert gaps(world, viewer=world.report) == []  # suggestions are the manager's
    assert gaps(world, viewer=world.owner) != []  # the skip-level manager may see them
    with world.scope():
        placement_services.place(
            actor=world.hr, membership=world.report, level=world.framework.next_level
        )
    assert gaps(world) == []  # L2 is the top of the track


def test_gaps_cost_a_bounded_number_of_queries(world_a, monkeypatch):
    """The placement and the version, plus one pass over the evidence sources: the same
    number of queries however much evidence there is."""
    world = world_a

    def cost() -> int:
        with world.scope(), CaptureQueriesContext(connection) as queries:
            next_level_gaps(subject=world.report, viewer=world.manager)
        return len(queries)

    def grow(how_many: int) -> None:
        with world.scope():
            for i in range(how_many):
                feedback_services.give_feedback(
                    author=world.member,
                    recipient=world.report,
                    kind="praise",
                    situation=f"Good work {i}",
                    visibility=Visibility.WITH_MANAGER,
                    competencies=[world.framework.competency],
                )

    grow(2)
    small = cost()
    grow(30)
    assert cost() == small
    # Without evidence sources: the placement and the current version, nothing else.
    monkeypatch.setattr(coaching_module, "evidence_for", lambda *args: [])
    assert cost() == 2
