"""API shapes for links (``perfapp.links``) and context suggestions (``perfapp.coaching``)
on talking points and action items.

In: ``"link": {"source": "feedback", "id": 12}`` names what to link to, ``null`` removes
the link, and leaving ``link`` out keeps it. The service checks it through the registry:
an unknown source, an id of nothing (or of another organization) and an object the caller
may not read all answer the same 400 under ``link``.

Out: ``{"source", "id", "label", "url", "visible": true}``, or, for an object the reader
may not see (a private piece of feedback the other person linked), only
``{"visible": false, "label": "A linked item you cannot see"}`` with every other key null.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from perfapp import links
from perfapp.links import LinkRef, ShownLink


class LinkInSerializer(serializers.Serializer):
    source = serializers.CharField(
        max_length=40, help_text="What kind of thing: e.g. feedback, criterion."
    )
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class LinkOutSerializer(serializers.Serializer):
    source = serializers.CharField(allow_null=True)
    id = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    visible = serializers.BooleanField()


@extend_schema_field(LinkInSerializer(allow_null=True))
class LinkInField(serializers.Field):
    """``{"source": …, "id": …}`` → ``LinkRef``; ``null`` → None."""

    default_error_messages = {
        "invalid": 'Give {{"source": …, "id": …}} to link, or null to remove the link.',
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault(
            "help_text",
            'What it links to, e.g. {"source": "feedback", "id": 12}; null removes the link; '
            "left out, it stays as it is.",
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> LinkRef:
        if not isinstance(data, dict):
            self.fail("invalid")
        shape = LinkInSerializer(data=data)
        if not shape.is_valid():
            raise serializers.ValidationError(shape.errors)
        return LinkRef(shape.validated_data["source"], shape.validated_data["id"])

    def to_representation(self, value):  # pragma: no cover - input only
        return None


def link_out(shown: ShownLink | None) -> dict | None:
    if shown is None:
        return None
    if not shown.visible:
        return {"source": None, "id": None, "label": shown.label, "url": None, "visible": False}
    return {
        "source": shown.source,
        "id": shown.id,
        "label": shown.label,
        "url": shown.url or None,
        "visible": True,
    }


@extend_schema_field(LinkOutSerializer(allow_null=True))
class LinkOutField(serializers.Field):
    """The row's link as the caller may see it. Lists and details set ``shown_link`` on
    their rows in one pass (``links.show``); a single row without it is shown here."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, item):
        if not hasattr(item, "shown_link"):
            links.show([item], self.context["membership"])
        return link_out(item.shown_link)


class SuggestionLinkSerializer(serializers.Serializer):
    source = serializers.CharField()
    id = serializers.IntegerField()


class SuggestionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Stable name of the suggestion.")
    theme = serializers.CharField(help_text="A coaching prompt theme, e.g. career.")
    text = serializers.CharField(help_text="The talking point it suggests.")
    reason = serializers.CharField(help_text="Why it is suggested now.")
    link = serializers.SerializerMethodField(
        help_text="What the talking point would link to: pass it on as the point's link."
    )

    @extend_schema_field(SuggestionLinkSerializer(allow_null=True))
    def get_link(self, suggestion) -> dict | None:
        ref = suggestion.link
        return {"source": ref.source, "id": ref.id} if ref else None


class SuggestionsSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
