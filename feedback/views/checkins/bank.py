"""HR: the coaching prompt bank and the organization's check-in settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from feedback.forms.checkins import PromptForm, SettingsForm
from feedback.models import CheckinSettings, CoachingPrompt, PromptTheme
from feedback.services import checkins as service
from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import is_partial

# --- HR: the coaching prompt bank and settings -------------------------------------------------


def _bank_context(form: PromptForm | None = None, **extra) -> dict:
    rows = list(service.prompts(include_archived=True))
    labels = dict(PromptTheme.choices)
    themes = []
    for theme, _label in PromptTheme.choices:
        items = [row for row in rows if row.theme == theme]
        themes.append(
            {
                "label": labels[theme],
                "active": [row for row in items if row.archived_at is None],
                "archived": [row for row in items if row.archived_at is not None],
            }
        )
    return {"themes": themes, "form": form or PromptForm(), "tab": "prompts", **extra}


@org_view(Permission.MANAGE_CYCLES, reader_time_zone=True)
def prompts(request: HttpRequest) -> HttpResponse:
    form = PromptForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                service.add_prompt(actor=request.membership, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                notice = "Question added. Managers can pull it into their next 1:1."
                if is_partial(request):
                    context = _bank_context(notice=notice, focus_add=True)
                    return render(request, "feedback/checkins/prompts.html#bank", context)
                messages.success(request, notice)
                return redirect("feedback:prompts", org_slug=request.organization.slug)
        template = "feedback/checkins/prompts.html"
        if is_partial(request):
            return render(request, f"{template}#bank", _bank_context(form))
        return render(request, template, _bank_context(form), status=400)
    return render(request, "feedback/checkins/prompts.html", _bank_context(form))


@org_view(Permission.MANAGE_CYCLES, reader_time_zone=True)
@require_POST
def prompt_archive(request: HttpRequest, pk: int) -> HttpResponse:
    prompt = get_object_or_404(CoachingPrompt, pk=pk)
    if prompt.archived_at is None:
        service.archive_prompt(actor=request.membership, prompt=prompt)
    notice = "Archived. It is no longer offered; agendas that used it keep it."
    if is_partial(request):
        return render(request, "feedback/checkins/prompts.html#bank", _bank_context(notice=notice))
    messages.success(request, notice)
    return redirect("feedback:prompts", org_slug=request.organization.slug)


@org_view(Permission.MANAGE_CYCLES, reader_time_zone=True)
def checkin_settings(request: HttpRequest) -> HttpResponse:
    current = CheckinSettings.of(request.organization)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in CheckinSettings.editable}
        try:
            service.save_settings(actor=request.membership, **values)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Check-in settings saved.")
            return redirect("feedback:checkin_settings", org_slug=request.organization.slug)
    return render(
        request,
        "feedback/checkins/settings.html",
        {"form": form, "tab": "settings"},
        status=400 if form.errors else 200,
    )
