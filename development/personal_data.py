"""Development rows in a person's data export, and what erasing a departed person
removes (``perfapp.privacy``): their plan (goals, learning, comments, reviews and
history go with it), mentor profile, mentorships and requests as mentee, and stretch
interests. What they wrote in other people's records (comments on a report's plan, a
mentor's reflection, an opportunity's outcome) is replaced; the records stay."""

from django.db.models import Q

from development.models import (
    DevelopmentPlan,
    Goal,
    LearningItem,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    MentorshipSession,
    PlanComment,
    PlanEvent,
    PlanReview,
    StretchAssignment,
    StretchInterest,
)
from perfapp.privacy.registry import ERASED_TEXT, PersonalData, rows


def export(person) -> dict[str, list[dict]]:
    plan = DevelopmentPlan.objects.filter(owner=person)
    mentorships = Mentorship.objects.filter(Q(mentor=person) | Q(mentee=person))
    return {
        "plan": rows(plan),
        "goals": rows(Goal.objects.filter(plan__in=plan)),
        "learning": rows(LearningItem.objects.filter(plan__in=plan)),
        "plan_comments_written": rows(PlanComment.objects.filter(author=person)),
        "plan_comments_on_your_plan": rows(PlanComment.objects.filter(plan__in=plan)),
        "plan_reviews": rows(PlanReview.objects.filter(Q(plan__in=plan) | Q(recorded_by=person))),
        "plan_history": rows(PlanEvent.objects.filter(Q(plan__in=plan) | Q(actor=person))),
        "mentor_profile": rows(MentorProfile.objects.filter(membership=person)),
        "mentorship_requests": rows(
            MentorshipRequest.objects.filter(Q(mentee=person) | Q(mentor=person))
        ),
        "mentorships": rows(mentorships),
        "mentorship_sessions": rows(MentorshipSession.objects.filter(mentorship__in=mentorships)),
        "stretch_opportunities_posted": rows(StretchAssignment.objects.filter(owner=person)),
        "stretch_interests": rows(StretchInterest.objects.filter(person=person)),
    }


def erase(person) -> None:
    StretchInterest.objects.filter(person=person).delete()
    DevelopmentPlan.objects.filter(owner=person).delete()
    PlanComment.objects.filter(author=person).update(body=ERASED_TEXT)
    MentorProfile.objects.filter(membership=person).delete()
    MentorshipRequest.objects.filter(mentee=person).delete()
    Mentorship.objects.filter(mentee=person).delete()
    MentorshipRequest.objects.filter(mentor=person).exclude(answer="").update(answer=ERASED_TEXT)
    Mentorship.objects.filter(mentor=person).exclude(mentor_reflection="").update(
        mentor_reflection=ERASED_TEXT
    )
    StretchAssignment.objects.filter(owner=person).exclude(owner_outcome="").update(
        owner_outcome=ERASED_TEXT
    )


PERSONAL_DATA = PersonalData(
    key="development",
    label="Growth: plans, mentoring and stretch assignments",
    order=30,
    export=export,
    erase=erase,
    covers=(
        "development.DevelopmentPlan",
        "development.PlanEvent",
        "development.PlanComment",
        "development.PlanReview",
        "development.MentorProfile",
        "development.MentorshipRequest",
        "development.Mentorship",
        "development.MentorshipSession",
        "development.StretchAssignment",
        "development.StretchInterest",
    ),
)
