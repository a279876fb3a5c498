"""Remembers, in this browser, the organization last opened, so the picker after signing
in can mark it (a cookie, not the session: signing out clears the session)."""

from django.conf import settings

LAST_ORGANIZATION_COOKIE = "perfapp_last_org"
ONE_YEAR = 365 * 24 * 3600


class LastOrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        membership = getattr(request, "membership", None)
        if membership is None or response.status_code >= 400:
            return response
        slug = membership.organization.slug
        if request.COOKIES.get(LAST_ORGANIZATION_COOKIE) != slug:
            response.set_cookie(
                LAST_ORGANIZATION_COOKIE,
                slug,
                max_age=ONE_YEAR,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
