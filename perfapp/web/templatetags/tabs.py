"""A section's tabs as data: one ``{% tab %}`` a line, rendered by components/tabs.html.

    {% load tabs %}
    {% tabs "Growth sections" current=tab %}
      {% tab "plan" "My plan" "development:index" %}
      {% if membership.is_manager %}{% tab "team" "Team" "development:team" %}{% endif %}
    {% endtabs %}

``{% tab key label url_name %}`` adds a link to the URL named ``url_name`` (with the page's
``org_slug``; further ``name=value`` pairs are URL arguments, and ``query="box=given"`` is
added after a ``?``). The tab whose key equals ``current`` is marked ``aria-current``.
Who sees a tab stays in the app's template, in plain ``{% if %}``s around its line: the
core knows no app's tabs, only how a list of them looks.
"""

from django import template
from django.template.base import token_kwargs
from django.urls import reverse

register = template.Library()

# Where the {% tab %}s inside one {% tabs %} add themselves while it renders.
COLLECTED = "_tabs_collected"


class TabsNode(template.Node):
    def __init__(self, label, current, nodelist):
        self.label = label
        self.current = current
        self.nodelist = nodelist

    def render(self, context):
        tabs: list[dict] = []
        with context.push({COLLECTED: tabs}):
            self.nodelist.render(context)  # what is between the tags shows nothing itself
        current = self.current.resolve(context) if self.current else None
        for tab in tabs:
            tab["current"] = tab.pop("key") == current
        component = context.template.engine.get_template("components/tabs.html")
        return component.render(context.new({"label": self.label.resolve(context), "tabs": tabs}))


class TabNode(template.Node):
    def __init__(self, key, label, url_name, query, url_kwargs):
        self.key = key
        self.label = label
        self.url_name = url_name
        self.query = query
        self.url_kwargs = url_kwargs

    def render(self, context):
        tabs = context.get(COLLECTED)
        if tabs is None:
            raise template.TemplateSyntaxError("{% tab %} belongs inside {% tabs %}")
        kwargs = {name: value.resolve(context) for name, value in self.url_kwargs.items()}
        kwargs.setdefault("org_slug", context["organization"].slug)
        url = reverse(self.url_name.resolve(context), kwargs=kwargs)
        if self.query:
            url = f"{url}?{self.query.resolve(context)}"
        tabs.append(
            {"key": self.key.resolve(context), "label": self.label.resolve(context), "url": url}
        )
        return ""


@register.tag
def tabs(parser, token):
    """``{% tabs label current=key %}…{% endtabs %}``: a ``<nav class="tabs">`` named
    ``label`` of the ``{% tab %}``s inside it."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% tabs %} needs the navigation's label")
    label = parser.compile_filter(bits[1])
    options = token_kwargs(bits[2:], parser)
    if len(bits) - 2 != len(options) or set(options) - {"current"}:
        raise template.TemplateSyntaxError("{% tabs label current=key %} takes only current=")
    nodelist = parser.parse(("endtabs",))
    parser.delete_first_token()
    return TabsNode(label, options.get("current"), nodelist)


@register.tag
def tab(parser, token):
    """``{% tab key label url_name [query=…] [url argument=…] %}``: one tab of the
    enclosing ``{% tabs %}``."""
    bits = token.split_contents()
    if len(bits) < 4:
        raise template.TemplateSyntaxError("{% tab key label url_name %} needs all three")
    key, label, url_name = (parser.compile_filter(bit) for bit in bits[1:4])
    kwargs = token_kwargs(bits[4:], parser)
    if len(bits) - 4 != len(kwargs):
        raise template.TemplateSyntaxError("{% tab %} takes name=value pairs after its URL name")
    query = kwargs.pop("query", None)
    return TabNode(key, label, url_name, query, kwargs)
