from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is self-serve: a new account goes on to create its organization."""

    def get_signup_redirect_url(self, request):
        return "/orgs/new/"
