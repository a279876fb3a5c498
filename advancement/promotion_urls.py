"""Pages of promotion rounds, cases, endorsements, calibration and outcomes (under the
career section's namespace)."""

from django.urls import path

from .views import promotions, promotions_calibration

urlpatterns = [
    path("promotions/", promotions.promotions, name="promotions"),
    path("promotions/outcomes/", promotions_calibration.outcomes, name="promotion_outcomes"),
    path("promotions/rounds/", promotions.rounds, name="promotion_rounds"),
    path("promotions/rounds/new/", promotions.round_new, name="promotion_round_new"),
    path("promotions/rounds/<int:pk>/", promotions.round_edit, name="promotion_round"),
    path("promotions/rounds/<int:pk>/close/", promotions.round_close, name="promotion_round_close"),
    path(
        "promotions/rounds/<int:pk>/reopen/", promotions.round_reopen, name="promotion_round_reopen"
    ),
    path(
        "promotions/rounds/<int:pk>/calibrate/",
        promotions.round_calibrate,
        name="promotion_round_calibrate",
    ),
    path(
        "promotions/rounds/<int:pk>/calibration/",
        promotions_calibration.calibration,
        name="promotion_calibration",
    ),
    path("promotions/rounds/<int:pk>/nominate/", promotions.case_new, name="promotion_case_new"),
    path("promotions/cases/<int:pk>/", promotions.case_detail, name="promotion_case"),
    path(
        "promotions/cases/<int:pk>/summary/", promotions.case_summary, name="promotion_case_summary"
    ),
    path(
        "promotions/cases/<int:pk>/endorsers/",
        promotions.case_endorser,
        name="promotion_case_endorser",
    ),
    path(
        "promotions/cases/<int:pk>/refresh/", promotions.case_refresh, name="promotion_case_refresh"
    ),
    path("promotions/cases/<int:pk>/submit/", promotions.case_submit, name="promotion_case_submit"),
    path(
        "promotions/cases/<int:pk>/calibrate/",
        promotions.case_calibrate,
        name="promotion_case_calibrate",
    ),
    path("promotions/cases/<int:pk>/decide/", promotions.case_decide, name="promotion_case_decide"),
    path("promotions/cases/<int:pk>/notes/", promotions.case_note, name="promotion_case_note"),
    path("promotions/cases/<int:pk>/apply/", promotions.case_apply, name="promotion_case_apply"),
    path("promotions/cases/<int:pk>/revert/", promotions.case_revert, name="promotion_case_revert"),
    path(
        "promotions/endorsements/<int:pk>/",
        promotions.endorsement,
        name="promotion_endorsement",
    ),
]
