"""Check-in (1:1) pages: the home with every series of mine and my reports', starting a
series, a series, the meeting page (agenda, notes, private note, action items, links and
the manager's suggestions), and HR's coaching prompts and settings. Every write goes
through ``feedback.services.checkins``.

Modules: ``common`` (the lookups), ``home``, ``series``,
``meeting`` (the page, notes, holding/skipping/moving), ``agenda`` (points, action items,
prompts and suggestions) and ``bank`` (HR's prompt bank and settings).

Who sees what:
- A series and its meetings: only its two people (manager and report). Anyone else,
  HR and the skip-level manager included, gets 404 exactly like a missing page.
- A private note: only its writer, read through
  ``feedback.services.checkins.private_note_of``.
- The skip-level manager: on the home page, only which of their reports' series have
  lapsed (names and days), never an agenda or notes.
- A link on a point or an action item: its label and address only to whoever may see the
  linked object (``perfapp.links``); anyone else reads "A linked item you cannot see".
- Suggestions from context (``perfapp.coaching``): the series' manager only.
- HR (``MANAGE_CYCLES``): the prompt bank and the organization's check-in settings.

Edits carry the ``version`` they were rendered with; a stale one is refused and the
fragment comes back with the fresh content and a "changed meanwhile" alert (200 for
htmx, which swaps only 2xx answers; 409 for a full page).
"""

from feedback.views.checkins.agenda import (
    action_add,
    action_done,
    action_edit,
    meeting_prompt,
    meeting_suggestion,
    point_add,
    point_edit,
    point_remove,
    reorder,
)
from feedback.views.checkins.bank import checkin_settings, prompt_archive, prompts
from feedback.views.checkins.home import checkins, series_new
from feedback.views.checkins.meeting import (
    meeting,
    meeting_hold,
    meeting_move,
    meeting_skip,
    private_note,
    shared_notes,
    weekly_update,
)
from feedback.views.checkins.series import series, series_accept, series_reschedule, series_status

__all__ = [
    "action_add",
    "action_done",
    "action_edit",
    "checkin_settings",
    "checkins",
    "meeting",
    "meeting_hold",
    "meeting_move",
    "meeting_prompt",
    "meeting_skip",
    "meeting_suggestion",
    "point_add",
    "point_edit",
    "point_remove",
    "private_note",
    "prompt_archive",
    "prompts",
    "reorder",
    "series",
    "series_accept",
    "series_new",
    "series_reschedule",
    "series_status",
    "shared_notes",
    "weekly_update",
]
