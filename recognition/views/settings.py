"""HR: the organization's recognition settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors
from recognition.forms.points import RecognitionSettingsForm
from recognition.models import RecognitionSettings
from recognition.services import settings as settings_service


@org_view(Permission.MANAGE_RECOGNITION, reader_time_zone=True)
def recognition_settings(request: HttpRequest) -> HttpResponse:
    current = RecognitionSettings.of(request.organization)
    form = RecognitionSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in RecognitionSettings.editable}
        try:
            settings_service.save_settings(actor=request.membership, **values)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Recognition settings saved.")
            return redirect("recognition:settings", org_slug=request.organization.slug)
    return render(
        request,
        "recognition/settings.html",
        {"form": form, "active": "settings"},
        status=400 if form.errors else 200,
    )
