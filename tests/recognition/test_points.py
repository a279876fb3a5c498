"""The allowance to give (per role, reset each month in the organization's time zone) and
the ledger primitives every spend goes through; HR corrections; the demo seeder."""

from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from perfapp.audit.models import AuditEvent
from perfapp.orgs.models import Membership, Organization
from perfapp.tenancy.scoping import organization_scope
from recognition.models import (
    LedgerReason,
    PointsEntry,
    RecognitionSettings,
    Redemption,
    RedemptionStatus,
    Reward,
)
from recognition.selectors import points
from recognition.services import points as points_services
from recognition.services import settings as settings_service

from .points_world import balance, fund, grow_people, recognize


def test_each_role_gets_its_allowance(world_a):
    with world_a.scope():
        settings_service.save_settings(actor=world_a.hr, manager_allowance=150, admin_allowance=300)
        left = {
            who: points.allowance_left(getattr(world_a, who))
            for who in ("member", "report", "manager", "hr", "owner")
        }
    assert left == {"member": 100, "report": 100, "manager": 150, "hr": 300, "owner": 300}


def test_the_allowance_resets_on_the_first_in_the_organizations_time_zone(world_a):
    # 31 January 23:30 in Berlin is 22:30 UTC: still January there.
    january = datetime(2027, 1, 31, 22, 30, tzinfo=UTC)
    with time_machine.travel(january, tick=False):
        recognize(world_a, world_a.member, [world_a.report], points_each=70, when=january)
        with world_a.scope():
            assert points.allowance_left(world_a.member) == 30
    # 23:30 UTC is already 1 February 00:30 in Berlin: a fresh month.
    february = datetime(2027, 1, 31, 23, 30, tzinfo=UTC)
    with time_machine.travel(february, tick=False), world_a.scope():
        assert points.allowance_left(world_a.member) == 100
    assert balance(world_a, world_a.report) == 70  # received points stay


def test_giving_more_than_is_left_or_with_points_off_is_refused_with_a_code(world_a):
    recognize(world_a, world_a.member, [world_a.report], points_each=80)
    with world_a.scope(), transaction.atomic():
        points_services.lock(world_a.member)
        assert points_services.check_allowance(world_a.member, 0, 3) == 0
        assert points_services.check_allowance(world_a.member, 10, 2) == 20
        with pytest.raises(ValidationError) as raised:
            points_services.check_allowance(world_a.member, 15, 2)
    assert raised.value.error_dict["points_each"][0].code == "over_allowance"
    assert "30 points in all, but you have 20 left" in raised.value.messages[0]
    with world_a.scope():
        settings_service.save_settings(actor=world_a.hr, points_enabled=False)
        with pytest.raises(ValidationError) as raised:
            points_services.check_allowance(world_a.member, 1, 1)
        assert points_services.check_allowance(world_a.member, 0, 1) == 0
    assert raised.value.error_dict["points_each"][0].code == "points_off"


def test_batch_reads_agree_with_single_ones_in_fixed_queries(world_a):
    people = grow_people(world_a, 12, manager=world_a.manager)
    recognize(world_a, people[0], [world_a.report, people[1]], points_each=7)
    recognize(world_a, world_a.manager, [people[2]], points_each=20)
    with world_a.scope():
        settings_service.save_settings(actor=world_a.hr, manager_allowance=150)
        settings = RecognitionSettings.of(world_a.organization)
        everyone = list(Membership.objects.select_related("organization").filter(is_active=True))
        with CaptureQueriesContext(connection) as captured:
            left = points.allowances_left_of(everyone, settings)
            balances = points.balances_of(everyone)
        singles = {m.pk: (points.allowance_left(m), points.balance_of(m)) for m in everyone}
    assert len(captured.captured_queries) == 3
    assert {pk: (left[pk], balances[pk]) for pk in left} == singles
    assert left[world_a.manager.pk] == 130 and left[people[0].pk] == 86


def test_hr_corrects_a_balance_with_a_row_of_its_own(world_a):
    with world_a.scope():
        entry = points_services.adjust(
            actor=world_a.hr, member=world_a.report, delta=25, note="Welcome bonus"
        )
        event = AuditEvent.objects.get(action="recognition.points_adjusted")
    assert (entry.reason, entry.delta, entry.created_by) == (LedgerReason.ADJUSTED, 25, world_a.hr)
    assert event.changes == {"points": [None, 25]}
    assert balance(world_a, world_a.report) == 25


@pytest.mark.parametrize(
    ("delta", "note", "field"),
    [(0, "Oops", "delta"), (-30, "Given by mistake", "delta"), (10, " ", "note")],
)
def test_bad_corrections_are_refused(world_a, delta, note, field):
    fund(world_a, world_a.report, 20)
    with world_a.scope():
        with pytest.raises(ValidationError) as raised:
            points_services.adjust(actor=world_a.hr, member=world_a.report, delta=delta, note=note)
        assert PointsEntry.objects.count() == 1
    assert field in raised.value.error_dict


def test_the_demo_has_a_catalogue_balances_and_a_request_waiting(db, mailoutbox):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # idempotent
    acme = Organization.objects.get(slug="acme")
    with organization_scope(acme):
        tom = Membership.objects.get(user__email="tom@acme.example")
        aisha = Membership.objects.get(user__email="aisha@acme.example")
        assert Reward.objects.filter(archived_at__isnull=True).count() == 5
        waiting = Redemption.objects.get(status=RedemptionStatus.PENDING)
        assert waiting.member == aisha
        assert points.balance_of(tom) >= 150
        assert points.balance_of(aisha) >= 0
        assert PointsEntry.objects.filter(redemption=waiting, delta=-waiting.cost).exists()
