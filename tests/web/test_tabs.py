"""The section tabs: a list of {% tab %}s rendered by the one component."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template, TemplateSyntaxError


def render(source: str, **context) -> str:
    context.setdefault("organization", SimpleNamespace(slug="alpha"))
    return Template("{% load tabs %}" + source).render(Context(context))


def test_tabs_mark_the_current_one_and_keep_the_hidden_ones_out():
    html = render(
        '{% tabs "People sections" current=active %}'
        '{% tab "people" "Directory" "orgs:people" %}'
        '{% if show %}{% tab "teams" "Teams" "orgs:teams" %}{% endif %}'
        '{% tab "audit" "Audit log" "audit:log" query="action=role" %}'
        "{% endtabs %}",
        active="audit",
        show=False,
    )
    assert html.startswith('<nav class="tabs" aria-label="People sections">')
    assert '<a href="/o/alpha/people/">Directory</a>' in html
    assert "Teams" not in html
    assert '<a href="/o/alpha/audit/?action=role" aria-current="page">Audit log</a>' in html


def test_a_tab_takes_url_arguments_besides_the_organization():
    html = render(
        '{% tabs label %}{% tab "x" name "orgs:person" pk=7 %}{% endtabs %}',
        label="Ada's pages",
        name="<b>Ada</b>",
    )
    assert 'aria-label="Ada&#x27;s pages"' in html
    assert '<a href="/o/alpha/people/7/">&lt;b&gt;Ada&lt;/b&gt;</a>' in html


def test_a_tab_outside_tabs_is_an_error():
    with pytest.raises(TemplateSyntaxError):
        render('{% tab "x" "X" "orgs:people" %}')


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{% tabs %}{% endtabs %}", "needs the navigation's label"),
        ('{% tabs "S" active=x %}{% endtabs %}', "takes only current="),
        ('{% tabs "S" current=x extra %}{% endtabs %}', "takes only current="),
        ('{% tabs "S" %}{% tab "x" "X" %}{% endtabs %}', "needs all three"),
        ('{% tabs "S" %}{% tab "x" "X" "orgs:people" 7 %}{% endtabs %}', "name=value pairs"),
    ],
)
def test_a_misused_tag_says_what_it_needs_when_the_template_is_read(source, message):
    with pytest.raises(TemplateSyntaxError, match=message):
        render(source)
