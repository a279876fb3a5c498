from django.urls import path

from .promotion_urls import urlpatterns as promotion_patterns
from .views import assessments, draft, placements, proposals, readiness, reading

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
]

# Promotion rounds, cases, endorsements, calibration and outcomes.
urlpatterns += promotion_patterns
