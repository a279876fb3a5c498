from django.urls import path

from advancement.views import assessments, placements, proposals, readiness
from advancement.views.framework import draft, reading
from advancement.views.promotions import calibration
from advancement.views.promotions import cases as promotions

app_name = "advancement"

urlpatterns = [
    # Everyone reads the published framework.
    path("", reading.index, name="index"),
    path("tracks/<int:track_id>/", reading.track, name="track"),
    path("next-level/", reading.next_level, name="next_level"),
    path("versions/", reading.versions, name="versions"),
    path("versions/compare/", reading.compare, name="compare"),
    path("versions/<int:number>/", reading.version, name="version"),
    # Everyone shapes it.
    path("proposals/", proposals.proposal_list, name="proposals"),
    path("proposals/new/", proposals.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/comments/", proposals.proposal_comment, name="proposal_comment"),
    path("proposals/<int:pk>/vote/", proposals.proposal_vote, name="proposal_vote"),
    path("proposals/<int:pk>/answer/", proposals.proposal_answer, name="proposal_answer"),
    # HR edits the draft and publishes.
    path("draft/", draft.draft, name="draft"),
    path("draft/templates/<slug:key>/", draft.draft_template, name="draft_template"),
    path("draft/import/", draft.draft_import, name="draft_import"),
    path("draft/publish/", draft.publish, name="publish"),
    path("draft/tracks/<int:pk>/", draft.draft_track, name="draft_track"),
    path("draft/tracks/<int:pk>/delete/", draft.draft_track_delete, name="draft_track_delete"),
    path("draft/tracks/<int:pk>/export/", draft.draft_track_export, name="draft_track_export"),
    path("draft/levels/<int:pk>/", draft.draft_level, name="draft_level"),
    path("draft/levels/<int:pk>/delete/", draft.draft_level_delete, name="draft_level_delete"),
    path("draft/criteria/<int:pk>/", draft.draft_criterion, name="draft_criterion"),
    path(
        "draft/criteria/<int:pk>/delete/",
        draft.draft_criterion_delete,
        name="draft_criterion_delete",
    ),
    path("competencies/", draft.competencies, name="competencies"),
    path("competencies/<int:pk>/", draft.competency, name="competency"),
    path("competencies/<int:pk>/archive/", draft.competency_archive, name="competency_archive"),
    path("competencies/<int:pk>/restore/", draft.competency_restore, name="competency_restore"),
    path("placements/", placements.placements, name="placements"),
    path("placements/<int:pk>/", placements.placement, name="placement"),
    # Assessments and readiness (the person, their manager chain, HR).
    path("assessments/", assessments.assessments_mine, name="assessments_mine"),
    path("assessments/people/<int:member_id>/", assessments.assessments, name="assessments"),
    path(
        "assessments/people/<int:member_id>/start/",
        assessments.assessment_start,
        name="assessment_start",
    ),
    path("assessments/<int:pk>/", assessments.assessment, name="assessment"),
    path(
        "assessments/<int:pk>/discard/", assessments.assessment_discard, name="assessment_discard"
    ),
    path("readiness/", readiness.readiness_mine, name="readiness_mine"),
    path("readiness/<int:member_id>/", readiness.readiness, name="readiness"),
    path(
        "readiness/narratives/<int:criterion_id>/",
        readiness.readiness_narrative,
        name="readiness_narrative",
    ),
    path("readiness/marks/", readiness.readiness_mark, name="readiness_mark"),
    # Promotion rounds, cases, endorsements, calibration and outcomes.
    path("promotions/", promotions.promotions, name="promotions"),
    path("promotions/outcomes/", calibration.outcomes, name="promotion_outcomes"),
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
        calibration.calibration,
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
