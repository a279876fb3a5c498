"""Your own data as JSON, and HR's erasure of a departed person."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view

from . import registry, services


@org_view()
def mine(request: HttpRequest) -> HttpResponse:
    """What the download holds, and the button."""
    return render(request, "privacy/mine.html", {"sources": registry.SOURCES.all()})


@org_view()
@require_POST
def download(request: HttpRequest) -> HttpResponse:
    """A JSON file of everything about the viewer in this organization (audited)."""
    data = services.export_for(request.membership)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="perfapp-{request.organization.slug}-my-data-{stamp}.json"'
    )
    return response


@org_view(Permission.MANAGE_PEOPLE)
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what erasure does to this person, and the confirmation. POST: erase."""
    person = Membership.objects.select_related("user").filter(pk=pk).first()
    if person is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.erase(actor=request.membership, person=person)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, "Their personal data was erased.")
            return redirect("orgs:person", org_slug=request.organization.slug, pk=person.pk)
    context = {
        "person": person,
        "error": error,
        "erased": services.is_erased(person),
        "sources": registry.SOURCES.all(),
    }
    return render(request, "privacy/erase.html", context, status=400 if error else 200)
