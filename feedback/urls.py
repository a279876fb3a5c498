from django.urls import path

from feedback.views import checkins, cycles, giving, requests

app_name = "feedback"

urlpatterns = [
    # Giving and reading feedback.
    path("", giving.index, name="index"),
    path("give/", giving.give, name="give"),
    path("nudge/", giving.nudge, name="nudge"),
    path("<int:pk>/", giving.detail, name="detail"),
    path("<int:pk>/edit/", giving.edit, name="edit"),
    path("<int:pk>/evidence/", giving.evidence, name="evidence"),
    # Asking for feedback.
    path("requests/", requests.requests, name="requests"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/<int:pk>/", requests.request, name="request"),
    path("requests/answer/<int:pk>/", requests.answer, name="answer"),
    path("requests/answer/<int:pk>/decline/", requests.decline, name="decline"),
    # Structured cycles.
    path("cycles/", cycles.cycles, name="cycles"),
    path("cycles/new/", cycles.cycle_new, name="cycle_new"),
    path("cycles/<int:pk>/", cycles.cycle, name="cycle"),
    path("cycles/<int:pk>/open/", cycles.cycle_open, name="cycle_open"),
    path("cycles/<int:pk>/unschedule/", cycles.cycle_unschedule, name="cycle_unschedule"),
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
    # Answers are sent here, with the review in the body: no log line names the review.
    path("cycles/answers/", cycles.cycle_answer_send, name="cycle_answer_send"),
    path("cycles/results/<int:pk>/", cycles.cycle_results, name="cycle_results"),
    # Coaching check-ins (1:1s).
    path("check-ins/", checkins.checkins, name="checkins"),
    path("check-ins/new/", checkins.series_new, name="series_new"),
    path("check-ins/settings/", checkins.checkin_settings, name="checkin_settings"),
    path("check-ins/prompts/", checkins.prompts, name="prompts"),
    path("check-ins/prompts/<int:pk>/archive/", checkins.prompt_archive, name="prompt_archive"),
    path("check-ins/series/<int:pk>/", checkins.series, name="series"),
    path("check-ins/series/<int:pk>/status/", checkins.series_status, name="series_status"),
    path("check-ins/series/<int:pk>/accept/", checkins.series_accept, name="series_accept"),
    path(
        "check-ins/series/<int:pk>/reschedule/",
        checkins.series_reschedule,
        name="series_reschedule",
    ),
    path("check-ins/meetings/<int:pk>/", checkins.meeting, name="meeting"),
    path("check-ins/meetings/<int:pk>/points/", checkins.point_add, name="point_add"),
    path("check-ins/meetings/<int:pk>/reorder/", checkins.reorder, name="reorder"),
    path("check-ins/meetings/<int:pk>/notes/", checkins.shared_notes, name="shared_notes"),
    path("check-ins/meetings/<int:pk>/private-note/", checkins.private_note, name="private_note"),
    path("check-ins/meetings/<int:pk>/actions/", checkins.action_add, name="action_add"),
    path("check-ins/meetings/<int:pk>/hold/", checkins.meeting_hold, name="meeting_hold"),
    path("check-ins/meetings/<int:pk>/skip/", checkins.meeting_skip, name="meeting_skip"),
    path("check-ins/meetings/<int:pk>/move/", checkins.meeting_move, name="meeting_move"),
    path("check-ins/meetings/<int:pk>/prompt/", checkins.meeting_prompt, name="meeting_prompt"),
    path(
        "check-ins/meetings/<int:pk>/suggestion/",
        checkins.meeting_suggestion,
        name="meeting_suggestion",
    ),
    path(
        "check-ins/meetings/<int:pk>/weekly-update/", checkins.weekly_update, name="weekly_update"
    ),
    path("check-ins/points/<int:pk>/", checkins.point_edit, name="point_edit"),
    path("check-ins/points/<int:pk>/remove/", checkins.point_remove, name="point_remove"),
    path("check-ins/actions/<int:pk>/", checkins.action_edit, name="action_edit"),
    path("check-ins/actions/<int:pk>/done/", checkins.action_done, name="action_done"),
]
