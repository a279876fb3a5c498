"""What every member reads: the published framework, their place in it, and its history."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from advancement import snapshots
from advancement.permissions.placements import can_see_placement
from advancement.selectors import framework as selectors
from advancement.selectors.framework import current_version, version_numbered
from advancement.selectors.placements import placement_of
from perfapp.api.params import is_id
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view


def _requested_version(request: HttpRequest):
    """The version asked for with ?version=N, else the current one (or None)."""
    raw = request.GET.get("version", "")
    if raw:
        if not is_id(raw):
            raise Http404
        version = version_numbered(int(raw))
        if version is None:
            raise Http404
        return version
    return current_version()


@org_view()
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    version = current_version()
    placement = placement_of(request.membership)
    where = None
    if version and placement:
        found = snapshots.find_level(version.snapshot, placement.level_id)
        if found:
            track, level = found
            where = {"track": track, "level": level, "next": snapshots.next_level(track, level)}
    return render(
        request,
        "advancement/index.html",
        {
            "version": version,
            "tracks": version.snapshot["tracks"] if version else [],
            "where": where,
            "can_manage": request.membership.has_perm(Permission.MANAGE_FRAMEWORK),
        },
    )


@org_view()
@require_safe
def track(request: HttpRequest, track_id: int) -> HttpResponse:
    version = _requested_version(request)
    found = snapshots.find_track(version.snapshot, track_id) if version else None
    if found is None:
        raise Http404
    placement = placement_of(request.membership)
    latest = current_version()
    levels = [
        {
            **level,
            "rows": [
                {
                    "criterion": criterion,
                    "competency": snapshots.competency_name(
                        version.snapshot, criterion["competency_id"]
                    ),
                }
                for criterion in level["criteria"]
            ],
        }
        for level in found["levels"]
    ]
    return render(
        request,
        "advancement/track.html",
        {
            "version": version,
            "is_current": latest is not None and version.number == latest.number,
            "track": found,
            "levels": levels,
            "my_level_id": placement.level_id if placement else None,
        },
    )


@org_view()
@require_safe
def next_level(request: HttpRequest) -> HttpResponse:
    """A person's level and the next one, criterion by criterion. Yours, or (for managers
    and HR) that of someone you may see with ?person=<id>."""
    subject = request.membership
    if request.GET.get("person"):
        raw = request.GET["person"]
        if not is_id(raw):
            raise Http404
        subject = get_object_or_404(Membership.objects.select_related("user"), pk=int(raw))
        if not can_see_placement(request.membership, subject):
            raise Http404
    version = current_version()
    placement = placement_of(subject)
    context = {"subject": subject, "is_self": subject.pk == request.membership.pk}
    found = (
        snapshots.find_level(version.snapshot, placement.level_id)
        if version and placement
        else None
    )
    if found:
        track_data, level = found
        upcoming = snapshots.next_level(track_data, level)
        rows = snapshots.compare_levels(version.snapshot, level, upcoming)
        context.update(
            track=track_data,
            level=level,
            upcoming=upcoming,
            rows=rows,
            changed_count=sum(1 for row in rows if row.state != "same"),
        )
    context["version"] = version
    return render(request, "advancement/next_level.html", context)


@org_view()
@require_safe
def versions(request: HttpRequest) -> HttpResponse:
    return render(request, "advancement/versions.html", {"versions": list(selectors.versions())})


@org_view()
@require_safe
def version(request: HttpRequest, number: int) -> HttpResponse:
    found = version_numbered(number)
    if found is None:
        raise Http404
    proposals = list(found.proposals.select_related("author__user").order_by("created_at"))
    return render(
        request,
        "advancement/version.html",
        {"version": found, "changes": found.changes, "proposals": proposals},
    )


@org_view()
@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    """Side by side: what changed between two versions (default: the last two)."""
    all_versions = list(selectors.versions().values_list("number", flat=True))
    if not all_versions:
        return render(request, "advancement/compare.html", {"numbers": []})
    try:
        newer = int(request.GET.get("to") or all_versions[0])
        older = int(request.GET.get("from") or (newer - 1))
    except ValueError as error:
        raise Http404 from error
    left = version_numbered(older) if older > 0 else None
    right = version_numbered(newer)
    if right is None or (older > 0 and left is None):
        raise Http404
    changes = snapshots.diff(left.snapshot if left else snapshots.EMPTY, right.snapshot)
    return render(
        request,
        "advancement/compare.html",
        {
            "numbers": all_versions,
            "older": older,
            "newer": newer,
            "changes": changes,
        },
    )
