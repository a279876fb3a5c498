"""Walk every page of an organization as every person in it, with markup stored in every
free-text column, and record what the pages showed and which forms they built.

The pages come from the isolation sweep's classification (``tests/isolation/routes.py``),
which fails the suite until a new URL is listed there; the columns and the forms are found
by introspection. So a new page, a new form or a new text column is covered by the walk
without anyone remembering to add it.

Every request runs in a savepoint that is rolled back, so a POST action (made with no
data, to show the form again with its errors) changes nothing for the next request.
"""

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass, field

from django import forms
from django.apps import apps
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Left
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from perfapp.orgs.models import Membership, Organization
from perfapp.tenancy.scoping import scopes_disabled
from tests.isolation.routes import ORG_PAGES

# What a stored text may carry: a refresh that sends the reader's browser elsewhere (a
# Content-Security-Policy does not stop it), and plain markup.
META = '<meta http-equiv="refresh" content="0;url=https://evil.test">'
BOLD = "<b>x</b>"
MARKUP = (META, BOLD)

PROJECT_PACKAGES = ("perfapp", "advancement", "feedback", "development", "recognition")

# Columns that hold keys, addresses or machine values rather than words someone typed.
NOT_FREE_TEXT = {
    "password",
    "email",
    "time_zone",
    "slug",
    "token",
    "kind",  # notification kinds: registry keys
    "occasion",
    "url",
    "last_error",
    "action",
    "target_type",
    "item_ref",
    "group",
    "from_state",
    "to_state",
}


def project_models() -> list[type[models.Model]]:
    return [
        model for model in apps.get_models() if model.__module__.split(".")[0] in PROJECT_PACKAGES
    ]


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.primary_key
        and f.name not in NOT_FREE_TEXT
    ]


def _marked(f: models.Field):
    """The column with markup in front, cut to fit its length. Long columns carry both
    kinds of markup; short ones (a level's code, an emoji) the short one."""
    room = f.max_length
    prefix = "".join(MARKUP) if room is None or room >= len("".join(MARKUP)) + 20 else BOLD
    if room is not None and room < len(prefix):
        return None
    if room == len(prefix):
        return Value(prefix, output_field=f)
    kept = Left(f.name, room - len(prefix)) if room is not None else models.F(f.name)
    return Concat(Value(prefix), kept, output_field=f)


def _mark_json(value):
    if isinstance(value, str):
        return BOLD + META + value
    if isinstance(value, list):
        return [_mark_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _mark_json(v) for k, v in value.items()}
    return value


# JSON columns whose string values are words shown as they are (before/after of a change).
JSON_CHANGES = {("audit", "AuditEvent", "changes"), ("development", "PlanEvent", "changes")}


def store_markup(organization: Organization) -> None:
    """Markup in front of every free-text column of the organization's rows, its people's
    names and the organization's own name."""
    with scopes_disabled():
        for model in project_models():
            has_org = any(f.name == "organization" for f in model._meta.concrete_fields)
            if model is Organization:
                rows = model.objects.filter(pk=organization.pk)
            elif has_org:
                rows = model._base_manager.filter(organization=organization)
            elif model._meta.label == "accounts.User":
                rows = model.objects.filter(memberships__organization=organization).distinct()
                rows = model.objects.filter(pk__in=list(rows.values_list("pk", flat=True)))
            else:
                continue
            changes = {f.name: m for f in free_text_fields(model) if (m := _marked(f))}
            if changes:
                rows.update(**changes)
            for app_label, name, column in JSON_CHANGES:
                if model._meta.app_label == app_label and model.__name__ == name:
                    for pk, value in rows.values_list("pk", column):
                        model._base_manager.filter(pk=pk).update(**{column: _mark_json(value)})


# --- forms --------------------------------------------------------------------------------


# Modules that are not the application: settings of other environments, benchmarks,
# migrations, commands and the server entry points.
NOT_IMPORTED = {"settings", "bench", "migrations", "management", "wsgi", "asgi"}


def project_form_classes() -> set[type[forms.BaseForm]]:
    """Every Form and ModelForm subclass defined in the project's packages."""
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            if any(part in NOT_IMPORTED for part in info.name.split(".")):
                continue
            importlib.import_module(info.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in PROJECT_PACKAGES:
                found.add(sub)
    return found


GENERIC_REQUIRED = str(forms.Field.default_error_messages["required"])


@dataclass
class FormSeen:
    """A form as a page built it, and the errors of the same form sent empty."""

    form_class: type
    page: str
    empty_errors: dict[str, list[str]] | str = field(default_factory=dict)


class FormRecorder:
    """Records every project form built while active, and builds its empty twin (same
    arguments, no data) to collect the errors a person sending it empty would read."""

    def __init__(self, classes: set[type]):
        self.classes = classes
        self.seen: dict[type, FormSeen] = {}
        self.rendered: set[type] = set()
        self.page = ""
        self._originals = {}
        self._probing = False

    def __enter__(self):
        recorder = self
        targets = {forms.BaseForm} | {c for c in self.classes if "__init__" in c.__dict__}
        for cls in targets:
            original = cls.__dict__["__init__"]
            self._originals[cls] = original

            def wrapper(form, *args, __original=original, **kwargs):
                outermost = not form.__dict__.get("_walk_entered")
                form.__dict__["_walk_entered"] = True
                __original(form, *args, **kwargs)
                if outermost:
                    recorder._built(form, args, kwargs)

            cls.__init__ = wrapper
        original_render = forms.BoundField.as_widget
        self._originals["as_widget"] = original_render

        def as_widget(bound, *args, **kwargs):
            recorder.rendered.add(type(bound.form))
            return original_render(bound, *args, **kwargs)

        forms.BoundField.as_widget = as_widget
        return self

    def __exit__(self, *exc):
        forms.BoundField.as_widget = self._originals.pop("as_widget")
        for cls, original in self._originals.items():
            cls.__init__ = original

    def _built(self, form, args, kwargs) -> None:
        cls = type(form)
        if self._probing or cls not in self.classes or cls in self.seen:
            return
        seen = FormSeen(cls, self.page)
        self.seen[cls] = seen
        args, kwargs = list(args), dict(kwargs)
        for name in ("data", "files", "initial"):
            kwargs.pop(name, None)
        self._probing = True
        try:
            with transaction.atomic():
                empty = cls(QueryDict(), MultiValueDict(), *args[2:], **kwargs)
                seen.empty_errors = {
                    name: [str(message) for message in messages]
                    for name, messages in empty.errors.items()
                }
                transaction.set_rollback(True)
        except Exception as failure:  # reported by the test
            seen.empty_errors = f"{type(failure).__name__}: {failure}"
        finally:
            self._probing = False


# --- the walk -----------------------------------------------------------------------------


@dataclass
class Visit:
    who: str
    page: str
    method: str
    status: int
    content_type: str
    body: str


def page_urls(world) -> dict[str, str]:
    """Every classified page of the organization, its objects made on first use."""
    urls = {}
    for name, kwargs_for in sorted(ORG_PAGES.items()):
        kwargs = {"org_slug": world.organization.slug}
        if kwargs_for is not None:
            kwargs.update(kwargs_for(world))
        urls[name] = reverse(name, kwargs=kwargs)
    return urls


def people_of(world) -> dict[str, Membership]:
    """Every active person of the world's organization, named by their part in it."""
    parts = {
        getattr(world, part).pk: part for part in ("owner", "hr", "manager", "report", "member")
    }
    promotion = getattr(world, "_promotion", None)
    if promotion is not None:
        parts |= {promotion.calibrator.pk: "calibrator", promotion.endorser.pk: "endorser"}
    with scopes_disabled():
        people = (
            Membership.objects.select_related("user")
            .filter(organization=world.organization, is_active=True)
            .order_by("id")
        )
        return {f"{parts.get(p.pk, 'colleague')} {p.pk}": p for p in people}


def visit(client: Client, method: str, url: str, **extra):
    """One request in a savepoint that is rolled back: nothing it does stays."""
    with transaction.atomic():
        response = getattr(client, method)(url, **extra)
        transaction.set_rollback(True)
    return response


def _visit_record(who: str, page: str, label: str, response) -> Visit:
    streamed = getattr(response, "streaming", False)
    return Visit(
        who,
        page,
        label,
        response.status_code,
        response.get("Content-Type", ""),
        "" if streamed else response.content.decode(errors="replace"),
    )


# After a GET, the same address with htmx (a fragment) and as an empty POST (the form
# again, with its errors); both only where the GET found something for this person.
FOLLOW_UPS = (("GET (htmx)", "get", {"headers": {"HX-Request": "true"}}), ("POST", "post", {}))


def walk(
    pages: dict[str, str], people: dict[str, Membership], recorder: FormRecorder
) -> Iterator[Visit]:
    client = Client(raise_request_exception=False)
    for who, person in people.items():
        client.force_login(person.user)
        for name, url in pages.items():
            recorder.page = f"{name} as {who}"
            first = _visit_record(who, name, "GET", visit(client, "get", url))
            yield first
            if first.status == 404:
                continue
            for label, method, extra in FOLLOW_UPS:
                yield _visit_record(who, name, label, visit(client, method, url, **extra))


def unescaped_markup(body: str) -> list[str]:
    return [mark for mark in MARKUP if mark in body]


SIGNED_OUT_PAGES = ("account_login", "account_signup", "account_reset_password")


def walk_signed_out(pages: dict[str, str], recorder: FormRecorder) -> Iterator[Visit]:
    """Sign-in, sign-up, and the pages a link in an email opens before signing in."""
    client = Client(raise_request_exception=False)
    urls = {name: reverse(name) for name in SIGNED_OUT_PAGES}
    urls |= {name: pages[name] for name in ("invitation", "notifications_unsubscribe")}
    for name, url in urls.items():
        recorder.page = name
        for method in ("get", "post"):
            response = visit(client, method, url)
            yield _visit_record("nobody signed in", name, method.upper(), response)
