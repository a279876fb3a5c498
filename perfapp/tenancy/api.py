"""The base of every organization API endpoint: it owns tenancy and permissions.

Token authentication happens inside DRF, after Django's middleware, so the tenant scope
is entered here rather than in the page middleware. Subclasses write ``get_queryset``
with plain managers; the active scope restricts them to the URL's organization.
"""

from contextlib import ExitStack

from rest_framework import exceptions, viewsets
from rest_framework.permissions import IsAuthenticated

from perfapp.orgs.roles import Permission

from .resolution import active_membership_for
from .scoping import organization_scope


class OrganizationViewSetMixin:
    permission_classes = [IsAuthenticated]
    # action name -> permission it needs; actions not listed need only membership.
    action_permissions: dict[str, Permission] = {}

    def dispatch(self, request, *args, **kwargs):
        self._tenant_scope = ExitStack()
        with self._tenant_scope:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        membership = active_membership_for(request.user, kwargs["org_slug"])
        self.organization = membership.organization
        self.membership = membership
        request.organization, request.membership = membership.organization, membership
        self._tenant_scope.enter_context(organization_scope(membership.organization))
        needed = self.action_permissions.get(getattr(self, "action", None) or "")
        if needed is not None and not membership.has_perm(needed):
            raise exceptions.NotFound()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["membership"] = getattr(self, "membership", None)
        return context


class OrganizationViewSet(OrganizationViewSetMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"[0-9]+"
