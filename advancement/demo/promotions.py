"""Demo promotion round: open now, both tracks, Mei (HR) and Lena in the calibration group.

Sam nominated his report Tom, with a summary and an endorsement, and submitted the case;
two more cases of other teams are already in calibration with a note, and one is a draft,
so the calibration page has something to compare. Runs after the growth seeders, so the
packets hold the demo's evidence. Idempotent: nothing happens once a round exists.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError

from advancement.models import Round, Track
from advancement.services import promotions as services
from perfapp.orgs.models import Membership, Organization
from perfapp.timezones import local_today

TOM_SUMMARY = (
    "Tom has been doing the work of a senior engineer for two quarters: he led the payments "
    "retry redesign from proposal to rollout, mentors two newer engineers every week, and is "
    "the person the team asks when an incident needs a calm first responder."
)


def _nominate(subject: Membership, summary: str, *, submit: bool) -> object | None:
    """The subject's manager opens (and maybe submits) a case; people the round cannot take
    (top of their track, not placed) are skipped."""
    manager = subject.manager
    round_ = Round.objects.order_by("-id").first()
    if manager is None:
        return None
    try:
        case = services.open_case(actor=manager, round_=round_, subject=subject, summary=summary)
        if submit:
            case = services.submit_case(actor=manager, case=case, lock_version=case.lock_version)
    except ValidationError:
        return None
    return case


def seed_promotions(organization: Organization, members: list[Membership]) -> None:
    if Round.objects.exists() or len(members) < 12:
        return
    hr, lena = members[4], members[2]
    today = local_today(hr)
    services.save_round(
        actor=hr,
        round_=Round(
            name="Spring promotions",
            opens_on=today - timedelta(days=14),
            closes_on=today + timedelta(days=21),
        ),
        tracks=list(Track.objects.all()),
        calibration_group=[hr, lena],
    )
    by_email = {m.user.email.split("@")[0]: m for m in members}
    tom = by_email.get("tom") or members[5]
    case = _nominate(tom, TOM_SUMMARY, submit=False)
    if case is not None:
        colleague = next(m for m in members[6:] if m.pk != tom.pk and m.manager_id)
        endorsement = services.request_endorsement(
            actor=case.nominator, case=case, endorser=colleague
        )
        services.write_endorsement(
            actor=colleague,
            endorsement=endorsement,
            body="Tom paired with me through my first on-call week and wrote the runbook we "
            "still use. He raises the bar without making anyone feel small.",
        )
        services.submit_case(actor=case.nominator, case=case, lock_version=case.lock_version)
    others = [m for m in members[6:] if m.pk != tom.pk and m.manager_id][:3]
    summaries = (
        "Owns the mobile release train end to end and cut crash rates by half.",
        "Runs the design critique every team now asks to join; shipped the new onboarding.",
        "Strong individual work; would like a senior scope next year.",
    )
    for index, (person, summary) in enumerate(zip(others, summaries, strict=False)):
        other = _nominate(person, summary, submit=index < 2)
        if other is not None and index < 2:
            other = services.move_to_calibration(actor=hr, case=other)
            services.add_note(
                actor=lena,
                case=other,
                body="Packet is thin on the collaboration criteria; ask the manager for examples.",
            )
