"""Every URL pattern of perfapp, classified for the isolation sweep.

A new URL must be added here (with the object it addresses, if any) or the sweep fails:
that is how a forgotten tenant check is caught before it ships.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from perfapp.notifications.models import Notification


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    pattern: URLPattern


def iter_routes(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from iter_routes(entry, prefix + str(entry.pattern), ns)
        else:
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield Route(name=name, route=prefix + str(entry.pattern), pattern=entry)


def _notification(world) -> int:
    with world.scope():
        return Notification.objects.filter(recipient=world.report).first().pk


def _recognition(world) -> int:
    from tests.recognition.wall_world import recognition_of

    return recognition_of(world).pk


def _reaction(world) -> int:
    from tests.recognition.wall_world import reaction_of

    return reaction_of(world).pk


def _comment(world) -> int:
    from tests.recognition.wall_world import comment_of

    return comment_of(world).pk


def _value(world) -> int:
    from tests.recognition.wall_world import value_of

    return value_of(world).pk


def _kind(world) -> int:
    from tests.recognition.wall_world import kind_of

    return kind_of(world).pk


def _reward(world) -> int:
    from tests.recognition.points_world import reward_of

    return reward_of(world)


def _redemption(world) -> int:
    from tests.recognition.points_world import redemption_of

    return redemption_of(world)


def _assessment(world) -> int:
    from tests.advancement.readiness_world import assessment_of

    return assessment_of(world).pk


def _next_criterion(world) -> int:
    from tests.advancement.readiness_world import next_criterion_of

    return next_criterion_of(world)


def _promotion(world):
    from tests.advancement.promotion_world import promotion_of

    return promotion_of(world)


# route name -> how to fill its object kwargs from an organization's world (None: no object)
ObjectKwargs = Callable[[object], dict] | None

ORG_PAGES: dict[str, ObjectKwargs] = {
    "web:home": None,
    "web:team": None,
    "web:profile": None,
    "web:api_token": None,
    "web:api_token_revoke": None,
    "orgs:people": None,
    "orgs:invite": None,
    "orgs:people_import": None,
    "orgs:people_import_confirm": None,
    "orgs:person": lambda w: {"pk": w.report.pk},
    "orgs:person_deactivate": lambda w: {"pk": w.report.pk},
    "orgs:person_reactivate": lambda w: {"pk": w.report.pk},
    "orgs:invitation_resend": lambda w: {"pk": w.invitation.pk},
    "orgs:invitation_revoke": lambda w: {"pk": w.invitation.pk},
    "orgs:teams": None,
    "orgs:team": lambda w: {"pk": w.team.pk},
    "orgs:team_delete": lambda w: {"pk": w.team.pk},
    "orgs:settings": None,
    "notifications:inbox": None,
    "notifications:badge": None,
    "notifications:read_all": None,
    "notifications:preferences": None,
    "notifications:digest": None,
    "notifications:open": lambda w: {"pk": _notification(w)},
    "notifications:read": lambda w: {"pk": _notification(w)},
    "audit:log": None,
    "analytics:index": None,
    "analytics:csv": lambda w: {"key": "feedback.by_team"},
    "privacy:mine": None,
    "privacy:download": None,
    "privacy:erase": lambda w: {"pk": w.report.pk},
    "web:search": None,
    "feedback:index": None,
    "feedback:checkins": None,
    "development:index": None,
    "development:team": None,
    "development:settings": None,
    "development:plan": lambda w: {"pk": w.report.pk},
    "development:plan_edit": lambda w: {"pk": w.report.pk},
    "development:plan_sign": lambda w: {"pk": w.report.pk},
    "development:plan_comment": lambda w: {"pk": w.report.pk},
    "development:plan_review": lambda w: {"pk": w.report.pk},
    "development:learning_add": lambda w: {"pk": w.report.pk},
    "development:goal_new": lambda w: {"pk": w.report.pk},
    "development:goal_edit": lambda w: {"pk": w.plans.goal.pk},
    "development:goal_status": lambda w: {"pk": w.plans.goal.pk},
    "development:goal_progress": lambda w: {"pk": w.plans.goal.pk},
    "development:milestone_add": lambda w: {"pk": w.plans.goal.pk},
    "development:milestone_done": lambda w: {"pk": w.plans.milestone.pk},
    "development:milestone_remove": lambda w: {"pk": w.plans.milestone.pk},
    "development:learning_status": lambda w: {"pk": w.plans.learning.pk},
    "development:learning_remove": lambda w: {"pk": w.plans.learning.pk},
    "development:mentoring": None,
    "development:mentor_find": None,
    "development:mentor_offer": None,
    "development:mentor_ask": None,
    "development:mentor_request": lambda w: {"pk": w.growth.request.pk},
    "development:mentor_request_accept": lambda w: {"pk": w.growth.request.pk},
    "development:mentor_request_decline": lambda w: {"pk": w.growth.request.pk},
    "development:mentor_request_withdraw": lambda w: {"pk": w.growth.request.pk},
    "development:mentorship": lambda w: {"pk": w.growth.mentorship.pk},
    "development:mentorship_session": lambda w: {"pk": w.growth.mentorship.pk},
    "development:mentorship_goals": lambda w: {"pk": w.growth.mentorship.pk},
    "development:mentorship_close": lambda w: {"pk": w.growth.mentorship.pk},
    "development:opportunities": None,
    "development:opportunities_mine": None,
    "development:opportunities_posted": None,
    "development:opportunity_new": None,
    "development:opportunity": lambda w: {"pk": w.growth.opportunity.pk},
    "development:opportunity_edit": lambda w: {"pk": w.growth.opportunity.pk},
    "development:opportunity_interest": lambda w: {"pk": w.growth.opportunity.pk},
    "development:opportunity_choose": lambda w: {"pk": w.growth.opportunity.pk},
    "development:opportunity_complete": lambda w: {"pk": w.growth.opportunity.pk},
    "development:opportunity_cancel": lambda w: {"pk": w.growth.opportunity.pk},
    "development:interest_withdraw": lambda w: {"pk": w.growth.interest.pk},
    "development:interest_outcome": lambda w: {"pk": w.growth.interest.pk},
    "recognition:index": None,
    "recognition:give": None,
    "recognition:nudge": None,
    "recognition:detail": lambda w: {"pk": _recognition(w)},
    "recognition:react": lambda w: {"pk": _recognition(w)},
    "recognition:comment": lambda w: {"pk": _recognition(w)},
    "recognition:profile": lambda w: {"pk": w.report.pk},
    "recognition:values": None,
    "recognition:value": lambda w: {"pk": _value(w)},
    "recognition:value_archive": lambda w: {"pk": _value(w)},
    "recognition:value_restore": lambda w: {"pk": _value(w)},
    "recognition:value_move": lambda w: {"pk": _value(w)},
    "recognition:kinds": None,
    "recognition:kind": lambda w: {"pk": _kind(w)},
    "recognition:kind_archive": lambda w: {"pk": _kind(w)},
    "recognition:kind_restore": lambda w: {"pk": _kind(w)},
    "recognition:kind_move": lambda w: {"pk": _kind(w)},
    "recognition:points": None,
    "recognition:redeem": lambda w: {"pk": _reward(w)},
    "recognition:rewards": None,
    "recognition:reward_new": None,
    "recognition:reward_edit": lambda w: {"pk": _reward(w)},
    "recognition:reward_archive": lambda w: {"pk": _reward(w)},
    "recognition:reward_restore": lambda w: {"pk": _reward(w)},
    "recognition:redemption_decide": lambda w: {"pk": _redemption(w)},
    "recognition:insights": None,
    "recognition:insights_export": None,
    "recognition:settings": None,
    "advancement:index": None,
    "advancement:track": lambda w: {"track_id": w.framework.track.pk},
    "advancement:next_level": None,
    "advancement:versions": None,
    "advancement:compare": None,
    "advancement:version": lambda w: {"number": w.framework.version.number},
    "advancement:proposals": None,
    "advancement:proposal_new": None,
    "advancement:proposal": lambda w: {"pk": w.framework.proposal.pk},
    "advancement:proposal_comment": lambda w: {"pk": w.framework.proposal.pk},
    "advancement:proposal_vote": lambda w: {"pk": w.framework.proposal.pk},
    "advancement:proposal_answer": lambda w: {"pk": w.framework.proposal.pk},
    "advancement:draft": None,
    "advancement:draft_template": lambda w: {"key": "engineering-ic"},
    "advancement:draft_import": None,
    "advancement:publish": None,
    "advancement:draft_track": lambda w: {"pk": w.framework.track.pk},
    "advancement:draft_track_delete": lambda w: {"pk": w.framework.track.pk},
    "advancement:draft_track_export": lambda w: {"pk": w.framework.track.pk},
    "advancement:draft_level": lambda w: {"pk": w.framework.level.pk},
    "advancement:draft_level_delete": lambda w: {"pk": w.framework.level.pk},
    "advancement:draft_criterion": lambda w: {"pk": w.framework.criterion.pk},
    "advancement:draft_criterion_delete": lambda w: {"pk": w.framework.criterion.pk},
    "advancement:competencies": None,
    "advancement:competency": lambda w: {"pk": w.framework.competency.pk},
    "advancement:competency_archive": lambda w: {"pk": w.framework.competency.pk},
    "advancement:competency_restore": lambda w: {"pk": w.framework.competency.pk},
    "advancement:placements": None,
    "advancement:placement": lambda w: {"pk": w.report.pk},
    "advancement:readiness_mine": None,
    "advancement:readiness": lambda w: {"member_id": w.report.pk},
    "advancement:readiness_narrative": lambda w: {"criterion_id": _next_criterion(w)},
    "advancement:readiness_mark": None,
    "advancement:assessments_mine": None,
    "advancement:assessments": lambda w: {"member_id": w.report.pk},
    "advancement:assessment_start": lambda w: {"member_id": w.report.pk},
    "advancement:assessment": lambda w: {"pk": _assessment(w)},
    "advancement:assessment_discard": lambda w: {"pk": _assessment(w)},
    "advancement:promotions": None,
    "advancement:promotion_outcomes": None,
    "advancement:promotion_rounds": None,
    "advancement:promotion_round_new": None,
    "advancement:promotion_round": lambda w: {"pk": _promotion(w).round.pk},
    "advancement:promotion_round_close": lambda w: {"pk": _promotion(w).round.pk},
    "advancement:promotion_round_reopen": lambda w: {"pk": _promotion(w).round.pk},
    "advancement:promotion_round_calibrate": lambda w: {"pk": _promotion(w).round.pk},
    "advancement:promotion_calibration": lambda w: {"pk": _promotion(w).round.pk},
    "advancement:promotion_case_new": lambda w: {"pk": _promotion(w).round.pk},
    "advancement:promotion_case": lambda w: {"pk": _promotion(w).case.pk},
    "advancement:promotion_case_summary": lambda w: {"pk": _promotion(w).case.pk},
    "advancement:promotion_case_endorser": lambda w: {"pk": _promotion(w).case.pk},
    "advancement:promotion_case_refresh": lambda w: {"pk": _promotion(w).case.pk},
    "advancement:promotion_case_submit": lambda w: {"pk": _promotion(w).case.pk},
    "advancement:promotion_case_calibrate": lambda w: {"pk": _promotion(w).case.pk},
    "advancement:promotion_case_decide": lambda w: {"pk": _promotion(w).case.pk},
    "advancement:promotion_case_note": lambda w: {"pk": _promotion(w).case.pk},
    "advancement:promotion_case_apply": lambda w: {"pk": _promotion(w).case.pk},
    "advancement:promotion_case_revert": lambda w: {"pk": _promotion(w).case.pk},
    "advancement:promotion_endorsement": lambda w: {"pk": _promotion(w).endorsement.pk},
    "feedback:give": None,
    "feedback:nudge": None,
    "feedback:detail": lambda w: {"pk": w.feedback.feedback.pk},
    "feedback:edit": lambda w: {"pk": w.feedback.feedback.pk},
    "feedback:evidence": lambda w: {"pk": w.feedback.feedback.pk},
    "feedback:requests": None,
    "feedback:request_new": None,
    "feedback:request": lambda w: {"pk": w.feedback.request.pk},
    "feedback:answer": lambda w: {"pk": w.feedback.request_row.pk},
    "feedback:decline": lambda w: {"pk": w.feedback.request_row.pk},
    "feedback:cycles": None,
    "feedback:cycle_new": None,
    "feedback:cycle": lambda w: {"pk": w.feedback.cycle.pk},
    "feedback:cycle_open": lambda w: {"pk": w.feedback.cycle.pk},
    "feedback:cycle_unschedule": lambda w: {"pk": w.feedback.cycle.pk},
    "feedback:cycle_close": lambda w: {"pk": w.feedback.cycle.pk},
    "feedback:cycle_remind": lambda w: {"pk": w.feedback.cycle.pk},
    "feedback:cycle_peers": lambda w: {"pk": w.feedback.cycle.pk},
    "feedback:cycle_approvals": lambda w: {"pk": w.feedback.cycle.pk},
    "feedback:cycle_question_delete": lambda w: {"pk": w.feedback.question.pk},
    "feedback:cycle_answer": lambda w: {"pk": w.feedback.assignment.pk},
    "feedback:cycle_answer_send": None,  # the review's id comes in the body
    "feedback:cycle_results": lambda w: {"pk": w.feedback.entry.pk},
    "feedback:series_new": None,
    "feedback:checkin_settings": None,
    "feedback:prompts": None,
    "feedback:prompt_archive": lambda w: {"pk": w.feedback.prompt.pk},
    "feedback:series": lambda w: {"pk": w.feedback.series.pk},
    "feedback:series_status": lambda w: {"pk": w.feedback.series.pk},
    "feedback:series_accept": lambda w: {"pk": w.feedback.series.pk},
    "feedback:series_reschedule": lambda w: {"pk": w.feedback.series.pk},
    "feedback:meeting": lambda w: {"pk": w.feedback.meeting.pk},
    "feedback:point_add": lambda w: {"pk": w.feedback.meeting.pk},
    "feedback:reorder": lambda w: {"pk": w.feedback.meeting.pk},
    "feedback:shared_notes": lambda w: {"pk": w.feedback.meeting.pk},
    "feedback:private_note": lambda w: {"pk": w.feedback.meeting.pk},
    "feedback:action_add": lambda w: {"pk": w.feedback.meeting.pk},
    "feedback:meeting_hold": lambda w: {"pk": w.feedback.meeting.pk},
    "feedback:meeting_skip": lambda w: {"pk": w.feedback.meeting.pk},
    "feedback:meeting_move": lambda w: {"pk": w.feedback.meeting.pk},
    "feedback:meeting_prompt": lambda w: {"pk": w.feedback.meeting.pk},
    "feedback:meeting_suggestion": lambda w: {"pk": w.feedback.meeting.pk},
    "feedback:weekly_update": lambda w: {"pk": w.feedback.meeting.pk},
    "feedback:point_edit": lambda w: {"pk": w.feedback.point.pk},
    "feedback:point_remove": lambda w: {"pk": w.feedback.point.pk},
    "feedback:action_edit": lambda w: {"pk": w.feedback.action.pk},
    "feedback:action_done": lambda w: {"pk": w.feedback.action.pk},
}

ORG_API: dict[str, ObjectKwargs] = {
    "api:member-list": None,
    "api:member-detail": lambda w: {"pk": w.report.pk},
    "api:member-deactivate": lambda w: {"pk": w.report.pk},
    "api:member-reactivate": lambda w: {"pk": w.report.pk},
    "api:team-list": None,
    "api:team-detail": lambda w: {"pk": w.team.pk},
    "api:invitation-list": None,
    "api:invitation-detail": lambda w: {"pk": w.invitation.pk},
    "api:invitation-revoke": lambda w: {"pk": w.invitation.pk},
    "api:me-list": None,
    "api:competency-list": None,
    "api:competency-detail": lambda w: {"pk": w.framework.competency.pk},
    "api:competency-archive": lambda w: {"pk": w.framework.competency.pk},
    "api:competency-restore": lambda w: {"pk": w.framework.competency.pk},
    "api:track-list": None,
    "api:track-detail": lambda w: {"pk": w.framework.track.pk},
    "api:level-list": None,
    "api:level-detail": lambda w: {"pk": w.framework.level.pk},
    "api:criterion-list": None,
    "api:criterion-detail": lambda w: {"pk": w.framework.criterion.pk},
    "api:version-list": None,
    "api:version-current": None,
    "api:version-compare": None,
    "api:version-detail": lambda w: {"number": w.framework.version.number},
    "api:placement-list": None,
    "api:placement-detail": lambda w: {"membership_id": w.report.pk},
    "api:proposal-list": None,
    "api:proposal-detail": lambda w: {"pk": w.framework.proposal.pk},
    "api:proposal-vote": lambda w: {"pk": w.framework.proposal.pk},
    "api:proposal-answer": lambda w: {"pk": w.framework.proposal.pk},
    "api:proposal-comments": lambda w: {"pk": w.framework.proposal.pk},
    "api:assessment-list": None,
    "api:assessment-detail": lambda w: {"pk": _assessment(w)},
    "api:assessment-answers": lambda w: {"pk": _assessment(w)},
    "api:assessment-submit": lambda w: {"pk": _assessment(w)},
    "api:readiness-detail": lambda w: {"pk": w.report.pk},
    "api:readiness-mine": None,
    "api:readiness-narrative-list": None,
    "api:readiness-mark-list": None,
    "api:promotion-round-list": None,
    "api:promotion-round-detail": lambda w: {"pk": _promotion(w).round.pk},
    "api:promotion-round-close": lambda w: {"pk": _promotion(w).round.pk},
    "api:promotion-round-reopen": lambda w: {"pk": _promotion(w).round.pk},
    "api:promotion-round-calibrate": lambda w: {"pk": _promotion(w).round.pk},
    "api:promotion-case-list": None,
    "api:promotion-case-detail": lambda w: {"pk": _promotion(w).case.pk},
    "api:promotion-case-submit": lambda w: {"pk": _promotion(w).case.pk},
    "api:promotion-case-refresh": lambda w: {"pk": _promotion(w).case.pk},
    "api:promotion-case-calibrate": lambda w: {"pk": _promotion(w).case.pk},
    "api:promotion-case-decide": lambda w: {"pk": _promotion(w).case.pk},
    "api:promotion-case-apply": lambda w: {"pk": _promotion(w).case.pk},
    "api:promotion-case-revert": lambda w: {"pk": _promotion(w).case.pk},
    "api:promotion-case-endorsers": lambda w: {"pk": _promotion(w).case.pk},
    "api:endorsement-list": None,
    "api:endorsement-detail": lambda w: {"pk": _promotion(w).endorsement.pk},
    "api:endorsement-write": lambda w: {"pk": _promotion(w).endorsement.pk},
    "api:promotion-outcomes-list": None,
    "api:feedback-list": None,
    "api:feedback-nudge": None,
    "api:feedback-stats": None,
    "api:feedback-detail": lambda w: {"pk": w.feedback.feedback.pk},
    "api:feedback-evidence": lambda w: {"pk": w.feedback.feedback.pk},
    "api:feedback-request-list": None,
    "api:feedback-request-detail": lambda w: {"pk": w.feedback.request.pk},
    "api:feedback-request-answer": lambda w: {"pk": w.feedback.request.pk},
    "api:feedback-request-decline": lambda w: {"pk": w.feedback.request.pk},
    "api:feedback-cycle-list": None,
    "api:feedback-cycle-detail": lambda w: {"pk": w.feedback.cycle.pk},
    "api:feedback-cycle-questions": lambda w: {"pk": w.feedback.cycle.pk},
    "api:feedback-cycle-participants": lambda w: {"pk": w.feedback.cycle.pk},
    "api:feedback-cycle-open": lambda w: {"pk": w.feedback.cycle.pk},
    "api:feedback-cycle-unschedule": lambda w: {"pk": w.feedback.cycle.pk},
    "api:feedback-cycle-close": lambda w: {"pk": w.feedback.cycle.pk},
    "api:feedback-cycle-remind": lambda w: {"pk": w.feedback.cycle.pk},
    "api:feedback-cycle-progress": lambda w: {"pk": w.feedback.cycle.pk},
    "api:cycle-review-list": None,
    "api:cycle-review-detail": lambda w: {"pk": w.feedback.assignment.pk},
    "api:cycle-review-answers": lambda w: {"pk": w.feedback.assignment.pk},  # moved: 410
    "api:cycle-review-send": None,  # the review's id comes in the body
    "api:cycle-result-list": None,
    "api:cycle-result-detail": lambda w: {"pk": w.feedback.entry.pk},
    "api:checkin-series-list": None,
    "api:checkin-series-detail": lambda w: {"pk": w.feedback.series.pk},
    "api:checkin-series-accept": lambda w: {"pk": w.feedback.series.pk},
    "api:checkin-series-change-status": lambda w: {"pk": w.feedback.series.pk},
    "api:checkin-series-reschedule": lambda w: {"pk": w.feedback.series.pk},
    "api:meeting-list": None,
    "api:meeting-detail": lambda w: {"pk": w.feedback.meeting.pk},
    "api:meeting-hold": lambda w: {"pk": w.feedback.meeting.pk},
    "api:meeting-skip": lambda w: {"pk": w.feedback.meeting.pk},
    "api:meeting-move": lambda w: {"pk": w.feedback.meeting.pk},
    "api:meeting-shared-notes": lambda w: {"pk": w.feedback.meeting.pk},
    "api:meeting-private-note": lambda w: {"pk": w.feedback.meeting.pk},
    "api:meeting-reorder": lambda w: {"pk": w.feedback.meeting.pk},
    "api:meeting-suggestions": lambda w: {"pk": w.feedback.meeting.pk},
    "api:agenda-item-list": None,
    "api:agenda-item-detail": lambda w: {"pk": w.feedback.point.pk},
    "api:action-item-list": None,
    "api:action-item-detail": lambda w: {"pk": w.feedback.action.pk},
    "api:recognition-list": None,
    "api:recognition-nudge": None,
    "api:recognition-detail": lambda w: {"pk": _recognition(w)},
    "api:recognition-reaction-list": None,
    "api:recognition-reaction-detail": lambda w: {"pk": _reaction(w)},
    "api:recognition-comment-list": None,
    "api:recognition-comment-detail": lambda w: {"pk": _comment(w)},
    "api:company-value-list": None,
    "api:company-value-detail": lambda w: {"pk": _value(w)},
    "api:company-value-archive": lambda w: {"pk": _value(w)},
    "api:company-value-restore": lambda w: {"pk": _value(w)},
    "api:company-value-move": lambda w: {"pk": _value(w)},
    "api:contribution-kind-list": None,
    "api:contribution-kind-detail": lambda w: {"pk": _kind(w)},
    "api:contribution-kind-archive": lambda w: {"pk": _kind(w)},
    "api:contribution-kind-restore": lambda w: {"pk": _kind(w)},
    "api:contribution-kind-move": lambda w: {"pk": _kind(w)},
    "api:points-balance-list": None,
    "api:points-balance-detail": lambda w: {"pk": w.report.pk},
    "api:points-entry-list": None,
    "api:reward-list": None,
    "api:reward-detail": lambda w: {"pk": _reward(w)},
    "api:reward-archive": lambda w: {"pk": _reward(w)},
    "api:reward-restore": lambda w: {"pk": _reward(w)},
    "api:redemption-list": None,
    "api:redemption-detail": lambda w: {"pk": _redemption(w)},
    "api:redemption-approve": lambda w: {"pk": _redemption(w)},
    "api:redemption-reject": lambda w: {"pk": _redemption(w)},
    "api:home-list": None,
    "api:team-dashboard-list": None,
    "api:recognition-insights-quiet": None,
    "api:recognition-insights-spread": None,
    "api:recognition-insights-givers": None,
    "api:recognition-insights-trend": None,
    "api:plan-list": None,
    "api:plan-detail": lambda w: {"pk": w.plans.plan.pk},
    "api:plan-sign": lambda w: {"pk": w.plans.plan.pk},
    "api:plan-review-list": None,
    "api:plan-review-detail": lambda w: {"pk": w.plans.review.pk},
    "api:goal-list": None,
    "api:goal-detail": lambda w: {"pk": w.plans.goal.pk},
    "api:milestone-list": None,
    "api:milestone-detail": lambda w: {"pk": w.plans.milestone.pk},
    "api:learning-item-list": None,
    "api:learning-item-detail": lambda w: {"pk": w.plans.learning.pk},
    "api:mentor-profile-list": None,
    "api:mentor-profile-mine": None,
    "api:mentor-profile-detail": lambda w: {"pk": w.growth.profile.pk},
    "api:mentorship-request-list": None,
    "api:mentorship-request-detail": lambda w: {"pk": w.growth.request.pk},
    "api:mentorship-request-accept": lambda w: {"pk": w.growth.request.pk},
    "api:mentorship-request-decline": lambda w: {"pk": w.growth.request.pk},
    "api:mentorship-request-withdraw": lambda w: {"pk": w.growth.request.pk},
    "api:mentorship-list": None,
    "api:mentorship-detail": lambda w: {"pk": w.growth.mentorship.pk},
    "api:mentorship-sessions": lambda w: {"pk": w.growth.mentorship.pk},
    "api:mentorship-close": lambda w: {"pk": w.growth.mentorship.pk},
    "api:opportunity-list": None,
    "api:opportunity-detail": lambda w: {"pk": w.growth.opportunity.pk},
    "api:opportunity-cancel": lambda w: {"pk": w.growth.opportunity.pk},
    "api:opportunity-choose": lambda w: {"pk": w.growth.opportunity.pk},
    "api:opportunity-complete": lambda w: {"pk": w.growth.opportunity.pk},
    "api:opportunity-interests": lambda w: {"pk": w.growth.opportunity.pk},
    "api:stretch-interest-list": None,
    "api:stretch-interest-detail": lambda w: {"pk": w.growth.interest.pk},
    "api:stretch-interest-withdraw": lambda w: {"pk": w.growth.interest.pk},
    "api:stretch-interest-outcome": lambda w: {"pk": w.growth.interest.pk},
    "api:analytics-list": None,
    "api:my-data-list": None,
    "api:search-list": None,
}

# Routes whose path values are not ids but keys that every organization has its own of
# (a version number, a built-in template); the foreign-id check does not apply to them.
ORG_LOCAL_KEYS = {
    "advancement:version",
    "advancement:draft_template",
    "api:version-detail",
    "analytics:csv",  # a table key, the same in every organization
}

# Routes outside any organization: they show no tenant data by construction.
PUBLIC = {
    "start",  # redirects to the signed-in person's own organization
    "health",
    "orgs_create",  # creates a new organization for the signed-in user
    "invitation",  # the token in the URL is the secret; it names its organization
    "notifications_unsubscribe",  # a signed token names the person and the kind
    "api:schema",
    "api:docs",
    "favicon",  # a redirect to the static icon
}
# Whole prefixes owned by well-kept libraries, with no tenant data.
PUBLIC_PREFIXES = (
    "accounts/",  # allauth: sign-in, sign-up, password and email management
    "admin/",  # the operator's Django admin: superusers only
    "static/",
)
