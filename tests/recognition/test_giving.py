"""Giving recognition: the service, the page and the API give the same answers. A gift
reaches everyone it names, points come from the giver's monthly allowance and land in
each recipient's ledger, recipients and their managers are told once; every bad input is
refused with a clear message and changes nothing."""

import re
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.db.models import Sum
from django.utils import timezone

from perfapp.notifications.models import OutboxMessage
from perfapp.tenancy.scoping import scopes_disabled
from recognition.models import (
    CompanyValue,
    PointsEntry,
    Recognition,
    RecognitionRecipient,
)
from recognition.selectors import points
from recognition.services import recognition as services
from recognition.services import values as value_services

from ..helpers import html_of, org_url, signed_in_client
from .wall_world import HX, MESSAGE, give, kind_named, outbox, settings_of, value_of


def state(world) -> tuple:
    """Everything a refused gift must leave untouched."""
    with world.scope():
        return (
            Recognition.objects.count(),
            RecognitionRecipient.objects.count(),
            PointsEntry.objects.aggregate(total=Sum("delta"))["total"],
            Recognition.values.through.objects.count(),
            OutboxMessage.objects.filter(kind__startswith="recognition.").count(),
        )


# --- the service ------------------------------------------------------------------------------


def test_a_gift_with_points_reaches_everyone_and_spends_the_allowance(world_a):
    recognition = give(
        world_a,
        giver=world_a.member,
        recipients=[world_a.report, world_a.manager],
        points_each=15,
        competencies=[world_a.framework.competency],
    )
    with world_a.scope():
        assert recognition.points_total == 30
        rows = RecognitionRecipient.objects.filter(recognition=recognition)
        assert {row.recipient_id for row in rows} == {world_a.report.pk, world_a.manager.pk}
        assert all(row.created_at == recognition.created_at for row in rows)
        assert points.balance_of(world_a.report) == 15
        assert points.balance_of(world_a.manager) == 15
        assert points.allowance_left(world_a.member) == 70
        assert list(recognition.values.all()) == [value_of(world_a)]
        assert list(recognition.competencies.all()) == [world_a.framework.competency]


def test_recipients_and_their_managers_are_told_once(world_a):
    recognition = give(world_a, giver=world_a.member, recipients=[world_a.report, world_a.hr])
    received = outbox("recognition.received")
    assert {m.recipient_id for m in received} == {world_a.report.pk, world_a.hr.pk}
    assert {m.occasion for m in received} == {
        f"recognition:{recognition.pk}:{world_a.report.pk}",
        f"recognition:{recognition.pk}:{world_a.hr.pk}",
    }
    assert all(world_a.member.name in m.title for m in received)
    managers = outbox("recognition.for_report")
    # The report's manager and the HR admin's manager (the owner), once each.
    assert {m.recipient_id for m in managers} == {world_a.manager.pk, world_a.owner.pk}
    told = next(m for m in managers if m.recipient_id == world_a.manager.pk)
    assert world_a.report.name in told.title and "reports to you" in told.title
    assert told.url.endswith(f"/recognition/{recognition.pk}/")


def test_a_manager_who_gives_or_is_recognized_too_is_not_told_twice(world_a):
    give(world_a, giver=world_a.manager, recipients=[world_a.report])
    give(world_a, giver=world_a.member, recipients=[world_a.report, world_a.manager])
    managers = outbox("recognition.for_report")
    # Only the manager's own manager (the owner), about the manager.
    assert [m.recipient_id for m in managers] == [world_a.owner.pk]


def test_one_manager_of_two_recipients_gets_one_note_naming_both(world_a):
    from .wall_world import people

    second = people(world_a, 1, manager=world_a.manager)[0]
    give(world_a, giver=world_a.member, recipients=[world_a.report, second])
    managers = [m for m in outbox("recognition.for_report") if m.recipient_id == world_a.manager.pk]
    assert len(managers) == 1
    assert world_a.report.name in managers[0].title and second.name in managers[0].title


@pytest.mark.parametrize(
    ("case", "field", "expected"),
    [
        ("yourself", "recipients", "can't recognize yourself"),
        ("deactivated", "recipients", "no longer active"),
        ("other_org", "recipients", "from this organization"),
        ("nobody", "recipients", "at least one colleague"),
        ("too_many", "recipients", "at most 20"),
        ("empty_message", "message", "what they did"),
        ("long_message", "message", "under 2000"),
        ("archived_value", "values", "archived"),
        ("foreign_value", "values", "of this organization"),
        ("archived_kind", "kind", "archived"),
        ("no_kind", "kind", "Choose the kind"),
        ("archived_competency", "competencies", "archived"),
        ("over_allowance", "points_each", "you have 100 left"),
        ("points_off", "points_each", "turned off"),
        ("negative_points", "points_each", "negative"),
    ],
)
def test_bad_gifts_are_refused_and_change_nothing(case, field, expected, world_a, world_b):
    from .wall_world import people

    fields = {
        "giver": world_a.member,
        "recipients": [world_a.report],
        "message": MESSAGE,
        "kind": kind_named(world_a),
        "values": [value_of(world_a)],
    }
    if case == "yourself":
        fields["recipients"] = [world_a.report, world_a.member]
    elif case == "deactivated":
        gone = people(world_a, 1, is_active=False)[0]
        fields["recipients"] = [world_a.report, gone]
    elif case == "other_org":
        fields["recipients"] = [world_b.report]
    elif case == "nobody":
        fields["recipients"] = []
    elif case == "too_many":
        fields["recipients"] = people(world_a, 21)
    elif case == "empty_message":
        fields["message"] = "   "
    elif case == "long_message":
        fields["message"] = "x" * 2001
    elif case == "archived_value":
        value = value_of(world_a)
        with world_a.scope():
            value_services.archive_value(actor=world_a.hr, value=value)
            value.refresh_from_db()
    elif case == "foreign_value":
        fields["values"] = [value_of(world_b)]
    elif case == "archived_kind":
        kind = kind_named(world_a)
        with world_a.scope():
            value_services.archive_kind(actor=world_a.hr, kind=kind)
            kind.refresh_from_db()
        fields["kind"] = kind
    elif case == "no_kind":
        fields["kind"] = None
    elif case == "archived_competency":
        competency = world_a.framework.competency
        with world_a.scope():
            competency.archived_at = timezone.now()
            competency.save(update_fields=["archived_at"])
        fields["competencies"] = [competency]
    elif case == "over_allowance":
        fields["recipients"] = [world_a.report, world_a.manager]
        fields["points_each"] = 51
    elif case == "points_off":
        settings_of(world_a, points_enabled=False)
        fields["points_each"] = 5
    elif case == "negative_points":
        fields["points_each"] = -5
    before = state(world_a)
    with world_a.scope(), pytest.raises(ValidationError) as refused:
        services.give_recognition(**fields)
    assert expected.lower() in " ".join(refused.value.message_dict[field]).lower()
    assert state(world_a) == before


def test_the_allowance_is_monthly_and_spent_gifts_add_up(world_a):
    give(world_a, points_each=60)
    with world_a.scope(), pytest.raises(ValidationError) as refused:
        services.give_recognition(
            giver=world_a.member,
            recipients=[world_a.manager],
            message=MESSAGE,
            kind=kind_named(world_a),
            points_each=41,
        )
    assert "you have 40 left" in str(refused.value)
    give(world_a, recipients=[world_a.manager], points_each=40)
    with world_a.scope():
        assert points.allowance_left(world_a.member) == 0
        # Last month's gifts don't count against this month.
        last_month = points.month_start(world_a.organization) - timedelta(days=1)
        Recognition.objects.update(created_at=last_month)
        assert points.allowance_left(world_a.member) == 100


@pytest.mark.django_db(transaction=True)
def test_two_gifts_sent_at_once_never_spend_more_than_the_allowance(world_a):
    """Each gift alone fits (60 of 100); together they would not. The lock makes the second
    wait for the first and then refuses it: exactly one goes through."""
    kind = kind_named(world_a)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def send(recipient):
        try:
            with world_a.scope():
                barrier.wait(timeout=10)
                services.give_recognition(
                    giver=world_a.member,
                    recipients=[recipient],
                    message=MESSAGE,
                    kind=kind,
                    points_each=60,
                )
            outcomes.append("sent")
        except ValidationError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=send, args=(who,)) for who in (world_a.report, world_a.hr)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "sent"]
    with world_a.scope():
        assert points.given_this_month(world_a.member) == 60
        assert PointsEntry.objects.aggregate(total=Sum("delta"))["total"] == 60


# --- the page -----------------------------------------------------------------------------------


def test_the_give_page_offers_colleagues_values_kinds_and_the_allowance(world_a):
    value_of(world_a)
    page = html_of(signed_in_client(world_a.member).get(org_url("recognition:give")))
    assert "Recognize someone" in page
    choices = page[page.index('id="recipients-choices"') : page.index("</fieldset>")]
    assert world_a.report.name in choices
    assert world_a.member.name not in choices  # not yourself
    assert "Better together" in page
    for kind in ("Output / result", "Collaboration", "Mentorship", "Problem solving"):
        assert kind in page
    assert "Innovation or a calculated risk" in page and "Customer impact" in page
    assert "You have 100 points left to give this month." in page


def test_the_give_page_hides_points_when_the_organization_has_none(world_a):
    settings_of(world_a, points_enabled=False)
    page = html_of(signed_in_client(world_a.member).get(org_url("recognition:give")))
    assert "Points for each person" not in page
    assert "points left" not in page


def test_the_give_page_can_start_with_a_colleague_chosen(world_a):
    page = signed_in_client(world_a.member).get(
        org_url("recognition:give"), {"to": world_a.report.pk}
    )
    checked = re.findall(
        r'<input type="checkbox" name="recipients" value="(\d+)"[^>]*checked', html_of(page)
    )
    assert checked == [str(world_a.report.pk)]


def test_an_id_too_long_for_any_number_starts_the_page_with_nobody_chosen(world_a):
    """Python's int() refuses more than 4,300 digits with an error; the page never asks it."""
    client = signed_in_client(world_a.member)
    for to in ("9" * 5000, "9" * 20, "0"):
        page = html_of(client.get(org_url("recognition:give"), {"to": to}), status=200)
        assert not re.search(r'name="recipients" value="\d+"[^>]*checked', page)


def _form(world, **changes) -> dict:
    data = {
        "recipients": [world.report.pk, world.manager.pk],
        "message": MESSAGE,
        "kind": kind_named(world).pk,
        "values": [value_of(world).pk],
        "competencies": [world.framework.competency.pk],
        "points_each": "10",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_giving_on_the_page_lands_on_the_wall(world_a):
    client = signed_in_client(world_a.member)
    response = client.post(org_url("recognition:give"), _form(world_a))
    assert response.status_code == 302
    assert response["Location"] == org_url("recognition:index")
    wall = html_of(client.get(response["Location"]))
    assert "It's on the wall now." in wall
    assert f"You recognized {world_a.manager.name} and {world_a.report.name}" in wall
    assert "+10 points each" in wall
    assert "paired with me on the billing migration" in wall
    with world_a.scope():
        assert points.balance_of(world_a.report) == 10


@pytest.mark.parametrize(
    ("case", "changes", "expected"),
    [
        ("yourself", {"recipients": "self"}, "can't recognize yourself"),
        ("deactivated", {"recipients": "gone"}, "no longer active"),
        ("other_org", {"recipients": "foreign"}, "Choose colleagues from the list."),
        ("nobody", {"recipients": None}, "Choose at least one colleague to recognize."),
        ("empty_message", {"message": ""}, "Say what they did and why it mattered."),
        ("archived_value", {"values": "archived"}, "is archived"),
        ("over_allowance", {"points_each": "51"}, "you have 100 left to give this month"),
        ("not_a_number", {"points_each": "lots"}, "Give a whole number of points."),
    ],
)
def test_bad_input_on_the_page_shows_next_to_the_field_and_changes_nothing(
    case, changes, expected, world_a, world_b
):
    from .wall_world import people

    if changes.get("recipients") == "self":
        changes = {"recipients": [world_a.member.pk, world_a.report.pk]}
    elif changes.get("recipients") == "gone":
        changes = {"recipients": [people(world_a, 1, is_active=False)[0].pk]}
    elif changes.get("recipients") == "foreign":
        changes = {"recipients": [world_b.report.pk]}
    elif changes.get("values") == "archived":
        value = value_of(world_a)
        with world_a.scope():
            value_services.archive_value(actor=world_a.hr, value=value)
        changes = {"values": [value.pk]}
    before = state(world_a)
    data = _form(world_a)
    data.update(changes)
    data = {key: value for key, value in data.items() if value is not None}
    response = signed_in_client(world_a.member).post(org_url("recognition:give"), data)
    assert response.status_code == 400
    page = html_of(response)
    assert expected in page
    assert 'class="errorlist"' in page
    assert MESSAGE in page or case == "empty_message"  # what was written is kept
    assert state(world_a) == before


def test_the_nudge_answers_while_writing_and_updates_the_points_summary(world_a):
    client = signed_in_client(world_a.member)
    vague = client.post(
        org_url("recognition:nudge"),
        {"message": "Great job!", "points_each": "30", "recipients": [world_a.report.pk, 7]},
        headers=HX,
    )
    page = html_of(vague)
    assert 'data-hint="no_deed"' in page and 'data-hint="no_why"' in page
    assert 'id="points-summary"' in page and 'hx-swap-oob="true"' in page
    assert "2 people × 30 = 60 of the 100 points you have left this month." in page
    over = html_of(
        client.post(
            org_url("recognition:nudge"),
            {"message": MESSAGE, "points_each": "60", "recipients": [world_a.report.pk, 7]},
            headers=HX,
        )
    )
    assert "Specific: it says what they did and why it mattered." in over
    assert "is 120 points, but you have 100 left" in over and "is-over" in over


# --- the API ------------------------------------------------------------------------------------


def _body(world, **changes) -> dict:
    body = {
        "recipients": [world.report.pk],
        "message": MESSAGE,
        "kind": kind_named(world).pk,
        "values": [value_of(world).pk],
        "points_each": 5,
    }
    body.update(changes)
    return body


def test_giving_through_the_api(world_a, api_as):
    response = api_as(world_a.member).post(
        org_url("api:recognition-list"),
        _body(world_a, recipients=[world_a.report.pk, world_a.manager.pk]),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["giver"] == {"id": world_a.member.pk, "name": world_a.member.name}
    assert {r["id"] for r in body["recipients"]} == {world_a.report.pk, world_a.manager.pk}
    assert body["kind"]["name"] == "Collaboration"
    assert body["values"] == [
        {"id": value_of(world_a).pk, "name": "Better together", "emoji": "🤝"}
    ]
    assert body["points_each"] == 5
    assert body["reactions"] == [] and body["comment_count"] == 0


@pytest.mark.parametrize(
    ("case", "field", "code"),
    [
        ("yourself", "recipients", "invalid"),
        ("deactivated", "recipients", "invalid"),
        ("other_org", "recipients", "does_not_exist"),
        ("nobody", "recipients", "invalid"),
        ("empty_message", "message", "invalid"),
        ("archived_value", "values", "invalid"),
        ("foreign_kind", "kind", "does_not_exist"),
        ("over_allowance", "points_each", "over_allowance"),
        ("negative_points", "points_each", "min_value"),
    ],
)
def test_bad_input_through_the_api_is_a_400_and_changes_nothing(
    case, field, code, world_a, world_b, api_as
):
    from .wall_world import people

    changes = {
        "yourself": {"recipients": [world_a.member.pk]},
        "other_org": {"recipients": [world_b.report.pk]},
        "nobody": {"recipients": []},
        "empty_message": {"message": ""},
        "foreign_kind": {"kind": kind_named(world_b).pk},
        "over_allowance": {"points_each": 101},
        "negative_points": {"points_each": -1},
    }.get(case, {})
    if case == "deactivated":
        changes = {"recipients": [people(world_a, 1, is_active=False)[0].pk]}
    if case == "archived_value":
        value = value_of(world_a)
        with world_a.scope():
            value_services.archive_value(actor=world_a.hr, value=value)
    before = state(world_a)
    response = api_as(world_a.member).post(
        org_url("api:recognition-list"), _body(world_a, **changes), format="json"
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"][field][0]["code"] == code
    assert state(world_a) == before


def test_the_api_nudge(world_a, api_as):
    response = api_as(world_a.member).post(
        org_url("api:recognition-nudge"), {"message": "You're so helpful!"}, format="json"
    )
    assert [hint["code"] for hint in response.json()["hints"]] == ["traits_only", "no_why"]


def test_values_of_the_other_organization_are_not_offered_or_accepted(world_a, world_b, api_as):
    value_of(world_b)
    with scopes_disabled():
        assert CompanyValue.objects.filter(organization=world_b.organization).exists()
    page = html_of(signed_in_client(world_a.member).get(org_url("recognition:give")))
    assert "Better together" not in page
