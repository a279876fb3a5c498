from django.urls import path

from .views import mentoring, plans, stretch, team

app_name = "development"

# Growth pages, grouped by area. Each area's engineer adds its routes in its block.
urlpatterns = [
    # plans, goals, learning, reviews
    path("", plans.index, name="index"),
    # the manager's view of their reports' plans
    path("team/", team.index, name="team"),
    # mentoring
    path("mentoring/", mentoring.index, name="mentoring"),
    # stretch assignments
    path("opportunities/", stretch.board, name="opportunities"),
]
