"""The anchor: the cheapest page perfapp can serve through its whole stack.

Same gunicorn, settings and middleware as the real pages; one indexed query (a
membership by primary key, inside its organization) and a tiny JSON answer. The load test
divides every page's requests per second by this one's, measured in the same run, so the
figures say how far each page is from what the framework itself allows on this machine.

Routed only when the settings say ``BENCH_ANCHOR = True`` (perfapp/settings/bench_server.py).
It reads neither the session nor the user, so it is the floor of a request, not a page.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import scopes_disabled


@require_safe
def anchor(request: HttpRequest, organization_id: int, membership_id: int) -> JsonResponse:
    with scopes_disabled():  # the organization is in the filter itself
        found = (
            Membership.objects.filter(organization_id=organization_id, pk=membership_id)
            .values_list("id", "job_title")
            .first()
        )
    if found is None:
        return JsonResponse({"found": False}, status=404)
    return JsonResponse({"id": found[0], "title": found[1]})
