"""The points page, redeeming from it, HR's rewards page (queue and catalogue) and the
recognition settings page, through the Django test client; query budgets at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from perfapp.audit.models import AuditEvent
from recognition.models import (
    PointsEntry,
    RecognitionSettings,
    Redemption,
    RedemptionStatus,
    Reward,
)
from recognition.services import rewards
from recognition.services import settings as settings_service

from ..helpers import html_of, org_url, signed_in_client, visible_text
from .points_world import HX, balance, fund, recognize, reward

# --- the points page ------------------------------------------------------------------------


def test_the_points_page_shows_what_is_left_to_give_the_balance_and_its_history(world_a):
    recognize(world_a, world_a.member, [world_a.report], points_each=15)
    recognize(world_a, world_a.report, [world_a.member], points_each=20)
    reward(world_a, name="Team lunch", cost=10, stock=2)
    reward(world_a, name="Conference ticket", cost=900)
    response = signed_in_client(world_a.report).get(org_url("recognition:points"))
    page = visible_text(response)
    assert "Left to give this month 80 of 100" in page  # gave 20 of the monthly 100
    assert "Your balance 15 points" in page
    assert f"Recognized by {world_a.member.name}" in page
    assert "Team lunch" in page and "2 left" in page
    assert "885 more points needed" in page  # the ticket is out of reach
    assert "Only you and HR see your balance" in page


def test_with_points_off_the_page_says_so_and_keeps_the_balance(world_a):
    fund(world_a, world_a.report, 40)
    with world_a.scope():
        settings_service.save_settings(actor=world_a.hr, points_enabled=False)
    page = html_of(signed_in_client(world_a.report).get(org_url("recognition:points")))
    assert "Points are turned off in Alpha Inc" in page
    assert "balance of 40 points is kept" in page
    assert "Turn points on" not in page
    hr_page = html_of(signed_in_client(world_a.hr).get(org_url("recognition:points")))
    assert "Turn points on in Settings" in hr_page


def test_redeeming_from_the_page(world_a):
    fund(world_a, world_a.report, 60)
    book = reward(world_a, cost=50, stock=1)
    client = signed_in_client(world_a.report)
    response = client.post(org_url("recognition:redeem", pk=book.pk))
    assert response.status_code == 302
    page = html_of(client.get(response["Location"]))
    assert "You asked for Book of your choice" in page
    assert "Waiting for approval" in page
    assert balance(world_a, world_a.report) == 10


def test_redeeming_without_enough_points_shows_why_and_changes_nothing(world_a):
    fund(world_a, world_a.report, 20)
    book = reward(world_a, cost=50)
    response = signed_in_client(world_a.report).post(org_url("recognition:redeem", pk=book.pk))
    assert response.status_code == 400
    assert "costs 50 points and you have 20" in html_of(response)
    assert balance(world_a, world_a.report) == 20
    with world_a.scope():
        assert not Redemption.objects.exists()


def test_redeem_is_a_post_and_an_unknown_reward_is_404(world_a):
    client = signed_in_client(world_a.report)
    assert client.get(org_url("recognition:redeem", pk=reward(world_a).pk)).status_code == 405
    assert client.post(org_url("recognition:redeem", pk=987654)).status_code == 404


def _grow_ledger(world, member, count: int) -> None:
    with world.scope():
        PointsEntry.objects.bulk_create(
            PointsEntry(
                organization=world.organization,
                member=member,
                delta=5,
                reason="adjusted",
                created_by=world.hr,
                note=f"Bonus {i}",
            )
            for i in range(count)
        )
        Reward.objects.bulk_create(
            Reward(organization=world.organization, name=f"Reward {count}-{i}", cost=10 + i)
            for i in range(count // 5)
        )


def test_the_points_page_costs_the_same_at_two_sizes(world_a):
    client = signed_in_client(world_a.report)
    recognize(world_a, world_a.member, [world_a.report], points_each=5)
    assert client.get(org_url("recognition:points")).status_code == 200  # settings exist now
    used = []
    for size in (10, 300):
        _grow_ledger(world_a, world_a.report, size)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(org_url("recognition:points"))
        assert response.status_code == 200
        used.append(len(captured.captured_queries))
    assert used[0] == used[1] <= 16, used


# --- HR: the rewards page -------------------------------------------------------------------


def _ask(world, who, cost=30, name="Book of your choice", stock=None):
    fund(world, who, cost)
    item = reward(world, name=name, cost=cost, stock=stock)
    with world.scope():
        return rewards.redeem(member=who, reward=item)


def test_hr_sees_the_queue_and_approves_in_place(world_a):
    row = _ask(world_a, world_a.report)
    client = signed_in_client(world_a.hr)
    page = visible_text(client.get(org_url("recognition:rewards")))
    assert f"{world_a.report.name} asks for Book of your choice" in page
    response = client.post(
        org_url("recognition:redemption_decide", pk=row.pk),
        {"decision": "approve", "note": "Enjoy!"},
        headers=HX,
    )
    assert response.status_code == 200
    body = html_of(response)
    assert "Approved: Book of your choice" in body and "<html" not in body
    with world_a.scope():
        row.refresh_from_db()
    assert row.status == RedemptionStatus.APPROVED


def test_rejecting_without_a_note_shows_the_error_on_the_row(world_a):
    row = _ask(world_a, world_a.report)
    client = signed_in_client(world_a.hr)
    response = client.post(
        org_url("recognition:redemption_decide", pk=row.pk), {"decision": "reject"}, headers=HX
    )
    assert response.status_code == 400
    assert "Say why" in html_of(response)
    full = client.post(org_url("recognition:redemption_decide", pk=row.pk), {"decision": "maybe"})
    assert full.status_code == 400 and "Choose approve or reject" in html_of(full)
    with world_a.scope():
        row.refresh_from_db()
    assert row.status == RedemptionStatus.PENDING
    assert balance(world_a, world_a.report) == 0


def test_rejecting_with_a_note_refunds_and_deciding_again_is_refused(world_a):
    row = _ask(world_a, world_a.report)
    client = signed_in_client(world_a.hr)
    response = client.post(
        org_url("recognition:redemption_decide", pk=row.pk),
        {"decision": "reject", "note": "Out of budget"},
    )
    assert response.status_code == 302
    assert balance(world_a, world_a.report) == 30
    again = client.post(
        org_url("recognition:redemption_decide", pk=row.pk), {"decision": "approve"}, headers=HX
    )
    assert again.status_code == 400 and "already rejected" in html_of(again)
    assert balance(world_a, world_a.report) == 30


def test_hr_cannot_decide_their_own_request_on_the_page(world_a):
    row = _ask(world_a, world_a.hr)
    client = signed_in_client(world_a.hr)
    page = html_of(client.get(org_url("recognition:rewards")))
    assert "Someone else in HR decides your own request" in page
    response = client.post(
        org_url("recognition:redemption_decide", pk=row.pk), {"decision": "approve"}, headers=HX
    )
    assert response.status_code == 400
    with world_a.scope():
        row.refresh_from_db()
    assert row.status == RedemptionStatus.PENDING


def test_hr_adds_edits_archives_and_offers_a_reward_again(world_a):
    client = signed_in_client(world_a.hr)
    bad = client.post(org_url("recognition:reward_new"), {"name": "Mug", "cost": "0"})
    assert bad.status_code == 400 and "Choose a cost between 1" in html_of(bad)
    created = client.post(
        org_url("recognition:reward_new"),
        {"name": "Mug", "cost": "15", "stock": "", "description": ""},
    )
    assert created.status_code == 302
    with world_a.scope():
        mug = Reward.objects.get(name="Mug")
    assert mug.stock is None
    edited = client.post(
        org_url("recognition:reward_edit", pk=mug.pk),
        {"name": "Big mug", "cost": "20", "stock": "5", "description": "Holds a lot"},
    )
    assert edited.status_code == 302
    assert client.post(org_url("recognition:reward_archive", pk=mug.pk)).status_code == 302
    page = html_of(client.get(org_url("recognition:rewards")))
    assert "Big mug" in page and "Archived" in page and "Offer Big mug again" in page
    assert client.post(org_url("recognition:reward_restore", pk=mug.pk)).status_code == 302
    with world_a.scope():
        mug.refresh_from_db()
        events = AuditEvent.objects.filter(action__startswith="recognition.reward").count()
    assert (mug.name, mug.cost, mug.stock, mug.archived_at) == ("Big mug", 20, 5, None)
    assert events == 4


def test_the_rewards_page_costs_the_same_at_two_sizes(world_a):
    client = signed_in_client(world_a.hr)
    assert client.get(org_url("recognition:rewards")).status_code == 200  # settings exist now
    used = []
    for size in (5, 120):
        people = [world_a.report, world_a.member, world_a.manager]
        for i in range(size - (5 if size > 5 else 0)):
            _ask(world_a, people[i % 3], cost=5, name=f"Reward {size}-{i}")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(org_url("recognition:rewards"))
        assert response.status_code == 200
        used.append(len(captured.captured_queries))
    assert used[0] == used[1] <= 14, used


# --- settings -------------------------------------------------------------------------------


def test_hr_changes_the_settings_and_the_change_is_audited(world_a):
    client = signed_in_client(world_a.hr)
    assert client.get(org_url("recognition:settings")).status_code == 200
    response = client.post(
        org_url("recognition:settings"),
        {
            "points_enabled": "on",
            "monthly_allowance": "50",
            "manager_allowance": "80",
            "admin_allowance": "",
            "quiet_after_days": "30",
        },
    )
    assert response.status_code == 302
    with world_a.scope():
        current = RecognitionSettings.of(world_a.organization)
        event = AuditEvent.objects.get(action="recognition.settings_changed")
    assert (current.monthly_allowance, current.manager_allowance, current.quiet_after_days) == (
        50,
        80,
        30,
    )
    assert event.changes["monthly_allowance"] == [100, 50]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("quiet_after_days", "3", "greater than or equal to 7"),
        ("quiet_after_days", "400", "less than or equal to 365"),
        ("monthly_allowance", "-5", "greater than or equal to 0"),
        ("monthly_allowance", "", "Say how many points everyone may give each month"),
        ("manager_allowance", "200000", "less than or equal to 100000"),
    ],
)
def test_bad_settings_are_refused_next_to_the_field(world_a, field, value, says):
    data = {
        "points_enabled": "on",
        "monthly_allowance": "100",
        "manager_allowance": "",
        "admin_allowance": "",
        "quiet_after_days": "60",
        field: value,
    }
    response = signed_in_client(world_a.hr).post(org_url("recognition:settings"), data)
    assert response.status_code == 400
    assert says in html_of(response)
    with world_a.scope():
        assert not AuditEvent.objects.filter(action="recognition.settings_changed").exists()
        assert RecognitionSettings.of(world_a.organization).quiet_after_days == 60
