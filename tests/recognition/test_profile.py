"""A person's recognition profile (received and given, by value and kind, month by month,
as a server-drawn SVG chart with a table), the home panel, and what recognition adds to
1:1s: "not recognized lately" as a coaching signal, recognitions as link targets."""

from datetime import timedelta

import pytest
from django.utils import timezone

from perfapp import coaching, links
from perfapp.links import LinkRef

from ..helpers import html_of, org_url, signed_in_client
from .wall_world import (
    backdate,
    give,
    grow_wall,
    kind_named,
    recognition_of,
    settings_of,
    settle_in,
    value_of,
)


def test_the_profile_counts_received_and_given_by_kind_and_value(world_a):
    give(world_a, giver=world_a.member, recipients=[world_a.report])
    give(
        world_a,
        giver=world_a.member,
        recipients=[world_a.report, world_a.manager],
        kind=kind_named(world_a, "Mentorship"),
        values=[],
    )
    give(world_a, giver=world_a.report, recipients=[world_a.hr])
    page = html_of(
        signed_in_client(world_a.owner).get(org_url("recognition:profile", pk=world_a.report.pk))
    )
    assert world_a.report.name in page
    figures = page[page.index('class="figures"') : page.index("</dl>")]
    assert "<dt>Received</dt><dd>2</dd>" in figures and "<dt>Given</dt><dd>1</dd>" in figures
    assert 'role="img"' in page and "<svg" in page  # the chart, drawn on the server
    assert "Show the numbers as a table" in page
    kinds = page[page.index('id="by-kind-title"') : page.index('id="by-value-title"')]
    assert "Collaboration" in kinds and "Mentorship" in kinds and "Customer impact" in kinds
    assert "</svg> 1</span></td>" in kinds  # a mini bar and the number beside it
    values = page[page.index('id="by-value-title"') :]
    assert "Better together" in values
    assert "Recognize" in page and f"?to={world_a.report.pk}" in page


def test_your_own_profile_and_an_empty_one(world_a):
    client = signed_in_client(world_a.hr)
    mine = html_of(client.get(org_url("recognition:profile", pk=world_a.hr.pk)))
    assert "Your recognition" in mine
    assert "Nobody has recognized you yet." in mine
    assert "Nothing in the last 12 months yet." in mine
    other = html_of(client.get(org_url("recognition:profile", pk=world_a.member.pk)))
    assert f"Be the first to recognize {world_a.member.user.get_short_name()}" in other


def test_the_chart_shows_months_and_older_recognition_falls_outside_it(world_a):
    recent = give(world_a)
    old = give(world_a)
    backdate(world_a, old, timezone.now() - timedelta(days=500))
    page = html_of(
        signed_in_client(world_a.member).get(org_url("recognition:profile", pk=world_a.report.pk))
    )
    figures = page[page.index('class="figures"') : page.index("</dl>")]
    assert "<dt>Received</dt><dd>2</dd>" in figures
    assert "<dt>Received, last 12 months</dt><dd>1</dd>" in figures
    month = timezone.localtime(recent.created_at).strftime("%B %Y")
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    assert f'<th scope="row">{month}</th><td>1</td><td>0</td>' in table
    assert table.count("<tr>") == 12


def test_profile_of_someone_of_another_organization_is_404(world_a, world_b):
    client = signed_in_client(world_a.member)
    assert client.get(org_url("recognition:profile", pk=world_b.report.pk)).status_code == 404
    assert client.get(org_url("recognition:profile", pk=999999)).status_code == 404


def test_the_profile_costs_the_same_with_little_or_much_recognition(
    world_a, django_assert_max_num_queries
):
    client = signed_in_client(world_a.member)
    used = []
    grown = 0
    for size in (3, 60):
        grow_wall(world_a, size - grown, comments=1, reactions=1)
        grown = size
        client.get(org_url("recognition:profile", pk=world_a.report.pk))
        with django_assert_max_num_queries(22) as captured:
            response = client.get(org_url("recognition:profile", pk=world_a.report.pk))
        assert response.status_code == 200
        used.append(len(captured.captured_queries))
    assert used[0] == used[1], used


def test_the_directory_person_page_links_to_the_profile(world_a):
    page = html_of(signed_in_client(world_a.hr).get(org_url("orgs:person", pk=world_a.report.pk)))
    assert org_url("recognition:profile", pk=world_a.report.pk) in page


# --- the home panel ---------------------------------------------------------------------------


def test_home_shows_recent_recognition_and_the_call_to_action(world_a):
    client = signed_in_client(world_a.report)
    empty = html_of(client.get(org_url("web:home")))
    assert "Recent recognition for you" in empty and "Nothing in the last 30 days" in empty
    assert org_url("recognition:give") in empty
    recognition_of(world_a)
    page = html_of(client.get(org_url("web:home")))
    assert "paired with me on the billing migration" in page
    assert world_a.member.name in page


# --- coaching signal and links ------------------------------------------------------------------


def quiet(world, viewer=None):
    with world.scope():
        report = type(world.report).objects.select_related("user").get(pk=world.report.pk)
        return [
            s
            for s in coaching.suggestions_for(subject=report, viewer=viewer or world.manager)
            if s.key == "recognition.quiet"
        ]


def test_a_report_not_recognized_lately_is_suggested_to_the_manager(world_a):
    settle_in(world_a)
    found = quiet(world_a)
    assert len(found) == 1
    assert found[0].reason == (
        f"Nobody has recognized {world_a.report.user.get_short_name()} in the last 60 days."
    )
    assert quiet(world_a, viewer=world_a.member) == []  # only their manager
    old = give(world_a)
    backdate(world_a, old, timezone.now() - timedelta(days=61))
    assert len(quiet(world_a)) == 1
    give(world_a)
    assert quiet(world_a) == []


def test_the_window_is_the_organizations_and_newcomers_are_not_quiet(world_a):
    old = give(world_a)
    backdate(world_a, old, timezone.now() - timedelta(days=20))
    settle_in(world_a)
    assert quiet(world_a) == []
    settings_of(world_a, quiet_after_days=14)
    assert "14 days" in quiet(world_a)[0].reason
    settle_in(world_a, days=5)  # joined five days ago
    assert quiet(world_a) == []


def test_the_signal_costs_two_queries(world_a, django_assert_num_queries):
    from recognition.coaching import quiet_recognition

    settle_in(world_a)
    with world_a.scope():
        settings_of(world_a)
        report = (
            type(world_a.report)
            .objects.select_related("user", "organization")
            .get(pk=world_a.report.pk)
        )
        with django_assert_num_queries(2):
            quiet_recognition(subject=report, viewer=world_a.manager)


def test_recognitions_are_linkable_in_1_1s(world_a, world_b):
    recognition = recognition_of(world_a)
    with world_a.scope():
        source = links.SOURCES.find("recognition")
        choices = dict(links.choices_for(subject=world_a.report, viewer=world_a.manager))
        assert any(value == f"recognition:{recognition.pk}" for value, _ in choices["Recognition"])
        found = links.find(LinkRef("recognition", recognition.pk), viewer=world_a.manager)
        label, link = source.describe(found, viewer=world_a.manager)
        assert label.startswith(f"Recognition from {world_a.member.name}")
        assert "Collaboration" in label
        assert link == org_url("recognition:detail", pk=recognition.pk)
        foreign = recognition_of(world_b)
        with pytest.raises(Exception, match="nothing you can link"):
            links.find(LinkRef("recognition", foreign.pk), viewer=world_a.manager)


def test_values_and_kinds_show_on_the_recent_list(world_a):
    value_of(world_a)
    recognition_of(world_a)
    page = html_of(
        signed_in_client(world_a.manager).get(org_url("recognition:profile", pk=world_a.report.pk))
    )
    recent = page[page.index('id="recent-title"') :]
    assert "Collaboration" in recent and "Better together" in recent
