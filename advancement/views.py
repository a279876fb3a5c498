from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from perfapp.tenancy.views import org_view


@org_view()
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/section_intro.html",
        {
            "title": "Career",
            "purpose": "What each level asks for, where you stand, and how promotions are decided.",
            "empty": "Your organization's career tracks, levels and promotion criteria will appear here once HR publishes them. Every person can read them, see their own placement and what the next level asks for.",
        },
    )
