"""Tenant tasks take ids, run inside their organization's scope and wait for the commit."""

from django.core import mail

from perfapp.celery import app
from perfapp.orgs.models import Membership
from perfapp.orgs.tasks import send_invitation_email
from perfapp.tenancy.scoping import get_active_organization_id
from perfapp.tenancy.tasks import TenantTask, enqueue


@app.task(base=TenantTask)
def count_people(organization_id: int) -> tuple[int | None, int]:
    return get_active_organization_id(), Membership.objects.count()


def test_a_tenant_task_runs_inside_its_organizations_scope(world_a, world_b):
    active, people = count_people.apply(args=[world_b.organization.pk]).get()
    assert active == world_b.organization.pk and people == 5


def test_enqueue_waits_for_the_commit(world_a, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue(send_invitation_email, world_a.organization.pk, world_a.invitation.pk)
    assert mailoutbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert mail.outbox[0].to == [world_a.invitation.email]
