"""What the feedback app contributes to the core's cross-app registries: feedback items
and coaching prompts as link sources (``perfapp.links``), and coaching signals
(``perfapp.coaching``) about feedback. Registered in ``FeedbackConfig.ready``."""

from collections.abc import Collection
from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from feedback.models import CoachingPrompt, Feedback, FeedbackRequest, RequestStatus
from feedback.permissions import can_read_feedback
from feedback.selectors.giving import readable
from perfapp.coaching import Suggestion
from perfapp.orgs.models import Membership

CANDIDATES = 30
QUIET_DAYS = 30


# --- link sources ---------------------------------------------------------------------------


class FeedbackLinks:
    """A piece of feedback, seen by whoever may read it (``permissions.can_read_feedback``);
    everyone else reads "a linked item you cannot see"."""

    key = "feedback"
    label = "Feedback"
    model = Feedback

    def load(self, ids: Collection[int]) -> dict[int, Feedback]:
        rows = Feedback.objects.filter(pk__in=list(ids)).select_related(
            "author__user", "recipient__user", "request_reviewer__request"
        )
        return {row.pk: row for row in rows}

    def candidates(self, *, subject: Membership, viewer: Membership) -> list[Feedback]:
        """What the viewer may read that the subject wrote or received, newest first."""
        rows = (
            readable(viewer)
            .prefetch_related(None)
            .filter(Q(recipient=subject) | Q(author=subject))
            .order_by("-created_at", "-id")
        )
        return list(rows[:CANDIDATES])

    def can_see(self, obj: Feedback, *, viewer: Membership) -> bool:
        requester_id = obj.request_reviewer.request.requester_id if obj.request_reviewer else None
        return can_read_feedback(viewer, obj, requester_id=requester_id)

    def describe(self, obj: Feedback, *, viewer: Membership) -> tuple[str, str]:
        author = "you" if obj.author_id == viewer.pk else obj.author.name
        recipient = "you" if obj.recipient_id == viewer.pk else obj.recipient.name
        when = timezone.localtime(obj.created_at)
        label = f"{obj.get_kind_display()} from {author} to {recipient}, {when:%-d %b}"
        url = reverse(
            "feedback:detail", kwargs={"org_slug": viewer.organization.slug, "pk": obj.pk}
        )
        return label[:1].upper() + label[1:], url


class PromptLinks:
    """The coaching prompt a talking point was pulled from. The bank is the
    organization's; everyone reads it. Prompts are pulled in with their own picker, so
    they are not offered as link candidates."""

    key = "prompt"
    label = "Coaching prompt"
    model = CoachingPrompt

    def load(self, ids: Collection[int]) -> dict[int, CoachingPrompt]:
        return {row.pk: row for row in CoachingPrompt.objects.filter(pk__in=list(ids))}

    def candidates(self, *, subject: Membership, viewer: Membership) -> list:
        return []

    def can_see(self, obj: CoachingPrompt, *, viewer: Membership) -> bool:
        return True

    def describe(self, obj: CoachingPrompt, *, viewer: Membership) -> tuple[str, str]:
        return obj.get_theme_display(), ""


# --- coaching signals -----------------------------------------------------------------------


def feedback_signals(*, subject: Membership, viewer: Membership) -> list[Suggestion]:
    """For the subject's manager: no feedback about the subject they can read in 30 days;
    a request the manager made about the subject that is overdue. Two queries; both
    count only what the manager may read, so nothing private shows through."""
    if subject.manager_id != viewer.pk:
        return []
    now = timezone.now()
    first = subject.user.get_short_name() or subject.name
    found = []
    recent = (
        readable(viewer)
        .prefetch_related(None)
        .filter(recipient=subject, created_at__gte=now - timedelta(days=QUIET_DAYS))
        .exists()
    )
    if not recent:
        found.append(
            Suggestion(
                key="feedback.quiet",
                theme="growth",
                text="Whose feedback would help you most right now, and how could you ask "
                "them for it?",
                reason=f"You have seen no feedback for {first} in the last {QUIET_DAYS} days.",
            )
        )
    overdue = (
        FeedbackRequest.objects.filter(
            requester=viewer, subject=subject, due_date__lt=timezone.localdate()
        )
        .annotate(waiting=Count("reviewers", filter=Q(reviewers__status=RequestStatus.PENDING)))
        .filter(waiting__gt=0)
        .order_by("due_date", "id")
        .first()
    )
    if overdue is not None:
        topic = Truncator(overdue.topic).chars(80)
        people = "colleague has" if overdue.waiting == 1 else "colleagues have"
        found.append(
            Suggestion(
                key=f"feedback.request_overdue:{overdue.pk}",
                theme="growth",
                text=f"Feedback on “{topic}”: what have you heard so far, and what would "
                "you like more feedback on?",
                reason=f"Your request about “{topic}” was due {overdue.due_date:%-d %B}; "
                f"{overdue.waiting} {people} not answered yet.",
            )
        )
    return found
