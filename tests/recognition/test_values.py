"""Company values and contribution kinds: HR adds, edits, orders, archives and restores
them; kinds start from a built-in set and map to competencies. Every change is in the
audit log; bad input is refused with a clear message and changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from perfapp.audit.models import AuditEvent
from recognition.models import CompanyValue, ContributionKind
from recognition.selectors import values as selectors
from recognition.services import values as services

from ..helpers import html_of, org_url, signed_in_client
from .wall_world import HX, give, kind_named

BUILT_IN = [
    "Output / result",
    "Collaboration",
    "Mentorship",
    "Problem solving",
    "Innovation or a calculated risk",
    "Customer impact",
]


def add(world, name: str, emoji: str = "", **extra) -> CompanyValue:
    with world.scope():
        return services.add_value(actor=world.hr, name=name, emoji=emoji, **extra)


def names(world) -> list[str]:
    with world.scope():
        return [value.name for value in selectors.active_values()]


def audit_actions(world) -> list[str]:
    with world.scope():
        return list(
            AuditEvent.objects.filter(action__startswith="recognition.")
            .order_by("id")
            .values_list("action", flat=True)
        )


def test_an_organization_starts_with_the_built_in_kinds_once(world_a, world_b):
    with world_a.scope():
        assert [kind.name for kind in selectors.kinds()] == BUILT_IN
        assert [kind.name for kind in selectors.kinds()] == BUILT_IN  # not twice
        assert ContributionKind.objects.count() == 6
    with world_b.scope():
        assert ContributionKind.objects.count() == 0  # each organization on its own first use


def test_values_are_added_in_order_renamed_and_audited(world_a):
    first = add(world_a, "Customers first", "🎯", description="The problem, not the feature.")
    add(world_a, "Own it", "🔍")
    assert names(world_a) == ["Customers first", "Own it"]
    with world_a.scope():
        services.change_value(
            actor=world_a.hr, value=first, name="Customer obsession", emoji="🎯", description=""
        )
        event = AuditEvent.objects.filter(action="recognition.value_changed").get()
    assert event.changes == {
        "name": ["Customers first", "Customer obsession"],
        "description": ["The problem, not the feature.", ""],
    }
    assert event.actor_id == world_a.hr.pk and event.target_label == "Customer obsession"
    assert audit_actions(world_a) == [
        "recognition.value_added",
        "recognition.value_added",
        "recognition.value_changed",
    ]


def test_values_move_up_and_down(world_a):
    for name in ("A", "B", "C"):
        add(world_a, name)
    with world_a.scope():
        c = CompanyValue.objects.get(name="C")
        assert services.move_value(actor=world_a.hr, value=c, direction="up")
        assert names(world_a) == ["A", "C", "B"]
        assert services.move_value(actor=world_a.hr, value=c, direction="up")
        assert not services.move_value(actor=world_a.hr, value=c, direction="up")  # first
        assert names(world_a) == ["C", "A", "B"]
        assert list(
            CompanyValue.objects.order_by("position").values_list("position", flat=True)
        ) == [
            0,
            1,
            2,
        ]
    assert audit_actions(world_a).count("recognition.value_moved") == 2


def test_archiving_keeps_past_recognition_and_frees_the_name(world_a):
    value = add(world_a, "Own it")
    recognition = give(world_a, values=[value])
    with world_a.scope():
        services.archive_value(actor=world_a.hr, value=value)
        assert "Own it" not in names(world_a)
        assert list(recognition.values.all()) == [value]
        twin = services.add_value(actor=world_a.hr, name="own it")  # the name is free again
        value.refresh_from_db()
        with pytest.raises(ValidationError) as clash:
            services.restore_value(actor=world_a.hr, value=value)
        assert "already a value called" in str(clash.value)
        services.archive_value(actor=world_a.hr, value=twin)
        services.restore_value(actor=world_a.hr, value=value)
        assert "Own it" in names(world_a)
    assert "recognition.value_archived" in audit_actions(world_a)
    assert "recognition.value_restored" in audit_actions(world_a)


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({"name": ""}, "name", "Give it a name."),
        ({"name": "x" * 61}, "name", "under 60"),
        ({"name": "Own it", "description": "x" * 301}, "description", "under 300"),
        ({"name": "Own it", "emoji": "ab"}, "emoji", "not letters"),
        ({"name": "Own it", "emoji": "🎯" * 9}, "emoji", "one emoji"),
        ({"name": "CUSTOMERS FIRST"}, "name", "already a value called"),
    ],
)
def test_bad_values_are_refused_and_change_nothing(fields, field, expected, world_a):
    add(world_a, "Customers first")
    with world_a.scope():
        before = list(CompanyValue.objects.values_list("id", "name"))
        with pytest.raises(ValidationError) as refused:
            services.add_value(actor=world_a.hr, **fields)
        assert expected in " ".join(refused.value.message_dict[field])
        assert list(CompanyValue.objects.values_list("id", "name")) == before
    assert audit_actions(world_a) == ["recognition.value_added"]


def test_an_archived_value_cannot_be_edited_or_moved(world_a):
    value = add(world_a, "Own it")
    with world_a.scope():
        services.archive_value(actor=world_a.hr, value=value)
        with pytest.raises(ValidationError, match="restore it"):
            services.change_value(actor=world_a.hr, value=value, name="Own it!")
        with pytest.raises(ValidationError, match="restore it"):
            services.move_value(actor=world_a.hr, value=value, direction="up")
        with pytest.raises(ValidationError, match="already archived"):
            services.archive_value(actor=world_a.hr, value=value)


def test_kinds_map_to_competencies_and_the_change_is_audited(world_a):
    kind = kind_named(world_a, "Mentorship")
    competency = world_a.framework.competency
    with world_a.scope():
        services.change_kind(
            actor=world_a.hr,
            kind=kind,
            name="Mentorship",
            description=kind.description,
            competencies=[competency],
        )
        assert list(kind.competencies.all()) == [competency]
        event = AuditEvent.objects.get(action="recognition.kind_changed")
    assert event.changes == {"competencies": ["", competency.name]}


def test_the_last_active_kind_cannot_be_archived(world_a):
    with world_a.scope():
        kinds = list(selectors.kinds())
        for kind in kinds[:-1]:
            services.archive_kind(actor=world_a.hr, kind=kind)
        with pytest.raises(ValidationError, match="at least one contribution kind"):
            services.archive_kind(actor=world_a.hr, kind=kinds[-1])
        assert [k.name for k in selectors.kinds()] == ["Customer impact"]


def test_an_archived_competency_cannot_be_newly_mapped(world_a):
    from django.utils import timezone

    kind = kind_named(world_a, "Mentorship")
    competency = world_a.framework.competency
    with world_a.scope():
        competency.archived_at = timezone.now()
        competency.save(update_fields=["archived_at"])
        with pytest.raises(ValidationError) as refused:
            services.change_kind(
                actor=world_a.hr, kind=kind, name="Mentorship", competencies=[competency]
            )
        assert "competencies" in refused.value.message_dict
        assert not kind.competencies.exists()


# --- pages ------------------------------------------------------------------------------------


def test_hr_adds_a_value_on_the_page(world_a):
    client = signed_in_client(world_a.hr)
    empty = html_of(client.get(org_url("recognition:values")))
    assert "No values yet" in empty
    response = client.post(
        org_url("recognition:values"), {"name": "Own it", "emoji": "🔍", "description": "We care."}
    )
    assert response.status_code == 302
    page = html_of(client.get(org_url("recognition:values")))
    assert "Own it" in page and "🔍" in page and "is one of your values now" in page


def test_a_duplicate_value_on_the_page_is_a_field_error(world_a):
    add(world_a, "Own it")
    response = signed_in_client(world_a.hr).post(org_url("recognition:values"), {"name": "own it"})
    assert response.status_code == 400
    assert "There is already a value called “own it”." in html_of(response)
    assert names(world_a) == ["Own it"]


def test_moving_and_archiving_swap_the_list_in_place(world_a):
    add(world_a, "A")
    b = add(world_a, "B")
    client = signed_in_client(world_a.hr)
    moved = client.post(org_url("recognition:value_move", pk=b.pk), {"direction": "up"}, headers=HX)
    assert moved.status_code == 200
    fragment = html_of(moved)
    assert fragment.strip().startswith('<div id="catalogue-lists"')
    assert fragment.index(">B<") < fragment.index(">A<")
    assert "Moved “B” up." in fragment
    archived = client.post(org_url("recognition:value_archive", pk=b.pk), headers=HX)
    assert "Archived" in html_of(archived) and names(world_a) == ["A"]
    again = client.post(org_url("recognition:value_archive", pk=b.pk), headers=HX)
    assert again.status_code == 400 and "already archived" in html_of(again)
    restored = client.post(org_url("recognition:value_restore", pk=b.pk))
    assert restored.status_code == 302 and names(world_a) == ["A", "B"]


def test_editing_a_value_on_its_page(world_a):
    value = add(world_a, "Own it", "🔍")
    client = signed_in_client(world_a.hr)
    assert "Own it" in html_of(client.get(org_url("recognition:value", pk=value.pk)))
    bad = client.post(org_url("recognition:value", pk=value.pk), {"name": "", "emoji": "🔍"})
    assert bad.status_code == 400
    good = client.post(
        org_url("recognition:value", pk=value.pk), {"name": "Ownership", "emoji": "🔍"}
    )
    assert good.status_code == 302 and names(world_a) == ["Ownership"]


def test_hr_maps_a_kind_on_its_page(world_a):
    kind = kind_named(world_a, "Problem solving")
    client = signed_in_client(world_a.hr)
    page = html_of(client.get(org_url("recognition:kinds")))
    for name in BUILT_IN:
        assert name in page
    assert "Not mapped to competencies yet." in page
    response = client.post(
        org_url("recognition:kind", pk=kind.pk),
        {
            "name": "Problem solving",
            "description": "Untangled something hard.",
            "competencies": [world_a.framework.competency.pk],
        },
    )
    assert response.status_code == 302
    page = html_of(client.get(org_url("recognition:kinds")))
    assert world_a.framework.competency.name in page
    foreign = client.post(
        org_url("recognition:kind", pk=kind.pk),
        {"name": "Problem solving", "competencies": [999999]},
    )
    assert foreign.status_code == 400 and "Choose from the list." in html_of(foreign)


def test_the_last_kind_refusal_shows_on_the_page(world_a):
    with world_a.scope():
        kinds = list(selectors.kinds())
        for kind in kinds[1:]:
            services.archive_kind(actor=world_a.hr, kind=kind)
    response = signed_in_client(world_a.hr).post(
        org_url("recognition:kind_archive", pk=kinds[0].pk), headers=HX
    )
    assert response.status_code == 400
    assert "Keep at least one contribution kind" in html_of(response)


# --- API --------------------------------------------------------------------------------------


def test_values_through_the_api(world_a, api_as):
    client = api_as(world_a.hr)
    created = client.post(
        org_url("api:company-value-list"), {"name": "Own it", "emoji": "🔍"}, format="json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["position"] == 0 and created.json()["archived"] is False
    client.post(org_url("api:company-value-list"), {"name": "Customers first"}, format="json")
    duplicate = client.post(org_url("api:company-value-list"), {"name": "own it"}, format="json")
    assert duplicate.status_code == 400
    assert "name" in duplicate.json()["error"]["fields"]
    patched = client.patch(
        org_url("api:company-value-detail", pk=pk), {"description": "We care."}, format="json"
    )
    assert patched.json()["name"] == "Own it" and patched.json()["description"] == "We care."
    moved = client.post(
        org_url("api:company-value-move", pk=pk), {"direction": "down"}, format="json"
    )
    assert moved.json() == {"moved": True}
    bad_move = client.post(
        org_url("api:company-value-move", pk=pk), {"direction": "left"}, format="json"
    )
    assert bad_move.status_code == 400
    archived = client.post(org_url("api:company-value-archive", pk=pk))
    assert archived.json()["archived"] is True
    listed = api_as(world_a.member).get(org_url("api:company-value-list")).json()["results"]
    assert [row["name"] for row in listed] == ["Customers first"]
    everything = api_as(world_a.member).get(
        org_url("api:company-value-list"), {"include_archived": "true"}
    )
    assert {row["name"] for row in everything.json()["results"]} == {"Own it", "Customers first"}
    again = api_as(world_a.hr).post(org_url("api:company-value-archive", pk=pk))
    assert (
        again.status_code == 400
        and again.json()["error"]["message"] == "“Own it” is already archived."
    )


def test_kinds_through_the_api(world_a, api_as):
    client = api_as(world_a.hr)
    listed = api_as(world_a.member).get(org_url("api:contribution-kind-list")).json()["results"]
    assert [row["name"] for row in listed] == BUILT_IN
    mentorship = next(row for row in listed if row["name"] == "Mentorship")
    client = api_as(world_a.hr)  # the one API client now signs in as HR again
    patched = client.patch(
        org_url("api:contribution-kind-detail", pk=mentorship["id"]),
        {"competencies": [world_a.framework.competency.pk]},
        format="json",
    )
    assert patched.status_code == 200
    assert patched.json()["competencies"] == [
        {"id": world_a.framework.competency.pk, "name": world_a.framework.competency.name}
    ]
    created = client.post(org_url("api:contribution-kind-list"), {"name": "Hiring"}, format="json")
    assert created.status_code == 201 and created.json()["position"] == 6
    empty = client.post(org_url("api:contribution-kind-list"), {"name": ""}, format="json")
    assert empty.status_code == 400 and "name" in empty.json()["error"]["fields"]


def test_catalogue_lists_cost_the_same_at_two_sizes(world_a, api_as, django_assert_max_num_queries):
    client = api_as(world_a.member)
    client.get(org_url("api:contribution-kind-list"))  # the built-in kinds, on first use
    used = []
    for extra in (0, 40):
        with world_a.scope():
            for number in range(extra):
                kind = services.add_kind(actor=world_a.hr, name=f"Kind {number}")
                kind.competencies.set([world_a.framework.competency])
        with django_assert_max_num_queries(8) as captured:
            response = client.get(org_url("api:contribution-kind-list"), {"page_size": 100})
        used.append((len(response.json()["results"]), len(captured.captured_queries)))
    assert used[0][0] == 6 and used[1][0] == 46
    assert used[0][1] == used[1][1], used


@pytest.mark.parametrize("page", ["recognition:values", "recognition:kinds"])
def test_hr_pages_cost_the_same_with_few_or_many(page, world_a, django_assert_max_num_queries):
    client = signed_in_client(world_a.hr)
    client.get(org_url(page))  # the built-in kinds, on first use
    used = []
    for extra in (0, 30):
        with world_a.scope():
            for number in range(extra):
                services.add_value(actor=world_a.hr, name=f"Value {number}", emoji="⭐")
                kind = services.add_kind(actor=world_a.hr, name=f"Kind {number}")
                kind.competencies.set([world_a.framework.competency])
                if number % 3 == 0:
                    services.archive_kind(actor=world_a.hr, kind=kind)
        with django_assert_max_num_queries(16) as captured:
            response = client.get(org_url(page))
        assert response.status_code == 200
        used.append(len(captured.captured_queries))
    assert used[0] == used[1], used
