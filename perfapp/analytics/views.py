"""The HR analytics page and the CSV of each table."""

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from perfapp.audit.services import record
from perfapp.tenancy.views import org_view

from . import registry
from .audit import AnalyticsAction
from .forms import AnalyticsFilterForm
from .permissions import ANALYTICS_PERMISSION


def _form(request: HttpRequest) -> AnalyticsFilterForm:
    return AnalyticsFilterForm(request.GET, organization=request.organization)


@org_view(ANALYTICS_PERMISSION)
def index(request: HttpRequest) -> HttpResponse:
    """Every contribution for the chosen range and team. A bad filter shows its error and
    computes nothing (400)."""
    form = _form(request)
    if not form.is_valid():
        context = {
            "form": form,
            "sections": [],
            "active": "analytics",
            "min_group": registry.MIN_GROUP,
        }
        return render(request, "analytics/index.html", context, status=400)
    filters = form.filters()
    context = {
        "form": _shown(filters),
        "filters": filters,
        "sections": registry.report(filters),
        "query": _query(filters),
        "min_group": registry.MIN_GROUP,
        "hidden_text": registry.HIDDEN_TEXT,
    }
    return render(request, "analytics/index.html", context)


def _shown(filters: registry.Filters) -> AnalyticsFilterForm:
    """The form as applied, so empty fields show the defaults that were used."""
    data = {"start": filters.start, "end": filters.end}
    if filters.team:
        data["team"] = filters.team.pk
    return AnalyticsFilterForm(data, organization=filters.organization)


def _query(filters: registry.Filters) -> str:
    query = f"start={filters.start.isoformat()}&end={filters.end.isoformat()}"
    return query + (f"&team={filters.team.pk}" if filters.team else "")


def _safe(value) -> str:
    """A spreadsheet must never read a cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@org_view(ANALYTICS_PERMISSION)
def export_csv(request: HttpRequest, key: str) -> HttpResponse:
    """One table as CSV, small groups hidden exactly as on the page. Audited."""
    form = _form(request)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    filters = form.filters()
    table = registry.find_table(filters, key)
    if table is None:
        raise Http404
    record(
        organization=request.organization,
        actor=request.membership,
        action=AnalyticsAction.EXPORTED,
        target_label=f"Analytics: {table.title}",
        changes={"range": [None, f"{filters.start} – {filters.end}"]},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"analytics-{key.replace('.', '-')}-{filters.start}-{filters.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(table.columns)
    for row in table.rows:
        cells = [registry.HIDDEN_TEXT] * len(row.values) if row.hidden else row.values
        writer.writerow([_safe(row.label), *(_safe(cell) for cell in cells)])
    return response
