"""The header search: one box over everything an organization writes down, assembled
from *search sources* that apps register from ``AppConfig.ready``::

    from perfapp import search
    search.register(GoalSearch())

A source is any object with ``key``, ``label`` (the group's heading), ``order`` and
``find(terms, viewer, limit) -> list[Hit]``: at most ``limit`` hits the viewer may see,
in a bounded number of queries, through the tenant-scoped managers (another
organization's rows are never found). People are built in.

``matching(queryset, fields, terms)`` is the shared text filter: Postgres full-text
search (``SearchVector``/``SearchQuery``, the "simple" configuration so names and
acronyms are not stemmed away, each word as a prefix), ranked; elsewhere (SQLite in
development) every word ``icontains`` some field. The vectors are computed on the fly:
every query is already restricted to one organization by its indexed ``organization``
column, so the rows ranked are one tenant's, never the whole table.
"""

import re
from dataclasses import dataclass
from typing import Protocol

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission

MIN_LENGTH = 2
MAX_LENGTH = 100
MAX_TERMS = 8
PER_SOURCE = 8
TOO_SHORT = f"Type at least {MIN_LENGTH} letters or digits to search."
TOO_LONG = f"Keep the search under {MAX_LENGTH} characters."


@dataclass(frozen=True)
class Hit:
    title: str
    url: str = ""
    detail: str = ""


class SearchSource(Protocol):
    key: str
    label: str
    order: int

    def find(self, terms: list[str], viewer: Membership, limit: int) -> list[Hit]: ...


_SOURCES: dict[str, SearchSource] = {}


def register(source: SearchSource) -> None:
    _SOURCES[source.key] = source


def sources() -> list[SearchSource]:
    return sorted(_SOURCES.values(), key=lambda s: s.order)


def terms_of(raw: str) -> list[str]:
    """The words of a query (letters and digits), or ValueError with what to fix."""
    raw = (raw or "").strip()
    if len(raw) > MAX_LENGTH:
        raise ValueError(TOO_LONG)
    words = re.findall(r"\w+", raw)[:MAX_TERMS]
    if sum(len(word) for word in words) < MIN_LENGTH:
        raise ValueError(TOO_SHORT)
    return words


def matching(queryset: QuerySet, fields: list[str], terms: list[str]) -> QuerySet:
    """Rows whose ``fields`` contain every term (as a word prefix), best first."""
    if connection.vendor == "postgresql":
        query = SearchQuery(
            " & ".join(f"{term}:*" for term in terms), search_type="raw", config="simple"
        )
        vector = SearchVector(*fields, config="simple")
        return (
            queryset.annotate(search_rank=SearchRank(vector, query))
            .filter(search_rank__gt=0)
            .order_by("-search_rank", "pk")
        )
    condition = Q()
    for term in terms:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": term})
        condition &= any_field
    return queryset.filter(condition).order_by("pk")


def text_matches(text: str, terms: list[str]) -> bool:
    """The same rule for text already in memory (a published framework snapshot)."""
    words = re.findall(r"\w+", text.lower())
    return all(any(word.startswith(term.lower()) for word in words) for term in terms)


def search(raw: str, viewer: Membership, limit: int = PER_SOURCE) -> list[dict]:
    """Every source's hits for the viewer, as ``[{key, label, hits}]`` (empty groups
    left out). Raises ValueError for a query that cannot be searched."""
    terms = terms_of(raw)
    groups = []
    for source in sources():
        hits = source.find(terms, viewer, limit)
        if hits:
            groups.append({"key": source.key, "label": source.label, "hits": hits})
    return groups


# --- people (the core's own source) ------------------------------------------------------

_PROFILE_PAGE: list = []


def register_profile_page(url_of) -> None:
    """An app that has a page about a person any colleague may open (``url_of(org_slug,
    membership_id)``) lets people results link there."""
    _PROFILE_PAGE[:] = [url_of]


class PeopleSearch:
    key = "people"
    label = "People"
    order = 0

    def find(self, terms: list[str], viewer: Membership, limit: int) -> list[Hit]:
        hr = viewer.has_perm(Permission.VIEW_PEOPLE_ADMIN)
        # Only HR sees email addresses, so only HR finds people by them.
        fields = ["user__name", "job_title", "team__name", *(["user__email"] if hr else [])]
        people = matching(
            Membership.objects.filter(is_active=True).select_related("user", "team"),
            fields,
            terms,
        )[:limit]
        slug = viewer.organization.slug
        hits = []
        for person in people:
            if hr:
                url = reverse("orgs:person", kwargs={"org_slug": slug, "pk": person.pk})
            else:
                url = _PROFILE_PAGE[0](slug, person.pk) if _PROFILE_PAGE else ""
            detail = " · ".join(filter(None, [person.job_title, getattr(person.team, "name", "")]))
            hits.append(Hit(person.name, url, detail))
        return hits


register(PeopleSearch())
