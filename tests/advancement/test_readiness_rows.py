"""The readiness page lists its evidence rows and its case link as the template's filters
and the general case query did: the same excerpt, the same day in the reader's time zone,
the same case, in fewer queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import Truncator

from advancement.models import Case, CaseState
from advancement.selectors.promotions import latest_case_of, visible_cases
from advancement.selectors.readiness import readiness_for
from feedback.models import Feedback, Visibility
from perfapp.text import truncated
from perfapp.timezones import day_label

from ..helpers import org_url
from .promotion_world import promotion_of
from .readiness_world import complete
from .test_readiness import add_feedback

pytestmark = pytest.mark.django_db

ZONE = "Pacific/Auckland"  # a day ahead of UTC around midnight: the zone must be applied
SUMMARIES = [
    "",
    "Short.",
    "x" * 199,
    "x" * 200,
    "x" * 201,
    "A fair review of the <design> & its trade-offs. " * 6,  # ASCII, cut, escaped
    "Café au lait, crème brûlée, naïve résumé. " * 7,  # composed accents
    "Cafe\u0301 with a combining accent, counted as one character. " * 5,
    "e\u0301" * 250,  # combining marks do not count towards the limit
    "Ünïcödé " * 40,
]


@pytest.mark.parametrize("text", SUMMARIES)
@pytest.mark.parametrize("limit", [0, 1, 2, 160, 200, 280])
def test_truncated_is_truncatechars(text, limit):
    assert truncated(text, limit) == Truncator(text).chars(limit)


def test_day_label_is_the_date_filter_in_the_active_zone():
    template = Template('{{ moment|date:"j M Y" }}')
    moments = [
        datetime(2026, month, day, hour, 30, tzinfo=UTC)
        for month in range(1, 13)
        for day in (1, 28)
        for hour in (0, 11, 12, 23)
    ]
    for zone in ("UTC", ZONE, "America/Los_Angeles"):
        with timezone.override(zone):
            for moment in moments:
                assert day_label(moment) == template.render(Context({"moment": moment}))


def add_summaries(world) -> None:
    """Shared feedback for the report whose summaries and times test the row's filters:
    cut or not, accents, HTML, and moments either side of midnight in ``ZONE``."""
    now = timezone.now()
    with world.scope():
        rows = Feedback.objects.bulk_create(
            Feedback(
                organization=world.organization,
                author=world.member,
                recipient=world.report,
                kind="praise",
                situation=text or "-",
                visibility=Visibility.WITH_MANAGER,
            )
            for text in SUMMARIES
        )
        for index, row in enumerate(rows):  # 11:00 and 12:00 UTC: either side of midnight
            moment = (now - timedelta(days=index)).replace(hour=11 + index % 2, minute=0)
            Feedback.objects.filter(pk=row.pk).update(created_at=moment)
        through = Feedback.competencies.through
        through.objects.bulk_create(
            through(feedback_id=row.pk, competency_id=world.framework.other_competency.pk)
            for row in rows
        )


def test_the_rows_read_as_the_template_filters_did(world_a, login):
    add_summaries(world_a)
    old = Template(
        '{{ shown.item.occurred_at|date:"j M Y" }}|{{ shown.item.summary|truncatechars:200 }}'
    )
    new = Template("{{ shown.occurred_on }}|{{ shown.summary_excerpt }}")
    with world_a.scope(), timezone.override(ZONE):
        readiness = readiness_for(world_a.report, viewer=world_a.manager)
        shown = [item for criterion in readiness.criteria for item in criterion.evidence]
        assert len(shown) >= len(SUMMARIES)
        for item in shown:
            context = Context({"shown": item})
            assert new.render(context) == old.render(context)


def test_the_page_shows_the_rows_as_the_template_filters_did(world_a, login):
    """End to end, in the viewer's own time zone: each listed row's date and excerpt as the
    filters wrote them, escaped alike."""
    add_summaries(world_a)
    user = world_a.manager.user
    user.time_zone = ZONE
    user.save(update_fields=["time_zone"])
    page = (
        login(world_a.manager)
        .get(org_url("advancement:readiness", member_id=world_a.report.pk, query={"all": ""}))
        .content.decode()
    )
    row = Template(  # the lines the page's template had before the row was computed
        '<span class="muted small">· {{ shown.item.occurred_at|date:"j M Y" }}'
        "{% if shown.sharing %} · {{ shown.sharing }}{% endif %}</span>\n"
        '{% if shown.item.summary %}<br><span class="muted small">'
        "{{ shown.item.summary|truncatechars:200 }}</span>{% endif %}"
    )
    with world_a.scope(), timezone.override(ZONE):
        readiness = readiness_for(world_a.report, viewer=world_a.manager)
        listed = [item for criterion in readiness.criteria for item in criterion.listed]
    assert listed
    for shown in listed:
        expected = row.render(Context({"shown": shown}))
        assert " ".join(expected.split()) in " ".join(page.split())


# The row's main part as the page's template wrote it before it was written in Python
# (with the filters it used then).
OLD_ROW_MAIN = """<div class="row-main">
        {% if shown.pinned %}<span class="badge badge-accent">Pinned</span> {% endif %}\
{% if shown.hidden %}<span class="badge">Hidden from others</span> {% endif %}
        {% if shown.item.url %}<a href="{{ shown.item.url }}">{{ shown.item.title }}</a>\
{% elif shown.redacted %}<span class="muted">{{ shown.item.title }}</span>\
{% else %}<strong>{{ shown.item.title }}</strong>{% endif %}
        <span class="muted small">· {{ shown.item.occurred_at|date:"j M Y" }}\
{% if shown.sharing %} · {{ shown.sharing }}{% endif %}</span>
        {% if shown.item.summary %}<br><span class="muted small">\
{{ shown.item.summary|truncatechars:200 }}</span>{% endif %}
      </div>"""  # a backslash at a line's end joins the lines, as in the template


@pytest.mark.parametrize("pinned", [False, True])
@pytest.mark.parametrize("hidden", [False, True])
@pytest.mark.parametrize("url", ["", "/o/alpha/feedback/7/?a=1&b=<2>"])
@pytest.mark.parametrize("redacted", [False, True])
@pytest.mark.parametrize("shared", ["", "you & <your> manager"])
@pytest.mark.parametrize("summary", ["", SUMMARIES[5], SUMMARIES[8]])
def test_the_row_main_is_the_templates_markup(pinned, hidden, url, redacted, shared, summary):
    from advancement.evidence import EvidenceItem
    from advancement.selectors.readiness import ShownItem
    from advancement.templatetags.readiness_rows import evidence_row_main

    item = EvidenceItem(
        source="feedback",
        kind="praise",
        title='Praise from "Sam" <O\'Neil> & co',
        occurred_at=datetime(2026, 3, 31, 11, 30, tzinfo=UTC),
        summary=summary,
        url=url,
        redacted=redacted,
    )
    shown = ShownItem(item, pinned=pinned, hidden=hidden, shared_with=shared)
    with timezone.override(ZONE):
        old = Template(OLD_ROW_MAIN).render(Context({"shown": shown}))
        assert evidence_row_main(shown) == old


VIEWERS = ("report", "manager", "owner", "hr", "member", "calibrator", "endorser")


def viewer_of(world, promotion, name):
    return getattr(promotion, name) if name in ("calibrator", "endorser") else getattr(world, name)


@pytest.mark.parametrize("state", [CaseState.DRAFT, CaseState.SUBMITTED, CaseState.DECIDED])
def test_the_latest_case_is_the_one_visible_cases_gives(world_a, state):
    promotion = promotion_of(world_a)
    with world_a.scope():
        Case.objects.filter(pk=promotion.case.pk).update(state=state)
        for name in VIEWERS:
            viewer = viewer_of(world_a, promotion, name)
            expected = (
                visible_cases(viewer)
                .filter(subject=world_a.report)
                .order_by("-created_at", "-id")
                .first()
            )
            found = latest_case_of(world_a.report, viewer=viewer)
            assert (found and found.pk) == (expected and expected.pk), name


def test_the_case_link_reads_the_case_table_alone(world_a, login):
    """The manager's readiness page links the case, read in one query of the case table
    without its joins (which took longer to plan than the rest of the page's queries)."""
    promotion = promotion_of(world_a)
    client = login(world_a.manager)
    address = org_url("advancement:readiness", member_id=world_a.report.pk)
    client.get(address)  # warm caches (session, etc.)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(address).content.decode()
    case_url = org_url("advancement:promotion_case", pk=promotion.case.pk)
    assert f'Promotion case: <a href="{case_url}">' in page
    reads = [q["sql"] for q in captured if 'FROM "advancement_case"' in q["sql"]]
    assert len(reads) == 1 and "JOIN" not in reads[0]
    # Nothing walks the manager's reports to find it.
    assert not any('SELECT "orgs_membership"."id" AS "pk"' in q["sql"] for q in captured)


def test_the_managers_readiness_page_holds_its_query_budget(world_a, login):
    complete(world_a)
    promotion_of(world_a)
    client = login(world_a.manager)
    address = org_url("advancement:readiness", member_id=world_a.report.pk)
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    assert len(captured) <= BUDGET, len(captured)


# Was 27: the case link's walk down the manager's reports (two queries here) and the
# evidence sources' read of the subject's organization are gone.
BUDGET = 24


def test_the_page_reads_remedies_for_its_gaps_only(world_a, monkeypatch):
    """The page shows what the plan does for the gaps alone: those get exactly what a full
    read gives them, and with no gap the remedy sources are not read."""
    from advancement.selectors import readiness as selector

    complete(world_a)
    with world_a.scope():
        before = readiness_for(world_a.report, viewer=world_a.manager)
    # Enough evidence for one gap with remedies to be a gap no longer.
    closed = next(c for c in before.criteria if c.gap and c.remedies)
    add_feedback(world_a, 2, competency_id=closed.competency_id)
    with world_a.scope():
        full = readiness_for(world_a.report, viewer=world_a.manager)
        page = readiness_for(world_a.report, viewer=world_a.manager, remedies_for_gaps_only=True)
    assert any(c.gap and c.remedies for c in full.criteria)
    assert any(not c.gap and c.remedies for c in full.criteria)  # the API lists them all
    for whole, shown in zip(full.criteria, page.criteria, strict=True):
        assert shown.remedies == (whole.remedies if whole.gap else [])

    asked = []
    monkeypatch.setattr(selector, "remedies_for", lambda *args: asked.append(args) or {})
    monkeypatch.setattr(selector.CriterionReadiness, "gap", property(lambda self: False))
    with world_a.scope():
        readiness_for(world_a.report, viewer=world_a.manager, remedies_for_gaps_only=True)
    assert asked == []


def test_readiness_reads_the_snapshot_without_the_versions_changes(world_a, monkeypatch):
    """The version's list of changes is not the readiness's business (a large document to
    decode on every page); its months are counted once for the chart and the table."""
    from advancement.selectors import framework
    from advancement.selectors import readiness as selector

    with world_a.scope():
        whole = framework.current_version()
        snapshot_only = framework.current_version(with_changes=False)
    assert whole.get_deferred_fields() == set()
    assert snapshot_only.get_deferred_fields() == {"changes"}
    assert (snapshot_only.pk, snapshot_only.snapshot) == (whole.pk, whole.snapshot)

    asked = []

    def current_version(**kwargs):
        asked.append(kwargs)
        return framework.current_version(**kwargs)

    monkeypatch.setattr(selector, "current_version", current_version)
    with world_a.scope():
        readiness = readiness_for(world_a.report, viewer=world_a.manager)
    assert asked == [{"with_changes": False}]
    assert readiness.months is readiness.months
