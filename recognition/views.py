from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from perfapp.tenancy.views import org_view


@org_view()
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/section_intro.html",
        {
            "title": "Recognition",
            "purpose": "Recognize colleagues for output and for everything beyond it.",
            "empty": "The recognition wall of your organization will show here: who helped whom, which values it showed and what kind of contribution it was.",
        },
    )
