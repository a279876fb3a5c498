"""Shared pieces of the feedback API: id and query parsing, pagination, error mapping."""

from datetime import date

from rest_framework import exceptions, serializers, status

from feedback.models import AssignmentStatus
from perfapp.api.pagination import StableCursorPagination
from perfapp.orgs.roles import Permission

MANAGE = Permission.MANAGE_CYCLES
MAX_TEXT = 4000
ROLES = ("asked_by_me", "asked_of_me")
REVIEW_STATUSES = (AssignmentStatus.PENDING, AssignmentStatus.ANSWERED)


def _date_param(request, name: str) -> date | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise serializers.ValidationError(
            {name: ["Give a date as YYYY-MM-DD."]}, code="invalid"
        ) from None


class TimelinePagination(StableCursorPagination):
    """Newest first, as ``feedback.selectors.giving.timeline`` orders it; the id breaks ties."""

    ordering = ("-created_at", "-id")


class ResultsNotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The results are ready once the cycle closes."
    default_code = "results_not_ready"


# --- shared shapes ------------------------------------------------------------------------
