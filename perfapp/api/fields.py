"""Serializer fields every app's API shares."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice documented as a string listing its values, not as an OpenAPI enum: several
    resources have a "status" or a "kind", and one enum per field name keeps generated
    clients (and ``spectacular --fail-on-warn``) unambiguous."""

    def __init__(self, choices, **kwargs):
        values = ", ".join(str(value) for value, _ in choices)
        help_text = kwargs.pop("help_text", "")
        kwargs["help_text"] = f"{help_text} One of: {values}.".strip()
        super().__init__(choices, **kwargs)
