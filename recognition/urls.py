from django.urls import path

from recognition.views import insights as insight_views
from recognition.views import points as points_views
from recognition.views import recognition as recognition_views
from recognition.views import rewards as reward_views
from recognition.views import settings as settings_views
from recognition.views import values

app_name = "recognition"

urlpatterns = [
    # The wall, giving, reactions and comments, and a person's profile.
    path("", recognition_views.index, name="index"),
    path("give/", recognition_views.give, name="give"),
    path("give/nudge/", recognition_views.nudge, name="nudge"),
    path("<int:pk>/", recognition_views.detail, name="detail"),
    path("<int:pk>/react/", recognition_views.react, name="react"),
    path("<int:pk>/comments/", recognition_views.comment, name="comment"),
    path("people/<int:pk>/", recognition_views.profile, name="profile"),
    # Company values and contribution kinds (HR).
    path("values/", values.values, name="values"),
    path("values/<int:pk>/", values.value, name="value"),
    path("values/<int:pk>/archive/", values.value_archive, name="value_archive"),
    path("values/<int:pk>/restore/", values.value_restore, name="value_restore"),
    path("values/<int:pk>/move/", values.value_move, name="value_move"),
    path("kinds/", values.kinds, name="kinds"),
    path("kinds/<int:pk>/", values.kind, name="kind"),
    path("kinds/<int:pk>/archive/", values.kind_archive, name="kind_archive"),
    path("kinds/<int:pk>/restore/", values.kind_restore, name="kind_restore"),
    path("kinds/<int:pk>/move/", values.kind_move, name="kind_move"),
    # Points and rewards: everyone's points page; the catalogue and the queue (HR).
    path("points/", points_views.points_home, name="points"),
    path("points/rewards/<int:pk>/redeem/", points_views.redeem, name="redeem"),
    path("rewards/", reward_views.rewards_admin, name="rewards"),
    path("rewards/new/", reward_views.reward_new, name="reward_new"),
    path("rewards/<int:pk>/", reward_views.reward_edit, name="reward_edit"),
    path("rewards/<int:pk>/archive/", reward_views.reward_archive, name="reward_archive"),
    path("rewards/<int:pk>/restore/", reward_views.reward_restore, name="reward_restore"),
    path(
        "rewards/requests/<int:pk>/decide/",
        reward_views.redemption_decide,
        name="redemption_decide",
    ),
    # Insights (managers and HR), the CSV export and the settings (HR).
    path("insights/", insight_views.insights_page, name="insights"),
    path("insights/export.csv", insight_views.insights_export, name="insights_export"),
    path("settings/", settings_views.recognition_settings, name="settings"),
]
