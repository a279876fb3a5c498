"""What the feedback services share."""

from django.urls import reverse


def org_url(organization, name: str, **kwargs) -> str:
    """A page's address within the organization, for a notification's link."""
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})
