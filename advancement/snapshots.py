"""Freezing the draft into a snapshot, reading snapshots, and comparing two of them.

A snapshot is plain JSON: {"competencies": {id: {...}}, "tracks": [{..., "levels": [{...,
"criteria": [...]}]}]}. Ids are the draft rows' ids, stable across versions, so a diff can
say "this criterion changed" rather than "one was removed and another added".
"""

from dataclasses import dataclass, field

from advancement.models import Competency, Criterion, Level, Track

EMPTY: dict = {"competencies": {}, "tracks": []}


def build_draft_snapshot() -> dict:
    """The active organization's draft, as it would be published (four queries)."""
    competencies = {
        str(c.pk): {
            "id": c.pk,
            "name": c.name,
            "description": c.description,
            "category": c.category,
        }
        for c in Competency.objects.filter(archived_at__isnull=True).order_by("category", "name")
    }
    criteria_by_level: dict[int, list] = {}
    for criterion in Criterion.objects.order_by("position", "id"):
        criteria_by_level.setdefault(criterion.level_id, []).append(
            {
                "id": criterion.pk,
                "competency_id": criterion.competency_id,
                "expectation": criterion.expectation,
                "evidence_examples": criterion.evidence_examples,
            }
        )
    levels_by_track: dict[int, list] = {}
    for level in Level.objects.order_by("rank"):
        levels_by_track.setdefault(level.track_id, []).append(
            {
                "id": level.pk,
                "rank": level.rank,
                "code": level.code,
                "name": level.name,
                "summary": level.summary,
                "criteria": criteria_by_level.get(level.pk, []),
            }
        )
    tracks = [
        {
            "id": track.pk,
            "name": track.name,
            "description": track.description,
            "levels": levels_by_track.get(track.pk, []),
        }
        for track in Track.objects.order_by("name")
    ]
    return {"competencies": competencies, "tracks": tracks}


# --- reading ------------------------------------------------------------------------------


def find_track(snapshot: dict, track_id: int) -> dict | None:
    return next((t for t in snapshot["tracks"] if t["id"] == track_id), None)


def find_level(snapshot: dict, level_id: int) -> tuple[dict, dict] | None:
    """(track, level) holding the level, or None."""
    for track in snapshot["tracks"]:
        for level in track["levels"]:
            if level["id"] == level_id:
                return track, level
    return None


def next_level(track: dict, level: dict) -> dict | None:
    higher = [candidate for candidate in track["levels"] if candidate["rank"] > level["rank"]]
    return min(higher, key=lambda candidate: candidate["rank"]) if higher else None


def competency_name(snapshot: dict, competency_id: int | None) -> str:
    if competency_id is None:
        return "Beyond one competency"
    competency = snapshot["competencies"].get(str(competency_id))
    return competency["name"] if competency else "Retired competency"


@dataclass
class ComparedRow:
    """One line of a side-by-side comparison of two levels."""

    label: str
    category: str
    left: str
    right: str
    top: bool = False  # the left level is the top of its track: nothing to compare with

    @property
    def state(self) -> str:
        if self.top:
            return "top"
        if not self.left:
            return "new"
        if not self.right:
            return "dropped"
        return "same" if self.left == self.right else "changed"


def compare_levels(snapshot: dict, left: dict, right: dict | None) -> list[ComparedRow]:
    """Criteria of two levels aligned by competency (free-standing criteria last)."""
    right_criteria = right["criteria"] if right else []
    by_competency: dict = {}
    free: list[ComparedRow] = []
    for side, criteria in (("left", left["criteria"]), ("right", right_criteria)):
        for criterion in criteria:
            key = criterion["competency_id"]
            if key is None:
                # Free-standing criteria have nothing to align on but their wording: the
                # same text at both levels is one unchanged row, not "dropped" plus "new".
                text = criterion["expectation"]
                row = next(
                    (r for r in free if side == "right" and r.left == text and not r.right),
                    None,
                )
                if row is None:
                    row = ComparedRow("Beyond one competency", "", "", "")
                    free.append(row)
                setattr(row, side, text)
                continue
            row = by_competency.get(key)
            if row is None:
                competency = snapshot["competencies"].get(str(key), {})
                row = ComparedRow(
                    competency.get("name", "Retired competency"),
                    competency.get("category", ""),
                    "",
                    "",
                )
                by_competency[key] = row
            setattr(row, side, criterion["expectation"])
    rows = sorted(by_competency.values(), key=lambda r: (r.category, r.label)) + free
    if right is None:
        for row in rows:
            row.top = True
    return rows


# --- comparing two snapshots ------------------------------------------------------------


@dataclass
class Change:
    kind: str  # competency | track | level | criterion
    op: str  # added | changed | removed
    key: int
    label: str
    where: str = ""
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "op": self.op,
            "key": self.key,
            "label": self.label,
            "where": self.where,
            "before": self.before,
            "after": self.after,
        }


def _index(snapshot: dict) -> dict[tuple[str, int], tuple[dict, str, str]]:
    """(kind, id) -> (fields that matter, label, where) for every item of a snapshot."""
    items: dict[tuple[str, int], tuple[dict, str, str]] = {}
    for competency in snapshot["competencies"].values():
        fields = {k: competency[k] for k in ("name", "description", "category")}
        items[("competency", competency["id"])] = (fields, competency["name"], "Competencies")
    for track in snapshot["tracks"]:
        fields = {"name": track["name"], "description": track["description"]}
        items[("track", track["id"])] = (fields, track["name"], "Tracks")
        for level in track["levels"]:
            fields = {k: level[k] for k in ("rank", "code", "name", "summary")}
            label = f"{level['code']} {level['name']}"
            items[("level", level["id"])] = (fields, label, track["name"])
            for criterion in level["criteria"]:
                fields = {
                    "competency": competency_name(snapshot, criterion["competency_id"]),
                    "expectation": criterion["expectation"],
                    "evidence_examples": criterion["evidence_examples"],
                }
                where = f"{track['name']} › {level['code']} {level['name']}"
                items[("criterion", criterion["id"])] = (fields, fields["competency"], where)
    return items


KIND_ORDER = {"track": 0, "level": 1, "competency": 2, "criterion": 3}


def diff(old: dict, new: dict) -> list[Change]:
    """What changed from ``old`` to ``new``, tracks first, then levels, competencies and
    criteria."""
    before, after = _index(old), _index(new)
    changes = []
    for key in after.keys() - before.keys():
        fields, label, where = after[key]
        changes.append(Change(key[0], "added", key[1], label, where, after=fields))
    for key in before.keys() - after.keys():
        fields, label, where = before[key]
        changes.append(Change(key[0], "removed", key[1], label, where, before=fields))
    for key in before.keys() & after.keys():
        if before[key][0] != after[key][0]:
            old_fields, new_fields = before[key][0], after[key][0]
            changed = {k for k in new_fields if old_fields.get(k) != new_fields.get(k)}
            changes.append(
                Change(
                    key[0],
                    "changed",
                    key[1],
                    after[key][1],
                    after[key][2],
                    before={k: old_fields[k] for k in changed},
                    after={k: new_fields[k] for k in changed},
                )
            )
    return sorted(changes, key=lambda c: (KIND_ORDER[c.kind], c.where, c.label, c.key))
