"""The assessments and readiness API: who reads and writes what (404 otherwise), the
error envelope for bad input with nothing changed, and fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advancement.models import Assessment, AssessmentAnswer, CriterionNarrative

from .readiness_world import complete, next_criterion_of, start

pytestmark = pytest.mark.django_db

ROLES = ("owner", "hr", "manager", "report", "member")
CHAIN = {"owner": 200, "hr": 200, "manager": 200, "report": 200, "member": 404}


def api(path, slug="alpha"):
    return f"/api/v1/orgs/{slug}/{path}"


def answers(world, rating):
    from advancement.services.assessments import criteria_of

    with world.scope():
        found = Assessment.objects.select_related("version").get()
        return [
            {"criterion_id": c["id"], "rating": rating, "comment": "Why."}
            for _level, c in criteria_of(found)
        ]


@pytest.mark.parametrize("role", ROLES)
def test_reading_readiness_by_role(role, world_a, api_as):
    response = api_as(getattr(world_a, role)).get(api(f"readiness/{world_a.report.pk}/"))
    assert response.status_code == CHAIN[role]
    if response.status_code == 200:
        body = response.json()
        assert body["target_level"]["code"] == "L2"
        assert [c["expectation"] for c in body["criteria"]] == [
            "Designs systems.",
            "Mentors others.",
        ]
        assert body["totals"]["evidence"] == 1


def test_another_organization_reads_nothing(world_a, world_b, api_as):
    client = api_as(world_b.hr)
    assert client.get(api(f"readiness/{world_a.report.pk}/")).status_code == 404
    assert client.get(api(f"readiness/{world_a.report.pk}/", "beta")).status_code == 404
    assessment = complete(world_a)
    assert client.get(api(f"assessments/{assessment.pk}/", "beta")).status_code == 404
    assert client.get(api(f"assessments/?subject={world_a.report.pk}", "beta")).status_code == 404


def test_an_inverted_period_is_a_400_envelope(world_a, api_as):
    response = api_as(world_a.report).get(
        api("readiness/mine/"), {"since": "2026-05-01", "until": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "starts after it ends" in response.json()["error"]["message"]
    bad = api_as(world_a.report).get(api("readiness/mine/"), {"since": "yesterday"})
    assert bad.status_code == 400 and "since" in bad.json()["error"]["fields"]


def test_no_next_level_is_404_with_a_reason(world_a, api_as):
    response = api_as(world_a.member).get(api("readiness/mine/"))
    assert response.status_code == 404
    assert "No next level" in response.json()["error"]["message"]


def test_assess_through_the_api_sides_stay_private_until_both_submit(world_a, api_as):
    started = api_as(world_a.manager).post(
        api("assessments/"), {"subject": world_a.report.pk}, format="json"
    )
    assert started.status_code == 201
    pk, version = started.json()["id"], started.json()["version"]
    saved = api_as(world_a.report).post(
        api(f"assessments/{pk}/answers/"),
        {"version": version, "answers": answers(world_a, "beyond"), "submit": True},
        format="json",
    )
    assert saved.status_code == 200
    manager_view = api_as(world_a.manager).get(api(f"assessments/{pk}/")).json()
    sides = {r["perspective"]: r for r in manager_view["responses"]}
    assert sides["self"]["submitted_at"] and sides["self"]["answers"] is None
    assert api_as(world_a.owner).get(api(f"assessments/{pk}/")).status_code == 404
    api_as(world_a.manager).post(
        api(f"assessments/{pk}/answers/"),
        {"version": version, "answers": answers(world_a, "partly")},
        format="json",
    )
    done = api_as(world_a.manager).post(
        api(f"assessments/{pk}/submit/"), {"version": version}, format="json"
    )
    assert done.status_code == 200 and done.json()["completed_at"]
    owner_view = api_as(world_a.owner).get(api(f"assessments/{pk}/")).json()
    ratings = {
        r["perspective"]: {a["rating"] for a in r["answers"]} for r in owner_view["responses"]
    }
    assert ratings == {"self": {"beyond"}, "manager": {"partly"}}
    listed = api_as(world_a.hr).get(api(f"assessments/?subject={world_a.report.pk}")).json()
    assert [row["id"] for row in listed["results"]] == [pk]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (lambda a: {"version": 9, "answers": a}, None, "Stale framework version"),
        (
            lambda a: {"version": 1, "answers": [{**a[0], "rating": "great"}]},
            "answers",
            "not a valid choice",
        ),
        (
            lambda a: {"version": 1, "answers": [{**a[0], "criterion_id": 99999}]},
            None,
            "is not one of this assessment's criteria",
        ),
        (lambda a: {"version": 1, "answers": a[:1], "submit": True}, None, "Rate every criterion"),
    ],
)
def test_bad_answers_are_400_and_change_nothing(payload, field, message, world_a, api_as):
    assessment = start(world_a)
    body = payload(answers(world_a, "partly"))
    response = api_as(world_a.report).post(
        api(f"assessments/{assessment.pk}/answers/"), body, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert message in (str(error["fields"][field]) if field else error["message"])
    with world_a.scope():
        assert not AssessmentAnswer.objects.exists()


def test_submitting_twice_is_a_400(world_a, api_as):
    assessment = start(world_a)
    client = api_as(world_a.report)
    path = api(f"assessments/{assessment.pk}/answers/")
    client.post(
        path, {"version": 1, "answers": answers(world_a, "partly"), "submit": True}, format="json"
    )
    again = client.post(api(f"assessments/{assessment.pk}/submit/"), {"version": 1}, format="json")
    assert again.status_code == 400
    assert (
        again.json()["error"]["message"]
        == "You already submitted your side: it can no longer change."
    )


@pytest.mark.parametrize("role", ("owner", "hr", "member"))
def test_only_the_two_authors_start_or_write(role, world_a, api_as):
    client = api_as(getattr(world_a, role))
    started = client.post(api("assessments/"), {"subject": world_a.report.pk}, format="json")
    assert started.status_code == 404
    assessment = start(world_a)
    written = client.post(
        api(f"assessments/{assessment.pk}/answers/"),
        {"version": 1, "answers": answers(world_a, "partly")},
        format="json",
    )
    assert written.status_code == 404
    with world_a.scope():
        assert not AssessmentAnswer.objects.exists()


def test_narratives_and_marks(world_a, api_as):
    criterion = next_criterion_of(world_a)
    client = api_as(world_a.report)
    saved = client.post(
        api("readiness-narratives/"),
        {"criterion_id": criterion, "body": "I led it."},
        format="json",
    )
    assert saved.status_code == 200 and saved.json() == {
        "criterion_id": criterion,
        "body": "I led it.",
    }
    too_long = client.post(
        api("readiness-narratives/"), {"criterion_id": criterion, "body": "x" * 1501}, format="json"
    )
    assert too_long.status_code == 400 and "body" in too_long.json()["error"]["fields"]
    ref = f"feedback:{world_a.feedback.feedback.pk}"
    hidden = client.post(
        api("readiness-marks/"), {"item_ref": ref, "action": "hide", "on": True}, format="json"
    )
    assert hidden.status_code == 200 and hidden.json()["on"] is True
    mine = client.get(api("readiness/mine/")).json()["criteria"][0]
    assert mine["narrative"] == "I led it." and mine["evidence"][0]["hidden"] is True
    theirs = api_as(world_a.manager).get(api(f"readiness/{world_a.report.pk}/")).json()
    assert theirs["criteria"][0]["evidence"] == []
    bad = client.post(
        api("readiness-marks/"),
        {"item_ref": "feedback:0", "action": "pin", "on": True},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["message"] == "That item is not part of your evidence."
    with world_a.scope():
        assert CriterionNarrative.objects.count() == 1


def test_readiness_api_holds_its_query_count(world_a, api_as):
    from .test_readiness import add_feedback

    complete(world_a)
    client = api_as(world_a.manager)
    path = api(f"readiness/{world_a.report.pk}/")
    client.get(path)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    add_feedback(world_a, 200)
    with CaptureQueriesContext(connection) as large:
        assert client.get(path).json()["totals"]["evidence"] == 201
    assert len(small) == len(large)


def test_assessment_list_holds_its_query_count(world_a, api_as):
    complete(world_a)
    client = api_as(world_a.hr)
    path = api(f"assessments/?subject={world_a.report.pk}")
    client.get(path)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(path).json()["results"]) == 1
    for _ in range(3):
        complete(world_a)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(path).json()["results"]) == 4
    assert len(small) == len(large)
