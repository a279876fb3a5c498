"""Writes to proposals: anyone proposes new wording for the published framework, comments
and +1s; HR answers, and an accepted proposal's wording goes into the draft."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from advancement import snapshots
from advancement.audit import FrameworkAction
from advancement.models import (
    Competency,
    Criterion,
    Level,
    Proposal,
    ProposalComment,
    ProposalStatus,
    ProposalTarget,
    ProposalVote,
)
from advancement.selectors.framework import current_version
from advancement.services.framework import career_url
from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership


def target_text(target: str, obj) -> tuple[str, str]:
    """(label, wording) of a proposal's target as the draft has it (HR's view)."""
    if target == ProposalTarget.CRITERION:
        subject = obj.competency.name if obj.competency else "A criterion"
        return f"{obj.level.track.name} › {obj.level} › {subject}", obj.expectation
    if target == ProposalTarget.LEVEL:
        return f"{obj.track.name} › {obj}", obj.summary
    return obj.name, obj.description


def published_text(target: str, obj) -> tuple[str, str] | None:
    """(label, wording) of a proposal's target as the current published version has it,
    or None when it is not published. Employees read (and propose against) the published
    framework, never the draft."""
    version = current_version()
    if version is None or obj is None:
        return None
    snapshot = version.snapshot
    if target == ProposalTarget.COMPETENCY:
        competency = snapshot["competencies"].get(str(obj.pk))
        return (competency["name"], competency["description"]) if competency else None
    for track in snapshot["tracks"]:
        for level in track["levels"]:
            where = f"{track['name']} › {level['code']} {level['name']}"
            if target == ProposalTarget.LEVEL and level["id"] == obj.pk:
                return where, level["summary"]
            if target != ProposalTarget.CRITERION:
                continue
            for criterion in level["criteria"]:
                if criterion["id"] == obj.pk:
                    subject = (
                        snapshots.competency_name(snapshot, criterion["competency_id"])
                        if criterion["competency_id"]
                        else "A criterion"
                    )
                    return f"{where} › {subject}", criterion["expectation"]
    return None


# The draft field a proposal's wording replaces, per target (a ProposalTarget value, as
# forms and the API pass it).
TARGET_FIELDS: dict[str, tuple[type[Competency | Criterion | Level], str]] = {
    ProposalTarget.CRITERION: (Criterion, "expectation"),
    ProposalTarget.LEVEL: (Level, "summary"),
    ProposalTarget.COMPETENCY: (Competency, "description"),
}


@transaction.atomic
def propose(
    *, author: Membership, target: str, obj, proposed_text: str, rationale: str
) -> Proposal:
    """Any member proposes new wording for a criterion, a level summary or a competency."""
    proposed_text, rationale = proposed_text.strip(), rationale.strip()
    errors = {}
    if not proposed_text:
        errors["proposed_text"] = "Write the text you would like to see."
    if not rationale:
        errors["rationale"] = "Say why: what would the new wording make clearer or fairer?"
    if errors:
        raise ValidationError(errors)
    if obj is None:
        raise ValidationError("That part of the framework no longer exists in the draft.")
    if target == ProposalTarget.COMPETENCY and obj.is_archived:
        raise ValidationError(f"“{obj.name}” is archived, so it can no longer be changed.")
    if target == ProposalTarget.CRITERION and obj.competency and obj.competency.is_archived:
        raise ValidationError(
            f"“{obj.competency.name}” is archived, so it can no longer be changed."
        )
    model, attribute = TARGET_FIELDS[target]
    field = model._meta.get_field(attribute)
    # Each wording is a TextField declared with a max_length (see the models).
    assert isinstance(field, models.TextField) and field.max_length is not None
    limit = field.max_length
    if len(proposed_text) > limit:
        raise ValidationError(
            {
                "proposed_text": f"Keep it to {limit} characters; this wording has "
                f"{len(proposed_text)}."
            }
        )
    published = published_text(target, obj)
    if published is None:
        raise ValidationError("That part of the framework is not published yet.")
    label, current = published
    if proposed_text == current.strip():
        raise ValidationError({"proposed_text": "That is the current wording. Change something."})
    return Proposal.objects.create(
        organization=author.organization,
        author=author,
        target=target,
        criterion=obj if target == ProposalTarget.CRITERION else None,
        level=obj if target == ProposalTarget.LEVEL else None,
        competency=obj if target == ProposalTarget.COMPETENCY else None,
        target_label=label[:240],
        current_text=current,
        proposed_text=proposed_text,
        rationale=rationale,
    )


def comment(*, author: Membership, proposal: Proposal, body: str) -> ProposalComment:
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write a comment first."})
    return ProposalComment.objects.create(
        organization=author.organization, proposal=proposal, author=author, body=body
    )


def toggle_vote(*, voter: Membership, proposal: Proposal) -> bool:
    """+1 a proposal, or take the +1 back. Returns whether the person now supports it."""
    if proposal.author_id == voter.pk:
        raise ValidationError("You proposed this; your support is implied.")
    deleted, _ = ProposalVote.objects.filter(proposal=proposal, voter=voter).delete()
    if deleted:
        return False
    ProposalVote.objects.get_or_create(
        organization=voter.organization, proposal=proposal, voter=voter
    )
    return True


@transaction.atomic
def answer(*, actor: Membership, proposal: Proposal, status: str, answer: str) -> Proposal:
    """HR answers every proposal. Accepting writes the proposed text into the draft."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    previous_status = proposal.status
    answer = answer.strip()
    if status not in (ProposalStatus.ACCEPTED, ProposalStatus.DECLINED, ProposalStatus.DISCUSSION):
        raise ValidationError({"status": "Choose accept, decline or needs discussion."})
    if proposal.status in (ProposalStatus.ACCEPTED, ProposalStatus.DECLINED):
        raise ValidationError("This proposal has already been answered.")
    if status in (ProposalStatus.DECLINED, ProposalStatus.DISCUSSION) and not answer:
        raise ValidationError({"answer": "Tell the proposer why, in a sentence or two."})
    if status == ProposalStatus.ACCEPTED:
        _apply_to_draft(proposal)
    proposal.status, proposal.answer = status, answer
    proposal.answered_by, proposal.answered_at = actor, timezone.now()
    proposal.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    record(
        organization=actor.organization,
        actor=actor,
        action=FrameworkAction.PROPOSAL_ANSWERED,
        target=proposal,
        target_label=proposal.target_label,
        changes={"status": [previous_status, status]},
    )
    notifications.queue(
        recipient=proposal.author,
        kind="career.proposal_answered",
        occasion=f"proposal:{proposal.pk}:{status}",
        title=f"HR answered your proposal: {ProposalStatus(status).label.lower()}",
        body=answer or f"Your wording for “{proposal.target_label}” is in the draft.",
        url=career_url(actor, "advancement:proposal", pk=proposal.pk),
    )
    return proposal


def _apply_to_draft(proposal: Proposal) -> None:
    targets: dict[str, tuple[Competency | Criterion | Level | None, str]] = {
        ProposalTarget.CRITERION: (proposal.criterion, "expectation"),
        ProposalTarget.LEVEL: (proposal.level, "summary"),
        ProposalTarget.COMPETENCY: (proposal.competency, "description"),
    }
    obj, attribute = targets[proposal.target]
    # Only a competency target is a Competency, and only competencies are archived.
    if obj is None or (isinstance(obj, Competency) and obj.is_archived):
        raise ValidationError(
            "What this proposal changes is no longer in the draft. Decline it with a reason."
        )
    setattr(obj, attribute, proposal.proposed_text)
    obj.save(update_fields=[attribute])
