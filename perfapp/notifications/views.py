from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import organization_scope, scopes_disabled
from perfapp.tenancy.views import org_view, render_htmx

from . import digest, kinds, selectors, services
from .forms import DigestForm, PreferencesForm
from .models import Notification


@org_view()
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(request.membership), 20).get_page(request.GET.get("page"))
    context = {"page": page, "groups": _by_kind(page.object_list)}
    return render_htmx(request, "notifications/inbox.html", context, fragment="list")


def _by_kind(items) -> list[dict]:
    """The page's notifications grouped by kind, the group with the newest first."""
    groups: dict[str, dict] = {}
    for item in items:
        if item.kind not in groups:
            try:
                label = kinds.KINDS.get(item.kind).label
            except KeyError:
                label = "Other"
            groups[item.kind] = {"kind": item.kind, "label": label, "items": [], "unread": 0}
        groups[item.kind]["items"].append(item)
        groups[item.kind]["unread"] += item.read_at is None
    return list(groups.values())


@org_view()
def badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count, refreshed by htmx."""
    return render(
        request, "notifications/badge.html", {"unread": selectors.unread_count(request.membership)}
    )


@org_view()
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and follow the notification's link (only to this site)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.membership)
    services.mark_read(request.membership, notification.pk)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox", org_slug=request.organization.slug)


@org_view()
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.membership)
    services.mark_read(request.membership, notification.pk)
    if request.htmx:
        notification.refresh_from_db()
        response = render(request, "notifications/inbox.html#item", {"item": notification})
        response["HX-Trigger"] = "notifications-changed"
        return response
    return redirect("notifications:inbox", org_slug=request.organization.slug)


@org_view()
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.membership)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications:inbox", org_slug=request.organization.slug)


@org_view()
def preferences(request: HttpRequest) -> HttpResponse:
    # Not ``request.POST or None``: a form with every box unchecked posts no fields at all,
    # and must still save (as "all off") rather than be read as unbound.
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, rows=selectors.preferences(request.membership))
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.membership, form.choices())
        messages.success(request, "Notification preferences saved.")
        return redirect("notifications:preferences", org_slug=request.organization.slug)
    return _preferences_page(request, form, DigestForm(initial=_digest_initial(request)))


def _digest_initial(request: HttpRequest) -> dict:
    return {"frequency": digest.frequency_of(request.membership)}


def _preferences_page(request, form, digest_form, status: int = 200) -> HttpResponse:
    context = {"form": form, "digest_form": digest_form}
    return render(request, "notifications/preferences.html", context, status=status)


@org_view()
@require_POST
def digest_choice(request: HttpRequest) -> HttpResponse:
    """Daily, weekly or no digest. An unknown value is a 400 and changes nothing."""
    digest_form = DigestForm(request.POST)
    if digest_form.is_valid():
        digest.set_digest(request.membership, digest_form.cleaned_data["frequency"])
        messages.success(request, "Digest choice saved.")
        return redirect("notifications:preferences", org_slug=request.organization.slug)
    form = PreferencesForm(None, rows=selectors.preferences(request.membership))
    return _preferences_page(request, form, digest_form, status=400)


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """From a digest email, signed in or not: GET says what will stop, POST stops it.

    The signed token names the person and the kind; the form posts with the CSRF token
    like every other form, so a link opened by a mail scanner changes nothing."""
    found = digest.read_token(token)
    person = None
    if found is not None:
        with scopes_disabled():
            person = Membership.objects.select_related("organization").filter(pk=found[0]).first()
    if person is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    kind = found[1]
    label = "Your email digest" if kind == digest.DIGEST else digest.kind_label(kind)
    done = False
    if request.method == "POST":
        with organization_scope(person.organization):
            digest.unsubscribe(person, kind)
        done = True
    context = {"label": label, "org_name": person.organization.name}
    context.update(done=done, is_digest=kind == digest.DIGEST)
    return render(request, "notifications/unsubscribe.html", context)
