"""The promotion API: rounds (HR writes, everyone lists the rounds they may nominate in),
cases through every state, endorsements, decisions and outcomes. Bad input answers 400
with the envelope and nothing changed; what a person may not read answers 404."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advancement.models import Case, CaseState, Round
from perfapp.timezones import local_today

from ..helpers import api_error, org_url
from .promotion_world import open_round, promotion_of
from .test_promotion_pages import _submitted_cases


def case_row(pk: int) -> tuple:
    row = Case.objects.get(pk=pk)
    return (row.state, row.summary, row.decision, row.rationale, row.lock_version)


def test_hr_creates_a_round_and_bad_input_is_400(world_a, api_as):
    client = api_as(world_a.hr)
    today = local_today(world_a.hr)
    body = {
        "name": "Autumn",
        "opens_on": str(today),
        "closes_on": str(today - timedelta(days=1)),
        "tracks": [world_a.framework.track.pk],
    }
    error = api_error(client.post(org_url("api:promotion-round-list"), body, format="json"))
    assert error["fields"]["closes_on"][0]["message"].startswith("The round closes before")
    with world_a.scope():
        assert not Round.objects.exists()
    body["closes_on"] = str(today + timedelta(days=20))
    created = client.post(org_url("api:promotion-round-list"), body, format="json")
    assert created.status_code == 201
    assert created.json()["tracks"] == [
        {"id": world_a.framework.track.pk, "name": world_a.framework.track.name}
    ]
    assert (
        api_as(world_a.manager)
        .post(org_url("api:promotion-round-list"), body, format="json")
        .status_code
        == 404
    )


def test_everyone_lists_only_the_open_rounds_they_may_nominate_in(world_a, api_as):
    with world_a.scope():
        open_round(world_a)
    assert (
        len(api_as(world_a.manager).get(org_url("api:promotion-round-list")).json()["results"]) == 1
    )
    assert api_as(world_a.member).get(org_url("api:promotion-round-list")).json()["results"] == []


def test_a_case_through_the_api(world_a, api_as):
    with world_a.scope():
        round_ = open_round(world_a)
    manager = api_as(world_a.manager)
    wrong = manager.post(
        org_url("api:promotion-case-list"),
        {
            "round": round_.pk,
            "subject": world_a.report.pk,
            "target_level": world_a.framework.level.pk,
        },
        format="json",
    )
    assert "next level only" in api_error(wrong)["fields"]["target_level"][0]["message"]
    with world_a.scope():
        assert not Case.objects.exists()
    created = manager.post(
        org_url("api:promotion-case-list"),
        {"round": round_.pk, "subject": world_a.report.pk, "summary": "Ready."},
        format="json",
    )
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["state"] == "draft" and case["target_level_label"] == "L2 Senior"
    second = manager.post(
        org_url("api:promotion-case-list"),
        {"round": round_.pk, "subject": world_a.report.pk},
        format="json",
    )
    assert "already has a case" in api_error(second)["message"]
    stale = manager.patch(
        org_url("api:promotion-case-detail", pk=case["id"]),
        {"summary": "New", "lock_version": case["lock_version"] + 5},
        format="json",
    )
    assert "changed meanwhile" in api_error(stale)["message"]
    submitted = manager.post(
        org_url("api:promotion-case-submit", pk=case["id"]),
        {"lock_version": case["lock_version"]},
        format="json",
    )
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["packet"]["target_level"]["code"] == "L2"
    hr = api_as(world_a.hr)
    moved = hr.post(
        org_url("api:promotion-case-calibrate", pk=case["id"]),
        {"lock_version": submitted.json()["lock_version"]},
        format="json",
    )
    assert moved.json()["state"] == "calibration"
    lock = moved.json()["lock_version"]
    with world_a.scope():
        before = case_row(case["id"])
    no_rationale = hr.post(
        org_url("api:promotion-case-decide", pk=case["id"]),
        {"decision": "promoted", "rationale": "", "lock_version": lock},
        format="json",
    )
    assert api_error(no_rationale)["fields"]["rationale"][0]["message"].startswith(
        "Write the rationale"
    )
    with world_a.scope():
        assert case_row(case["id"]) == before
    decided = hr.post(
        org_url("api:promotion-case-decide", pk=case["id"]),
        {"decision": "promoted", "rationale": "Operates at L2.", "lock_version": lock},
        format="json",
    )
    assert decided.json()["decision"] == "promoted"
    again = hr.post(
        org_url("api:promotion-case-decide", pk=case["id"]),
        {"decision": "not_yet", "rationale": "No.", "lock_version": decided.json()["lock_version"]},
        format="json",
    )
    assert "cannot be changed" in api_error(again)["message"]
    # The subject reads it; a peer finds nothing.
    mine = api_as(world_a.report).get(org_url("api:promotion-case-detail", pk=case["id"]))
    assert mine.json()["rationale"] == "Operates at L2."
    assert (
        api_as(world_a.member).get(org_url("api:promotion-case-detail", pk=case["id"])).status_code
        == 404
    )


def test_malformed_input_is_400(world_a, api_as):
    promotion = promotion_of(world_a)
    hr = api_as(world_a.hr)
    response = hr.post(
        org_url("api:promotion-case-decide", pk=promotion.case.pk),
        {"decision": "maybe", "rationale": "x"},
        format="json",
    )
    fields = api_error(response)["fields"]
    assert set(fields) == {"decision", "lock_version"}


def test_endorsers_list_and_write_only_their_own(world_a, api_as):
    promotion = promotion_of(world_a)
    endorser = api_as(promotion.endorser)
    rows = endorser.get(org_url("api:endorsement-list")).json()["results"]
    assert [row["id"] for row in rows] == [promotion.endorsement.pk]
    assert api_as(world_a.member).get(org_url("api:endorsement-list")).json()["results"] == []
    empty = api_as(promotion.endorser).post(
        org_url("api:endorsement-write", pk=promotion.endorsement.pk), {"body": ""}, format="json"
    )
    assert api_error(empty)["fields"]["body"]
    written = api_as(promotion.endorser).post(
        org_url("api:endorsement-write", pk=promotion.endorsement.pk),
        {"body": "Yes."},
        format="json",
    )
    assert written.json()["body"] == "Yes."
    assert (
        api_as(world_a.report)
        .get(org_url("api:endorsement-detail", pk=promotion.endorsement.pk))
        .status_code
        == 404
    )
    assert (
        api_as(world_a.member)
        .post(
            org_url("api:endorsement-write", pk=promotion.endorsement.pk),
            {"body": "Hi"},
            format="json",
        )
        .status_code
        == 404
    )


def test_outcomes_for_everyone(world_a, api_as):
    data = api_as(world_a.member).get(org_url("api:promotion-outcomes-list")).json()
    assert data["min_group"] == 5
    assert [row["code"] for row in data["levels"]] == ["L1", "L2"]
    assert all(row["promoted"] is None for row in data["levels"])


@pytest.mark.parametrize("viewer", ["hr", "calibrator"])
def test_the_case_list_holds_its_query_budget(viewer, world_a, api_as, django_assert_num_queries):
    promotion = promotion_of(world_a)
    client = api_as(getattr(promotion, viewer, None) or getattr(world_a, viewer))
    with world_a.scope():
        _submitted_cases(world_a, promotion.round, 4)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(org_url("api:promotion-case-list")).json()["results"]) == 5
    with world_a.scope():
        _submitted_cases(world_a, promotion.round, 60)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(org_url("api:promotion-case-list"))
    with world_a.scope():
        assert Case.objects.filter(state=CaseState.SUBMITTED).count() > 5
