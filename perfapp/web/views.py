from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_POST, require_safe
from rest_framework.authtoken.models import Token

from perfapp.api import tokens
from perfapp.orgs.roles import Role
from perfapp.orgs.selectors import memberships_of
from perfapp.tenancy.views import org_view

from .forms import ProfileForm
from .home import panels_for
from .middleware import LAST_ORGANIZATION_COOKIE


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and tools ask for /favicon.ico wherever a page names no icon (the API
    schema's JSON, a file opened in a tab): the product's icon, never a 404. Resolved per
    request, so the static files' manifest is read only once they are collected."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def start(request: HttpRequest) -> HttpResponse:
    """The front door: your organization's home, or the way to get one."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    memberships = memberships_of(request.user)
    if len(memberships) == 1:
        return redirect("web:home", org_slug=memberships[0].organization.slug)
    if not memberships:
        return redirect("orgs_create")
    # The one opened last in this browser comes first, marked; then by name.
    last = request.COOKIES.get(LAST_ORGANIZATION_COOKIE, "")
    memberships.sort(key=lambda m: m.organization.slug != last)
    choices = [
        {
            "organization": m.organization,
            "role": Role(m.role).label,
            "job_title": m.job_title,
            "is_last": m.organization.slug == last,
        }
        for m in memberships
    ]
    return render(request, "web/choose_organization.html", {"choices": choices})


@org_view()
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"panels": panels_for(request)})


@org_view()
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("web:profile", org_slug=request.organization.slug)
    token = Token.objects.filter(user=request.user).first()
    return render(
        request,
        "web/profile.html",
        {"form": form, "token": token},
        status=400 if form.errors else 200,
    )


@org_view()
@require_POST
def api_token(request: HttpRequest) -> HttpResponse:
    """Create (or replace) the signed-in person's API token; shown once. Audited."""
    token = tokens.replace_token(user=request.user)
    messages.success(request, f"Your new API token: {token.key} — copy it now.")
    return redirect("web:profile", org_slug=request.organization.slug)


@org_view()
@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    """Revoke the signed-in person's API token. Audited."""
    if tokens.revoke_token(user=request.user):
        messages.success(request, "Your API token is revoked: integrations using it stop now.")
    else:
        messages.info(request, "You have no API token to revoke.")
    return redirect("web:profile", org_slug=request.organization.slug)
