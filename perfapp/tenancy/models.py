"""The base every tenant-owned model inherits.

Its default manager fails closed: outside an active organization scope every query
raises ``ScopeError``. Inside ``scope(organization=…)`` it filters by that organization.
Crossing tenants on purpose needs ``scopes_disabled()``, which is easy to grep for.
"""

from django.db import models
from django_scopes import ScopedManager


class TenantModel(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", db_index=True
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        abstract = True
