"""HR places people on a track and level."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from advancement.forms.placements import PlacementForm
from advancement.selectors import placements as selectors
from advancement.selectors.framework import current_version
from advancement.services import placements as services
from perfapp.api.params import is_id
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view, render_htmx
from perfapp.web.forms_util import apply_errors


def _published_level_ids() -> set[int]:
    version = current_version()
    if version is None:
        return set()
    return {level["id"] for track in version.snapshot["tracks"] for level in track["levels"]}


@org_view(Permission.MANAGE_FRAMEWORK)
def placements(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    people = Membership.objects.select_related(
        "user", "placement__track", "placement__level"
    ).filter(is_active=True)
    if search:
        people = people.filter(Q(user__name__icontains=search) | Q(user__email__icontains=search))
    page = Paginator(people.order_by("user__name", "id"), 25).get_page(request.GET.get("page"))
    return render_htmx(
        request,
        "advancement/placements.html",
        {
            "page": page,
            "search": search,
            "query": f"q={search}",
            "has_version": current_version() is not None,
        },
        fragment="results",
    )


@org_view(Permission.MANAGE_FRAMEWORK)
def placement(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Membership.objects.select_related("user"), pk=pk, is_active=True)
    current = selectors.placement_of(person)
    published = _published_level_ids()
    # ?level= proposes a level (a "promoted" decision links here with its target level);
    # anything but a published level's id is ignored, and HR still saves the form.
    proposed = request.GET.get("level", "")
    initial = int(proposed) if is_id(proposed) and int(proposed) in published else None
    form = PlacementForm(
        request.POST or None,
        published_level_ids=published,
        initial={"level": initial or (current.level_id if current else None)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.place(
                actor=request.membership, membership=person, level=form.cleaned_data["level"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{person.name}'s placement is saved; they have been told.")
            return redirect("advancement:placements", org_slug=request.organization.slug)
    return render(
        request,
        "advancement/placement.html",
        {"person": person, "form": form, "current": current},
        status=400 if form.errors else 200,
    )
