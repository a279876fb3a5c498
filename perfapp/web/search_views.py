"""The header search's results page (the sources are in ``perfapp.search``)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from perfapp import search
from perfapp.tenancy.views import org_view


@org_view()
def search_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    context = {"q": raw, "groups": [], "error": ""}
    if raw.strip():
        try:
            context["groups"] = search.search(raw, request.membership)
        except ValueError as exc:
            context["error"] = str(exc)
            return render(request, "web/search.html", context, status=400)
    return render(request, "web/search.html", context)
