"""A promotion round with a submitted case, built on demand for an organization's world.

HR opens the round (the world's track, the calibrator in its calibration group); the
manager nominates the report for L2 with a summary, asks the endorser, and submits. So:
subject = report, nominator = manager (the owner is skip-level), calibration group =
calibrator, endorser = endorser, and the member is a peer with no part in it.
"""

from dataclasses import dataclass
from datetime import timedelta

from advancement import promotion_services as services
from advancement.promotion_models import Case, Endorsement, Round
from perfapp.orgs.models import Membership

from ..factories import MembershipFactory


@dataclass
class PromotionWorld:
    round: Round
    case: Case
    endorsement: Endorsement
    calibrator: Membership
    endorser: Membership


def open_round(world, **extra) -> Round:
    today = services.today_for(world.hr)
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
    cached = getattr(world, "_promotion", None)
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
    world._promotion = PromotionWorld(round_, case, endorsement, calibrator, endorser)
    return world._promotion
