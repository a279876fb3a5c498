from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from perfapp.tenancy.views import org_view


@org_view()
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/section_intro.html",
        {
            "title": "Growth",
            "purpose": "Your development plan, mentors and stretch assignments.",
            "empty": "Your personal development plan, its goals and milestones, your mentors and the stretch assignments you take on will live here.",
        },
    )
