"""Check-in pages (being built: each view answers with the section intro until then)."""

from perfapp.web.views import section_intro

_intro = section_intro(
    title="Check-ins",
    purpose="Regular 1:1s between managers and the people they coach.",
    empty="This page is being built.",
)


def checkins(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def series_new(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def series(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def series_status(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def series_accept(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def meeting(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def point_add(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def point_edit(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def point_remove(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def reorder(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def shared_notes(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def private_note(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def action_add(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def action_done(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def meeting_hold(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def meeting_skip(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def meeting_move(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def meeting_prompt(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def prompts(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def prompt_archive(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)


def checkin_settings(request, **kwargs):
    return _intro(request, org_slug=request.organization.slug)
