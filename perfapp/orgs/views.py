"""Pages for people, teams, invitations and organization settings."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from perfapp.accounts.backends import BACKEND
from perfapp.tenancy.views import org_view, render_htmx
from perfapp.web import settings_areas
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import message_of

from . import csv_import, selectors, services
from .forms import (
    AcceptWithAccountForm,
    CsvConfirmForm,
    CsvUploadForm,
    DirectoryFilterForm,
    InviteForm,
    MembershipForm,
    OrganizationCreateForm,
    OrganizationSettingsForm,
    TeamForm,
)
from .models import Invitation, Membership, Team
from .roles import Permission

PAGE_SIZE = 25


def _org_redirect(request: HttpRequest, name: str, **kwargs) -> HttpResponse:
    return redirect(name, org_slug=request.organization.slug, **kwargs)


# --- outside any organization -----------------------------------------------------------


@login_required
def create_organization(request: HttpRequest) -> HttpResponse:
    form = OrganizationCreateForm(
        request.POST or None, initial={"time_zone": request.user.time_zone or "UTC"}
    )
    if not form.is_bound and not request.user.time_zone:
        # Only the browser knows its zone: static/js/app.js selects it (UTC without JS).
        form.fields["time_zone"].widget.attrs["data-browser-time-zone"] = ""
    if request.method == "POST" and form.is_valid():
        organization = services.create_organization(
            owner=request.user,
            name=form.cleaned_data["name"],
            time_zone=form.cleaned_data["time_zone"],
        )
        messages.success(request, f"{organization.name} is ready. Invite your first colleagues.")
        return redirect("web:home", org_slug=organization.slug)
    return render(request, "orgs/create.html", {"form": form})


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: accept as the signed-in user, or create an account and accept."""
    invite = services.find_invitation(token)
    if invite is None:
        raise Http404
    context: dict = {"invitation": invite}
    if not invite.is_open:
        return render(request, "orgs/invitation.html", context, status=410)
    user = request.user
    from django.contrib.auth import get_user_model

    has_account = get_user_model().objects.filter(email__iexact=invite.email).exists()
    form = None
    if user.is_authenticated:
        if request.method == "POST":
            try:
                membership = services.accept_invitation(invitation=invite, user=user)
            except ValidationError as error:
                messages.error(request, message_of(error))
                return redirect("invitation", token=token)
            messages.success(request, f"Welcome to {invite.organization.name}!")
            return redirect("web:home", org_slug=membership.organization.slug)
    elif not has_account:
        form = AcceptWithAccountForm(
            request.POST or None, email=invite.email, initial={"name": invite.name}
        )
        if request.method == "POST" and form.is_valid():
            try:
                membership = services.create_account_and_accept(
                    invitation=invite,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password1"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                login(request, membership.user, backend=BACKEND)
                messages.success(request, f"Welcome to {invite.organization.name}!")
                return redirect("web:home", org_slug=membership.organization.slug)
    context.update(form=form, has_account=has_account)
    return render(
        request, "orgs/invitation.html", context, status=400 if form and form.errors else 200
    )


# --- people directory -------------------------------------------------------------------


@org_view(Permission.VIEW_PEOPLE_ADMIN)
def people(request: HttpRequest) -> HttpResponse:
    filters = DirectoryFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    members = selectors.directory(
        search=criteria.get("q", ""),
        team_id=criteria["team"].pk if criteria.get("team") else None,
        manager_id=criteria["manager"].pk if criteria.get("manager") else None,
        role=criteria.get("role", ""),
        status=criteria.get("status") or "active",
    )
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filtered = any(criteria.get(key) for key in ("q", "team", "manager", "role")) or (
        criteria.get("status") not in (None, "", "active")
    )
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "filtered": filtered,
        "invitations": list(selectors.open_invitations()[:50]) if not filtered else [],
    }
    return render_htmx(request, "orgs/people.html", context, fragment="results")


@org_view(Permission.MANAGE_PEOPLE)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("user", "manager__user"), pk=pk
    )
    form = MembershipForm(request.POST or None, actor=request.membership, membership=membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_membership(
                actor=request.membership,
                membership=membership,
                role=data["role"] if not form.fields["role"].disabled else None,
                manager=data["manager"],
                team=data["team"],
                job_title=data["job_title"],
                time_zone=data["time_zone"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Saved {membership.name}.")
            return _org_redirect(request, "orgs:people")
    reports = selectors.direct_reports(membership)
    return render(
        request,
        "orgs/person_edit.html",
        {"form": form, "person": membership, "reports": reports},
        status=400 if form.errors else 200,
    )


def _change_activation(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        try:
            service(actor=request.membership, membership=membership)
        except ValidationError as error:
            messages.error(request, message_of(error))
        else:
            messages.success(request, done.format(name=membership.name))
        return _org_redirect(request, "orgs:person", pk=pk)
    return render(request, "orgs/person_activation.html", {"person": membership})


@org_view(Permission.MANAGE_PEOPLE)
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_activation(
        request,
        pk,
        services.deactivate_membership,
        "{name} is deactivated. Their data is kept and they can no longer sign in here.",
    )


@org_view(Permission.MANAGE_PEOPLE)
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_activation(
        request, pk, services.reactivate_membership, "{name} is active again."
    )


# --- invitations ------------------------------------------------------------------------


@org_view(Permission.MANAGE_PEOPLE)
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None, actor=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite(actor=request.membership, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return _org_redirect(request, "orgs:people")
    return render(request, "orgs/invite.html", {"form": form}, status=400 if form.errors else 200)


@org_view(Permission.MANAGE_PEOPLE)
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        services.resend_invitation(actor=request.membership, invitation=invitation)
        messages.success(request, f"Invitation sent again to {invitation.email}.")
    except ValidationError as error:
        messages.error(request, message_of(error))
    return _org_redirect(request, "orgs:people")


@org_view(Permission.MANAGE_PEOPLE)
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        services.revoke_invitation(actor=request.membership, invitation=invitation)
        messages.success(request, f"Invitation for {invitation.email} revoked.")
    except ValidationError as error:
        messages.error(request, message_of(error))
    return _org_redirect(request, "orgs:people")


# --- CSV import -------------------------------------------------------------------------


@org_view(Permission.MANAGE_PEOPLE)
def people_import(request: HttpRequest) -> HttpResponse:
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        plan = csv_import.plan_import(form.cleaned_data["file"])
        confirm = CsvConfirmForm(initial={"content": form.cleaned_data["file"]})
        return render(
            request,
            "orgs/import_preview.html",
            {"plan": plan, "confirm": confirm},
            status=200 if plan.is_valid else 400,
        )
    return render(request, "orgs/import.html", {"form": form}, status=400 if form.errors else 200)


@org_view(Permission.MANAGE_PEOPLE)
@require_POST
def people_import_confirm(request: HttpRequest) -> HttpResponse:
    confirm = CsvConfirmForm(request.POST)
    if not confirm.is_valid():
        messages.error(request, "The import was missing its file. Upload it again.")
        return _org_redirect(request, "orgs:people_import")
    plan = csv_import.apply_import(actor=request.membership, text=confirm.cleaned_data["content"])
    if not plan.is_valid:
        return render(
            request, "orgs/import_preview.html", {"plan": plan, "confirm": confirm}, status=400
        )
    added, updated = plan.count("create") + plan.count("add"), plan.count("update")
    if added or updated:
        messages.success(request, f"Imported: {added} added, {updated} updated.")
    else:
        messages.info(request, "Nothing to change: everyone in the file is already up to date.")
    return _org_redirect(request, "orgs:people")


# --- teams ------------------------------------------------------------------------------


@org_view(Permission.MANAGE_PEOPLE)
def teams(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.create_team(actor=request.membership, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Team “{team.name}” created.")
            return _org_redirect(request, "orgs:teams")
    return render(
        request,
        "orgs/teams.html",
        {"form": form, "teams": selectors.teams_with_counts()},
        status=400 if form.errors else 200,
    )


@org_view(Permission.MANAGE_PEOPLE)
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_team(actor=request.membership, team=team, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Team “{team.name}” saved.")
            return _org_redirect(request, "orgs:teams")
    return render(
        request,
        "orgs/team_edit.html",
        {"form": form, "team": team},
        status=400 if form.errors else 200,
    )


@org_view(Permission.MANAGE_PEOPLE)
@require_POST
def team_delete(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    services.delete_team(actor=request.membership, team=team)
    messages.success(request, f"Team “{team.name}” deleted. Its members now have no team.")
    return _org_redirect(request, "orgs:teams")


# --- organization settings --------------------------------------------------------------


@org_view(Permission.MANAGE_ORGANIZATION)
def organization_settings(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    form = OrganizationSettingsForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        services.update_organization(
            actor=request.membership,
            organization=organization.__class__.objects.get(pk=organization.pk),
            **form.cleaned_data,
        )
        messages.success(request, "Organization settings saved.")
        return _org_redirect(request, "orgs:settings")
    context = {"form": form, "sections": settings_areas.sections_for(request.membership)}
    return render(request, "orgs/settings.html", context, status=400 if form.errors else 200)
