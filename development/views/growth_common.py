"""What the mentoring and stretch assignment pages share: the page size and reading an id
from a form. Pages are ``org_view(reader_time_zone=True)``; names, initials and messages
are in perfapp.web.helpers."""

MAX_ID = 2**63 - 1
PAGE_SIZE = 20


def id_from(raw: str | None) -> int | None:
    if raw and raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None
