import re

from django.contrib.auth.views import redirect_to_login

from .resolution import active_membership_for
from .scoping import organization_scope, scopes_disabled

ORG_PAGE_PATH = re.compile(r"^/o/(?P<org_slug>[-a-zA-Z0-9_]+)/")


class OrganizationMiddleware:
    """Pages under /o/<org-slug>/ run inside that organization's scope.

    The tenant is taken from the URL only (never the session or the body). The signed-in
    user must hold an active membership there; otherwise the answer is 404. API requests
    authenticate inside DRF (tokens), so the API base viewset does the same job itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        request.membership = None
        path = request.path_info
        if path.startswith("/admin/"):
            # The operator's Django admin looks across tenants on purpose (superusers only).
            with scopes_disabled():
                return self.get_response(request)
        match = ORG_PAGE_PATH.match(path)
        if match is None:
            return self.get_response(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = active_membership_for(request.user, match["org_slug"])
        request.organization = membership.organization
        request.membership = membership
        with organization_scope(membership.organization):
            return self.get_response(request)
