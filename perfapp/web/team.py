"""The manager's team dashboard: one row per report, the columns the apps contribute
(``perfapp.web.dashboard``), sortable, with who needs attention first.

A manager sees their own team; HR may open any manager's team with ``?manager=<id>``.
Anyone else naming a manager, or an id of another organization, gets 404.
"""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from perfapp.orgs import selectors as org_selectors
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view, render_htmx
from perfapp.timezones import local_today

from . import dashboard

VIEW_ANY_TEAM = Permission.VIEW_PEOPLE_ADMIN


def can_view_any_team(viewer: Membership) -> bool:
    return viewer.has_perm(VIEW_ANY_TEAM)


def team_manager(viewer: Membership, raw: str | None) -> Membership:
    """The manager whose team the viewer asks for: themselves by default; anyone of the
    organization for HR. Raises Http404 for anything else (a foreign or unknown id, or a
    non-HR naming someone else)."""
    if raw in (None, ""):
        return viewer
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise Http404
    pk = int(raw)
    if pk == viewer.pk:
        return viewer
    if not can_view_any_team(viewer):
        raise Http404
    found = Membership.objects.select_related("user").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _sort_links(board: dashboard.TeamDashboard, base: dict) -> list[dict]:
    """Each column header's link: the next sort for that column, and its aria-sort."""
    headers = []
    current = board.sort.lstrip("-")
    descending = board.sort.startswith("-")
    for column in [dashboard.NAME, *board.columns]:
        active = column.key == current
        if active:
            following = column.key if descending else f"-{column.key}"
        else:
            following = f"-{column.key}" if column.numeric else column.key
        query = urlencode({**base, "sort": following})
        headers.append(
            {
                "column": column,
                "active": active,
                "aria_sort": ("descending" if descending else "ascending") if active else "",
                "query": f"?{query}",
                "next_label": "descending" if following.startswith("-") else "ascending",
            }
        )
    return headers


@org_view()
@require_safe
def team(request: HttpRequest) -> HttpResponse:
    me = request.membership
    manager = team_manager(me, request.GET.get("manager"))
    indirect = request.GET.get("include") == "indirect"
    board = dashboard.build(
        manager,
        viewer=me,
        today=local_today(me),
        sort=request.GET.get("sort", ""),
        indirect=indirect,
    )
    base = {}
    if manager.pk != me.pk:
        base["manager"] = manager.pk
    if indirect:
        base["include"] = "indirect"
    toggle = {**base, "sort": board.sort}
    if indirect:
        toggle.pop("include")
    else:
        toggle["include"] = "indirect"
    context = {
        "board": board,
        "headers": _sort_links(board, base),
        "table": [
            (row, [(column, row.cells.get(column.key)) for column in board.columns])
            for row in board.rows
        ],
        "manager": manager,
        "is_self": manager.pk == me.pk,
        "indirect": indirect,
        "toggle_query": urlencode(toggle),
        "managers": list(org_selectors.managers()) if can_view_any_team(me) else [],
    }
    return render_htmx(request, "web/team.html", context, fragment="dashboard")
