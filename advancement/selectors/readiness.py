"""A person's readiness for their next level: each next-level criterion with the
assessments, the evidence every registered source holds for its competency in a period,
the gaps, and what the development plan does about them.

Read by the person, their manager chain, HR and, during an open round, the round's
calibration group (see ``permissions.readiness.can_see_readiness``; callers check it). A promotion
case freezes it with ``readiness_packet`` when submitted.

The query count does not grow with the evidence: the placement, the version, the marks,
the narratives, the assessment and its answers, one pass over the evidence sources and
one over the remedy sources.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.core.exceptions import ValidationError
from django.utils import timezone

from advancement import snapshots
from advancement.evidence import (
    EvidenceItem,
    Reader,
    attachable_for,
    evidence_for,
    read_by,
    shared_phrase,
    shared_with,
)
from advancement.models import (
    Assessment,
    CriterionNarrative,
    EvidenceMark,
    EvidenceMarkAction,
    Perspective,
    Rating,
)
from advancement.remedies import Remedy, remedies_for
from advancement.selectors.assessments import latest_completed, open_assessment, sides_for
from advancement.selectors.framework import current_version
from advancement.selectors.placements import placement_of
from perfapp.orgs.models import Membership
from perfapp.text import truncated
from perfapp.timezones import day_label

DEFAULT_PERIOD = timedelta(days=365)
WEAK_EVIDENCE = 2  # fewer visible items than this makes a criterion a gap
# Evidence items listed per criterion before "Show all": 200 items over nine criteria made
# a page of 100 KB that nobody reads row by row; the pinned items and the newest tell.
EVIDENCE_LISTED = 10
SUMMARY_LISTED = 200  # characters of an item's summary the page lists
RATING_STEPS = {value: step for step, value in enumerate(Rating.values)}


@dataclass
class ShownItem:
    """An evidence item as this viewer sees it: ``item`` is what they read (a placeholder
    outside the item's audience, see ``evidence.read_by``), ``_original`` the item itself,
    which only the frozen packet keeps (templates cannot reach a name with a leading
    underscore)."""

    item: EvidenceItem
    pinned: bool = False
    hidden: bool = False  # only the subject ever sees a hidden item
    _original: EvidenceItem | None = None
    shared_with: str = ""  # who reads it in full, in words; empty: whoever reads evidence

    @property
    def ref(self) -> str:
        return self.item.ref

    @property
    def redacted(self) -> bool:
        return self.item.redacted

    @property
    def sharing(self) -> str:
        """The phrase "shared with you and your manager" for an item this reader reads in
        full and others who read the evidence see as a placeholder; else empty."""
        if not self.shared_with or self.redacted:
            return ""
        return shared_phrase(self.shared_with)

    # What the page lists, computed once per item (an item can count for several
    # criteria), where the template's filters took a fifth of the page's rendering.
    @cached_property
    def summary_excerpt(self) -> str:
        """``{{ item.summary|truncatechars:200 }}``."""
        return truncated(self.item.summary, SUMMARY_LISTED)

    @cached_property
    def occurred_on(self) -> str:
        """``{{ item.occurred_at|date:"j M Y" }}`` in the reader's time zone."""
        return day_label(self.item.occurred_at)

    def as_data(self) -> dict:
        """What this viewer reads, as plain data (the API)."""
        item = self.item
        return {
            "ref": item.ref,
            "source": item.source,
            "kind": item.kind,
            "title": item.title,
            "occurred_at": item.occurred_at,
            "summary": item.summary,
            "url": item.url,
            "pinned": self.pinned,
            "hidden": self.hidden,
            "redacted": item.redacted,
            "shared_with": self.shared_with,
        }

    def as_packet(self) -> dict:
        """The item itself with its audience, for the frozen packet: a case's readers get
        it through ``packet_for`` and so through the same ``read_by``."""
        return {**(self._original or self.item).as_packet(), "pinned": self.pinned}


def show_to(
    reader: Reader, item: EvidenceItem, *, pinned: bool = False, hidden: bool = False
) -> ShownItem:
    return ShownItem(
        read_by(item, reader),
        pinned=pinned,
        hidden=hidden,
        _original=item,
        shared_with=shared_with(item, reader),
    )


@dataclass
class CriterionReadiness:
    id: int
    competency_id: int | None
    competency: str
    expectation: str
    evidence_examples: str = ""
    self_rating: str = ""
    manager_rating: str = ""
    self_comment: str = ""
    manager_comment: str = ""
    narrative: str = ""
    evidence: list[ShownItem] = field(default_factory=list)
    remedies: list[Remedy] = field(default_factory=list)
    attachable: list[EvidenceItem] = field(default_factory=list)  # the subject's eyes only
    # How many items the page lists (None: all). The pinned ones come first, then the
    # newest; the rest is one "Show all" away.
    listed_limit: int | None = EVIDENCE_LISTED

    @property
    def listed(self) -> list[ShownItem]:
        return self.evidence if self.listed_limit is None else self.evidence[: self.listed_limit]

    @property
    def unlisted_count(self) -> int:
        return len(self.evidence) - len(self.listed)

    @property
    def visible_evidence(self) -> list[ShownItem]:
        """What others see: everything but the hidden items."""
        return [shown for shown in self.evidence if not shown.hidden]

    @property
    def evidence_count(self) -> int:
        return len(self.visible_evidence)

    @property
    def gap(self) -> bool:
        """Too little evidence for a competency's criterion. A free-standing criterion has
        no evidence source to draw on: the narrative and the assessments speak for it."""
        return self.competency_id is not None and self.evidence_count < WEAK_EVIDENCE

    @property
    def gap_label(self) -> str:
        if self.competency_id is None:
            return ""
        if not self.evidence_count:
            return "No evidence"
        return "Weak evidence" if self.gap else ""

    @property
    def disagree(self) -> bool:
        """Both sides rated and they differ by at least one step."""
        if not (self.self_rating and self.manager_rating):
            return False
        return abs(RATING_STEPS[self.self_rating] - RATING_STEPS[self.manager_rating]) >= 1

    @property
    def self_rating_label(self) -> str:
        return Rating(self.self_rating).label if self.self_rating else ""

    @property
    def manager_rating_label(self) -> str:
        return Rating(self.manager_rating).label if self.manager_rating else ""


@dataclass
class Month:
    starts_on: date
    count: int


@dataclass
class Readiness:
    subject: Membership
    viewer_is_subject: bool
    version_number: int
    track: dict
    level: dict
    next_level: dict
    since: datetime
    until: datetime
    criteria: list[CriterionReadiness]
    assessment: Assessment | None = None
    assessment_complete: bool = False

    @property
    def shares_narrowly(self) -> bool:
        """Some item is read in full by fewer people than read the readiness."""
        return any(shown.shared_with for c in self.criteria for shown in c.evidence)

    @property
    def gaps(self) -> list[CriterionReadiness]:
        return [criterion for criterion in self.criteria if criterion.gap]

    def distinct_evidence(self) -> list[EvidenceItem]:
        """Each visible item once, though it may count for several criteria (keyed by its
        ref, or by the item itself when a source gives none)."""
        seen: dict[object, EvidenceItem] = {}
        for criterion in self.criteria:
            for shown in criterion.visible_evidence:
                seen.setdefault(shown.ref or shown.item, shown.item)
        return list(seen.values())

    @cached_property
    def months(self) -> list[Month]:
        """Distinct visible items per calendar month of the period, oldest first. Read
        by the page's chart and its table: counted once (a time zone conversion per
        item, 200 items)."""
        zone = timezone.get_current_timezone()
        counts: dict[date, int] = {}
        for item in self.distinct_evidence():
            moment = timezone.localtime(item.occurred_at, zone)
            key = date(moment.year, moment.month, 1)
            counts[key] = counts.get(key, 0) + 1
        start = timezone.localtime(self.since, zone).date().replace(day=1)
        end = timezone.localtime(self.until, zone).date().replace(day=1)
        months: list[Month] = []
        current = start
        while current <= end and len(months) < 240:
            months.append(Month(current, counts.get(current, 0)))
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        return months

    @property
    def totals(self) -> dict:
        return {
            "criteria": len(self.criteria),
            "criteria_with_evidence": sum(1 for c in self.criteria if c.evidence_count),
            "evidence": len(self.distinct_evidence()),
            "assessment_gaps": sum(1 for c in self.criteria if c.disagree),
        }


def default_period(now: datetime | None = None) -> tuple[datetime, datetime]:
    until = now or timezone.now()
    return until - DEFAULT_PERIOD, until


def period_from_dates(since: date | None, until: date | None) -> tuple[datetime, datetime]:
    """Whole days in the current time zone: ``since`` from its first moment, ``until`` to
    its last. Missing ends default to the last 12 months. An inverted range is refused."""
    default_since, default_until = default_period()
    zone = timezone.get_current_timezone()
    start = datetime.combine(since, datetime.min.time(), tzinfo=zone) if since else default_since
    end = datetime.combine(until, datetime.max.time(), tzinfo=zone) if until else default_until
    if start > end:
        raise ValidationError("The period starts after it ends: pick a start before the end.")
    return start, end


def _marks(subject: Membership) -> tuple[set[str], set[str]]:
    pinned: set[str] = set()
    hidden: set[str] = set()
    for ref, action in EvidenceMark.objects.filter(
        subject=subject, action__in=[EvidenceMarkAction.PIN, EvidenceMarkAction.HIDE]
    ).values_list("item_ref", "action"):
        (pinned if action == EvidenceMarkAction.PIN else hidden).add(ref)
    return pinned, hidden


def _assessment(subject: Membership) -> tuple[Assessment | None, bool]:
    """The latest completed assessment, or else the open one (of which the viewer reads
    only their own side)."""
    completed = latest_completed(subject)
    if completed is not None:
        return completed, True
    return open_assessment(subject), False


def readiness_for(
    subject: Membership,
    *,
    viewer: Membership,
    since: datetime | None = None,
    until: datetime | None = None,
    remedies_for_gaps_only: bool = False,
) -> Readiness | None:
    """The readiness of ``subject`` as ``viewer`` sees it, or None when there is no
    published version, the subject is not placed (or on a level no longer published), or
    the subject is at the top of their track. Raises ``ValidationError`` for an inverted
    period. Does not check that the viewer may see it.

    ``remedies_for_gaps_only``: what the plan does only for the gaps, all the page shows;
    when there are none, the remedy sources are not read at all (three queries)."""
    default_since, default_until = default_period()
    since, until = since or default_since, until or default_until
    if since > until:
        raise ValidationError("The period starts after it ends: pick a start before the end.")
    version = current_version(with_changes=False)
    if version is None:
        return None
    placement = placement_of(subject)
    found = snapshots.find_level(version.snapshot, placement.level_id) if placement else None
    if not found:
        return None
    track, level = found
    upcoming = snapshots.next_level(track, level)
    if upcoming is None:
        return None
    snapshot = version.snapshot
    is_subject = viewer.pk == subject.pk
    assessment, complete = _assessment(subject)
    if assessment is not None:
        assessment.subject = subject  # already loaded: who may read which side
    sides = sides_for(assessment, viewer=viewer)
    narratives = dict(
        CriterionNarrative.objects.filter(subject=subject).values_list("criterion_id", "body")
    )
    pinned, hidden = _marks(subject)
    competency_ids = {c["competency_id"] for c in upcoming["criteria"] if c["competency_id"]}
    evidence = evidence_for(subject, competency_ids, since, until) if competency_ids else []
    reader = Reader(viewer, subject)
    # Each item once as this viewer reads it, though it may count for several criteria.
    read = [
        show_to(reader, item, pinned=item.ref in pinned, hidden=item.ref in hidden)
        for item in evidence
        if is_subject or item.ref not in hidden
    ]
    criteria = []
    for criterion in upcoming["criteria"]:
        competency_id = criterion["competency_id"]
        listed = [entry for entry in read if competency_id in entry.item.competency_ids]
        listed.sort(key=lambda entry: not entry.pinned)  # stable: pinned first, then newest
        criteria.append(
            CriterionReadiness(
                id=criterion["id"],
                competency_id=competency_id,
                competency=snapshots.competency_name(snapshot, competency_id),
                expectation=criterion["expectation"],
                evidence_examples=criterion.get("evidence_examples", ""),
                self_rating=sides.rating(Perspective.SELF, criterion["id"]),
                manager_rating=sides.rating(Perspective.MANAGER, criterion["id"]),
                self_comment=sides.comment(Perspective.SELF, criterion["id"]),
                manager_comment=sides.comment(Perspective.MANAGER, criterion["id"]),
                narrative=narratives.get(criterion["id"], ""),
                evidence=listed,
            )
        )
    _add_remedies(subject, criteria, gaps_only=remedies_for_gaps_only)
    return Readiness(
        subject=subject,
        viewer_is_subject=is_subject,
        version_number=version.number,
        track={"id": track["id"], "name": track["name"]},
        level=level,
        next_level=upcoming,
        since=since,
        until=until,
        criteria=criteria,
        assessment=assessment,
        assessment_complete=complete,
    )


def _add_remedies(
    subject: Membership, criteria: list[CriterionReadiness], *, gaps_only: bool
) -> None:
    """Each competency's criterion gets what the plan does about that competency (one
    pass over the remedy sources)."""
    wanted = {c.competency_id for c in criteria if c.competency_id and (c.gap or not gaps_only)}
    if not wanted:
        return
    remedies = remedies_for(subject, wanted)
    for criterion in criteria:
        if criterion.competency_id in wanted:
            criterion.remedies = remedies[criterion.competency_id]


def add_attachable(readiness: Readiness) -> None:
    """Give each criterion the private items the subject could attach to it (one pass over
    the sources that have such items). Only for the subject's own view."""
    if not readiness.viewer_is_subject:
        return
    wanted = {c.competency_id for c in readiness.criteria if c.competency_id}
    items = attachable_for(readiness.subject, wanted, readiness.since, readiness.until)
    for criterion in readiness.criteria:
        criterion.attachable = [i for i in items if criterion.competency_id in i.competency_ids]


def readiness_packet(subject: Membership, *, viewer: Membership) -> dict:
    """A frozen, JSON-serializable copy of the readiness for a promotion case, as others
    see it (hidden items left out), over the default period. An empty dict when there is
    no readiness (no version, not placed, top of track)."""
    readiness = readiness_for(subject, viewer=viewer)
    if readiness is None:
        return {}
    level, target = readiness.level, readiness.next_level
    assessment = readiness.assessment if readiness.assessment_complete else None
    packed_assessment = None
    if assessment is not None:
        # A complete one is latest_completed's, which only finds those with the time.
        assert assessment.completed_at is not None
        packed_assessment = {
            "id": assessment.pk,
            "completed_at": assessment.completed_at.isoformat(),
        }
    return {
        "version": readiness.version_number,
        "track": dict(readiness.track),
        "from_level": {"id": level["id"], "code": level["code"], "name": level["name"]},
        "target_level": {
            "id": target["id"],
            "code": target["code"],
            "name": target["name"],
            "rank": target["rank"],
        },
        "period": {"since": readiness.since.isoformat(), "until": readiness.until.isoformat()},
        "assessment": packed_assessment,
        "criteria": [
            {
                "id": criterion.id,
                "competency": criterion.competency,
                "competency_id": criterion.competency_id,
                "expectation": criterion.expectation,
                "self_rating": criterion.self_rating if assessment else "",
                "manager_rating": criterion.manager_rating if assessment else "",
                "disagree": criterion.disagree if assessment else False,
                "narrative": criterion.narrative,
                "evidence": [shown.as_packet() for shown in criterion.visible_evidence],
                "gap": criterion.gap,
            }
            for criterion in readiness.criteria
        ],
        "totals": _packet_totals(readiness, with_assessment=assessment is not None),
    }


def packet_for(packet: dict | None, *, subject: Membership, viewer: Membership) -> dict:
    """A frozen packet as ``viewer`` reads it: each evidence item through the same
    ``read_by`` as the live view (a placeholder outside its audience, whatever the packet
    holds), with ``redacted`` and ``shared_with`` as the readiness API gives them. Counts
    and everything else stay as frozen."""
    if not packet:
        return {}
    reader = Reader(viewer, subject)
    criteria = []
    for criterion in packet.get("criteria", []):
        evidence = []
        for data in criterion.get("evidence", []):
            item = EvidenceItem.from_packet(data)
            read = show_to(reader, item, pinned=bool(data.get("pinned"))).as_data()
            del read["hidden"]  # a packet holds no hidden items
            evidence.append({**read, "occurred_at": data["occurred_at"]})
        criteria.append({**criterion, "evidence": evidence})
    return {**packet, "criteria": criteria}


def _packet_totals(readiness: Readiness, *, with_assessment: bool) -> dict:
    totals = readiness.totals
    if not with_assessment:
        totals["assessment_gaps"] = 0
    return totals
