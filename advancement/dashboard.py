"""Readiness at a glance, for many people at once: where each stands (track, level, next
level), their latest assessment and their latest promotion case, as the viewer may see
them. It feeds the manager's team dashboard (``perfapp.web.dashboard``) and the home
page's career panel, which it replaces with one that also tells assessment and case.

A case's draft is the nominator's until submitted; a decision is news only once the round
publishes decisions (HR sees everything).
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from advancement import panels, snapshots
from advancement.models import Assessment, Case, CaseState
from advancement.selectors.framework import current_version
from advancement.selectors.placements import placements_for
from perfapp.compiled import CompiledQuery
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.web.dashboard import Cell, Column, Contribution
from perfapp.web.templatetags.row_urls import row_address

CASE_RANK = {CaseState.DRAFT: 1, CaseState.SUBMITTED: 2, CaseState.CALIBRATION: 3}


@dataclass
class Readiness:
    track: str = ""
    level_code: str = ""
    level_name: str = ""
    level_rank: int | None = None
    next_code: str = ""
    next_name: str = ""
    assessment: str = "none"  # none, open or done
    assessment_on: object = None  # when it was completed (or started, while open)
    case_state: str = ""  # "", draft, submitted, calibration, decided
    case_label: str = ""  # what the viewer reads: "Submitted", "Promoted", "Decided"
    case_target: str = ""

    @property
    def placed(self) -> bool:
        return bool(self.level_code)


def _case_label(case: Case, viewer: Membership) -> str:
    if case.state != CaseState.DECIDED:
        return case.get_state_display()
    published = case.round.decisions_published_at is not None
    if published or viewer.has_perm(Permission.MANAGE_PROMOTIONS):
        return case.get_decision_display() or "Decided"
    return "Decided"


def _visible_case(case: Case, viewer: Membership) -> bool:
    if viewer.has_perm(Permission.MANAGE_PROMOTIONS) or case.nominator_id == viewer.pk:
        return True
    return case.state != CaseState.DRAFT


# The career panel of every home page and the team dashboard read these for a handful of
# people: compiled once (perfapp/compiled.py), a statement per number of people.
_assessments = CompiledQuery(
    lambda organization_id, member_ids: Assessment.objects.filter(
        organization_id=organization_id, subject_id__in=member_ids
    ).order_by("subject_id", "-created_at", "-id"),
    params=("organization_id", "member_ids"),
)
_cases = CompiledQuery(
    lambda organization_id, member_ids: (
        Case.objects.filter(organization_id=organization_id, subject_id__in=member_ids)
        .select_related("round")
        .order_by("subject_id", "-created_at", "-id")
    ),
    params=("organization_id", "member_ids"),
)


def latest_assessments_and_cases(
    members: list[Membership], *, viewer: Membership
) -> tuple[dict[int, Assessment], dict[int, Case]]:
    """Each member's latest assessment and latest case the viewer may see: two queries
    (newest first; the first one per person counts)."""
    assessments: dict[int, Assessment] = {}
    cases: dict[int, Case] = {}
    if not members:
        return assessments, cases
    organization_id, ids = members[0].organization_id, [m.pk for m in members]
    for assessment in _assessments(organization_id=organization_id, member_ids=ids):
        assessments.setdefault(assessment.subject_id, assessment)
    for case in _cases(organization_id=organization_id, member_ids=ids):
        if _visible_case(case, viewer):
            cases.setdefault(case.subject_id, case)
    return assessments, cases


def _progress(readiness: Readiness, assessment: Assessment | None, case: Case | None, viewer):
    if assessment is not None:
        done = assessment.completed_at is not None
        readiness.assessment = "done" if done else "open"
        readiness.assessment_on = assessment.completed_at or assessment.created_at
    if case is not None:
        readiness.case_state = case.state
        readiness.case_label = _case_label(case, viewer)
        readiness.case_target = case.target_level_label


def readiness_of(members: list[Membership], *, viewer: Membership) -> dict[int, Readiness]:
    """Four queries for any number of members: the current version, their placements,
    their assessments and their cases."""
    version = current_version(with_changes=False)
    placements = placements_for(members)
    assessments, cases = latest_assessments_and_cases(members, viewer=viewer)
    found = {}
    for person in members:
        readiness = Readiness()
        placement = placements.get(person.pk)
        where = None
        if version is not None and placement is not None:
            where = snapshots.find_level(version.snapshot, placement.level_id)
        if where:
            track, level = where
            following = snapshots.next_level(track, level)
            readiness.track = track["name"]
            readiness.level_code, readiness.level_name = level["code"], level["name"]
            readiness.level_rank = level["rank"]
            if following:
                readiness.next_code, readiness.next_name = following["code"], following["name"]
        _progress(readiness, assessments.get(person.pk), cases.get(person.pk), viewer)
        found[person.pk] = readiness
    return found


def readiness_url(slug: str, person: Membership | None = None) -> str:
    """The readiness page (issue #8), when it exists; otherwise the next-level page."""
    try:
        if person is None:
            return reverse("advancement:readiness_mine", kwargs={"org_slug": slug})
        return row_address("advancement:readiness", org_slug=slug, member_id=person.pk)
    except NoReverseMatch:
        url = reverse("advancement:next_level", kwargs={"org_slug": slug})
        return url if person is None else f"{url}?person={person.pk}"


# --- the team dashboard -------------------------------------------------------------------


class ReadinessColumns:
    """One column, so the dashboard stays readable: level → next level, with the latest
    assessment and promotion case underneath. Four queries (``readiness_of``)."""

    key = "readiness"
    order = 50
    columns = (Column("readiness", "Readiness"),)

    def rows(self, members, *, viewer, today):
        slug = viewer.organization.slug
        by_pk = {member.pk: member for member in members}
        found = {}
        for pk, readiness in readiness_of(members, viewer=viewer).items():
            found[pk] = Contribution(
                cells={"readiness": readiness_cell(readiness, readiness_url(slug, by_pk[pk]))}
            )
        return found


def readiness_cell(readiness: Readiness, url: str) -> Cell:
    if readiness.assessment == "done":
        assessed = f"Assessed {readiness.assessment_on:%-d %b}"
    elif readiness.assessment == "open":
        assessed = "Assessment in progress"
    else:
        assessed = "Not assessed"
    detail = f"{assessed} · Case: {readiness.case_label}" if readiness.case_state else assessed
    if not readiness.placed:
        return Cell("Not placed", sort=None, detail=detail)
    level = readiness.level_code
    text = f"{level} → {readiness.next_code}" if readiness.next_code else level
    tone = "accent" if readiness.case_state in CASE_RANK else ""
    return Cell(text, sort=readiness.level_rank, tone=tone, detail=detail, url=url)


# --- the home page -------------------------------------------------------------------------


def career_panel(request: HttpRequest) -> dict | None:
    """The home page's career panel: where you stand and where your reports stand
    (``panels.standing``), with your readiness at a glance: latest assessment and
    promotion case, and the way to your readiness page. Two queries more than
    ``standing`` alone."""
    context = panels.standing(request)
    if context is None:
        return None
    me = request.membership
    assessments, cases = latest_assessments_and_cases([me], viewer=me)
    readiness = Readiness()
    _progress(readiness, assessments.get(me.pk), cases.get(me.pk), me)
    slug = request.organization.slug
    context["readiness"] = readiness
    context["readiness_url"] = readiness_url(slug)
    return context


def career_data(context: dict) -> dict:
    """The panel for the API: plain values, no model instances."""
    mine, readiness = context["mine"], context["readiness"]

    def level(found: dict | None) -> dict | None:
        return {"code": found["code"], "name": found["name"]} if found else None

    return {
        "placed": mine is not None,
        "track": mine["track"]["name"] if mine else "",
        "level": level(mine["level"]) if mine else None,
        "next": level(mine["next"]) if mine else None,
        "assessment": readiness.assessment,
        "assessment_on": readiness.assessment_on,
        "case": (
            {"state": readiness.case_state, "label": readiness.case_label}
            if readiness.case_state
            else None
        ),
        "readiness_url": context["readiness_url"],
        "team": [
            {
                "id": row["person"].pk,
                "name": row["person"].name,
                "level": level(row["where"]["level"]) if row["where"] else None,
            }
            for row in context["team"]
        ],
    }
