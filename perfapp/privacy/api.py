"""API: ``my-data/`` — everything perfapp holds by and about the caller in the
organization, as one JSON document (the same as the page's download; audited)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from perfapp.tenancy.api import OrganizationViewSet

from . import services


class MyDataViewSet(OrganizationViewSet):
    pagination_class = None

    @extend_schema(
        summary="Download all your own data in this organization",
        description="Grouped by app (`apps`), each a map of sections to rows. Recorded "
        "in the audit log.",
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request, *args, **kwargs):
        return Response(services.export_for(self.membership))
