"""The header search: one box over everything an organization writes down, assembled
from *search sources* that apps register in their ``wiring.py``::

    from perfapp import search
    search.SOURCES.register(GoalSearch())

A source is any object with ``key``, ``label`` (the group's heading), ``order`` and
``find(terms, viewer, limit) -> list[Hit]``: at most ``limit`` hits the viewer may see,
in a bounded number of queries, through the tenant-scoped managers (another
organization's rows are never found). People are built in.

``matching(queryset, fields, terms)`` is the shared text filter. A *term* is what the
person typed between spaces: a word, or words joined by punctuation ("follow-up",
"sam@acme.test", "v1.2"). Text is read as words of letters and digits, punctuation
counting as a space, the same way in the query and in the rows, so an email address or a
hyphenated word is found whether it is typed whole or in part. A row matches when it
holds every term: a plain word as the start of a word (type-as-you-go), the words of a
punctuated term next to each other in that order, the last one as the start of a word.
On Postgres the rows are filtered with the full-text match (``@@``, the "simple"
configuration so names and acronyms are not stemmed away) and only then ranked, a hit
in the first field (a title, a name) above one in the others; rows that do not match
are never returned, whatever their rank. Elsewhere (SQLite in development) every word
``icontains`` some field. The vectors are computed on the fly: every query is already
restricted to one organization by its indexed ``organization`` column, so the rows
ranked are one tenant's, never the whole table.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.urls import reverse

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.registry import Registry

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


SOURCES: Registry[SearchSource] = Registry("search source", order=lambda source: source.order)


WORD = re.compile(r"[^\W_]+")  # letters and digits; punctuation and "_" separate


def words_of(text: str) -> list[str]:
    """The words of a text, lower case, as search reads them."""
    return WORD.findall(text.lower())


def terms_of(raw: str) -> list[str]:
    """The terms of a query (see the module's docstring), each as its words joined by
    "-", at most ``MAX_TERMS`` words in all; or ValueError with what to fix."""
    raw = (raw or "").strip()
    if len(raw) > MAX_LENGTH:
        raise ValueError(TOO_LONG)
    terms: list[str] = []
    room = MAX_TERMS
    for chunk in raw.split():
        words = words_of(chunk)[:room]
        if words:
            terms.append("-".join(words))
            room -= len(words)
        if not room:
            break
    if sum(len(word) for term in terms for word in term.split("-")) < MIN_LENGTH:
        raise ValueError(TOO_SHORT)
    return terms


def _tsquery(terms: list[str]) -> str:
    """``terms`` as a Postgres tsquery: every term required; a term's words adjacent,
    its last word a prefix. Words are letters and digits only, so nothing typed can
    reach the tsquery syntax."""
    phrases = []
    for term in terms:
        *before, last = term.split("-")
        phrases.append("(" + " <-> ".join([*before, f"{last}:*"]) + ")")
    return " & ".join(phrases)


def _as_words(field: str) -> Func:
    """A text column with its punctuation read as spaces (as ``words_of`` does)."""
    return Func(
        F(field),
        Value("[[:punct:]]+"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def matching(queryset: QuerySet, fields: list[str], terms: list[str]) -> QuerySet:
    """Rows whose ``fields`` hold every term, best first (a match in ``fields[0]`` ranks
    above one in the others)."""
    if connection.vendor == "postgresql":
        query = SearchQuery(_tsquery(terms), search_type="raw", config="simple")
        first, *others = fields
        vector = SearchVector(_as_words(first), config="simple", weight="A")
        if others:
            vector = vector + SearchVector(
                *(_as_words(field) for field in others), config="simple", weight="B"
            )
        return (
            queryset.annotate(search_document=vector)
            .filter(search_document=query)
            .annotate(search_rank=SearchRank(vector, query))
            .order_by("-search_rank", "pk")
        )
    condition = Q()
    for term in terms:
        for word in term.split("-"):
            any_field = Q()
            for field in fields:
                any_field |= Q(**{f"{field}__icontains": word})
            condition &= any_field
    return queryset.filter(condition).order_by("pk")


def _holds(words: list[str], term: str) -> bool:
    *before, last = term.split("-")
    size = len(before) + 1
    return any(
        words[start : start + size - 1] == before and words[start + size - 1].startswith(last)
        for start in range(len(words) - size + 1)
    )


def text_matches(text: str, terms: list[str]) -> bool:
    """The same rule for text already in memory (a published framework snapshot)."""
    words = words_of(text)
    return all(_holds(words, term) for term in terms)


def search(raw: str, viewer: Membership, limit: int = PER_SOURCE) -> list[dict]:
    """Every source's hits for the viewer, as ``[{key, label, hits}]`` (empty groups
    left out). Raises ValueError for a query that cannot be searched."""
    terms = terms_of(raw)
    groups = []
    for source in SOURCES.all():
        hits = source.find(terms, viewer, limit)
        if hits:
            groups.append({"key": source.key, "label": source.label, "hits": hits})
    return groups


# --- people (the core's own source) ------------------------------------------------------


@dataclass(frozen=True)
class ProfilePage:
    """A page about a person that any colleague may open: an app that has one lets people
    results link there. ``url_of(org_slug, membership_id)``."""

    key: str
    url_of: Callable[[str, int], str]


PROFILE_PAGES: Registry[ProfilePage] = Registry("profile page")


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
        profile_page = next(iter(PROFILE_PAGES.all()), None)
        hits = []
        for person in people:
            if hr:
                url = reverse("orgs:person", kwargs={"org_slug": slug, "pk": person.pk})
            else:
                url = profile_page.url_of(slug, person.pk) if profile_page else ""
            detail = " · ".join(filter(None, [person.job_title, getattr(person.team, "name", "")]))
            hits.append(Hit(person.name, url, detail))
        return hits


SOURCES.register(PeopleSearch())
