"""A promotion round with a submitted case, built on demand for an organization's world.

HR opens the round (the world's track, the calibrator in its calibration group); the
manager nominates the report for L2 with a summary, asks the endorser, and submits. So:
subject = report, nominator = manager (the owner is skip-level), calibration group =
calibrator, endorser = endorser, and the member is a peer with no part in it.
"""

from dataclasses import dataclass
from datetime import timedelta

from advancement.models import Case, Endorsement, Round
from advancement.services import promotions as services
from perfapp.orgs.models import Membership
from perfapp.timezones import local_today

from ..factories import MembershipFactory


@dataclass
class PromotionWorld:
    round: Round
    case: Case
    endorsement: Endorsement
    calibrator: Membership
    endorser: Membership


def open_round(world, **extra) -> Round:
    today = local_today(world.hr)
    fields = {
        "name": f"Spring round {world.organization.slug}",
        "opens_on": today - timedelta(days=7),
        "closes_on": today + timedelta(days=30),
        **extra,
    }
    group = fields.pop("calibration_group", [])
    return services.save_round(
        actor=world.hr,
        round_=Round(**fields),
        tracks=[world.framework.track],
        calibration_group=group,
    )


def promotion_of(world) -> PromotionWorld:
    # Cached on the organization, which copies of a world (a test's variant with another
    # cycle in place) share: a second round would now be refused for the same case.
    cached = getattr(world.organization, "_promotion", None)
    if cached is not None:
        return cached
    organization = world.organization
    calibrator = MembershipFactory(organization=organization, job_title="Staff Engineer")
    endorser = MembershipFactory(organization=organization, job_title="Product Manager")
    with world.scope():
        round_ = open_round(world, calibration_group=[calibrator])
        case = services.open_case(
            actor=world.manager,
            round_=round_,
            subject=world.report,
            summary=f"Leads the platform migration ({organization.slug}).",
        )
        endorsement = services.request_endorsement(
            actor=world.manager, case=case, endorser=endorser
        )
        case = services.submit_case(actor=world.manager, case=case, lock_version=case.lock_version)
    world.organization._promotion = PromotionWorld(round_, case, endorsement, calibrator, endorser)
    return world.organization._promotion


# --- the subject of a case, in every role ---------------------------------------------------

SUBJECT_ROLES = ("member", "manager", "hr", "owner", "calibrator")
NOTE = "Thin on mentoring; ask the manager for examples."


@dataclass
class SubjectCase:
    """A case about someone who holds ``role``: ``subject`` is the world's report
    (member), its manager (manager of someone), its HR admin, its owner (self-nominated),
    or a calibration-group member of the round (put there before the rule existed, as a
    round set up earlier could be). ``runner`` is HR who runs the round (the owner when
    the subject is the HR admin); ``colleague`` is in the calibration group and wrote
    ``note``; ``endorser`` endorsed the case."""

    role: str
    subject: Membership
    case: Case
    round: Round
    note: object
    endorsement: Endorsement
    runner: Membership
    colleague: Membership
    endorser: Membership


def subject_case(world, role: str, *, calibrate: bool = True) -> SubjectCase:
    from advancement.models import CaseState
    from advancement.services import placements as placement_services

    organization = world.organization
    colleague = MembershipFactory(organization=organization, job_title="Staff Engineer")
    endorser = MembershipFactory(organization=organization, job_title="Product Manager")
    runner = world.owner if role == "hr" else world.hr
    subject = {
        "member": world.report,
        "manager": world.manager,
        "hr": world.hr,
        "owner": world.owner,
        "calibrator": MembershipFactory(organization=organization, manager=world.manager),
    }[role]
    with world.scope():
        if subject.pk != world.report.pk:
            placement_services.place(actor=runner, membership=subject, level=world.framework.level)
        round_ = open_round(
            world,
            name=f"Round of the {role}",
            allow_self_nomination=True,
            calibration_group=[colleague],
        )
        nominator = subject.manager if subject.manager_id else subject
        case = services.open_case(
            actor=nominator, round_=round_, subject=subject, summary="Ready for the next level."
        )
        endorsement = services.request_endorsement(actor=nominator, case=case, endorser=endorser)
        services.write_endorsement(
            actor=endorser, endorsement=endorsement, body="Endorsed: the queue redesign."
        )
        case = services.submit_case(actor=nominator, case=case, lock_version=case.lock_version)
        if role == "calibrator":
            round_.calibration_group.add(subject)
        if calibrate:
            case = services.move_to_calibration(actor=runner, case=case)
        note = services.add_note(actor=colleague, case=case, body=NOTE)
        case = Case.objects.get(pk=case.pk)
        assert case.state == (CaseState.CALIBRATION if calibrate else CaseState.SUBMITTED)
    return SubjectCase(role, subject, case, round_, note, endorsement, runner, colleague, endorser)
