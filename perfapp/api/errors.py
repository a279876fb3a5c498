"""One error envelope for the whole API:

    {"error": {"code": "validation_error", "message": "…", "fields": {"email": [{…}]}}}

``code`` is machine-readable and stable; ``message`` is for people. A stale edit (a
service's ``StaleEdit``) answers 409 with the code ``conflict`` and what is there now:

    {"error": {"code": "conflict", "message": "…", "current": {…}}}
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from perfapp.concurrency import StaleEdit

CODES = {
    exceptions.ValidationError: "validation_error",
    exceptions.ParseError: "malformed_request",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


class ChangedMeanwhile(exceptions.APIException):
    """A stale edit, answered 409 with ``current``: the object as it is now, in the
    endpoint's own shape."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This changed meanwhile."
    default_code = "conflict"

    def __init__(self, message: str, current):
        super().__init__(message)
        self.current = current


def _field_errors(detail) -> dict:
    def flatten(value):
        if isinstance(value, dict):
            return {key: flatten(item) for key, item in value.items()}
        if isinstance(value, list) and value and not isinstance(value[0], (dict, list)):
            return [
                {"code": getattr(item, "code", "invalid"), "message": str(item)} for item in value
            ]
        if isinstance(value, list):
            return [flatten(item) for item in value]
        return [{"code": getattr(value, "code", "invalid"), "message": str(value)}]

    return flatten(detail)


def error_envelope_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, (Http404, PermissionDenied, exceptions.PermissionDenied)):
        # Forbidden answers exactly like missing: nothing tells a stranger what exists.
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    # An app's own APIException (a 409 conflict, a 410 for a moved endpoint) names its code.
    code = CODES.get(type(exc)) or getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = _field_errors(detail)
        general = fields.pop("non_field_errors", None)
        message = general[0]["message"] if general else "Some fields are not valid."
        body = {"code": code, "message": message, "fields": fields}
        if general:
            body["errors"] = general
        response.data = {"error": body}
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    body = {"code": code, "message": str(getattr(exc, "detail", exc))}
    if isinstance(exc, ChangedMeanwhile):
        body["current"] = exc.current
    response.data = {"error": body}
    return response


@contextmanager
def service_errors(
    rename: dict[str, str] | None = None, fresh: Callable | None = None
) -> Iterator[None]:
    """Turn a service's ValidationError into the 400 envelope right where it is raised,
    so a view can keep going after it; ``rename`` maps the service's field names to the
    API's where they differ.

    A ``StaleEdit`` becomes the 409 envelope when the endpoint says how to show what is
    there now (``fresh(stale.fresh)``, e.g. its serializer's data); without ``fresh`` it is
    a 400 like any other refusal.
    """
    try:
        yield
    except StaleEdit as stale:
        if fresh is None:
            raise exceptions.ValidationError(stale.messages) from stale
        raise ChangedMeanwhile(stale.messages[0], fresh(stale.fresh)) from stale
    except DjangoValidationError as error:
        detail = as_serializer_error(error)
        for old, new in (rename or {}).items():
            if old in detail:
                detail[new] = detail.pop(old)
        raise exceptions.ValidationError(detail) from error
