"""The sign-up and sign-in forms, as allauth's with perfapp's words: sign-up asks for the
name colleagues know you by (so nobody is called by their email address's first part)."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError

from .models import User

NAME_MAX = User._meta.get_field("name").max_length


# allauth's fields answer an empty box with Django's generic "This field is required.";
# each says what it needs instead.
SIGNUP_REQUIRED = {
    "email": "Write the email address you sign in with.",
    "password1": "Choose a password.",
    "password2": "Write the same password again.",
}
LOGIN_REQUIRED = {
    "login": "Write the email address you sign in with.",
    "password": "Write your password.",
}


def _say_what_is_missing(form: forms.Form, messages: dict[str, str]) -> None:
    for name, message in messages.items():
        if name in form.fields:
            form.fields[name].error_messages["required"] = message


class SignupForm(AllauthSignupForm):
    name = forms.CharField(
        label="Your name",
        max_length=NAME_MAX,
        help_text="As your colleagues know you: perfapp shows it to them.",
        error_messages={
            "required": "Write your name as your colleagues know it.",
            "max_length": f"Keep your name to {NAME_MAX} characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _say_what_is_missing(self, SIGNUP_REQUIRED)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Write your name as your colleagues know it.")
        return name


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _say_what_is_missing(self, LOGIN_REQUIRED)
        if "remember" in self.fields:
            self.fields["remember"].label = "Remember me"
