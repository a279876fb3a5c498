"""The base every tenant-owned model inherits.

Its default manager fails closed: outside an active organization scope every query
raises ``ScopeError``. Inside ``scope(organization=…)`` it filters by that organization.
Crossing tenants on purpose needs ``scopes_disabled()``, which is easy to grep for.

Indexes lead with ``organization``. A foreign key to a person or a team that such an index
already covers as its second column is declared ``db_index=False``: Postgres prefers the
smaller one-column index Django would add, and reads it across every tenant, although the
tenant-leading one answers the same query in fewer pages. A foreign key to the parent a row
belongs to keeps its index, for joins from the parent. ``make bench`` measures the plans;
``tests/tenancy/test_indexes.py`` asserts the convention.
"""

from django.db import models
from django_scopes import ScopedManager

# Foreign keys to these use the tenant's indexes: no index of their own where an index
# leading with ``organization`` covers them.
PERSON_MODELS = frozenset({"orgs.Membership", "orgs.Team"})
# The indexes that serve lookups across organizations by design, and why.
CROSS_TENANT_INDEXES = {
    ("orgs.Membership", "user"): "a person's memberships: sign-in, organization switcher",
}


class TenantModel(models.Model):
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", db_index=True
    )

    objects = ScopedManager(organization="organization")

    class Meta:
        abstract = True
