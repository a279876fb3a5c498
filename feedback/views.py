from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from perfapp.tenancy.views import org_view


@org_view()
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/section_intro.html",
        {
            "title": "Feedback",
            "purpose": "Give and ask for specific, forward-looking feedback.",
            "empty": "Feedback you give, receive and ask for will gather here: specific situations, their impact and a suggestion for next time.",
        },
    )


@org_view()
def checkins(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/section_intro.html",
        {
            "title": "Check-ins",
            "purpose": "Regular 1:1s between managers and the people they coach.",
            "empty": "Your recurring 1:1s will appear here: a shared agenda, notes, action "
            "items and reminders before each meeting.",
        },
    )
