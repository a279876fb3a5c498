"""HR's workspace: the draft framework, templates, import/export, and publishing."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from advancement import snapshots, track_io
from advancement.forms.framework import (
    CompetencyForm,
    CriterionForm,
    ImportTrackForm,
    LevelForm,
    PublishForm,
    TrackForm,
)
from advancement.models import Competency, Criterion, Level, Track
from advancement.selectors.framework import current_version
from advancement.services import framework as services
from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import go, message_of

MANAGE = Permission.MANAGE_FRAMEWORK


def _pending_changes() -> list:
    latest = current_version()
    return snapshots.diff(
        latest.snapshot if latest else snapshots.EMPTY, snapshots.build_draft_snapshot()
    )


def _save_form(request, form, save, success: str, *args, **kwargs) -> bool:
    """Validate ``form``, run ``save`` (a service call) and report; False on any error."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        apply_errors(form, error)
        return False
    messages.success(request, success)
    return True


@org_view(MANAGE)
def draft(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.POST or None)
    if _save_form(
        request,
        form,
        lambda: services.save_track(actor=request.membership, track=form.instance),
        "Track created. Add its levels next.",
    ):
        return go(request, "advancement:draft_track", pk=form.instance.pk)
    tracks = Track.objects.order_by("name").prefetch_related("levels")
    return render(
        request,
        "advancement/draft.html",
        {
            "form": form,
            "tracks": tracks,
            "ladders": track_io.builtin_ladders(),
            "import_form": ImportTrackForm(),
            "pending": _pending_changes(),
            "version": current_version(),
        },
        status=400 if form.errors else 200,
    )


@org_view(MANAGE)
@require_POST
def draft_template(request: HttpRequest, key: str) -> HttpResponse:
    ladder = track_io.builtin_ladders().get(key)
    if ladder is None:
        raise Http404
    try:
        track = track_io.import_track(actor=request.membership, data=ladder)
    except ValidationError as error:
        messages.error(request, message_of(error))
        return go(request, "advancement:draft")
    messages.success(request, f"“{track.name}” is in your draft. Adapt it, then publish.")
    return go(request, "advancement:draft_track", pk=track.pk)


@org_view(MANAGE)
@require_POST
def draft_import(request: HttpRequest) -> HttpResponse:
    form = ImportTrackForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            track = track_io.import_track(actor=request.membership, data=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"“{track.name}” imported into your draft.")
            return go(request, "advancement:draft_track", pk=track.pk)
    messages.error(request, "Import failed: " + " ".join(form.errors.get("file", [])))
    return go(request, "advancement:draft")


@org_view(MANAGE)
def draft_track(request: HttpRequest, pk: int) -> HttpResponse:
    track = get_object_or_404(Track, pk=pk)
    form = TrackForm(request.POST or None, instance=track, prefix="track")
    level_form = LevelForm(prefix="level")
    if request.POST.get("form") == "level":
        level_form = LevelForm(request.POST, prefix="level", instance=Level(track=track))
        form = TrackForm(instance=track, prefix="track")
        if _save_form(
            request,
            level_form,
            lambda: services.save_level(actor=request.membership, level=level_form.instance),
            "Level added.",
        ):
            return go(request, "advancement:draft_level", pk=level_form.instance.pk)
    elif _save_form(
        request,
        form,
        lambda: services.save_track(actor=request.membership, track=form.instance),
        "Track saved.",
    ):
        return go(request, "advancement:draft_track", pk=pk)
    levels = (
        Level.objects.filter(track=track).order_by("rank").prefetch_related("criteria__competency")
    )
    return render(
        request,
        "advancement/draft_track.html",
        {"track": track, "form": form, "level_form": level_form, "levels": levels},
        status=400 if form.errors or level_form.errors else 200,
    )


@org_view(MANAGE)
@require_POST
def draft_track_delete(request: HttpRequest, pk: int) -> HttpResponse:
    track = get_object_or_404(Track, pk=pk)
    try:
        services.delete_track(actor=request.membership, track=track)
    except ValidationError as error:
        messages.error(request, message_of(error))
        return go(request, "advancement:draft_track", pk=pk)
    messages.success(request, f"“{track.name}” removed from the draft.")
    return go(request, "advancement:draft")


@org_view(MANAGE)
def draft_track_export(request: HttpRequest, pk: int) -> HttpResponse:
    track = get_object_or_404(Track, pk=pk)
    body = json.dumps(track_io.export_track(track), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = slugify(track.name) or "track"
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


@org_view(MANAGE)
def draft_level(request: HttpRequest, pk: int) -> HttpResponse:
    level = get_object_or_404(Level.objects.select_related("track"), pk=pk)
    form = LevelForm(instance=level, prefix="level")
    criterion_form = CriterionForm(prefix="criterion")
    if request.POST.get("form") == "criterion":
        criterion_form = CriterionForm(
            request.POST, prefix="criterion", instance=Criterion(level=level)
        )
        if _save_form(
            request,
            criterion_form,
            lambda: services.save_criterion(
                actor=request.membership, criterion=criterion_form.instance
            ),
            "Criterion added.",
        ):
            return go(request, "advancement:draft_level", pk=pk)
    elif request.method == "POST":
        form = LevelForm(request.POST, instance=level, prefix="level")
        if _save_form(
            request,
            form,
            lambda: services.save_level(actor=request.membership, level=form.instance),
            "Level saved.",
        ):
            return go(request, "advancement:draft_level", pk=pk)
    criteria = (
        Criterion.objects.filter(level=level)
        .select_related("competency")
        .order_by("position", "id")
    )
    return render(
        request,
        "advancement/draft_level.html",
        {"level": level, "form": form, "criterion_form": criterion_form, "criteria": criteria},
        status=400 if form.errors or criterion_form.errors else 200,
    )


@org_view(MANAGE)
@require_POST
def draft_level_delete(request: HttpRequest, pk: int) -> HttpResponse:
    level = get_object_or_404(Level.objects.select_related("track"), pk=pk)
    try:
        services.delete_level(actor=request.membership, level=level)
    except ValidationError as error:
        messages.error(request, message_of(error))
        return go(request, "advancement:draft_level", pk=pk)
    messages.success(request, f"{level} removed from the draft.")
    return go(request, "advancement:draft_track", pk=level.track_id)


@org_view(MANAGE)
def draft_criterion(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = get_object_or_404(Criterion.objects.select_related("level__track"), pk=pk)
    form = CriterionForm(request.POST or None, instance=criterion)
    if _save_form(
        request,
        form,
        lambda: services.save_criterion(actor=request.membership, criterion=form.instance),
        "Criterion saved.",
    ):
        return go(request, "advancement:draft_level", pk=criterion.level_id)
    return render(
        request,
        "advancement/draft_criterion.html",
        {"criterion": criterion, "form": form},
        status=400 if form.errors else 200,
    )


@org_view(MANAGE)
@require_POST
def draft_criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = get_object_or_404(Criterion, pk=pk)
    services.delete_criterion(actor=request.membership, criterion=criterion)
    messages.success(request, "Criterion removed from the draft.")
    return go(request, "advancement:draft_level", pk=criterion.level_id)


@org_view(MANAGE)
def competencies(request: HttpRequest) -> HttpResponse:
    form = CompetencyForm(request.POST or None)
    if _save_form(
        request,
        form,
        lambda: services.save_competency(actor=request.membership, competency=form.instance),
        "Competency added.",
    ):
        return go(request, "advancement:competencies")
    rows = Competency.objects.order_by("archived_at", "category", "name")
    return render(
        request,
        "advancement/competencies.html",
        {"form": form, "competencies": rows},
        status=400 if form.errors else 200,
    )


@org_view(MANAGE)
def competency(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Competency, pk=pk)
    form = CompetencyForm(request.POST or None, instance=item)
    if _save_form(
        request,
        form,
        lambda: services.save_competency(actor=request.membership, competency=form.instance),
        "Competency saved.",
    ):
        return go(request, "advancement:competencies")
    return render(
        request,
        "advancement/competency.html",
        {
            "competency": item,
            "form": form,
            "used_by": Criterion.objects.filter(competency=item).count(),
        },
        status=400 if form.errors else 200,
    )


@org_view(MANAGE)
@require_POST
def competency_archive(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Competency, pk=pk)
    try:
        removed = services.archive_competency(actor=request.membership, competency=item)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(
            request,
            f"“{item.name}” archived. {removed} criteria left the draft; published versions "
            "keep them.",
        )
    return go(request, "advancement:competencies")


@org_view(MANAGE)
@require_POST
def competency_restore(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Competency, pk=pk)
    try:
        services.restore_competency(actor=request.membership, competency=item)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, f"“{item.name}” is active again.")
    return go(request, "advancement:competencies")


@org_view(MANAGE)
def publish(request: HttpRequest) -> HttpResponse:
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.publish(
                actor=request.membership, summary=form.cleaned_data["summary"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"Version {version.number} is published. Everyone reads it now."
            )
            return go(request, "advancement:version", number=version.number)
    return render(
        request,
        "advancement/publish.html",
        {"form": form, "changes": _pending_changes(), "version": current_version()},
        status=400 if form.errors else 200,
    )
