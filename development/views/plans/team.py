"""The manager's view of their reports' plans, and HR's growth settings.

A manager sees, for each direct report: the plan's status (none, draft, waiting for
their sign-off, agreed), the last and next review, and goals at risk or past their
target date — in a fixed number of queries whatever the size of the team. HR
(``MANAGE_GROWTH``) sets the review cadence and sees plan status across the organization
as counts only.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from development.forms.plans import SettingsForm
from development.models import DevelopmentSettings
from development.selectors.plans import organization_figures, team_rows
from development.services import plans as service
from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view
from perfapp.timezones import local_today
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import initials


@org_view(reader_time_zone=True)
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    rows = team_rows(request.membership)
    for row in rows:
        row.person.initials = initials(row.person.name)
    counts = {
        "waiting": sum(1 for row in rows if row.status == "waiting_manager"),
        "attention": sum(1 for row in rows if row.at_risk or row.overdue or row.review_overdue),
        "agreed": sum(1 for row in rows if row.status == "agreed"),
    }
    return render(
        request,
        "development/team.html",
        {"rows": rows, "counts": counts, "tab": "team"},
    )


@org_view(Permission.MANAGE_GROWTH, reader_time_zone=True)
def settings(request: HttpRequest) -> HttpResponse:
    current = DevelopmentSettings.of(request.organization)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            service.save_settings(
                actor=request.membership,
                review_every_months=form.cleaned_data["review_every_months"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Growth settings saved.")
            return redirect("development:settings", org_slug=request.organization.slug)
    figures = organization_figures(local_today(request.membership))
    return render(
        request,
        "development/settings.html",
        {"form": form, "figures": figures, "tab": "settings"},
        status=400 if form.errors else 200,
    )
