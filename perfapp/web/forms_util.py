from django.core.exceptions import ValidationError
from django.forms import ChoiceField, Form


def apply_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field when it names one
    the form has, at the top otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# What a field the page fills in itself (the version a form was shown at, the item a
# button acts on) says when a request arrives without it, or with something else: the
# person did nothing wrong, the page they acted on is out of date.
RELOAD = "This page is out of date. Reload it and try again."
RELOAD_ERRORS = {
    "required": RELOAD,
    "invalid": RELOAD,
    "invalid_choice": RELOAD,
    "min_value": RELOAD,
    "max_value": RELOAD,
}


def offer(field: ChoiceField, choices) -> None:
    """Show only ``choices`` while the field still accepts everything its queryset holds,
    so a rule broken on purpose (an archived value, a deactivated colleague) reaches the
    service and its clear message instead of a bare "not a valid choice"."""
    field.widget.choices = list(choices)
