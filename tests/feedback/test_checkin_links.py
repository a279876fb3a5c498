"""Links from talking points and action items to feedback, criteria and coaching prompts
(``perfapp.links``): picking them on the meeting page and through the API, what each
person sees of them, every bad link refused with nothing changed, and no link across
organizations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from advancement.models import Criterion
from feedback.models import ActionItem, AgendaItem, Visibility
from feedback.services import checkins
from feedback.services import giving as services
from perfapp import links
from perfapp.links import HIDDEN_LABEL, LinkRef
from perfapp.tenancy.scoping import scopes_disabled

from ..helpers import html_of, org_url, signed_in_client
from .test_checkin_pages import HX, fresh

SECRET = "Whispered in the corridor"


def private_feedback(world, author=None):
    """Feedback only its recipient (the report) and its author read."""
    with world.scope():
        return services.give_feedback(
            author=author or world.member,
            recipient=world.report,
            kind="constructive",
            situation=f"{SECRET}: the offsite plan was late.",
            visibility=Visibility.PRIVATE,
        )


def next_level_criteria(world) -> list[Criterion]:
    with world.scope():
        return list(Criterion.objects.filter(level=world.framework.next_level).order_by("id"))


def state() -> dict:
    with scopes_disabled():
        return {
            "points": sorted(
                AgendaItem.objects.values_list("id", "text", "link_type_id", "link_id", "version")
            ),
            "actions": sorted(
                ActionItem.objects.values_list("id", "text", "link_type_id", "link_id", "version")
            ),
        }


def error_fields(response) -> dict:
    assert response.status_code == 400, (response.status_code, response.content)
    return response.json()["error"]["fields"]


# --- the registry ----------------------------------------------------------------------------


def test_feedback_and_advancement_register_their_sources():
    keys = {source.key for source in links.SOURCES.all()}
    assert {"feedback", "criterion", "prompt"} <= keys
    assert links.parse("feedback:12") == LinkRef("feedback", 12)
    assert links.parse("") is None
    for bad in ("feedback:", "feedback:x", "feedback:-1", "feedback:²", "12"):
        with pytest.raises(Exception, match="nothing you can link"):
            links.parse(bad)


def test_the_picker_offers_the_reports_criteria_and_readable_feedback(world_a):
    world = world_a
    hidden = private_feedback(world)
    with world.scope():
        for_manager = dict(links.choices_for(subject=world.report, viewer=world.manager))
        for_report = dict(links.choices_for(subject=world.report, viewer=world.report))
    criteria = [world.framework.criterion, *next_level_criteria(world)]
    assert [value for value, _ in for_manager["Career criteria"]] == [
        f"criterion:{c.pk}" for c in criteria
    ]
    assert [value for value, _ in for_manager["Feedback"]] == [
        f"feedback:{world.feedback.feedback.pk}"
    ]
    # The report reads their private feedback too, newest first; the manager never does.
    assert [value for value, _ in for_report["Feedback"]] == [
        f"feedback:{hidden.pk}",
        f"feedback:{world.feedback.feedback.pk}",
    ]
    # Prompts are pulled in with their own picker.
    assert "Coaching prompt" not in for_manager


# --- the meeting page ------------------------------------------------------------------------


def test_a_point_linked_to_feedback_shows_a_chip_to_both_people(world_a):
    world = world_a
    meeting, feedback = world.feedback.meeting, world.feedback.feedback
    manager, report = signed_in_client(world.manager), signed_in_client(world.report)
    page = html_of(manager.get(org_url("feedback:meeting", org=world, pk=meeting.pk)))
    assert '<label for="new-point-link">Link to' in page
    assert f'<option value="feedback:{feedback.pk}">' in page

    response = manager.post(
        org_url("feedback:point_add", org=world, pk=meeting.pk),
        {"text": "The demo feedback", "link": f"feedback:{feedback.pk}"},
        headers=HX,
    )
    assert response.status_code == 200 and "Talking point added" in html_of(response)
    with world.scope():
        point = meeting.agenda.get(text="The demo feedback")
    assert links.ref_of(point) == LinkRef("feedback", feedback.pk)
    detail = org_url("feedback:detail", org=world, pk=feedback.pk)
    for client in (manager, report):
        page = html_of(client.get(org_url("feedback:meeting", org=world, pk=meeting.pk)))
        assert f'<a class="link-chip" href="{detail}"' in page
        assert "Praise from" in page


def test_a_private_item_reads_as_one_you_cannot_see(world_a):
    world = world_a
    meeting, hidden = world.feedback.meeting, private_feedback(world)
    report = signed_in_client(world.report)
    response = report.post(
        org_url("feedback:point_add", org=world, pk=meeting.pk),
        {"text": "What I heard", "link": f"feedback:{hidden.pk}"},
    )
    assert response.status_code == 302
    mine = html_of(report.get(org_url("feedback:meeting", org=world, pk=meeting.pk)))
    assert org_url("feedback:detail", org=world, pk=hidden.pk) in mine

    theirs = html_of(
        signed_in_client(world.manager).get(org_url("feedback:meeting", org=world, pk=meeting.pk))
    )
    assert "What I heard" in theirs and HIDDEN_LABEL in theirs
    assert SECRET not in theirs and "Constructive from" not in theirs
    assert org_url("feedback:detail", org=world, pk=hidden.pk) not in theirs
    assert f"feedback:{hidden.pk}" not in theirs


@pytest.mark.parametrize(
    "value",
    ["goal:1", "feedback:999999", "criterion:999999", "feedback:abc", "feedback:0", "other-org"],
)
def test_a_bad_link_on_the_page_is_refused_and_adds_nothing(value, world_a, world_b):
    world = world_a
    if value == "other-org":
        value = f"feedback:{world_b.feedback.feedback.pk}"
    before = state()
    client = signed_in_client(world.manager)
    for name in ("point_add", "action_add"):
        data = {"text": "Linked", "link": value, "owner": world.report.pk}
        response = client.post(
            org_url(f"feedback:{name}", org=world, pk=world.feedback.meeting.pk), data, headers=HX
        )
        assert response.status_code == 200
        body = html_of(response)
        assert 'aria-invalid="true"' in body
        assert "link to" in body.lower() and "errorlist" in body
        assert (
            client.post(
                org_url(f"feedback:{name}", org=world, pk=world.feedback.meeting.pk), data
            ).status_code
            == 400
        )
    assert state() == before


def test_feedback_you_may_not_read_cannot_be_linked(world_a):
    world = world_a
    hidden = private_feedback(world)
    before = state()
    response = signed_in_client(world.manager).post(
        org_url("feedback:point_add", org=world, pk=world.feedback.meeting.pk),
        {"text": "Peek", "link": f"feedback:{hidden.pk}"},
    )
    assert response.status_code == 400
    assert "nothing you can link to" in html_of(response)
    assert state() == before


def test_a_draft_criterion_cannot_be_linked_until_published(world_a):
    world = world_a
    from advancement.services import framework

    with world.scope():
        draft = framework.save_criterion(
            actor=world.hr,
            criterion=Criterion(
                level=world.framework.next_level,
                competency=None,
                expectation="Unpublished wording",
            ),
        )
        with pytest.raises(Exception, match="link"):
            checkins.add_point(
                actor=world.manager,
                meeting=world.feedback.meeting,
                text="Draft",
                link=LinkRef("criterion", draft.pk),
            )
    page = html_of(
        signed_in_client(world.manager).get(
            org_url("feedback:meeting", org=world, pk=world.feedback.meeting.pk)
        )
    )
    assert "Unpublished wording" not in page


def test_editing_a_point_keeps_changes_or_removes_its_link(world_a):
    world = world_a
    point, criterion = world.feedback.point, world.framework.criterion
    client = signed_in_client(world.report)
    edit = org_url("feedback:point_edit", org=world, pk=point.pk)
    response = client.get(edit, headers=HX)
    assert f'id="edit-link-{point.pk}"' in html_of(response)

    response = client.post(
        edit,
        {
            "change": "text",
            "text": "Promotion",
            "version": point.version,
            "link": f"criterion:{criterion.pk}",
        },
        headers=HX,
    )
    assert "Talking point saved" in html_of(response)
    with world.scope():
        assert links.ref_of(fresh(point)) == LinkRef("criterion", criterion.pk)
    form = html_of(client.get(edit, headers=HX))
    assert '<option value="keep" selected>Keep: L1' in form

    # "keep" (and a form without the field) leave it; an empty choice removes it.
    def version() -> int:
        with world.scope():
            return fresh(point).version

    client.post(edit, {"change": "text", "text": "Again", "version": version(), "link": "keep"})
    client.post(edit, {"change": "text", "text": "Once more", "version": version()})
    with world.scope():
        assert fresh(point).text == "Once more"
        assert links.ref_of(point) == LinkRef("criterion", criterion.pk)
    client.post(edit, {"change": "text", "text": "Promotion", "version": version(), "link": ""})
    with world.scope():
        assert fresh(point).link_type_id is None and point.link_id is None


def test_a_stale_link_edit_is_refused_and_changes_nothing(world_a):
    world = world_a
    point = world.feedback.point
    seen = point.version
    with world.scope():
        checkins.edit_point(actor=world.manager, item=point, expected_version=seen, text="Theirs")
    before = state()
    response = signed_in_client(world.report).post(
        org_url("feedback:point_edit", org=world, pk=point.pk),
        {
            "change": "text",
            "text": "Mine",
            "version": seen,
            "link": f"feedback:{world.feedback.feedback.pk}",
        },
        headers=HX,
    )
    assert "Changed meanwhile" in html_of(response)
    assert state() == before


def test_action_items_take_and_change_links(world_a):
    world = world_a
    meeting, action = world.feedback.meeting, world.feedback.action
    gap = next_level_criteria(world)[-1]
    client = signed_in_client(world.manager)
    response = client.post(
        org_url("feedback:action_add", org=world, pk=meeting.pk),
        {"text": "Mentor the new joiner", "owner": world.report.pk, "link": f"criterion:{gap.pk}"},
        headers=HX,
    )
    assert response.status_code == 200 and "Action item added" in html_of(response)
    assert "Mentors others." in html_of(response)

    edit = org_url("feedback:action_edit", org=world, pk=action.pk)
    seen = action.version
    response = client.get(f"{edit}?meeting={meeting.pk}", headers=HX)
    assert f'id="edit-action-{action.pk}"' in html_of(response)
    response = client.post(
        edit,
        {
            "meeting": meeting.pk,
            "text": "Draft the RFC with a rollout plan",
            "due_on": "",
            "version": action.version,
            "link": f"feedback:{world.feedback.feedback.pk}",
        },
        headers=HX,
    )
    assert "Action item saved" in html_of(response)
    with world.scope():
        saved = fresh(action)
    assert saved.text == "Draft the RFC with a rollout plan"
    assert links.ref_of(saved) == LinkRef("feedback", world.feedback.feedback.pk)

    # A stale edit, an empty text and a past due date: refused, nothing changed.
    before = state()
    stale = client.post(edit, {"meeting": meeting.pk, "text": "Late", "version": seen}, headers=HX)
    assert "Changed meanwhile" in html_of(stale)
    empty = client.post(edit, {"text": "", "version": saved.version}, headers=HX)
    assert "Say what needs doing" in html_of(empty)
    past = client.post(
        edit, {"text": "Late", "due_on": "2020-01-01", "version": saved.version}, headers=HX
    )
    assert "Choose a due date from today on" in html_of(past)
    assert client.post(edit, {"text": "", "version": saved.version}).status_code == 400
    assert state() == before


def test_carried_over_points_keep_their_link(world_a):
    world = world_a
    meeting, criterion = world.feedback.meeting, world.framework.criterion
    with world.scope():
        checkins.edit_point(
            actor=world.report,
            item=world.feedback.point,
            expected_version=world.feedback.point.version,
            link=LinkRef("criterion", criterion.pk),
        )
        following = checkins.hold_meeting(actor=world.manager, meeting=meeting)
        carried = following.agenda.get(text="Promotion timeline")
    assert links.ref_of(carried) == LinkRef("criterion", criterion.pk)


def test_a_link_to_another_organization_is_impossible(world_a, world_b):
    """Through the service, the page and the API: B's feedback and criteria do not exist
    for A, even for the author who wrote B's feedback (they are a different member)."""
    world = world_a
    before = state()
    foreign = [
        LinkRef("feedback", world_b.feedback.feedback.pk),
        LinkRef("criterion", world_b.framework.criterion.pk),
        LinkRef("prompt", world_b.feedback.prompt.pk),
    ]
    with world.scope():
        for ref in foreign:
            with pytest.raises(Exception, match="link"):
                checkins.add_point(
                    actor=world.manager, meeting=world.feedback.meeting, text="x", link=ref
                )
    assert state() == before


# --- the API ---------------------------------------------------------------------------------


def test_the_api_sets_shows_and_clears_links(world_a, api_as):
    world = world_a
    feedback = world.feedback.feedback
    client = api_as(world.manager)
    created = client.post(
        org_url("api:agenda-item-list"),
        {
            "meeting": world.feedback.meeting.pk,
            "text": "Demo",
            "link": {"source": "feedback", "id": feedback.pk},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    link = created.json()["link"]
    assert link["source"] == "feedback" and link["id"] == feedback.pk and link["visible"]
    assert link["url"] == org_url("feedback:detail", org=world, pk=feedback.pk) and link[
        "label"
    ].startswith("Praise")
    point = created.json()

    listed = client.get(org_url("api:agenda-item-list") + f"?meeting={world.feedback.meeting.pk}")
    rows = {row["id"]: row for row in listed.json()["results"]}
    assert rows[point["id"]]["link"] == link
    assert rows[world.feedback.point.pk]["link"] is None

    changed = client.patch(
        org_url("api:agenda-item-detail", pk=point["id"]),
        {
            "version": point["version"],
            "link": {"source": "criterion", "id": world.framework.criterion.pk},
        },
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["link"]["source"] == "criterion"
    cleared = client.patch(
        org_url("api:agenda-item-detail", pk=point["id"]),
        {"version": changed.json()["version"], "link": None},
        format="json",
    )
    assert cleared.status_code == 200 and cleared.json()["link"] is None

    action = client.post(
        org_url("api:action-item-list"),
        {
            "meeting": world.feedback.meeting.pk,
            "owner": world.report.pk,
            "text": "Pair on reviews",
            "link": {"source": "criterion", "id": world.framework.criterion.pk},
        },
        format="json",
    )
    assert action.status_code == 201 and action.json()["link"]["source"] == "criterion"
    edited = client.patch(
        org_url("api:action-item-detail", pk=action.json()["id"]),
        {
            "version": action.json()["version"],
            "link": None,
            "done": True,
            "text": "Pair on two reviews",
        },
        format="json",
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["link"] is None and edited.json()["done"]
    assert edited.json()["text"] == "Pair on two reviews"


def test_the_api_redacts_what_the_caller_may_not_see(world_a, api_as):
    world = world_a
    hidden = private_feedback(world)
    with world.scope():
        point = checkins.add_point(
            actor=world.report,
            meeting=world.feedback.meeting,
            text="Heard this",
            link=LinkRef("feedback", hidden.pk),
        )
    for path in (
        org_url("api:agenda-item-detail", pk=point.pk),
        org_url("api:meeting-detail", pk=world.feedback.meeting.pk),
        org_url("api:agenda-item-list"),
    ):
        body = api_as(world.manager).get(path).content.decode()
        assert (
            SECRET not in body
            and str(org_url("feedback:detail", org=world, pk=hidden.pk)) not in body
        )
    shown = api_as(world.manager).get(org_url("api:agenda-item-detail", pk=point.pk)).json()["link"]
    assert shown == {
        "source": None,
        "id": None,
        "label": HIDDEN_LABEL,
        "url": None,
        "visible": False,
    }
    mine = api_as(world.report).get(org_url("api:agenda-item-detail", pk=point.pk)).json()["link"]
    assert mine["visible"] and mine["id"] == hidden.pk


@pytest.mark.parametrize(
    ("link", "code"),
    [
        ({"source": "goal", "id": 1}, "unknown_source"),
        ({"source": "feedback", "id": 999999}, "does_not_exist"),
        ({"source": "criterion", "id": 999999}, "does_not_exist"),
        ("other-org", "does_not_exist"),
        ("private", "does_not_exist"),
        ("feedback:1", "invalid"),
        ({"source": "feedback"}, "required"),
        ({"source": "feedback", "id": "x"}, "invalid"),
        ({"source": "feedback", "id": 0}, "min_value"),
    ],
)
def test_a_bad_link_through_the_api_is_a_400_that_changes_nothing(
    link, code, world_a, world_b, api_as
):
    world = world_a
    if link == "other-org":
        link = {"source": "feedback", "id": world_b.feedback.feedback.pk}
    if link == "private":
        link = {"source": "feedback", "id": private_feedback(world).pk}
    before = state()
    client = api_as(world.manager)
    meeting = world.feedback.meeting.pk
    attempts = [
        client.post(
            org_url("api:agenda-item-list"),
            {"meeting": meeting, "text": "x", "link": link},
            format="json",
        ),
        client.patch(
            org_url("api:agenda-item-detail", pk=world.feedback.point.pk),
            {"version": world.feedback.point.version, "link": link, "text": "changed"},
            format="json",
        ),
        client.post(
            org_url("api:action-item-list"),
            {"meeting": meeting, "owner": world.report.pk, "text": "x", "link": link},
            format="json",
        ),
        client.patch(
            org_url("api:action-item-detail", pk=world.feedback.action.pk),
            {"version": world.feedback.action.version, "link": link, "done": True},
            format="json",
        ),
    ]
    for response in attempts:
        fields = error_fields(response)
        found = fields["link"]
        codes = (
            [e["code"] for e in found]
            if isinstance(found, list)
            else [e["code"] for errors in found.values() for e in errors]
        )
        assert code in codes, (response.json(), code)
    assert state() == before


def test_a_stale_api_link_edit_is_a_409_with_the_fresh_point(world_a, api_as):
    world = world_a
    point = world.feedback.point
    with world.scope():
        checkins.edit_point(
            actor=world.manager, item=point, expected_version=point.version, text="New"
        )
    before = state()
    response = api_as(world.report).patch(
        org_url("api:agenda-item-detail", pk=point.pk),
        {
            "version": point.version,
            "link": {"source": "criterion", "id": world.framework.criterion.pk},
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["current"]["text"] == "New"
    assert response.json()["error"]["current"]["link"] is None
    assert state() == before


def test_links_of_actions_due_today_or_later_only_on_a_new_date(world_a):
    """An unchanged past due date may stay when only the link changes."""
    world = world_a
    action = world.feedback.action
    past = timezone.localdate() - timedelta(days=3)
    with world.scope():
        ActionItem.objects.filter(pk=action.pk).update(due_on=past)
        action.refresh_from_db()
        saved = checkins.edit_action(
            actor=world.manager,
            item=action,
            expected_version=action.version,
            due_on=past,
            link=LinkRef("criterion", world.framework.criterion.pk),
        )
    assert saved.due_on == past and saved.link_id == world.framework.criterion.pk
