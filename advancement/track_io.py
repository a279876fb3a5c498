"""Tracks as portable JSON: the built-in templates, export, and import.

Format ``perfapp.track/1``: {"format", "name", "description", "competencies": [{"key",
"name", "category", "description"}], "levels": [{"code", "name", "summary", "criteria":
[{"competency": key | null, "expectation", "evidence_examples"}]}]}. Levels are in order.
"""

import json
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from advancement.models import Competency, CompetencyCategory, Criterion, Level, Track
from perfapp.orgs.models import Membership

FORMAT = "perfapp.track/1"
LADDER_DIR = Path(__file__).parent / "ladders"
MAX_LEVELS = 30
MAX_COMPETENCIES = 60


@cache
def builtin_ladders() -> dict[str, dict]:
    """Templates written by the perfapp team, keyed by file name."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(LADDER_DIR.glob("*.json"))
    }


def export_track(track: Track) -> dict:
    levels = list(Level.objects.filter(track=track).order_by("rank"))
    criteria = list(
        Criterion.objects.select_related("competency")
        .filter(level__in=levels)
        .order_by("position", "id")
    )
    competencies = {c.competency_id: c.competency for c in criteria if c.competency}
    keys: dict[int, str] = {}
    for pk, competency in sorted(competencies.items()):
        key = slugify(competency.name)[:40] or f"competency-{pk}"
        if key in keys.values():  # "C++" and "C#" both slugify to "c"
            key = f"{key[:28]}-{pk}"
        keys[pk] = key
    return {
        "format": FORMAT,
        "name": track.name,
        "description": track.description,
        "competencies": [
            {
                "key": keys[pk],
                "name": competency.name,
                "category": competency.category,
                "description": competency.description,
            }
            for pk, competency in sorted(competencies.items(), key=lambda item: item[1].name)
        ],
        "levels": [
            {
                "code": level.code,
                "name": level.name,
                "summary": level.summary,
                "criteria": [
                    {
                        "competency": keys.get(c.competency_id),
                        "expectation": c.expectation,
                        "evidence_examples": c.evidence_examples,
                    }
                    for c in criteria
                    if c.level_id == level.pk
                ],
            }
            for level in levels
        ],
    }


def _text(value, field: str, limit: int, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValidationError(f"“{field}” must be a non-empty text.")
    if len(value) > limit:
        raise ValidationError(f"“{field}” is longer than {limit} characters.")
    return value.strip()


def validate(data) -> dict:
    """Check a track document; raise ValidationError naming the first problem."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(f"This is not a perfapp track file (expected format “{FORMAT}”).")
    _text(data.get("name"), "name", 120)
    _text(data.get("description"), "description", 1000, required=False)
    competencies = data.get("competencies")
    levels = data.get("levels")
    if not isinstance(competencies, list) or len(competencies) > MAX_COMPETENCIES:
        raise ValidationError(f"“competencies” must be a list of at most {MAX_COMPETENCIES}.")
    if not isinstance(levels, list) or not 1 <= len(levels) <= MAX_LEVELS:
        raise ValidationError(f"“levels” must be a list of 1 to {MAX_LEVELS} levels.")
    keys, names = set(), set()
    for index, competency in enumerate(competencies, start=1):
        where = f"competencies[{index}]"
        if not isinstance(competency, dict):
            raise ValidationError(f"{where} must be an object.")
        key = _text(competency.get("key"), f"{where}.key", 40)
        if key in keys:
            raise ValidationError(f"{where}.key “{key}” appears twice.")
        keys.add(key)
        name = _text(competency.get("name"), f"{where}.name", 80)
        if name.lower() in names:
            raise ValidationError(f"{where}.name “{name}” appears twice.")
        names.add(name.lower())
        _text(competency.get("description"), f"{where}.description", 600, required=False)
        if competency.get("category") not in CompetencyCategory.values:
            raise ValidationError(
                f"{where}.category must be one of {', '.join(CompetencyCategory.values)}."
            )
    codes = set()
    for index, level in enumerate(levels, start=1):
        where = f"levels[{index}]"
        if not isinstance(level, dict):
            raise ValidationError(f"{where} must be an object.")
        code = _text(level.get("code"), f"{where}.code", 10)
        if code.lower() in codes:
            raise ValidationError(f"{where}.code “{code}” appears twice.")
        codes.add(code.lower())
        _text(level.get("name"), f"{where}.name", 80)
        _text(level.get("summary"), f"{where}.summary", 600, required=False)
        criteria = level.get("criteria", [])
        if not isinstance(criteria, list):
            raise ValidationError(f"{where}.criteria must be a list.")
        seen = set()
        for number, criterion in enumerate(criteria, start=1):
            spot = f"{where}.criteria[{number}]"
            if not isinstance(criterion, dict):
                raise ValidationError(f"{spot} must be an object.")
            key = criterion.get("competency")
            if key is not None and not isinstance(key, str):
                raise ValidationError(f"{spot}.competency must be a competency key or null.")
            if key is not None and key not in keys:
                raise ValidationError(f"{spot}.competency “{key}” is not in “competencies”.")
            if key is not None and key in seen:
                raise ValidationError(f"{spot}: two criteria for “{key}” on one level.")
            seen.add(key)
            _text(criterion.get("expectation"), f"{spot}.expectation", 1000)
            _text(
                criterion.get("evidence_examples"), f"{spot}.evidence_examples", 600, required=False
            )
    return data


@transaction.atomic
def import_track(*, actor: Membership, data, name: str | None = None) -> Track:
    """Create a new draft track from a track document. Competencies with the same name as
    an active one of the organization are reused; the others are created."""
    data = validate(data)
    name = _text(name or data["name"], "name", 120)
    if Track.objects.filter(name__iexact=name).exists():
        raise ValidationError(f"There is already a track called “{name}”. Rename one first.")
    organization = actor.organization
    existing = {c.name.lower(): c for c in Competency.objects.filter(archived_at__isnull=True)}
    by_key = {}
    for item in data["competencies"]:
        competency = existing.get(item["name"].strip().lower())
        if competency is None:
            competency = Competency.objects.create(
                organization=organization,
                name=item["name"].strip(),
                category=item["category"],
                description=(item.get("description") or "").strip(),
            )
            existing[competency.name.lower()] = competency
        by_key[item["key"]] = competency
    track = Track.objects.create(
        organization=organization, name=name, description=(data.get("description") or "").strip()
    )
    for rank, item in enumerate(data["levels"], start=1):
        level = Level.objects.create(
            organization=organization,
            track=track,
            rank=rank,
            code=item["code"].strip(),
            name=item["name"].strip(),
            summary=(item.get("summary") or "").strip(),
        )
        Criterion.objects.bulk_create(
            Criterion(
                organization=organization,
                level=level,
                competency=by_key.get(criterion.get("competency")),
                expectation=criterion["expectation"].strip(),
                evidence_examples=(criterion.get("evidence_examples") or "").strip(),
                position=position,
            )
            for position, criterion in enumerate(item.get("criteria", []), start=1)
        )
    return track
