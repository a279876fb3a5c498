"""The settings every app keeps per organization: one row, made on first read, changed
only through one audited service (perfapp.orgs.models.OrganizationSettings and
perfapp.orgs.services.change_settings). Development's settings stand in for any app's."""

import pytest

from development.audit import PlanAction
from development.models import DevelopmentSettings
from perfapp.audit.models import AuditEvent
from perfapp.orgs.services import change_settings


def settings_events():
    return AuditEvent.objects.filter(action=PlanAction.SETTINGS_CHANGED)


def test_the_first_read_makes_the_row_with_its_defaults_and_later_reads_find_it(world_a):
    with world_a.scope():
        DevelopmentSettings.objects.filter(organization=world_a.organization).delete()
        first = DevelopmentSettings.of(world_a.organization)
        again = DevelopmentSettings.of(world_a.organization)
        assert first.pk == again.pk and first.review_every_months == 3
        assert DevelopmentSettings.objects.count() == 1


def test_a_change_is_saved_and_audited_with_old_and_new_values(world_a):
    with world_a.scope():
        DevelopmentSettings.of(world_a.organization)
        saved = change_settings(
            DevelopmentSettings,
            actor=world_a.hr,
            action=PlanAction.SETTINGS_CHANGED,
            values={"review_every_months": 6},
        )
        assert DevelopmentSettings.of(world_a.organization).review_every_months == 6
        event = settings_events().get()
        assert event.changes == {"review_every_months": [3, 6]}
        assert (event.actor_id, event.target_label) == (world_a.hr.pk, "Growth settings")
        assert saved.review_every_months == 6


def test_saving_the_same_values_records_nothing(world_a):
    with world_a.scope():
        change_settings(
            DevelopmentSettings,
            actor=world_a.hr,
            action=PlanAction.SETTINGS_CHANGED,
            values={"review_every_months": 3},
        )
        assert not settings_events().exists()


def test_a_field_hr_may_not_change_is_refused_and_nothing_is_saved(world_a):
    with world_a.scope():
        before = DevelopmentSettings.of(world_a.organization)
        with pytest.raises(ValueError, match="Not one of the growth settings: organization_id"):
            change_settings(
                DevelopmentSettings,
                actor=world_a.hr,
                action=PlanAction.SETTINGS_CHANGED,
                values={"review_every_months": 6, "organization_id": 999},
            )
        after = DevelopmentSettings.of(world_a.organization)
        assert (after.review_every_months, after.organization_id) == (
            before.review_every_months,
            before.organization_id,
        )
        assert not settings_events().exists()


def test_each_organization_has_its_own_row(world_a, world_b):
    with world_a.scope():
        change_settings(
            DevelopmentSettings,
            actor=world_a.hr,
            action=PlanAction.SETTINGS_CHANGED,
            values={"review_every_months": 12},
        )
    with world_b.scope():
        assert DevelopmentSettings.of(world_b.organization).review_every_months == 3
