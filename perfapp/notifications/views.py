from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from perfapp.tenancy.views import org_view, render_htmx

from . import selectors, services
from .forms import PreferencesForm
from .models import Notification


@org_view()
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(request.membership), 20).get_page(request.GET.get("page"))
    return render_htmx(request, "notifications/inbox.html", {"page": page}, fragment="list")


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
    return render(request, "notifications/preferences.html", {"form": form})
