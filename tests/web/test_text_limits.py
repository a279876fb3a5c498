"""Free text has a length limit per field, held at the model (max_length on every
TextField, which ModelForms and ModelSerializers pick up) and in the forms and
serializers that do not derive from a model; forms say it, the browser enforces it, and
too long a text is a clear error that changes nothing, on the page and in the API."""

import html
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from advancement.models import Proposal
from development.models import Goal
from feedback.models import Feedback
from perfapp.orgs.models import Team
from recognition.models import Recognition
from tests.recognition.wall_world import kind_named, value_of

from .page_walk import PROJECT_PACKAGES


def test_every_text_column_of_the_project_has_a_length_limit():
    unlimited = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.split(".")[0] in PROJECT_PACKAGES
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField) and field.max_length is None
    ]
    assert not unlimited, "TextFields without max_length:\n" + "\n".join(unlimited)


def _free_strings(schema: dict, components: dict, path: str) -> list[str]:
    """Paths of the writable free-text strings of a request body without maxLength."""
    while "$ref" in schema:
        schema = components[schema["$ref"].split("/")[-1]]
    found = []
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            found += _free_strings(part, components, path)
    if "properties" in schema:
        for name, prop in schema["properties"].items():
            if not prop.get("readOnly"):
                found += _free_strings(prop, components, f"{path}.{name}")
    elif schema.get("type") == "array":
        found += _free_strings(schema.get("items", {}), components, f"{path}[]")
    elif (
        schema.get("type") == "string"
        and "maxLength" not in schema
        and "enum" not in schema
        and "format" not in schema  # dates, times, emails, URIs
        and "One of:" not in schema.get("description", "")  # a PlainChoiceField
    ):
        found.append(path)
    return found


def test_every_free_text_the_api_takes_has_a_length_limit_in_its_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    unlimited = sorted(
        {
            found
            for url, operations in schema["paths"].items()
            for method, operation in operations.items()
            for content_type, content in operation.get("requestBody", {}).get("content", {}).items()
            if content_type == "application/json"
            for found in _free_strings(content["schema"], components, f"{method} {url}")
        }
    )
    assert not unlimited, "API text without maxLength:\n" + "\n".join(unlimited)


# --- one field per app, on its page and in the API ------------------------------------------


@dataclass
class Case:
    field: str
    limit: int
    model: type
    who: str
    page: str  # route name
    page_kwargs: object  # world -> dict
    page_query: object  # world -> str
    page_data: object  # world -> dict (valid, but for the field)
    api: str
    api_data: object  # world -> dict (valid, but for the field)
    textarea: bool = True  # a textarea says its limit under it; a one-line box does not


def _today(world):
    return timezone.now().date()


CASES = {
    "core: a team's description": Case(
        "description",
        240,
        Team,
        "hr",
        "orgs:teams",
        lambda w: {},
        lambda w: "",
        lambda w: {"name": "Data"},
        "api:team-list",
        lambda w: {"name": "Data"},
        textarea=False,
    ),
    "feedback: what happened": Case(
        "situation",
        4000,
        Feedback,
        "member",
        "feedback:give",
        lambda w: {},
        lambda w: "",
        lambda w: {"recipient": w.report.pk, "kind": "praise", "visibility": "private"},
        "api:feedback-list",
        lambda w: {"recipient": w.report.pk, "kind": "praise", "visibility": "private"},
    ),
    "career: why a proposal": Case(
        "rationale",
        2000,
        Proposal,
        "report",
        "advancement:proposal_new",
        lambda w: {},
        lambda w: f"?criterion={w.framework.criterion.pk}",
        lambda w: {"proposed_text": "Clearer wording."},
        "api:proposal-list",
        lambda w: {
            "target": "criterion",
            "target_id": w.framework.criterion.pk,
            "proposed_text": "Clearer wording.",
        },
    ),
    "growth: why a goal matters": Case(
        "why",
        2000,
        Goal,
        "report",
        "development:goal_new",
        lambda w: {"pk": w.report.pk},
        lambda w: "",
        lambda w: {
            "title": "Lead a design review",
            "success_criteria": "One review led.",
            "start_on": _today(w).isoformat(),
            "target_on": (_today(w) + timedelta(days=30)).isoformat(),
            "visibility": "private",
        },
        "api:goal-list",
        lambda w: {
            "plan": w.plans.plan.pk,
            "title": "Lead a design review",
            "success_criteria": "One review led.",
            "start_on": _today(w).isoformat(),
            "target_on": (_today(w) + timedelta(days=30)).isoformat(),
            "visibility": "private",
        },
    ),
    "recognition: the message": Case(
        "message",
        2000,
        Recognition,
        "member",
        "recognition:give",
        lambda w: {},
        lambda w: "",
        lambda w: {"recipients": [w.report.pk], "kind": kind_named(w).pk},
        "api:recognition-list",
        lambda w: {
            "recipients": [w.report.pk],
            "kind": kind_named(w).pk,
            "values": [value_of(w).pk],
        },
    ),
}


def _count(world, model) -> int:
    with world.scope():
        return model.objects.count()


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_page_states_the_limit_and_refuses_one_character_more(name, world_a, login):
    case = CASES[name]
    client = login(getattr(world_a, case.who))
    address = reverse(case.page, kwargs={"org_slug": "alpha", **case.page_kwargs(world_a)})
    address += case.page_query(world_a)
    form = html.unescape(client.get(address).content.decode())
    assert f'name="{case.field}"' in form
    assert f'maxlength="{case.limit}"' in form
    assert (f"Up to {case.limit:,} characters." in form) == case.textarea
    before = _count(world_a, case.model)
    data = {**case.page_data(world_a), case.field: "x" * (case.limit + 1)}
    response = client.post(address, data)
    assert response.status_code in (200, 400)
    page = html.unescape(response.content.decode())
    assert f"at most {case.limit} characters (it has {case.limit + 1})" in page
    assert _count(world_a, case.model) == before
    ok = client.post(address, {**case.page_data(world_a), case.field: "x" * case.limit})
    assert ok.status_code == 302, html.unescape(ok.content.decode())[-3000:]
    assert _count(world_a, case.model) == before + 1


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_api_answers_one_character_more_with_a_400_that_names_the_field(name, world_a, api_as):
    case = CASES[name]
    client = api_as(getattr(world_a, case.who))
    address = reverse(case.api, kwargs={"org_slug": "alpha"})
    before = _count(world_a, case.model)
    too_long = {**case.api_data(world_a), case.field: "x" * (case.limit + 1)}
    response = client.post(address, too_long, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"][case.field][0]["code"] == "max_length"
    assert _count(world_a, case.model) == before
    fits = {**case.api_data(world_a), case.field: "x" * case.limit}
    assert client.post(address, fits, format="json").status_code == 201
    assert _count(world_a, case.model) == before + 1


def test_a_notification_body_is_cut_to_its_limit_with_an_ellipsis(world_a):
    from perfapp.notifications.models import BODY_MAX
    from perfapp.notifications.services import MAX_BODY, queue

    with world_a.scope():
        message = queue(
            recipient=world_a.report,
            kind="feedback.received",
            occasion="limit-test",
            title="A long one",
            body="y" * (BODY_MAX + 50),
        )
    assert MAX_BODY <= BODY_MAX  # what is kept always fits the column
    assert len(message.body) == MAX_BODY and message.body.endswith("…")
