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


# route name -> how to fill its object kwargs from an organization's world (None: no object)
ObjectKwargs = Callable[[object], dict] | None

ORG_PAGES: dict[str, ObjectKwargs] = {
    "web:home": None,
    "web:profile": None,
    "web:api_token": None,
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
    "notifications:open": lambda w: {"pk": _notification(w)},
    "notifications:read": lambda w: {"pk": _notification(w)},
    "audit:log": None,
    "feedback:index": None,
    "feedback:checkins": None,
    "development:index": None,
    "development:team": None,
    "development:mentoring": None,
    "development:opportunities": None,
    "recognition:index": None,
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
    "feedback:cycle_close": lambda w: {"pk": w.feedback.cycle.pk},
    "feedback:cycle_remind": lambda w: {"pk": w.feedback.cycle.pk},
    "feedback:cycle_peers": lambda w: {"pk": w.feedback.cycle.pk},
    "feedback:cycle_approvals": lambda w: {"pk": w.feedback.cycle.pk},
    "feedback:cycle_question_delete": lambda w: {"pk": w.feedback.question.pk},
    "feedback:cycle_answer": lambda w: {"pk": w.feedback.assignment.pk},
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
    "api:feedback-cycle-close": lambda w: {"pk": w.feedback.cycle.pk},
    "api:feedback-cycle-remind": lambda w: {"pk": w.feedback.cycle.pk},
    "api:feedback-cycle-progress": lambda w: {"pk": w.feedback.cycle.pk},
    "api:cycle-review-list": None,
    "api:cycle-review-detail": lambda w: {"pk": w.feedback.assignment.pk},
    "api:cycle-review-answers": lambda w: {"pk": w.feedback.assignment.pk},
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
    "api:agenda-item-list": None,
    "api:agenda-item-detail": lambda w: {"pk": w.feedback.point.pk},
    "api:action-item-list": None,
    "api:action-item-detail": lambda w: {"pk": w.feedback.action.pk},
}

# Routes whose path values are not ids but keys that every organization has its own of
# (a version number, a built-in template); the foreign-id check does not apply to them.
ORG_LOCAL_KEYS = {"advancement:version", "advancement:draft_template", "api:version-detail"}

# Routes outside any organization: they show no tenant data by construction.
PUBLIC = {
    "start",  # redirects to the signed-in person's own organization
    "health",
    "orgs_create",  # creates a new organization for the signed-in user
    "invitation",  # the token in the URL is the secret; it names its organization
    "api:schema",
    "api:docs",
    "api:redoc",
}
# Whole prefixes owned by well-kept libraries, with no tenant data.
PUBLIC_PREFIXES = (
    "accounts/",  # allauth: sign-in, sign-up, password and email management
    "admin/",  # the operator's Django admin: superusers only
    "static/",
)
