from django.urls import path

from . import search_views, team, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("team/", team.team, name="team"),
    path("profile/", views.profile, name="profile"),
    path("profile/api-token/new/", views.api_token, name="api_token"),
    path("profile/api-token/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("search/", search_views.search_page, name="search"),
]
