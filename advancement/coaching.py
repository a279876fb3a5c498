"""What the career framework contributes to 1:1s through the core's registries: criteria
as link targets (``perfapp.links``) and the report's next-level gaps as coaching signals
(``perfapp.coaching``). Registered in ``AdvancementConfig.ready``; the check-in app never
imports this module.

Everything here reads the *published* framework (the current version's snapshot): a
criterion that exists only in HR's draft is neither linkable nor shown, and a link reads
with the wording everyone can read, never a draft's.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from advancement import snapshots
from advancement.evidence import evidence_for
from advancement.models import Criterion
from advancement.permissions.placements import can_see_placement
from advancement.selectors.framework import current_version
from advancement.selectors.placements import placement_of
from perfapp.coaching import Suggestion
from perfapp.links import LinkRef, memo
from perfapp.orgs.models import Membership

EVIDENCE_WINDOW = timedelta(days=365)
MAX_GAPS = 3


@dataclass(frozen=True)
class PublishedCriterion:
    """A criterion as the current published version states it."""

    pk: int
    competency_id: int | None
    competency: str
    expectation: str
    level_id: int
    level_code: str
    level_name: str
    track_id: int


def _criteria_of(snapshot: dict, track: dict, level: dict) -> list[PublishedCriterion]:
    return [
        PublishedCriterion(
            pk=criterion["id"],
            competency_id=criterion["competency_id"],
            competency=snapshots.competency_name(snapshot, criterion["competency_id"]),
            expectation=criterion["expectation"],
            level_id=level["id"],
            level_code=level["code"],
            level_name=level["name"],
            track_id=track["id"],
        )
        for criterion in level["criteria"]
    ]


def _current_version():
    """The current version, read once per ``perfapp.links.reading`` block."""
    return memo(("advancement.current_version",), current_version)


def _levels_of(subject: Membership) -> tuple[dict, dict, dict, dict | None] | None:
    """(snapshot, track, level, next level) of the subject's placement in the current
    version, or None (no version, not placed, or placed on a level no longer published).
    Two queries, shared within a ``reading`` block."""
    placement = memo(("advancement.placement", subject.pk), lambda: placement_of(subject))
    if placement is None:
        return None
    version = _current_version()
    found = snapshots.find_level(version.snapshot, placement.level_id) if version else None
    if not found:
        return None
    track, level = found
    return version.snapshot, track, level, snapshots.next_level(track, level)


class CriterionLinks:
    """A criterion of the published framework, which every member may read."""

    key = "criterion"
    label = "Career criteria"
    model = Criterion

    def load(self, ids: Collection[int]) -> dict[int, PublishedCriterion]:
        wanted = set(ids)
        version = _current_version()
        if version is None or not wanted:
            return {}
        found = {}
        for track in version.snapshot["tracks"]:
            for level in track["levels"]:
                for criterion in _criteria_of(version.snapshot, track, level):
                    if criterion.pk in wanted:
                        found[criterion.pk] = criterion
        return found

    def candidates(self, *, subject: Membership, viewer: Membership) -> list[PublishedCriterion]:
        """The criteria of the subject's level and of the next one, for whoever may see
        where the subject stands."""
        if not can_see_placement(viewer, subject):
            return []
        levels = _levels_of(subject)
        if levels is None:
            return []
        snapshot, track, level, upcoming = levels
        rows = _criteria_of(snapshot, track, level)
        if upcoming is not None:
            rows += _criteria_of(snapshot, track, upcoming)
        return rows

    def can_see(self, obj: PublishedCriterion, *, viewer: Membership) -> bool:
        return True

    def describe(self, obj: PublishedCriterion, *, viewer: Membership) -> tuple[str, str]:
        expectation = Truncator(obj.expectation).chars(70)
        url = reverse(
            "advancement:track",
            kwargs={"org_slug": viewer.organization.slug, "track_id": obj.track_id},
        )
        return f"{obj.level_code} · {obj.competency}: {expectation}", f"{url}#level-{obj.level_id}"


def next_level_gaps(*, subject: Membership, viewer: Membership) -> list[Suggestion]:
    """Criteria of the subject's next level with no evidence in the last year, for the
    subject's manager chain (who may see the placement). A bounded number of queries: the
    placement, the version, and one pass over the evidence sources."""
    if viewer.pk == subject.pk or not can_see_placement(viewer, subject):
        return []
    levels = _levels_of(subject)
    if levels is None:
        return []
    snapshot, track, _level, upcoming = levels
    if upcoming is None:
        return []
    criteria = [c for c in _criteria_of(snapshot, track, upcoming) if c.competency_id]
    if not criteria:
        return []
    now = timezone.now()
    evidence = evidence_for(
        subject, {c.competency_id for c in criteria}, now - EVIDENCE_WINDOW, now
    )
    shown = set().union(*(item.competency_ids for item in evidence)) if evidence else set()
    gaps = [c for c in criteria if c.competency_id not in shown][:MAX_GAPS]
    return [
        Suggestion(
            key=f"career.gap:{gap.pk}",
            theme="career",
            text=f"{gap.competency} at {gap.level_code}: what could show it in your work over "
            "the next few weeks?",
            reason=f"No evidence in the last 12 months for this {gap.level_code} "
            f"{gap.level_name} criterion.",
            link=LinkRef(CriterionLinks.key, gap.pk),
        )
        for gap in gaps
    ]
