from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/import/", views.people_import, name="people_import"),
    path("people/import/confirm/", views.people_import_confirm, name="people_import_confirm"),
    path("people/<int:pk>/", views.person_edit, name="person"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team_edit, name="team"),
    path("teams/<int:pk>/delete/", views.team_delete, name="team_delete"),
    path("settings/", views.organization_settings, name="settings"),
]
