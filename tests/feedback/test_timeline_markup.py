# ruff: noqa: E501 (the template of before, kept as it was)
"""The feedback timeline written in Python gives the markup its templates gave: the rows
(``feedback.templatetags.timeline_rows``), and the filter's people and competencies read
as plain values; and the page reads only what it shows."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from advancement.models import Competency
from feedback.models import Feedback, Visibility
from feedback.selectors.giving import timeline
from feedback.services import requests as request_services
from feedback.views.giving import audience
from perfapp.orgs.forms import member_label
from perfapp.orgs.models import Membership

from ..factories import MembershipFactory
from ..helpers import org_url
from .test_giving import SPECIFIC, _person_choices, give

# The included template each row was rendered by before, as it was.
ITEM_TEMPLATE = """{% load row_urls feedback_tags moments %}<li class="row feedback-item">
  {% if box == "given" %}<span class="avatar" aria-hidden="true">{{ item.recipient.name|slice:":1"|upper }}</span>{% else %}<span class="avatar" aria-hidden="true">{{ item.author.name|slice:":1"|upper }}</span>{% endif %}
  <div class="row-main">
    <p class="feedback-line">
      <span class="people"><strong>{% if item.author_id == membership.pk %}You{% else %}{{ item.author.name }}{% endif %}</strong> <span aria-hidden="true">→</span><span class="visually-hidden">to</span> <strong>{% if item.recipient_id == membership.pk %}you{% else %}{{ item.recipient.name }}{% endif %}</strong></span>
      {{ item.kind|kind_badge }}
      {% if item.request_reviewer_id %}<span class="badge">Asked for</span>{% endif %}
      <span class="muted small">· {{ item.created_at|when }}</span>
    </p>
    <p class="feedback-excerpt"><a href="{% row_url 'feedback:detail' pk=item.pk %}">{{ item.situation|truncatechars:220 }}</a></p>
    {% if item.impact or item.suggestion %}<p class="muted small feedback-more">{% if item.impact %}<span><span class="label-inline">Impact:</span> {{ item.impact|truncatechars:120 }}</span>{% endif %}{% if item.suggestion %}<span><span class="label-inline">Next time:</span> {{ item.suggestion|truncatechars:120 }}</span>{% endif %}</p>{% endif %}
    <p class="feedback-foot">
      {% for competency in item.competencies.all %}<span class="badge badge-accent">{{ competency.name }}</span> {% endfor %}
      <span class="audience-note small"><svg aria-hidden="true" width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/></svg><span class="visually-hidden">Who can read it:</span> {{ item.audience }}</span>
    </p>
  </div>
</li>
"""


def _varied_feedback(world) -> None:
    """Feedback exercising every branch of a row: markup in names and texts, long texts,
    an answer to a request, competencies, no name (the email stands in), an old date."""
    odd = MembershipFactory(
        organization=world.organization, user__name="<Zoë> O'Brien & Co", job_title=""
    )
    nameless = MembershipFactory(organization=world.organization, user__name="")
    give(
        world,
        odd,
        world.report,
        kind="constructive",
        situation="A <script>alert('x')</script> & " + "long " * 60,
        impact="",
        suggestion='Say "no" <b>sooner</b> ' + "next " * 40,
        visibility=Visibility.WITH_MANAGER,
    )
    old = give(world, nameless, world.report, kind="suggestion", impact="Shorter " * 30)
    give(world, world.report, odd)  # the report's own: "You" and the given box
    with world.scope():
        Feedback.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
        request_services.answer_request(
            reviewer=world.member,
            row=world.feedback.request_row,
            kind="praise",
            situation=SPECIFIC["situation"],
            impact="",
            suggestion="",
            competencies=list(Competency.objects.order_by("name")[:2]),
        )


@pytest.mark.parametrize(("box", "viewer"), [("received", "report"), ("given", "report")])
def test_the_rows_are_the_markup_of_the_template_they_replace(box, viewer, world_a):
    _varied_feedback(world_a)
    reader = getattr(world_a, viewer)
    engine = engines["django"]
    with world_a.scope(), time_machine.travel(timezone.now(), tick=False):
        items = list(timeline(reader, box=box))
        for item in items:
            item.audience = audience(item, reader)
        context = {"box": box, "membership": reader, "organization": world_a.organization}
        before = "".join(
            engine.from_string(ITEM_TEMPLATE).render({**context, "item": item}) for item in items
        )
        after = engine.from_string("{% load timeline_rows %}{% timeline_rows items %}").render(
            {**context, "items": items}
        )
    assert items
    assert after == before
    assert "&lt;Zoë&gt; O&#x27;Brien &amp; Co" in after
    assert "<script>" not in after


def test_the_team_box_rows_are_the_markup_of_the_template(world_a):
    _varied_feedback(world_a)
    engine = engines["django"]
    manager = world_a.manager
    with world_a.scope(), time_machine.travel(timezone.now(), tick=False):
        items = list(timeline(manager, box="team"))
        for item in items:
            item.audience = audience(item, manager)
        context = {"box": "team", "membership": manager, "organization": world_a.organization}
        before = "".join(
            engine.from_string(ITEM_TEMPLATE).render({**context, "item": item}) for item in items
        )
        after = engine.from_string("{% load timeline_rows %}{% timeline_rows items %}").render(
            {**context, "items": items}
        )
    assert len(items) >= 2
    assert after == before


@pytest.mark.parametrize(
    ("box", "viewer", "joined"),
    [("received", "report", "author_id"), ("given", "member", "recipient_id")],
)
def test_a_page_joins_only_the_other_side_and_names_the_viewer_without_a_query(
    box, viewer, joined, world_a, login, django_assert_num_queries
):
    """The viewer's own side of every row is the viewer: joining it (and the request
    the feedback answers) doubled the tables Postgres planned for the page."""
    _varied_feedback(world_a)
    client = login(getattr(world_a, viewer))
    client.get(org_url("feedback:index"), {"box": box})  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(org_url("feedback:index"), {"box": box})
    assert response.status_code == 200
    (page,) = [
        q["sql"]
        for q in captured
        if q["sql"].startswith('SELECT "feedback_feedback"."id"') and "LIMIT" in q["sql"]
    ]
    assert page.count(" JOIN ") == 2  # the other side's membership and its user
    assert f'"feedback_feedback"."{joined}" = ' in page
    assert "feedback_requestreviewer" not in page


def _options(response, name: str) -> str:
    html = response.content.decode()
    start = html.index(f'name="{name}"')
    return html[html.index(">", start) + 1 : html.index("</select>", start)]


def test_the_person_filter_offers_the_same_people_order_and_labels(world_a, login):
    """Read as plain values now: the labels a model instance gave (name, or the email's
    start; the job title when there is one), in the order of names."""
    _varied_feedback(world_a)
    client = login(world_a.report)
    shown = _options(client.get(org_url("feedback:index")), "person")
    with world_a.scope():
        authors = Feedback.objects.filter(recipient=world_a.report).values("author_id")
        people = (
            Membership.objects.select_related("user")
            .filter(pk__in=authors)
            .order_by("user__name", "id")
        )
        expected = '<option value="" selected>Anyone</option>' + "".join(
            f'<option value="{m.pk}">{escape(member_label(m))}</option>' for m in people
        )
    assert len(people) == 3
    assert shown == expected
    chosen = people[1]
    page = client.get(org_url("feedback:index"), {"person": chosen.pk})
    assert f'<option value="{chosen.pk}" selected>' in _options(page, "person")


def test_the_person_filter_still_accepts_only_the_other_side(world_a, world_b, login):
    _varied_feedback(world_a)
    client = login(world_a.report)
    everyone = len(items_of(client.get(org_url("feedback:index"))))
    by_member = client.get(org_url("feedback:index"), {"person": world_a.member.pk})
    assert len(items_of(by_member)) == 2  # the world's feedback and the answer
    for stranger in (world_a.hr.pk, world_b.member.pk, "x"):
        page = client.get(org_url("feedback:index"), {"person": stranger})
        assert len(items_of(page)) == everyone  # not a valid choice: no filter


def items_of(response) -> list[str]:
    return response.content.decode().split('class="row feedback-item"')[1:]


def test_the_competency_filter_offers_every_competency_by_name(world_a, login):
    client = login(world_a.report)
    with world_a.scope():
        competencies = list(Competency.objects.order_by("name"))
        chosen = competencies[-1]
    shown = _options(client.get(org_url("feedback:index"), {"competency": chosen.pk}), "competency")
    assert shown == '<option value="">All competencies</option>' + "".join(
        f'<option value="{c.pk}"{" selected" if c == chosen else ""}>{escape(c.name)}</option>'
        for c in competencies
    )


def test_the_answers_badge_and_own_feedback_still_read_right(world_a, login):
    _varied_feedback(world_a)
    page = login(world_a.report).get(org_url("feedback:index")).content.decode()
    assert page.count('<span class="badge">Asked for</span>') == 1
    given = login(world_a.report).get(org_url("feedback:index"), {"box": "given"})
    assert "<strong>You</strong>" in given.content.decode()
    assert _person_choices(given).count("<option") == 2  # Anyone, and the one written to
