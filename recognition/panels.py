"""What recognition adds to the home page: recent recognition for you, and the way to
recognize someone."""

from django.http import HttpRequest

from perfapp.web.home import HomePanel
from recognition.selectors import recognition as selectors

RECENT_DAYS = 30
SHOWN = 3


def recent_recognition(request: HttpRequest) -> dict:
    """Always shown: what you received lately (two queries), or an invitation to start."""
    return {
        "items": selectors.recent_for(request.membership, limit=SHOWN, days=RECENT_DAYS),
        "days": RECENT_DAYS,
    }


def recognition_data(context: dict) -> dict:
    """The panel for the API: plain values, no model instances."""
    return {
        "days": context["days"],
        "items": [
            {
                "id": item.pk,
                "from": item.giver.name,
                "kind": item.kind.name,
                "message": item.message,
                "created_at": item.created_at,
            }
            for item in context["items"]
        ],
    }


HOME_PANELS = (
    HomePanel(
        "recognition", 40, "recognition/panels/recent.html", recent_recognition, recognition_data
    ),
)
