from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view, render_htmx

from . import selectors
from .models import action_choices


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        choices=lambda: [("", "All actions"), *action_choices()], required=False
    )


@org_view(Permission.VIEW_AUDIT_LOG)
def audit_log(request: HttpRequest) -> HttpResponse:
    filters = AuditFilterForm(request.GET or None)
    action = filters.cleaned_data.get("action") if filters.is_valid() else ""
    page = Paginator(selectors.audit_events(action=action), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_htmx(
        request,
        "audit/log.html",
        {"page": page, "filters": filters, "query": query.urlencode()},
        fragment="results",
    )
