"""Who opens which promotion page, role by role: owner, HR, the subject's manager, the
subject (report), a peer (member), the round's calibration-group member, an endorser, and
someone of another organization. Forbidden answers 404, exactly like missing; POST-only
actions answer 405 to a GET. Every promotion URL must be listed here."""

import pytest
from django.urls import get_resolver, reverse

from advancement.promotion_models import CalibrationNote, Case, CaseState, Endorsement, Round

from .promotion_world import promotion_of

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
    "promotion_round_close": (round_pk, HR_POST_ONLY),
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
        lambda w: {},
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
    from advancement import promotion_services as services

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
        services.close_round(actor=world_a.hr, round_=promotion.round)
    client.force_login(promotion.calibrator.user)
    assert client.get(url_for(world_a, "promotion_case")).status_code == 404
    assert client.get(url_for(world_a, "promotion_calibration")).status_code == 404
