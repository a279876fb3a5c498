"""Who opens which promotion page, role by role: owner, HR, the subject's manager, the
subject (report), a peer (member), the round's calibration-group member, an endorser, and
someone of another organization. Forbidden answers 404, exactly like missing; POST-only
actions answer 405 to a GET. Every promotion URL must be listed here."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import get_resolver, reverse

from advancement.models import CalibrationNote, Case, CaseState, Endorsement, Round
from advancement.services import promotions as services
from perfapp.timezones import local_today

from .promotion_world import NOTE, SUBJECT_ROLES, promotion_of, subject_case

ROLES = ("owner", "hr", "manager", "report", "member", "calibrator", "endorser", "other")


def person(world, other, role):
    if role == "other":
        return other.owner
    if role in ("calibrator", "endorser"):
        return getattr(promotion_of(world), role)
    return getattr(world, role)


def statuses(allowed, status=200, denied=404, roles=ROLES):
    return {role: (status if role in allowed else denied) for role in roles}


EVERYONE = statuses(set(ROLES) - {"other"})
HR = {"owner", "hr"}
CASE_READERS = {"owner", "hr", "manager", "report", "calibrator"}
POST_ONLY = statuses(set(ROLES) - {"other"}, 405)  # 405 before anything is looked up
HR_POST_ONLY = statuses(HR, 405)


def round_pk(w):
    return {"pk": promotion_of(w).round.pk}


def case_pk(w):
    return {"pk": promotion_of(w).case.pk}


PAGES = {
    "promotions": (None, EVERYONE),
    "promotion_outcomes": (None, EVERYONE),
    "promotion_rounds": (None, statuses(HR)),
    "promotion_round_new": (None, statuses(HR)),
    "promotion_round": (round_pk, statuses(HR)),
    # Closing asks to confirm (GET) and reopening asks why: HR's pages.
    "promotion_round_close": (round_pk, statuses(HR)),
    "promotion_round_reopen": (round_pk, statuses(HR, 302)),  # open: back to the rounds
    "promotion_round_calibrate": (round_pk, HR_POST_ONLY),
    "promotion_calibration": (round_pk, statuses(HR | {"calibrator"})),
    # Nominating: people with reports (the owner manages HR and the manager).
    "promotion_case_new": (round_pk, statuses({"owner", "manager"})),
    "promotion_case": (case_pk, statuses(CASE_READERS)),
    "promotion_case_summary": (case_pk, POST_ONLY),
    "promotion_case_endorser": (case_pk, POST_ONLY),
    "promotion_case_refresh": (case_pk, POST_ONLY),
    "promotion_case_submit": (case_pk, POST_ONLY),
    "promotion_case_calibrate": (case_pk, POST_ONLY),
    "promotion_case_decide": (case_pk, POST_ONLY),
    "promotion_case_note": (case_pk, POST_ONLY),
    "promotion_case_apply": (case_pk, HR_POST_ONLY),
    "promotion_case_revert": (case_pk, HR_POST_ONLY),
    "promotion_endorsement": (
        lambda w: {"pk": promotion_of(w).endorsement.pk},
        statuses({"owner", "hr", "manager", "calibrator", "endorser"}),
    ),
}


def url_for(world, name):
    kwargs = PAGES[name][0]
    return reverse(
        f"advancement:{name}",
        kwargs={"org_slug": world.organization.slug, **(kwargs(world) if kwargs else {})},
    )


def test_every_promotion_page_is_classified():
    names = {
        pattern.name
        for pattern in get_resolver("advancement.urls").url_patterns
        if getattr(pattern, "name", "") and pattern.name.startswith("promotion")
    }
    assert names == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access_by_role(name, world_a, world_b, client):
    url = url_for(world_a, name)
    got = {}
    for role in ROLES:
        client.force_login(person(world_a, world_b, role).user)
        got[role] = client.get(url).status_code
    assert got == PAGES[name][1]


def _case(world):
    return Case.objects.get(pk=promotion_of(world).case.pk)


# Case readers reach a case action (it refuses with a message unless they may act on it);
# anyone else finds nothing.
CASE_POST = statuses(CASE_READERS, 302)

# name -> (form data, POST status per role, who may act, what must have changed then)
POSTS = {
    "promotion_case_note": (
        lambda w: {"body": "Strong packet."},
        CASE_POST,
        HR | {"calibrator"},
        lambda w: CalibrationNote.objects.filter(body="Strong packet.").exists(),
    ),
    "promotion_case_calibrate": (
        lambda w: {"lock_version": _case(w).lock_version},
        CASE_POST,
        HR,
        lambda w: _case(w).state == CaseState.CALIBRATION,
    ),
    "promotion_round_close": (
        lambda w: {"resolve_remaining": "on", "rationale": "The round is over."},
        statuses(HR, 302),
        HR,
        lambda w: Round.objects.get(pk=promotion_of(w).round.pk).closed_at,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(POSTS))
def test_post_by_role(name, role, world_a, world_b, client):
    data, expected, allowed, changed = POSTS[name]
    url = url_for(world_a, name)
    client.force_login(person(world_a, world_b, role).user)
    with world_a.scope():
        payload = data(world_a)
    assert client.post(url, payload).status_code == expected[role]
    with world_a.scope():
        assert bool(changed(world_a)) == (role in allowed)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_endorser_writes_their_endorsement(role, world_a, world_b, client):
    promotion = promotion_of(world_a)
    client.force_login(person(world_a, world_b, role).user)
    url = url_for(world_a, "promotion_endorsement")
    response = client.post(url, {"body": f"Endorsed by {role}."})
    assert response.status_code == (302 if role == "endorser" else 404)
    with world_a.scope():
        body = Endorsement.objects.get(pk=promotion.endorsement.pk).body
    assert body == ("Endorsed by endorser." if role == "endorser" else "")


def test_the_subject_sees_no_one_elses_endorsement_and_the_group_loses_access_at_close(
    world_a, client
):
    from advancement.services import promotions as services

    promotion = promotion_of(world_a)
    with world_a.scope():
        services.write_endorsement(
            actor=promotion.endorser, endorsement=promotion.endorsement, body="Quietly brilliant."
        )
    client.force_login(world_a.report.user)
    page = client.get(url_for(world_a, "promotion_case")).content.decode()
    assert "Quietly brilliant." not in page
    client.force_login(world_a.manager.user)
    assert "Quietly brilliant." in client.get(url_for(world_a, "promotion_case")).content.decode()
    with world_a.scope():
        services.close_round(
            actor=world_a.hr, round_=promotion.round, resolve_remaining=True, rationale="Over."
        )
    client.force_login(promotion.calibrator.user)
    assert client.get(url_for(world_a, "promotion_case")).status_code == 404
    assert client.get(url_for(world_a, "promotion_calibration")).status_code == 404


# --- the subject of a case, in every role ---------------------------------------------------
#
# Nobody acts on their own case: whatever role the subject holds (member, manager of
# someone, HR admin, owner, calibration-group member), they read their case, but never its
# calibration notes, and every act of calibration on it is refused, on pages and in the API,
# with nothing changed. Where the role cannot reach an action at all the answer is 404.

HR_ROLES = {"hr", "owner"}


def _page(world, name, pk):
    return reverse(f"advancement:{name}", kwargs={"org_slug": world.organization.slug, "pk": pk})


def _api(world, name, pk):
    return reverse(f"api:{name}", kwargs={"org_slug": world.organization.slug, "pk": pk})


def _state(sc):
    from advancement.models import Placement

    case = Case.objects.get(pk=sc.case.pk)
    placement = Placement.objects.filter(membership=sc.subject).first()
    return (
        case.state,
        case.decision,
        case.lock_version,
        case.applied_at,
        CalibrationNote.objects.filter(case=case).count(),
        Round.objects.get(pk=sc.round.pk).closed_at,
        Endorsement.objects.filter(case=case).exclude(body="").count(),
        placement.level_id if placement else None,
    )


@pytest.mark.parametrize("role", SUBJECT_ROLES)
def test_the_subject_reads_their_case_but_never_its_calibration_notes(role, world_a, login, api_as):
    from perfapp.privacy.services import export_for

    sc = subject_case(world_a, role)
    client, api_client = login(sc.subject), api_as(sc.subject)
    page = client.get(_page(world_a, "promotion_case", sc.case.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ready for the next level." in text
    assert NOTE not in text and "Calibration notes" not in text
    detail = api_client.get(_api(world_a, "promotion-case-detail", sc.case.pk))
    assert detail.status_code == 200 and NOTE not in detail.content.decode()
    assert client.get(_page(world_a, "promotion_calibration", sc.round.pk)).status_code == 404
    with world_a.scope():
        assert NOTE not in str(export_for(sc.subject))
    # The colleague in the calibration group reads the note: it is there to be hidden.
    colleague = login(sc.colleague).get(_page(world_a, "promotion_case", sc.case.pk))
    assert NOTE in colleague.content.decode()


@pytest.mark.parametrize("role", SUBJECT_ROLES)
def test_the_subject_cannot_write_a_calibration_note_on_their_case(role, world_a, login):
    """(Calibration notes have no API: the page is the only way to write one.)"""
    sc = subject_case(world_a, role)
    client = login(sc.subject)
    with world_a.scope():
        before = _state(sc)
    response = client.post(
        _page(world_a, "promotion_case_note", sc.case.pk), {"body": "Me: ready."}, follow=True
    )
    assert "This is your own case, so you cannot write calibration notes on it" in (
        response.content.decode()
    )
    with world_a.scope():
        assert _state(sc) == before


@pytest.mark.parametrize("role", SUBJECT_ROLES)
def test_the_subject_cannot_move_their_case_to_calibration(role, world_a, login, api_as):
    sc = subject_case(world_a, role, calibrate=False)
    client, api_client = login(sc.subject), api_as(sc.subject)
    with world_a.scope():
        before = _state(sc)
    lock = {"lock_version": sc.case.lock_version}
    page = client.post(_page(world_a, "promotion_case_calibrate", sc.case.pk), lock, follow=True)
    assert "This is your own case, so you cannot move it" in page.content.decode()
    api = api_client.post(
        _api(world_a, "promotion-case-calibrate", sc.case.pk), lock, format="json"
    )
    if role in HR_ROLES:
        assert api.status_code == 400
        assert "This is your own case" in api.json()["error"]["message"]
    else:
        assert api.status_code == 404
    round_page = client.post(_page(world_a, "promotion_round_calibrate", sc.round.pk))
    assert round_page.status_code == (302 if role in HR_ROLES else 404)
    with world_a.scope():
        assert _state(sc) == before


@pytest.mark.parametrize("role", SUBJECT_ROLES)
def test_the_subject_cannot_decide_their_case(role, world_a, login, api_as):
    sc = subject_case(world_a, role)
    client, api_client = login(sc.subject), api_as(sc.subject)
    with world_a.scope():
        before = _state(sc)
    body = {
        "decision": "promoted",
        "rationale": "I am ready.",
        "lock_version": sc.case.lock_version,
    }
    page = client.post(_page(world_a, "promotion_case_decide", sc.case.pk), body, follow=True)
    assert "This is your own case, so you cannot decide it" in page.content.decode()
    assert "Record decision" not in page.content.decode()
    api = api_client.post(_api(world_a, "promotion-case-decide", sc.case.pk), body, format="json")
    assert api.status_code == 400
    assert "This is your own case, so you cannot decide it" in api.json()["error"]["message"]
    with world_a.scope():
        assert _state(sc) == before
    # Someone who may decide it still can.
    decided = api_as(sc.runner).post(
        _api(world_a, "promotion-case-decide", sc.case.pk), body, format="json"
    )
    assert decided.json()["decision"] == "promoted"


@pytest.mark.parametrize("role", SUBJECT_ROLES)
def test_the_subject_cannot_endorse_their_case(role, world_a, login, api_as):
    sc = subject_case(world_a, role)
    with world_a.scope():
        # The nominator cannot ask them …
        with pytest.raises(ValidationError, match="do not endorse their own case"):
            services.request_endorsement(actor=sc.case.nominator, case=sc.case, endorser=sc.subject)
        # … and a request made before the rule (a row written directly) cannot be written.
        mine = Endorsement.objects.create(
            organization=world_a.organization, case=sc.case, endorser=sc.subject
        )
        before = _state(sc)
    client, api_client = login(sc.subject), api_as(sc.subject)
    page = client.post(_page(world_a, "promotion_endorsement", mine.pk), {"body": "Great."})
    assert page.status_code == 400
    assert "This is your own case, so you cannot endorse it" in page.content.decode()
    api = api_client.post(_api(world_a, "endorsement-write", mine.pk), {"body": "Great."})
    assert api.status_code == 400
    with world_a.scope():
        assert _state(sc) == before
        assert Endorsement.objects.get(pk=mine.pk).body == ""


@pytest.mark.parametrize("role", SUBJECT_ROLES)
def test_the_subject_cannot_close_or_reopen_the_round_of_their_case(role, world_a, login, api_as):
    sc = subject_case(world_a, role)
    client, api_client = login(sc.subject), api_as(sc.subject)
    with world_a.scope():
        before = _state(sc)
    data = {"resolve_remaining": "on", "rationale": "Closing it myself."}
    page = client.post(_page(world_a, "promotion_round_close", sc.round.pk), data)
    api = api_client.post(
        _api(world_a, "promotion-round-close", sc.round.pk),
        {"resolve_remaining": True, "rationale": "Closing it myself."},
        format="json",
    )
    if role in HR_ROLES:
        assert page.status_code == 400
        refusal = f"You have a case in “{sc.round.name}”, so you cannot close it"
        assert refusal in page.content.decode()
        assert api.status_code == 400 and refusal in api.json()["error"]["message"]
    else:
        assert (page.status_code, api.status_code) == (404, 404)
    with world_a.scope():
        assert _state(sc) == before
        # Closed by someone else, the subject cannot reopen it either.
        services.close_round(
            actor=sc.runner, round_=sc.round, resolve_remaining=True, rationale="Over."
        )
    reopen = client.post(
        _page(world_a, "promotion_round_reopen", sc.round.pk), {"reason": "Reconsider me."}
    )
    assert reopen.status_code == (400 if role in HR_ROLES else 404)
    with world_a.scope():
        assert Round.objects.get(pk=sc.round.pk).closed_at is not None


@pytest.mark.parametrize("role", SUBJECT_ROLES)
def test_the_subject_cannot_apply_or_revert_their_promotion(role, world_a, login, api_as):
    from datetime import timedelta

    from advancement.models import Decision

    sc = subject_case(world_a, role)
    with world_a.scope():
        today = local_today(world_a.organization)
        services.decide(
            actor=sc.runner,
            case=sc.case,
            decision=Decision.PROMOTED,
            rationale="Operates at the next level.",
            effective_on=today + timedelta(days=3),
            lock_version=sc.case.lock_version,
        )
        before = _state(sc)
    client, api_client = login(sc.subject), api_as(sc.subject)
    page = client.post(_page(world_a, "promotion_case_apply", sc.case.pk), follow=True)
    api = api_client.post(_api(world_a, "promotion-case-apply", sc.case.pk), format="json")
    if role in HR_ROLES:
        assert "This is your own case, so you cannot apply it" in page.content.decode()
        assert api.status_code == 400
    else:
        assert (page.status_code, api.status_code) == (404, 404)
    with world_a.scope():
        assert _state(sc) == before
        # Once it took effect (on its day), the subject cannot revert it either.
        case = Case.objects.get(pk=sc.case.pk)
        Case.objects.filter(pk=case.pk).update(effective_on=today)
        services.apply_promotion(actor=sc.runner, case=case)
        after = _state(sc)
    revert = api_client.post(
        _api(world_a, "promotion-case-revert", sc.case.pk), {"reason": "No."}, format="json"
    )
    assert revert.status_code == (400 if role in HR_ROLES else 404)
    with world_a.scope():
        assert _state(sc) == after


def test_an_hr_admin_does_not_place_themselves(world_a, login, api_as):
    from advancement.models import Placement
    from advancement.services import placements as placement_services
    from perfapp.audit.models import AuditEvent

    level = world_a.framework.next_level
    page = login(world_a.hr).post(
        reverse(
            "advancement:placement",
            kwargs={"org_slug": world_a.organization.slug, "pk": world_a.hr.pk},
        ),
        {"level": level.pk},
    )
    assert page.status_code == 400
    assert "Nobody changes their own placement" in page.content.decode()
    api = api_as(world_a.hr).put(
        reverse(
            "api:placement-detail",
            kwargs={"org_slug": world_a.organization.slug, "membership_id": world_a.hr.pk},
        ),
        {"level": level.pk},
        format="json",
    )
    assert api.status_code == 400
    assert "Nobody changes their own placement" in str(api.json()["error"])
    with world_a.scope():
        assert not Placement.objects.filter(membership=world_a.hr).exists()
        assert not AuditEvent.objects.filter(
            action="career.placement_changed", target_id=world_a.hr.pk
        ).exists()
        # The owner places them.
        placement_services.place(actor=world_a.owner, membership=world_a.hr, level=level)
        assert Placement.objects.get(membership=world_a.hr).level_id == level.pk
