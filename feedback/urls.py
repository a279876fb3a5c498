from django.urls import path

from perfapp.web.views import section_intro

from .views import cycles, giving

app_name = "feedback"

checkins = section_intro(
    title="Check-ins",
    purpose="Regular 1:1s between managers and the people they coach.",
    empty="Your recurring 1:1s will appear here: a shared agenda, notes, action "
    "items and reminders before each meeting.",
)

urlpatterns = [
    # Giving and reading feedback.
    path("", giving.index, name="index"),
    path("give/", giving.give, name="give"),
    path("nudge/", giving.nudge, name="nudge"),
    path("<int:pk>/", giving.detail, name="detail"),
    path("<int:pk>/edit/", giving.edit, name="edit"),
    path("<int:pk>/evidence/", giving.evidence, name="evidence"),
    # Asking for feedback.
    path("requests/", giving.requests, name="requests"),
    path("requests/new/", giving.request_new, name="request_new"),
    path("requests/<int:pk>/", giving.request, name="request"),
    path("requests/answer/<int:pk>/", giving.answer, name="answer"),
    path("requests/answer/<int:pk>/decline/", giving.decline, name="decline"),
    # Structured cycles.
    path("cycles/", cycles.cycles, name="cycles"),
    path("cycles/new/", cycles.cycle_new, name="cycle_new"),
    path("cycles/<int:pk>/", cycles.cycle, name="cycle"),
    path("cycles/<int:pk>/open/", cycles.cycle_open, name="cycle_open"),
    path("cycles/<int:pk>/close/", cycles.cycle_close, name="cycle_close"),
    path("cycles/<int:pk>/remind/", cycles.cycle_remind, name="cycle_remind"),
    path("cycles/<int:pk>/peers/", cycles.cycle_peers, name="cycle_peers"),
    path("cycles/<int:pk>/approvals/", cycles.cycle_approvals, name="cycle_approvals"),
    path(
        "cycles/questions/<int:pk>/delete/",
        cycles.cycle_question_delete,
        name="cycle_question_delete",
    ),
    path("cycles/reviews/<int:pk>/", cycles.cycle_answer, name="cycle_answer"),
    path("cycles/results/<int:pk>/", cycles.cycle_results, name="cycle_results"),
    # Check-ins arrive with their own issue.
    path("check-ins/", checkins, name="checkins"),
]
