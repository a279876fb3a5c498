"""A decision takes effect: "promoted" moves the person's placement to the target level on
the decision's effective date, by itself (the hourly beat task), audited; what cannot
take effect by itself waits on HR's list and HR is told, once."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone

from advancement import tasks
from advancement.models import Case, Decision, Placement
from advancement.services import placements as placement_services
from advancement.services import promotions as services
from perfapp.audit.models import AuditEvent
from perfapp.notifications.models import OutboxMessage
from perfapp.timezones import local_today

from .promotion_world import promotion_of


def page(world, name, **kwargs):
    return reverse(f"advancement:{name}", kwargs={"org_slug": world.organization.slug, **kwargs})


def level_of(world, person) -> int | None:
    with world.scope():
        placement = Placement.objects.filter(membership=person).first()
    return placement.level_id if placement else None


def promoted_on(world, days: int) -> Case:
    """The world's case decided "promoted", taking effect ``days`` from today."""
    promotion = promotion_of(world)
    with world.scope():
        case = services.move_to_calibration(actor=world.hr, case=promotion.case)
        today = local_today(world.organization)
        return services.decide(
            actor=world.hr,
            case=case,
            decision=Decision.PROMOTED,
            rationale="Operates at L2.",
            effective_on=today + timedelta(days=days),
            lock_version=case.lock_version,
        )


def noon_in(days: int) -> datetime:
    """Noon (UTC) of the day ``days`` after today in the test organizations' calendar
    (Europe/Berlin, where the case's effective date is counted): between 23:00 and
    midnight UTC their today is already tomorrow."""
    day = timezone.localdate(timezone=ZoneInfo("Europe/Berlin")) + timedelta(days=days)
    return datetime.combine(day, time(12), tzinfo=UTC)


def test_a_promotion_for_a_later_day_takes_effect_on_that_day_by_itself(world_a, login):
    case = promoted_on(world_a, 10)
    framework = world_a.framework
    assert level_of(world_a, world_a.report) == framework.level.pk  # not yet
    text = login(world_a.report).get(page(world_a, "promotion_case", pk=case.pk)).content
    assert f"Takes effect on {case.effective_on:%-d %B %Y}." in text.decode()
    hr_list = login(world_a.hr).get(page(world_a, "promotion_rounds")).content.decode()
    assert "Promotions not in effect yet" in hr_list
    assert f"Takes effect on {case.effective_on:%-d %B %Y}." in hr_list
    tasks.apply_due_promotions.delay()  # the day before: nothing happens
    assert level_of(world_a, world_a.report) == framework.level.pk
    with time_machine.travel(noon_in(10)):
        assert tasks.apply_due_promotions.delay().get() == 1  # one organization to look at
        with world_a.scope():
            events = AuditEvent.objects.count()
        tasks.apply_due_promotions.delay()  # again, as a retried task would: no change
    assert level_of(world_a, world_a.report) == framework.next_level.pk
    with world_a.scope():
        case.refresh_from_db()
        assert case.applied_at is not None and case.applied_by is None
        assert AuditEvent.objects.count() == events
        assert AuditEvent.objects.filter(action="promotion.applied", target_id=case.pk).count() == 1
        assert OutboxMessage.objects.filter(
            recipient=world_a.report, kind="career.placement_changed"
        ).exists()
    assert "Promotions not in effect yet" not in (
        login(world_a.hr).get(page(world_a, "promotion_rounds")).content.decode()
    )


def test_an_effective_date_in_the_past_or_beyond_a_year_is_refused(world_a, api_as):
    promotion = promotion_of(world_a)
    with world_a.scope():
        case = services.move_to_calibration(actor=world_a.hr, case=promotion.case)
        today = local_today(world_a.organization)
    url = reverse(
        "api:promotion-case-decide", kwargs={"org_slug": world_a.organization.slug, "pk": case.pk}
    )
    for day, message in (
        (today - timedelta(days=1), "or a later day"),
        (today + timedelta(days=400), "within a year"),
    ):
        response = api_as(world_a.hr).post(
            url,
            {
                "decision": "promoted",
                "rationale": "Yes.",
                "effective_on": str(day),
                "lock_version": case.lock_version,
            },
            format="json",
        )
        assert response.status_code == 400
        assert message in response.json()["error"]["fields"]["effective_on"][0]["message"]
    with world_a.scope():
        assert Case.objects.get(pk=case.pk).decision == ""


def test_a_promotion_that_cannot_take_effect_waits_for_hr_who_is_told_once(world_a, login):
    case = promoted_on(world_a, 2)
    with world_a.scope():  # meanwhile HR took the person off their level
        placement_services.place(actor=world_a.hr, membership=world_a.report, level=None)
    with time_machine.travel(noon_in(2)):
        tasks.apply_due_promotions.delay()
        tasks.apply_due_promotions.delay()
    assert level_of(world_a, world_a.report) is None
    with world_a.scope():
        assert Case.objects.get(pk=case.pk).applied_at is None
        reminders = OutboxMessage.objects.filter(kind="career.promotion_to_apply")
        assert sorted(reminders.values_list("recipient_id", flat=True)) == sorted(
            [world_a.hr.pk, world_a.owner.pk]
        )
        assert "placement changed since the case was opened" in reminders.first().body
    with time_machine.travel(noon_in(2)):
        hr = login(world_a.hr)
        listing = hr.get(page(world_a, "promotion_rounds")).content.decode()
        assert "Needs you" in listing and "Apply now" in listing
        assert (
            hr.post(
                page(world_a, "promotion_case_apply", pk=case.pk), {"next": "rounds"}
            ).status_code
            == 302
        )
    assert level_of(world_a, world_a.report) == world_a.framework.next_level.pk
    with world_a.scope():
        case.refresh_from_db()
        assert case.applied_by == world_a.hr


def test_a_promotion_decided_before_promotions_took_effect_is_on_hrs_list(world_a, login):
    """What the migration leaves: a promotion decided earlier, never placed, with no
    effective date. Nothing applies it unasked; HR sees it and applies it."""
    case = promoted_on(world_a, 3)
    with world_a.scope():
        Case.objects.filter(pk=case.pk).update(effective_on=None)
    tasks.apply_due_promotions.delay()
    assert level_of(world_a, world_a.report) == world_a.framework.level.pk
    hr = login(world_a.hr)
    listing = hr.get(page(world_a, "promotion_rounds")).content.decode()
    assert "before promotions took effect by themselves" in listing
    hr.post(page(world_a, "promotion_case_apply", pk=case.pk))
    assert level_of(world_a, world_a.report) == world_a.framework.next_level.pk


def test_hr_cannot_apply_a_promotion_before_its_day(world_a, login):
    case = promoted_on(world_a, 5)
    response = login(world_a.hr).post(
        page(world_a, "promotion_case_apply", pk=case.pk), follow=True
    )
    assert f"takes effect on {case.effective_on:%-d %B %Y}, by itself" in response.content.decode()
    assert level_of(world_a, world_a.report) == world_a.framework.level.pk
