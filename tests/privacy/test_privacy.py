"""GDPR: a person downloads all their own data; HR erases a departed person. The export
is complete (every model that references a person is covered or declared not personal)
and the erasure leaves the person's name and email nowhere; both are audited; bad
requests change nothing."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.db.models import CharField, JSONField, Q, TextField
from django.db.models.functions import Cast

from feedback.models import Feedback
from feedback.services import giving as feedback_services
from perfapp.accounts.models import User
from perfapp.audit.models import AuditEvent
from perfapp.orgs import services as org_services
from perfapp.orgs.models import Membership
from perfapp.privacy import registry, services
from perfapp.tenancy.models import TenantModel
from perfapp.tenancy.scoping import scopes_disabled

from ..helpers import org_url, signed_in_client, visible_text
from ..recognition.wall_world import give, recognition_of


def person_models() -> list[str]:
    """Every tenant model with a relation to a Membership."""
    found = []
    for model in apps.get_models():
        if not issubclass(model, TenantModel):
            continue
        relations = [
            f
            for f in model._meta.get_fields()
            if f.is_relation and (f.concrete or f.many_to_many) and f.related_model is Membership
        ]
        if relations or model is Membership:
            found.append(model._meta.label)
    return found


def test_every_model_that_references_a_person_is_exported_or_declared_not_personal():
    covered = set()
    withheld = set()
    for source in registry.SOURCES.all():
        covered |= set(source.covers)
        withheld |= set(source.withheld)
    missing = [label for label in person_models() if label not in covered | withheld]
    assert not missing, f"Cover these in an app's personal_data.py: {missing}"
    assert not (covered & withheld)
    assert {"feedback", "development", "recognition", "career", "account"} <= {
        source.key for source in registry.SOURCES.all()
    }


@pytest.fixture
def rich(world_a):
    """The report also gave feedback and recognition, and received recognition."""
    w = world_a
    recognition_of(w)  # member → report, with a reaction and a comment
    give(w, giver=w.report, recipients=[w.member])
    with w.scope():
        feedback_services.give_feedback(
            author=w.report,
            recipient=w.member,
            kind="praise",
            situation="Your design review caught the edge case early.",
        )
    return w


def test_a_person_downloads_their_data_with_every_apps_rows(rich):
    w = rich
    client = signed_in_client(w.report)
    assert "Download my data" in visible_text(client.get(org_url("privacy:mine")))
    response = client.post(org_url("privacy:download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"]["email"] == w.report.user.email
    assert set(data["apps"]) == {source.key for source in registry.SOURCES.all()}
    for key, sections in data["apps"].items():
        assert any(sections.values()), f"{key} exported nothing about the report"
    apps_data = data["apps"]
    assert apps_data["feedback"]["feedback_received"][0]["recipient"] == w.report.pk
    assert apps_data["development"]["plan"][0]["owner"] == w.report.pk
    assert apps_data["career"]["placement"][0]["membership"] == w.report.pk
    assert apps_data["recognition"]["recognition_received"]
    with w.scope():
        assert AuditEvent.objects.filter(action="privacy.exported", actor=w.report).count() == 1


def test_the_download_is_a_post_and_the_api_returns_the_same(world_a, api_as):
    client = signed_in_client(world_a.member)
    assert client.get(org_url("privacy:download")).status_code == 405
    response = api_as(world_a.member).get("/api/v1/orgs/alpha/my-data/")
    assert response.status_code == 200
    assert response.json()["person"]["id"] == world_a.member.pk


def test_a_persons_download_holds_nothing_of_another_organization(world_a, world_b):
    with world_a.scope():
        data = json.dumps(services.export_for(world_a.report), default=str)
    assert world_b.organization.slug not in data.replace(world_a.organization.slug, "")
    assert "(beta)" not in data


def _deactivate(world, person):
    with world.scope():
        org_services.deactivate_membership(actor=world.hr, membership=person)


def _text_rows_mentioning(needles: list[str]) -> list[str]:
    """Every row of every model (tenant or not) whose text mentions a needle."""
    hits = []
    with scopes_disabled():
        for model in apps.get_models():
            if model._meta.proxy:
                continue
            fields = model._meta.concrete_fields
            texts = [f.name for f in fields if isinstance(f, (CharField, TextField))]
            jsons = [f.name for f in fields if isinstance(f, JSONField)]
            query = Q()
            annotations = {f"_{name}_t": Cast(name, TextField()) for name in jsons}
            for needle in needles:
                for name in [*texts, *annotations]:
                    query |= Q(**{f"{name}__icontains": needle})
            if not query:
                continue
            manager = model._base_manager
            for obj in manager.annotate(**annotations).filter(query):
                hits.append(f"{model._meta.label}#{obj.pk}")
    return hits


def test_erasure_leaves_no_personal_data_and_keeps_others_records(rich):
    w = rich
    name, email = w.report.user.name, w.report.user.email
    assert _text_rows_mentioning([name, email])  # the test would see them
    _deactivate(w, w.report)
    with w.scope():
        given = Feedback.objects.filter(author=w.report).count()
        member_feedback = Feedback.objects.filter(recipient=w.member).count()
    response = signed_in_client(w.hr).post(org_url("privacy:erase", pk=w.report.pk))
    assert response.status_code == 302
    assert _text_rows_mentioning([name, email]) == []
    user = User.objects.get(pk=w.report.user_id)
    assert user.name == registry.FORMER_COLLEAGUE and not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    with w.scope():
        # Feedback they gave stays for its recipient, from "Former colleague".
        kept = Feedback.objects.filter(author=w.report).select_related("author__user")
        assert kept.count() == given >= 1
        assert kept.first().author.name == registry.FORMER_COLLEAGUE
        assert Feedback.objects.filter(recipient=w.member).count() == member_feedback
        # What was about them is gone.
        assert not Feedback.objects.filter(recipient=w.report).exists()
        event = AuditEvent.objects.get(action="privacy.erased")
    assert event.actor == w.hr and event.target_id == w.report.pk
    page = visible_text(signed_in_client(w.hr).get(org_url("privacy:erase", pk=w.report.pk)))
    assert "This person's data was erased." in page


def _state(world) -> tuple:
    with scopes_disabled():
        return (
            list(User.objects.order_by("pk").values_list("name", "email", "is_active")),
            Feedback.objects.filter(organization=world.organization).count(),
            AuditEvent.objects.filter(organization=world.organization).count(),
        )


@pytest.mark.parametrize(
    ("actor", "target", "message"),
    [
        ("hr", "hr", "You cannot erase your own data. Ask another HR admin."),
        ("hr", "member", "Only a departed person's data can be erased: deactivate"),
        ("hr", "owner", "This is the organization's last owner: make someone else owner first."),
    ],
)
def test_erasing_yourself_an_active_member_or_the_last_owner_changes_nothing(
    world_a, actor, target, message
):
    before = _state(world_a)
    person = getattr(world_a, target)
    response = signed_in_client(getattr(world_a, actor)).post(
        org_url("privacy:erase", pk=person.pk)
    )
    assert response.status_code == 400
    assert message in visible_text(response) and "Nothing was changed." in visible_text(response)
    assert _state(world_a) == before


def test_a_departed_owner_can_only_be_erased_by_an_owner(world_a):
    w = world_a
    with scopes_disabled():
        second = Membership.objects.create(
            organization=w.organization,
            user=User.objects.create(email="o2@example.com"),
            role="owner",
        )
    _deactivate(w, w.report)
    with scopes_disabled():
        Membership.objects.filter(pk=w.owner.pk).update(is_active=False)
    before = _state(w)
    response = signed_in_client(w.hr).post(org_url("privacy:erase", pk=w.owner.pk))
    assert "Only an owner can erase another owner's data." in visible_text(response)
    assert _state(w) == before
    assert signed_in_client(second).post(org_url("privacy:erase", pk=w.owner.pk)).status_code == 302


@pytest.mark.parametrize("who", ["manager", "report", "member"])
def test_only_people_admins_reach_erasure(world_a, who):
    client = signed_in_client(getattr(world_a, who))
    assert client.get(org_url("privacy:erase", pk=world_a.member.pk)).status_code == 404
    assert client.post(org_url("privacy:erase", pk=world_a.member.pk)).status_code == 404


def test_a_person_of_another_organization_cannot_be_erased(world_a, world_b):
    _deactivate(world_b, world_b.report)
    before = _state(world_b)
    response = signed_in_client(world_a.hr).post(org_url("privacy:erase", pk=world_b.report.pk))
    assert response.status_code == 404
    assert _state(world_b) == before


def test_an_account_in_another_organization_keeps_its_name(world_a, world_b):
    with scopes_disabled():
        Membership.objects.create(organization=world_b.organization, user=world_a.report.user)
    _deactivate(world_a, world_a.report)
    with world_a.scope():
        services.erase(actor=world_a.hr, person=world_a.report)
    user = User.objects.get(pk=world_a.report.user_id)
    assert user.name != registry.FORMER_COLLEAGUE and user.is_active
