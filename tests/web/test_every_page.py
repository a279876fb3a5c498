"""No HTML from data: every stored text is escaped on every page, for every reader.

One walk (``page_walk``) visits every page of an organization whose free-text columns all
start with markup, as every person in it, with GET, htmx GET and an empty POST (which
shows forms again with their errors). The tests below read what it saw.
"""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from feedback.models import CycleQuestion, QuestionKind
from perfapp.notifications.digest import unsubscribe_token
from perfapp.orgs.models import Invitation
from perfapp.tenancy.scoping import scopes_disabled
from tests.conftest import build_org_world

from . import page_walk
from .page_walk import FormRecorder, Visit

# The walk runs once for the module (in a transaction it rolls back); the mark tells
# pytest-django that the module needs the test database.
pytestmark = pytest.mark.django_db

# Forms no page of an organization shows, each with where it is used instead.
NOT_ON_A_PAGE: dict[str, str] = {}


# Required fields whose messages are another part of the same issue's work.
def _enrich(world) -> dict[str, str]:
    """What the base world lacks for the walk, and the pages that show it: a competency
    question in the open cycle (the reviewer's form shows the competency's name and
    description), a draft cycle, an open assessment, a proposal, a mentor to ask and a
    promotion case in calibration (its page shows HR the decision form)."""
    from advancement.services.assessments import start_assessment
    from feedback.models import FeedbackCycle
    from feedback.services import cycles
    from tests.advancement.promotion_world import subject_case

    today = timezone.now().date()
    with world.scope():
        CycleQuestion.objects.create(
            organization=world.organization,
            cycle=world.feedback.cycle,
            position=9,
            kind=QuestionKind.COMPETENCY,
            prompt="How do they communicate?",
            competency=world.framework.competency,
        )
        draft = cycles.save_cycle(
            actor=world.hr,
            cycle=FeedbackCycle(
                name="Autumn 360",
                opens_on=today + timedelta(days=7),
                closes_on=today + timedelta(days=21),
            ),
        )
        cycles.add_question(
            actor=world.hr,
            cycle=draft,
            kind=QuestionKind.COMPETENCY,
            prompt="How do they communicate?",
            competency=world.framework.competency,
        )
        cycles.set_participants(actor=world.hr, cycle=draft, members=[world.member])
        assessment = start_assessment(actor=world.report, subject=world.report)
    in_calibration = subject_case(world, "manager").case
    slug = world.organization.slug
    return {
        "feedback:cycle (draft)": reverse(
            "feedback:cycle", kwargs={"org_slug": slug, "pk": draft.pk}
        ),
        "advancement:assessment (open)": reverse(
            "advancement:assessment", kwargs={"org_slug": slug, "pk": assessment.pk}
        ),
        "advancement:proposal_new (criterion)": reverse(
            "advancement:proposal_new", kwargs={"org_slug": slug}
        )
        + f"?criterion={world.framework.criterion.pk}",
        "advancement:promotion_case (in calibration)": reverse(
            "advancement:promotion_case", kwargs={"org_slug": slug, "pk": in_calibration.pk}
        ),
        "advancement:promotion_case_decide (in calibration)": reverse(
            "advancement:promotion_case_decide",
            kwargs={"org_slug": slug, "pk": in_calibration.pk},
        ),
        "development:mentor_ask (mentor)": reverse(
            "development:mentor_ask", kwargs={"org_slug": slug}
        )
        + f"?mentor={world.member.pk}&competency={world.framework.competency.pk}",
    }


def _freeze_the_markup(world) -> None:
    """What copies stored text into JSON copies it with the markup: a new published
    version of the framework (snapshot and change log) and the promotion case's packet."""
    from advancement.models import Case
    from advancement.selectors.readiness import readiness_packet
    from advancement.services import framework as framework_services

    with world.scope():
        framework_services.publish(actor=world.hr, summary=f"{page_walk.BOLD} Reworded everything.")
        for case in Case.objects.select_related("subject"):
            packet = readiness_packet(case.subject, viewer=world.hr)
            Case.objects.filter(pk=case.pk).update(packet=packet)


def _pages_outside_organizations(world) -> dict[str, str]:
    with scopes_disabled():
        invitation = Invitation.objects.filter(organization=world.organization).first()
        invitation.expires_at = timezone.now() + timedelta(days=7)
        invitation.save(update_fields=["expires_at"])
    return {
        "orgs_create": reverse("orgs_create"),
        "invitation": reverse("invitation", kwargs={"token": invitation.token}),
        "notifications_unsubscribe": reverse(
            "notifications_unsubscribe",
            kwargs={"token": unsubscribe_token(world.report.pk, "digest")},
        ),
    }


@pytest.fixture(scope="module")
def walked(django_db_setup, django_db_blocker):
    """Build, mark, walk, and roll everything back; what the walk saw, as plain data."""
    classes = page_walk.project_form_classes()
    visits: list[Visit] = []
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_org_world("alpha")
        build_org_world("beta")
        pages = page_walk.page_urls(world)
        pages.update(_enrich(world))
        pages.update(_pages_outside_organizations(world))
        page_walk.store_markup(world.organization)
        _freeze_the_markup(world)
        people = page_walk.people_of(world)
        with FormRecorder(classes) as recorder:
            visits.extend(page_walk.walk(pages, people, recorder))
            visits.extend(page_walk.walk_signed_out(pages, recorder))
        transaction.set_rollback(True)
    return {"visits": visits, "recorder": recorder, "classes": classes}


def test_the_walk_reaches_every_page_as_someone_and_many_pages_as_everyone(walked):
    """Guards the walk itself: a page nobody reaches proves nothing about escaping."""
    visits = [v for v in walked["visits"] if v.method == "GET"]
    reached = {v.page for v in visits if v.status != 404}
    assert not {v.page for v in visits} - reached
    pages_per_person = Counter(v.who for v in visits if v.status == 200)
    assert len(pages_per_person) >= 8  # five roles, the calibrator, the endorser, signed out
    assert all(count >= 3 for count in pages_per_person.values()), pages_per_person
    roles = ("owner", "hr", "manager", "report", "member")
    assert all(count >= 40 for who, count in pages_per_person.items() if who.startswith(roles)), (
        pages_per_person
    )


def test_no_page_fails_on_stored_markup(walked):
    failures = sorted(
        {f"{v.method} {v.page} as {v.who}" for v in walked["visits"] if v.status >= 500}
    )
    assert not failures, "\n".join(failures)


def test_no_stored_text_reaches_a_page_as_markup(walked):
    found = sorted(
        {
            f"{v.method} {v.page} as {v.who}: {', '.join(page_walk.unescaped_markup(v.body))}"
            for v in walked["visits"]
            if "html" in v.content_type and page_walk.unescaped_markup(v.body)
        }
    )
    assert not found, "Stored text rendered as HTML:\n" + "\n".join(found)


def test_every_form_of_the_project_was_shown_by_the_walk(walked):
    """So the markup check above covered it; a new form joins by being on a page."""
    recorder = walked["recorder"]
    reached = recorder.rendered | set(recorder.seen)
    missing = sorted(
        f"{c.__module__}.{c.__qualname__}"
        for c in walked["classes"]
        if not any(issubclass(shown, c) for shown in reached)
        and f"{c.__module__}.{c.__qualname__}" not in NOT_ON_A_PAGE
    )
    assert not missing, "No page of the walk shows these forms:\n" + "\n".join(missing)


def test_no_form_answers_an_empty_field_with_the_generic_message(walked):
    """Every form, sent empty, says what each required field needs in its own words."""
    generic, broken = [], []
    for seen in walked["recorder"].seen.values():
        dotted = f"{seen.form_class.__module__}.{seen.form_class.__qualname__}"
        name = f"{dotted} ({seen.page})"
        if isinstance(seen.empty_errors, str):
            broken.append(f"{name}: {seen.empty_errors}")
            continue
        generic += [
            f"{name}: {field}"
            for field, messages in seen.empty_errors.items()
            if page_walk.GENERIC_REQUIRED in messages
        ]
    assert not broken, "Sending these forms empty fails:\n" + "\n".join(broken)
    assert not generic, "Fields answering 'This field is required.':\n" + "\n".join(generic)


TEXT_BOX = re.compile(r"<textarea\b[^>]*>|<input\b[^>]*\btype=\"text\"[^>]*>")
ID = re.compile(r'\bid="([^"]+)"')


def test_every_text_box_on_every_page_has_a_length_limit_it_states(walked):
    """Free text is limited where it is typed (the browser's maxlength, from the field's
    max_length), and a textarea says its limit under it."""
    unlimited, unstated = set(), set()
    for v in walked["visits"]:
        if "html" not in v.content_type:
            continue
        for tag in TEXT_BOX.findall(v.body):
            name = re.search(r'\bname="([^"]+)"', tag)
            where = f"{v.page}: {name[1] if name else tag[:60]}"
            if "maxlength=" not in tag:
                unlimited.add(where)
            elif tag.startswith("<textarea"):
                found = ID.search(tag)
                if not found or f'data-char-limit="{found[1]}"' not in v.body:
                    unstated.add(where)
    assert not unlimited, "Text boxes without a length limit:\n" + "\n".join(sorted(unlimited))
    assert not unstated, "Textareas that do not say their limit:\n" + "\n".join(sorted(unstated))


def test_the_stored_markup_reaches_the_pages_as_text(walked):
    """Guards the walk: the markup is there to be escaped, on pages that show names,
    help text, the published framework, a case's packet and the audit log."""
    escaped = "&lt;b&gt;x&lt;/b&gt;"
    shown = {v.page for v in walked["visits"] if escaped in v.body}
    for name in (
        "web:home",
        "orgs:people",
        "audit:log",
        "feedback:cycle_answer",
        "advancement:track",
        "advancement:versions",
        "advancement:promotion_case",
        "recognition:index",
        "development:plan",
    ):
        assert name in shown, name
