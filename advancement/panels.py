"""What the career framework adds to the home page."""

from django.http import HttpRequest

from advancement import snapshots
from advancement.selectors.framework import current_version
from advancement.selectors.placements import placements_for
from perfapp.orgs.models import Membership
from perfapp.web import home


def standing(request: HttpRequest) -> dict | None:
    """Where you stand and what is next; for managers, where their reports stand."""
    version = current_version(with_changes=False)
    if version is None:
        return None
    me = request.membership
    # The same reports as My team's, read once for both.
    reports = home.direct_reports(request)[: home.REPORTS_SHOWN]
    placements = placements_for([me, *reports])

    def where(member: Membership) -> dict | None:
        placement = placements.get(member.pk)
        found = snapshots.find_level(version.snapshot, placement.level_id) if placement else None
        if not found:
            return None
        track, level = found
        return {"track": track, "level": level, "next": snapshots.next_level(track, level)}

    return {
        "mine": where(me),
        "team": [{"person": report, "where": where(report)} for report in reports],
        "version": version,
    }
