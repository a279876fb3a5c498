"""Evidence shows only what its audience allows, to every reader of readiness and of a
promotion case's packet, on pages and in the API.

Feedback shared "with the recipient and their manager" is read in full by the recipient,
their manager and whoever wrote it; HR, the owner, a skip-level manager and a calibration
group member read a placeholder without its words or its author. The same holds for
private feedback the recipient attached (the recipient and its writer only), private
goals (the plan's two people) and a stretch assignment's outcome (the person, its owner
and HR), and for a packet frozen with text, whatever it holds.
"""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from advancement.evidence import Audience, EvidenceItem, Reader, read_by
from advancement.models import Case
from development.models import DevelopmentPlan, Goal, GoalStatus, GoalVisibility
from feedback.models import Visibility
from feedback.services import giving as feedback_services
from perfapp.orgs.models import Membership

from ..factories import MembershipFactory, UserFactory
from ..helpers import html_of
from .promotion_world import promotion_of

pytestmark = pytest.mark.django_db

SHARED_TEXT = "You calmed the incident room and wrote the timeline as it happened"
PRIVATE_TEXT = "Only between us: your launch email went out with the wrong date"
CALIBRATOR_TEXT = "Your design review saved the storage team a quarter"


def readiness_page(world) -> str:
    return reverse(
        "advancement:readiness", kwargs={"org_slug": "alpha", "member_id": world.report.pk}
    )


def readiness_api(world) -> str:
    return f"/api/v1/orgs/alpha/readiness/{world.report.pk}/"


def person(world, name: str, **extra) -> Membership:
    return MembershipFactory(organization=world.organization, user=UserFactory(name=name), **extra)


@pytest.fixture
def readers(world_a):
    """A skip-level director between the owner and the manager; Dana, a colleague, who
    gives the report feedback shared with the manager; an open round whose calibration
    group (the calibrator) reads the report's case, frozen after Dana's feedback."""
    world = world_a
    director = person(world, "Dolores Director", job_title="Director", manager=world.owner)
    dana = person(world, "Dana Okafor", team=world.team)
    with world.scope():
        Membership.objects.filter(pk=world.manager.pk).update(manager=director)
        world.manager.refresh_from_db()
        world.report.refresh_from_db()
        feedback_services.give_feedback(
            author=dana,
            recipient=world.report,
            kind="constructive",
            situation=SHARED_TEXT,
            impact="",
            visibility=Visibility.WITH_MANAGER,
            competencies=[world.framework.competency],
        )
    promotion = promotion_of(world)
    world.director, world.dana, world.promotion = director, dana, promotion
    return world


def placeholder(world) -> str:
    return f"Feedback from a colleague, shared with {world.report.name} and their manager"


OUTSIDE = ("hr", "owner", "director", "calibrator")
INSIDE = ("report", "manager")


def reader(world, role: str) -> Membership:
    if role == "calibrator":
        return world.promotion.calibrator
    return getattr(world, role)


@pytest.mark.parametrize("role", OUTSIDE)
def test_readers_outside_the_audience_see_a_placeholder_on_the_readiness_page(role, readers, login):
    page = html_of(login(reader(readers, role)).get(readiness_page(readers)), status=200)
    assert SHARED_TEXT not in page
    assert readers.dana.name not in page
    assert placeholder(readers) in page


@pytest.mark.parametrize("role", INSIDE)
def test_the_recipient_and_their_manager_read_the_text(role, readers, login):
    client = login(reader(readers, role))
    address = reverse("advancement:readiness_mine", kwargs={"org_slug": "alpha"})
    page = html_of(client.get(address if role == "report" else readiness_page(readers)), status=200)
    assert SHARED_TEXT in page and f"from {readers.dana.name}" in page
    assert "Feedback from a colleague" not in page
    who = "you and your manager" if role == "report" else f"{readers.report.name} and their manager"
    assert f"shared with {who}" in page
    assert "everyone else sees that it is there, not what it says" in page


def _feedback_items(body) -> list[dict]:
    return [
        item
        for criterion in body["criteria"]
        for item in criterion["evidence"]
        if item["source"] == "feedback"
    ]


@pytest.mark.parametrize("role", OUTSIDE)
def test_readers_outside_the_audience_get_a_placeholder_from_the_readiness_api(
    role, readers, api_as
):
    body = api_as(reader(readers, role)).get(readiness_api(readers)).json()
    dana = next(i for i in _feedback_items(body) if i["shared_with"].endswith("their manager"))
    assert dana == {
        **dana,
        "title": placeholder(readers),
        "kind": "feedback",
        "summary": "",
        "url": "",
        "redacted": True,
        "shared_with": f"{readers.report.name} and their manager",
    }
    assert SHARED_TEXT not in str(body) and readers.dana.name not in str(body)


@pytest.mark.parametrize("role", INSIDE)
def test_the_recipient_and_their_manager_read_the_text_in_the_api(role, readers, api_as):
    body = api_as(reader(readers, role)).get(readiness_api(readers)).json()
    items = _feedback_items(body)
    dana = next(i for i in items if SHARED_TEXT in i["summary"])
    assert dana["redacted"] is False and dana["title"] == f"Constructive from {readers.dana.name}"
    assert dana["url"].endswith("/")
    assert not any(i["redacted"] for i in items)


def case_page(world) -> str:
    return reverse(
        "advancement:promotion_case", kwargs={"org_slug": "alpha", "pk": world.promotion.case.pk}
    )


def case_api(world) -> str:
    return f"/api/v1/orgs/alpha/promotion-cases/{world.promotion.case.pk}/"


def _packet_feedback(body) -> list[dict]:
    return [
        item
        for criterion in body["packet"]["criteria"]
        for item in criterion["evidence"]
        if item["source"] == "feedback"
    ]


@pytest.mark.parametrize("role", OUTSIDE)
def test_the_frozen_packet_is_a_placeholder_outside_the_audience(role, readers, login, api_as):
    who = reader(readers, role)
    page = html_of(login(who).get(case_page(readers)), status=200)
    assert placeholder(readers) in page and readers.dana.name not in page
    body = api_as(who).get(case_api(readers)).json()
    dana = [i for i in _packet_feedback(body) if i["shared_with"].endswith("their manager")]
    assert dana and all(i["redacted"] and i["summary"] == "" for i in dana)
    assert SHARED_TEXT not in str(body) and readers.dana.name not in str(body)


@pytest.mark.parametrize("role", INSIDE)
def test_the_frozen_packet_keeps_its_text_for_the_audience(role, readers, login, api_as):
    who = reader(readers, role)
    page = html_of(login(who).get(case_page(readers)), status=200)
    assert f"Constructive from {readers.dana.name}" in page
    body = api_as(who).get(case_api(readers)).json()
    assert any(SHARED_TEXT in i["summary"] for i in _packet_feedback(body))


def test_a_packet_frozen_with_text_is_redacted_when_read(readers, api_as):
    """The packet in the database holds the text and its audience; only reading decides."""
    with readers.scope():
        stored = Case.objects.get(pk=readers.promotion.case.pk).packet
    frozen = [i for c in stored["criteria"] for i in c["evidence"] if i["source"] == "feedback"]
    assert any(SHARED_TEXT in item["summary"] for item in frozen)
    assert all("audience" in item for item in frozen)
    body = api_as(readers.hr).get(case_api(readers)).json()
    assert SHARED_TEXT not in str(body)


def test_a_packet_frozen_before_items_carried_an_audience_is_for_the_subject_only(readers, api_as):
    """Older packets hold feedback without its visibility or writer: only the person it is
    about reads it in full; recognition, public inside the organization, stays readable."""
    with readers.scope():
        case = Case.objects.get(pk=readers.promotion.case.pk)
        packet = case.packet
        for criterion in packet["criteria"]:
            for item in criterion["evidence"]:
                item.pop("audience")
        criterion = packet["criteria"][0]
        criterion["evidence"].append(
            {
                "ref": "recognition:1",
                "source": "recognition",
                "kind": "recognition",
                "title": "Collaboration: recognized by Ann",
                "occurred_at": timezone.now().isoformat(),
                "summary": "Thank you for the pairing.",
                "url": "",
                "pinned": False,
            }
        )
        Case.objects.filter(pk=case.pk).update(packet=packet)
    for who in (readers.manager, readers.hr):
        body = api_as(who).get(case_api(readers)).json()
        assert SHARED_TEXT not in str(body)
        assert "Thank you for the pairing." in str(body)
        old = [i for i in _packet_feedback(body) if i["ref"]]
        assert old and all(i["title"].startswith("Feedback from a colleague") for i in old)
    mine = api_as(readers.report).get(case_api(readers)).json()
    assert SHARED_TEXT in str(mine)


def test_a_reader_who_wrote_an_item_reads_it_and_only_it(readers, api_as):
    calibrator = readers.promotion.calibrator
    with readers.scope():
        feedback_services.give_feedback(
            author=calibrator,
            recipient=readers.report,
            kind="praise",
            situation=CALIBRATOR_TEXT,
            impact="",
            visibility=Visibility.WITH_MANAGER,
            competencies=[readers.framework.competency],
        )
    body = str(api_as(calibrator).get(readiness_api(readers)).json())
    assert CALIBRATOR_TEXT in body and SHARED_TEXT not in body


def test_attached_private_feedback_stays_with_the_recipient_and_its_writer(readers, login):
    """Attaching makes private feedback count as evidence; it does not hand its words to
    people its writer did not address, not even the recipient's manager."""
    with readers.scope():
        note = feedback_services.give_feedback(
            author=readers.dana,
            recipient=readers.report,
            kind="constructive",
            situation=PRIVATE_TEXT,
            impact="",
            visibility=Visibility.PRIVATE,
            competencies=[readers.framework.competency],
        )
        feedback_services.attach_as_evidence(recipient=readers.report, feedback=note, attached=True)
    private = f"Feedback from a colleague, shared only with {readers.report.name}"
    for who in (readers.manager, readers.hr, readers.director):
        page = html_of(login(who).get(readiness_page(readers)), status=200)
        assert PRIVATE_TEXT not in page and private in page
    mine = reverse("advancement:readiness_mine", kwargs={"org_slug": "alpha"})
    page = html_of(login(readers.report).get(mine), status=200)
    assert PRIVATE_TEXT in page and "shared only with you" in page


def test_a_private_goal_reads_in_full_for_the_plan_pair_only(readers, api_as):
    with readers.scope():
        plan = DevelopmentPlan.objects.get(owner=readers.report)
        goal = Goal.objects.create(
            organization=readers.organization,
            plan=plan,
            title="Get ready to lead the on-call rotation",
            visibility=GoalVisibility.PRIVATE,
            status=GoalStatus.DONE,
            start_on=timezone.localdate() - timedelta(days=60),
            target_on=timezone.localdate(),
            done_at=timezone.now() - timedelta(days=1),
        )
        goal.competencies.add(readers.framework.competency)
    for who, full in ((readers.report, True), (readers.manager, True), (readers.hr, False)):
        body = str(api_as(who).get(readiness_api(readers)).json())
        assert ("lead the on-call rotation" in body) is full
        assert ("A development goal reached, shared with" in body) is not full


def test_the_one_rule_for_every_audience():
    """``read_by`` for each relation a reader can have to the subject."""
    org_id = 1

    def member(pk, *, manager=None, team=None, role="member"):
        found = Membership(pk=pk, organization_id=org_id, role=role, team_id=team)
        found.manager = manager
        found.user = UserFactory.build(name=f"P{pk}")
        return found

    top = member(1)
    boss = member(2, manager=top)
    subject = member(3, manager=boss, team=7)
    teammate, stranger = member(4, team=7), member(5)
    hr = member(6, role="hr_admin")
    item = EvidenceItem(
        "development.goals", "goal", "Goal reached: X", timezone.now(), summary="S", url="/u"
    )
    cases = {
        Audience(subject=True): {subject},
        Audience(subject=True, manager=True): {subject, boss},
        Audience(chain=True): {boss, top},
        Audience(team=True): {teammate, subject},  # the person is on their own team
        Audience(permission="growth.manage"): {hr},
        Audience(member_ids=frozenset({5})): {stranger},
        Audience(everyone=True): {top, boss, subject, teammate, stranger, hr},
    }
    everyone = (top, boss, subject, teammate, stranger, hr)
    for audience, admitted in cases.items():
        for viewer in everyone:
            seen = read_by(replace(item, audience=audience), Reader(viewer, subject))
            assert seen.redacted is (viewer not in admitted), (audience, viewer.pk)
            if seen.redacted:
                assert (seen.summary, seen.url) == ("", "")
                assert "Goal reached: X" not in seen.title
    # An item whose source names no audience is for its subject alone.
    assert item.audience == Audience(subject=True)
