"""Assessments and readiness in the browser: who may open what (everyone else 404),
independent sides, the side-by-side view, marks and narratives, bad input."""

import re

import pytest

from advancement.models import Assessment, AssessmentAnswer, CriterionNarrative, EvidenceMark
from feedback.models import Feedback, Visibility
from feedback.services import giving as feedback_services

from ..helpers import html_of, org_url
from .readiness_world import complete, start

pytestmark = pytest.mark.django_db

ROLES = ("owner", "hr", "manager", "report", "member")  # the owner is the skip-level


def next_criteria(world):
    from advancement.services.readiness import next_level_criteria

    with world.scope():
        return next_level_criteria(world.report)


CHAIN = {"owner": 200, "hr": 200, "manager": 200, "report": 200, "member": 404}
AUTHORS = {"owner": 404, "hr": 404, "manager": 200, "report": 200, "member": 404}
EVERYONE = dict.fromkeys(ROLES, 200)

# name -> (kwargs from the world, GET status per role)
PAGES = {
    "readiness_mine": (lambda w: {}, EVERYONE),
    "readiness": (lambda w: {"member_id": w.report.pk}, CHAIN),
    "assessments_mine": (lambda w: {}, EVERYONE),
    "assessments": (lambda w: {"member_id": w.report.pk}, CHAIN),
    "assessment": (lambda w: {"pk": complete(w).pk}, CHAIN),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages_by_role(name, role, world_a, login):
    kwargs, statuses = PAGES[name]
    address = org_url(f"advancement:{name}", **kwargs(world_a))
    assert login(getattr(world_a, role)).get(address).status_code == statuses[role]


@pytest.mark.parametrize("role", ROLES)
def test_an_open_assessment_is_for_its_two_authors_only(role, world_a, login):
    assessment = start(world_a)
    response = login(getattr(world_a, role)).get(
        org_url("advancement:assessment", pk=assessment.pk)
    )
    assert response.status_code == AUTHORS[role]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_another_organization_finds_nothing(name, world_a, world_b, login):
    kwargs = PAGES[name][0](world_a)
    client = login(world_b.hr)
    assert client.get(org_url(f"advancement:{name}", **kwargs)).status_code == 404
    if kwargs:  # world_a's ids under world_b's own slug
        assert client.get(org_url(f"advancement:{name}", org="beta", **kwargs)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_starting_an_assessment_by_role(role, world_a, login):
    response = login(getattr(world_a, role)).post(
        org_url("advancement:assessment_start", member_id=world_a.report.pk)
    )
    assert response.status_code == (302 if AUTHORS[role] == 200 else 404)
    with world_a.scope():
        assert Assessment.objects.exists() == (AUTHORS[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_discarding_an_open_assessment_by_role(role, world_a, login):
    assessment = start(world_a)
    response = login(getattr(world_a, role)).post(
        org_url("advancement:assessment_discard", pk=assessment.pk)
    )
    assert response.status_code == (302 if AUTHORS[role] == 200 else 404)
    with world_a.scope():
        assert Assessment.objects.exists() == (AUTHORS[role] != 200)


def form_data(world, assessment, rating, intent="save", version=None):
    from advancement.services.assessments import criteria_of

    with world.scope():
        pairs = criteria_of(Assessment.objects.select_related("version").get(pk=assessment.pk))
    data = {"version": version or 1, "intent": intent}
    for _level, criterion in pairs:
        data[f"rating_{criterion['id']}"] = rating
        data[f"comment_{criterion['id']}"] = f"{rating} because."
    return data


def test_both_sides_write_then_read_side_by_side(world_a, login, client):
    assessment = start(world_a)
    page = org_url("advancement:assessment", pk=assessment.pk)
    login(world_a.report)
    response = client.post(page, form_data(world_a, assessment, "beyond", "submit"))
    assert response.status_code == 302
    login(world_a.manager)
    waiting = html_of(client.get(page))
    assert "The other side is submitted." in waiting
    assert "beyond because." not in waiting  # the report's side stays private
    client.post(page, form_data(world_a, assessment, "partly", "submit"))
    shown = html_of(client.get(page))
    assert "Side by side" in shown and "beyond because." in shown and "partly because." in shown
    assert shown.count("Differs by 2 steps") == 3
    login(world_a.owner)
    assert "Differs by 2 steps" in html_of(client.get(page))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version=0) or d, "framework version is missing or wrong"),
        (lambda d: d.update(version=7) or d, "Stale framework version"),
        (
            lambda d: d.update({k: "excellent" for k in d if k.startswith("rating_")}) or d,
            "Select a valid choice.",
        ),
    ],
)
def test_bad_assessment_forms_show_the_error_and_save_nothing(change, message, world_a, login):
    assessment = start(world_a)
    response = login(world_a.report).post(
        org_url("advancement:assessment", pk=assessment.pk),
        change(form_data(world_a, assessment, "partly")),
    )
    assert response.status_code == 400
    assert message in html_of(response)
    with world_a.scope():
        assert not AssessmentAnswer.objects.exists()


def test_submitting_a_locked_side_again_changes_nothing(world_a, login):
    assessment = start(world_a)
    client = login(world_a.report)
    page = org_url("advancement:assessment", pk=assessment.pk)
    client.post(page, form_data(world_a, assessment, "partly", "submit"))
    response = client.post(page, form_data(world_a, assessment, "beyond", "submit"), follow=True)
    assert "it can no longer change" in html_of(response)
    with world_a.scope():
        assert set(AssessmentAnswer.objects.values_list("rating", flat=True)) == {"partly"}


def test_the_readiness_page_shows_criteria_evidence_gaps_and_the_chart(world_a, login):
    complete(world_a)
    page = html_of(
        login(world_a.manager).get(org_url("advancement:readiness", member_id=world_a.report.pk))
    )
    assert f"{world_a.report.name}'s readiness for L2 Senior" in page
    assert "Designs systems." in page and "Mentors others." in page
    assert "Praise from" in page  # the shared feedback, under craft
    assert "Weak evidence" in page and "No evidence" in page
    assert "Ratings differ" in page
    assert '<svg class="chart"' in page and "Show as a table" in page
    assert "What the development plan does about it" in page
    assert "Save narrative" not in page  # only the person writes


def test_a_reports_career_pages_never_read_as_the_managers_own(world_a, login):
    """The manager on their report's readiness and assessments sees tabs about the report,
    not "My career / Readiness" marked as if the page were their own."""

    def current_tab(page: str) -> list[str]:
        tabs = re.search(r'<nav class="tabs".*?</nav>', page, re.S).group(0)
        return re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', tabs)

    manager = login(world_a.manager)
    name = world_a.report.name
    for page_name in ("readiness", "assessments"):
        page = html_of(
            manager.get(org_url(f"advancement:{page_name}", member_id=world_a.report.pk))
        )
        assert current_tab(page) == [f"{name}'s {page_name}"]
        assert ">My career</a>" not in page and ">Your own career</a>" in page
    own = html_of(login(world_a.report).get(org_url("advancement:readiness_mine")))
    assert current_tab(own) == ["Readiness"]
    assert ">Your assessments</a>" in own


def test_an_inverted_period_is_a_clear_error(world_a, login):
    response = login(world_a.report).get(
        org_url("advancement:readiness_mine"), {"since": "2026-05-01", "until": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "The period starts after it ends" in html_of(response)


def test_the_person_attaches_private_feedback_and_the_manager_sees_only_that_it_exists(
    world_a, login
):
    with world_a.scope():
        note = feedback_services.give_feedback(
            author=world_a.member,
            recipient=world_a.report,
            kind="constructive",
            situation="Only for you: the rollout notes were thin.",
            impact="",
            visibility=Visibility.PRIVATE,
            competencies=[world_a.framework.competency],
        )
    manager_page = org_url("advancement:readiness", member_id=world_a.report.pk)
    assert "rollout notes were thin" not in html_of(login(world_a.manager).get(manager_page))
    mine = html_of(login(world_a.report).get(org_url("advancement:readiness_mine")))
    assert "Private feedback you could attach (1)" in mine
    criterion = next_criteria(world_a)[0]["id"]
    response = login(world_a.report).post(
        org_url("advancement:readiness_mark"),
        {
            "item_ref": f"feedback:{note.pk}",
            "action": "attach",
            "on": "1",
            "criterion_id": criterion,
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "rollout notes were thin" in html_of(response)
    # Written for the report alone: it counts as evidence, its words stay with the two.
    manager_sees = html_of(login(world_a.manager).get(manager_page))
    assert "rollout notes were thin" not in manager_sees
    assert f"Feedback from a colleague, shared only with {world_a.report.name}" in manager_sees


def test_hiding_an_item_keeps_it_from_the_manager(world_a, login):
    ref = f"feedback:{world_a.feedback.feedback.pk}"
    criterion = next_criteria(world_a)[0]["id"]
    response = login(world_a.report).post(
        org_url("advancement:readiness_mark"),
        {"item_ref": ref, "action": "hide", "on": "1", "criterion_id": criterion},
    )
    assert response.status_code == 302
    assert "Hidden from others" in html_of(
        login(world_a.report).get(org_url("advancement:readiness_mine"))
    )
    page = html_of(
        login(world_a.manager).get(org_url("advancement:readiness", member_id=world_a.report.pk))
    )
    assert "Praise from" not in page


def test_a_mark_on_someone_elses_item_is_refused(world_a, login):
    response = login(world_a.member).post(
        org_url("advancement:readiness_mark"),
        {"item_ref": f"feedback:{world_a.feedback.feedback.pk}", "action": "pin", "on": "1"},
        follow=True,
    )
    assert "not part of your evidence" in html_of(response)
    with world_a.scope():
        assert not EvidenceMark.objects.exists()


def test_narratives_by_htmx_with_clear_errors(world_a, login):
    criterion = next_criteria(world_a)[0]["id"]
    client = login(world_a.report)
    address = org_url("advancement:readiness_narrative", criterion_id=criterion)
    saved = client.post(
        address, {"body": "I designed the billing service."}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200 and "I designed the billing service." in html_of(saved)
    too_long = client.post(address, {"body": "x" * 1501}, headers={"HX-Request": "true"})
    assert too_long.status_code == 400
    assert "at most 1500 characters" in html_of(too_long)
    with world_a.scope():
        assert list(CriterionNarrative.objects.values_list("body", flat=True)) == [
            "I designed the billing service."
        ]
    assert "I designed the billing service." in html_of(
        login(world_a.manager).get(org_url("advancement:readiness", member_id=world_a.report.pk))
    )


@pytest.mark.parametrize("role", ("owner", "hr", "manager", "member"))
def test_nobody_else_writes_a_narrative(role, world_a, login):
    criterion = next_criteria(world_a)[0]["id"]
    response = login(getattr(world_a, role)).post(
        org_url("advancement:readiness_narrative", criterion_id=criterion),
        {"body": "Not mine to write."},
    )
    assert response.status_code == 404  # not one of *their* next level's criteria
    with world_a.scope():
        assert not CriterionNarrative.objects.exists()


def test_the_readiness_page_holds_its_query_count(world_a, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .test_readiness import add_feedback

    complete(world_a)
    client = login(world_a.report)
    client.get(org_url("advancement:readiness_mine"))  # warm caches (session, etc.)
    with CaptureQueriesContext(connection) as small:
        assert client.get(org_url("advancement:readiness_mine")).status_code == 200
    add_feedback(world_a, 200)
    with CaptureQueriesContext(connection) as large:
        response = client.get(org_url("advancement:readiness_mine"))
    assert html_of(response).count("Evidence 1") >= 1
    assert len(small) == len(large)


def teamwork_criterion(world) -> int:
    """The next level's criterion for teamwork, which ``add_feedback`` tags."""
    return next(
        c["id"]
        for c in next_criteria(world)
        if c["competency_id"] == world.framework.other_competency.pk
    )


def test_a_long_evidence_list_shows_the_newest_ten_and_the_rest_on_demand(world_a, login):
    from advancement.selectors.readiness import EVIDENCE_LISTED

    from .test_readiness import add_feedback

    add_feedback(world_a, 14)  # teamwork, shared with the manager
    teamwork = teamwork_criterion(world_a)
    client = login(world_a.manager)
    address = org_url("advancement:readiness", member_id=world_a.report.pk)
    page = html_of(client.get(address))
    assert len(re.findall(r"Evidence \d+", page)) == EVIDENCE_LISTED == 10
    assert "Show all 14 items for" in page and "(4 more)" in page
    assert f"all={teamwork}#criterion-{teamwork}" in page
    everything = html_of(client.get(address, {"all": teamwork, "since": "2025-12-01"}))
    assert len(re.findall(r"Evidence \d+", everything)) == 14
    assert "Show all 14 items" not in everything
    for unknown in ("x", "999999", ""):  # not a criterion of this page: the list stays short
        shown = html_of(client.get(address, {"all": unknown}))
        assert len(re.findall(r"Evidence \d+", shown)) == 10
    # The period chosen survives in the link.
    assert "since=2025-12-01&all=" in html_of(client.get(address, {"since": "2025-12-01"}))


def test_marking_an_item_of_a_list_open_in_full_keeps_it_open(world_a, login):
    from .test_readiness import add_feedback

    add_feedback(world_a, 14)
    teamwork = teamwork_criterion(world_a)
    client = login(world_a.report)
    with world_a.scope():
        newest = Feedback.objects.filter(situation="Evidence 13").get()
    mark = {
        "item_ref": f"feedback:{newest.pk}",
        "action": "pin",
        "on": "1",
        "criterion_id": teamwork,
    }
    folded = client.post(
        org_url("advancement:readiness_mark"), mark, headers={"HX-Request": "true"}
    )
    assert len(re.findall(r"Evidence \d+", html_of(folded))) == 10
    opened = client.post(
        org_url("advancement:readiness_mark"),
        {**mark, "on": "", "all": teamwork},
        headers={"HX-Request": "true"},
    )
    assert len(re.findall(r"Evidence \d+", html_of(opened))) == 14
    redirected = client.post(org_url("advancement:readiness_mark"), {**mark, "all": teamwork})
    assert redirected["Location"].endswith(f"?all={teamwork}#criterion-{teamwork}")


def test_an_open_rounds_calibration_group_reads_its_cases_readiness(world_a, login, api_as):
    from django.utils import timezone

    from advancement.models import Round

    from .promotion_world import promotion_of

    promotion = promotion_of(world_a)
    page = org_url("advancement:readiness", member_id=world_a.report.pk)
    path = f"/api/v1/orgs/alpha/readiness/{world_a.report.pk}/"
    assert login(promotion.calibrator).get(page).status_code == 200
    assert api_as(promotion.calibrator).get(path).status_code == 200
    # Not a calibrator: the endorser; and not a person without a case in the round.
    assert login(promotion.endorser).get(page).status_code == 404
    other = org_url("advancement:readiness", member_id=world_a.member.pk)
    assert login(promotion.calibrator).get(other).status_code == 404
    with world_a.scope():
        Round.objects.filter(pk=promotion.round.pk).update(closed_at=timezone.now())
    assert login(promotion.calibrator).get(page).status_code == 404


def test_the_assessment_history_holds_its_query_count(world_a, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    complete(world_a)
    client = login(world_a.owner)
    page = org_url("advancement:assessments", member_id=world_a.report.pk)
    client.get(page)
    with CaptureQueriesContext(connection) as small:
        assert html_of(client.get(page)).count("Complete</span>") == 1
    for _ in range(4):
        complete(world_a)
    with CaptureQueriesContext(connection) as large:
        assert html_of(client.get(page)).count("Complete</span>") == 5
    assert len(small) == len(large)
