"""Ids from paths and query strings, checked the same way by every endpoint, and the object
an id in the path names."""

from rest_framework import exceptions, serializers

MAX_ID = 2**63 - 1
MAX_ID_DIGITS = len(str(MAX_ID))


def is_id(raw: str, minimum: int = 1) -> bool:
    """ASCII digits from ``minimum`` that fit a bigint. "²".isdigit() is true but int("²")
    fails, and a path's ``\\d+`` also matches other scripts' digits ("١٢"). The length is
    checked before ``int()``, which refuses more than 4,300 digits with an error."""
    raw = str(raw)
    return (
        raw.isascii()
        and raw.isdigit()
        and len(raw) <= MAX_ID_DIGITS
        and minimum <= int(raw) <= MAX_ID
    )


def path_id(raw) -> int:
    """An id from the URL; anything else answers 404 like a missing object."""
    if not is_id(raw):
        raise exceptions.NotFound()
    return int(raw)


def visible_object(queryset, pk):
    """One object, by the id in the URL, among what the caller may see (``queryset``), or
    404: missing, forbidden and malformed alike."""
    found = queryset.filter(pk=path_id(pk)).first()
    if found is None:
        raise exceptions.NotFound()
    return found


def id_param(
    request, name: str, message: str = "Give a numeric id.", minimum: int = 1
) -> int | None:
    """An optional id (or number) from the query string; a malformed one is a 400."""
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    if not is_id(raw, minimum):
        raise serializers.ValidationError({name: [message]})
    return int(raw)


def choice_param(request, name: str, choices, default: str = "") -> str:
    """An optional choice from the query string (``default`` when absent); anything not
    among ``choices`` is a 400 that lists them."""
    raw = request.query_params.get(name, "")
    if not raw:
        return default
    if raw not in choices:
        raise serializers.ValidationError({name: [f"Choose one of: {', '.join(choices)}."]})
    return raw
