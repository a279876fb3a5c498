from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

PRODUCT_NAME = "perfapp"


@dataclass(frozen=True)
class _Product:
    """What allauth's emails call "the site": the product by its name, at the address the
    links in the email use."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is self-serve: a new account goes on to create its organization."""

    def get_signup_redirect_url(self, request):
        return "/orgs/new/"

    def save_user(self, request, user, form, commit=True):
        """The name asked for at sign-up (``SignupForm``) is the account's name."""
        user.name = form.cleaned_data.get("name", "") or user.name
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Greetings and sign-offs name perfapp, never the host (``current_site.name`` is the
        host without django.contrib.sites); subjects carry ACCOUNT_EMAIL_SUBJECT_PREFIX."""
        domain = get_current_site(allauth_context.request).domain
        site = _Product(PRODUCT_NAME, domain)
        super().send_mail(template_prefix, email, {"current_site": site, **context})
