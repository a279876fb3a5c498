"""The base of every tenant task: takes ``organization_id`` first and re-enters its scope.

Tasks receive ids, never model instances, and are enqueued after the transaction that
produced their data commits (``enqueue``), so a worker never reads a row that is not
there yet or was rolled back.
"""

from functools import partial

from celery import Task
from django.db import transaction

from .scoping import organization_scope


class TenantTask(Task):
    def __call__(self, organization_id: int, *args, **kwargs):
        from perfapp.orgs.models import Organization

        organization = Organization.objects.get(pk=organization_id)
        with organization_scope(organization):
            return super().__call__(organization_id, *args, **kwargs)


def enqueue(task: Task, organization_id: int, *args, **kwargs) -> None:
    """Send ``task`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(task.delay, organization_id, *args, **kwargs))
