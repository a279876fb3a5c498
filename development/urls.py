from django.urls import path

from development.views import mentoring, stretch
from development.views.plans import goals, plan, team

app_name = "development"

# Growth pages, grouped by area. Each area's engineer adds its routes in its block.
urlpatterns = [
    # plans, goals, learning, reviews (a plan is addressed by its owner's member id)
    path("", plan.index, name="index"),
    path("plans/<int:pk>/", plan.plan, name="plan"),
    path("plans/<int:pk>/edit/", plan.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/sign/", plan.plan_sign, name="plan_sign"),
    path("plans/<int:pk>/comment/", plan.plan_comment, name="plan_comment"),
    path("plans/<int:pk>/review/", plan.plan_review, name="plan_review"),
    path("plans/<int:pk>/learning/", plan.learning_add, name="learning_add"),
    path("plans/<int:pk>/goals/new/", goals.goal_new, name="goal_new"),
    path("goals/<int:pk>/", goals.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/status/", goals.goal_status, name="goal_status"),
    path("goals/<int:pk>/progress/", goals.goal_progress, name="goal_progress"),
    path("goals/<int:pk>/milestones/", goals.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/done/", goals.milestone_done, name="milestone_done"),
    path("milestones/<int:pk>/remove/", goals.milestone_remove, name="milestone_remove"),
    path("learning/<int:pk>/status/", goals.learning_status, name="learning_status"),
    path("learning/<int:pk>/remove/", goals.learning_remove, name="learning_remove"),
    path("settings/", team.settings, name="settings"),
    # the manager's view of their reports' plans
    path("team/", team.index, name="team"),
    # mentoring
    path("mentoring/", mentoring.index, name="mentoring"),
    path("mentoring/find/", mentoring.find, name="mentor_find"),
    path("mentoring/offer/", mentoring.offer, name="mentor_offer"),
    path("mentoring/ask/", mentoring.ask, name="mentor_ask"),
    path("mentoring/requests/<int:pk>/", mentoring.request_detail, name="mentor_request"),
    path(
        "mentoring/requests/<int:pk>/accept/",
        mentoring.request_accept,
        name="mentor_request_accept",
    ),
    path(
        "mentoring/requests/<int:pk>/decline/",
        mentoring.request_decline,
        name="mentor_request_decline",
    ),
    path(
        "mentoring/requests/<int:pk>/withdraw/",
        mentoring.request_withdraw,
        name="mentor_request_withdraw",
    ),
    path("mentoring/<int:pk>/", mentoring.mentorship, name="mentorship"),
    path("mentoring/<int:pk>/sessions/", mentoring.mentorship_session, name="mentorship_session"),
    path("mentoring/<int:pk>/goals/", mentoring.mentorship_goals, name="mentorship_goals"),
    path("mentoring/<int:pk>/close/", mentoring.mentorship_close, name="mentorship_close"),
    # stretch assignments
    path("opportunities/", stretch.board, name="opportunities"),
    path("opportunities/mine/", stretch.my_interests, name="opportunities_mine"),
    path("opportunities/posted/", stretch.posted, name="opportunities_posted"),
    path("opportunities/new/", stretch.new, name="opportunity_new"),
    path("opportunities/<int:pk>/", stretch.detail, name="opportunity"),
    path("opportunities/<int:pk>/edit/", stretch.edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/interest/", stretch.interest, name="opportunity_interest"),
    path("opportunities/<int:pk>/choose/", stretch.choose, name="opportunity_choose"),
    path("opportunities/<int:pk>/complete/", stretch.complete, name="opportunity_complete"),
    path("opportunities/<int:pk>/cancel/", stretch.cancel, name="opportunity_cancel"),
    path(
        "opportunities/interests/<int:pk>/withdraw/",
        stretch.interest_withdraw,
        name="interest_withdraw",
    ),
    path(
        "opportunities/interests/<int:pk>/outcome/",
        stretch.interest_outcome,
        name="interest_outcome",
    ),
]
