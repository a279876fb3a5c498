"""Tenant tables are read through indexes that lead with the organization.

Django gives every foreign key a one-column index. When an index leading with
``organization`` covers a foreign key to a person (a membership) or a team, Postgres
preferred the smaller one-column index for "this person's feedback" and read it across
every tenant (``make bench`` found 41 such plans at the 20,000-person organization), so
those foreign keys are declared ``db_index=False``. A row's foreign key to the parent it
belongs to (a meeting's series, a goal's plan) keeps its index: joins from the parent
probe it without an organization condition.
"""

from django.apps import apps
from django.db import models

from perfapp.tenancy.models import CROSS_TENANT_INDEXES, PERSON_MODELS


def _covered_by_organization_index(model) -> dict[str, str]:
    covered = {}
    candidates = [*model._meta.indexes, *model._meta.constraints]
    for index in candidates:
        fields = [name.lstrip("-") for name in getattr(index, "fields", None) or []]
        if getattr(index, "condition", None) is not None or len(fields) < 2:
            continue
        if fields[0] == "organization":
            covered.setdefault(fields[1], index.name)
    return covered


def test_no_foreign_key_index_shadows_an_organization_leading_one():
    shadowing = []
    for model in apps.get_models():
        covered = _covered_by_organization_index(model)
        for field in model._meta.fields:
            key = (model._meta.label, field.name)
            if (
                isinstance(field, models.ForeignKey)
                and not isinstance(field, models.OneToOneField)
                and field.related_model._meta.label in PERSON_MODELS
                and field.db_index
                and field.name in covered
                and key not in CROSS_TENANT_INDEXES
            ):
                shadowing.append(f"{key[0]}.{key[1]} (covered by {covered[field.name]})")
    assert shadowing == []


def test_cross_tenant_lookups_keep_their_index():
    for label, name in CROSS_TENANT_INDEXES:
        assert apps.get_model(label)._meta.get_field(name).db_index
