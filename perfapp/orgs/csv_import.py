"""CSV import of people: plan first (a preview with per-row errors), then apply.

Nothing is written unless every row is valid, and applying the same file twice changes
nothing the second time: each row is compared with what is already there.

Only "email" is required. For someone already here:

- a column the file does not have keeps what is there (a file of emails and titles
  changes titles only);
- an empty cell clears an optional field: title, team, manager;
- an empty name or role keeps the person's name and role (a role cannot be blank, and
  leaving a cell empty must never demote anyone).

New people get what the row says, and "member" when it names no role. The preview lists
every field that changes, before → after.
"""

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from perfapp.audit.models import AuditAction
from perfapp.audit.services import record
from perfapp.tenancy.scoping import scopes_disabled
from perfapp.tenancy.tasks import enqueue

from .models import Membership, Team
from .roles import Role

User = get_user_model()

MAX_ROWS = 5000
COLUMNS = ("email", "name", "title", "team", "manager_email", "role")
LABELS = {"name": "Name", "title": "Title", "team": "Team", "manager": "Manager", "role": "Role"}
BLANK = {"title": "no title", "team": "no team", "manager": "no manager"}
HEADER_ALIASES = {
    "email": "email",
    "e-mail": "email",
    "name": "name",
    "full name": "name",
    "title": "title",
    "job title": "title",
    "team": "team",
    "manager email": "manager_email",
    "manager_email": "manager_email",
    "manager": "manager_email",
    "role": "role",
}
ROLE_WORDS = {
    "": Role.MEMBER,
    "member": Role.MEMBER,
    "employee": Role.MEMBER,
    "hr": Role.HR_ADMIN,
    "hr admin": Role.HR_ADMIN,
    "hr_admin": Role.HR_ADMIN,
}


@dataclass(frozen=True)
class Change:
    """One field of someone already here that the import changes."""

    field: str  # name | title | team | manager | role
    before: str
    after: str

    @property
    def label(self) -> str:
        return LABELS[self.field]


@dataclass
class PlannedRow:
    line: int
    email: str
    name: str
    title: str
    team: str
    manager_email: str
    role: str
    action: str = "unchanged"  # create | add | update | unchanged
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed_fields(self) -> set[str]:
        return {change.field for change in self.changes}

    @property
    def role_label(self) -> str:
        """ "HR admin" rather than "hr_admin"; a word the file got wrong as it was typed."""
        role = ROLE_WORDS.get(self.role, self.role)
        return Role(role).label if role in Role.values else self.role


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # errors about the whole file
    new_teams: list[str] = field(default_factory=list)
    columns: tuple[str, ...] = ()  # the file's columns, in ``COLUMNS`` order

    @property
    def kept_columns(self) -> list[str]:
        """What the file leaves as it is for people already here (no such column)."""
        missing = [c for c in COLUMNS if c not in self.columns and c != "email"]
        return [LABELS["manager" if c == "manager_email" else c].lower() for c in missing]

    @property
    def is_valid(self) -> bool:
        return not self.errors and all(not row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for row in self.rows if row.errors)

    @property
    def summary(self) -> str:
        added = self.count("create") + self.count("add")
        return f"{added} new, {self.count('update')} updated, {self.count('unchanged')} unchanged"

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)


def plan_import(text: str) -> ImportPlan:
    """Read the CSV and compare every row with the active organization's people."""
    plan = ImportPlan()
    if "\x00" in text:
        plan.errors.append(
            "The file contains binary data, not text. Export it from your spreadsheet as "
            "“CSV UTF-8”."
        )
        return plan
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        _read_rows(reader, plan)
    except csv.Error as error:
        plan.rows.clear()
        plan.errors.append(
            f"The file could not be read as CSV near line {reader.line_num}: {error}. "
            "Check that every quoted value is closed."
        )
        return plan
    if plan.rows:
        _compare_with_organization(plan)
    return plan


def _read_rows(reader, plan: ImportPlan) -> None:
    try:
        header = next(reader)
    except StopIteration:
        plan.errors.append("The file is empty. Add a header row and one row per person.")
        return
    columns = [HEADER_ALIASES.get(h.strip().lower()) for h in header]
    if "email" not in columns:
        plan.errors.append(
            "The header row needs an “email” column. Expected columns: " + ", ".join(COLUMNS)
        )
        return
    plan.columns = tuple(c for c in COLUMNS if c in columns)
    unknown = [h for h, c in zip(header, columns, strict=True) if c is None and h.strip()]
    if unknown:
        plan.errors.append(
            f"Unknown column(s): {', '.join(unknown)}. Expected: {', '.join(COLUMNS)}."
        )
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(plan.rows) >= MAX_ROWS:
            plan.errors.append(f"Import at most {MAX_ROWS} people at a time.")
            break
        data = dict.fromkeys(COLUMNS, "")
        for column, value in zip(columns, values, strict=False):
            if column:
                data[column] = value.strip()
        if len(values) > len(columns):
            plan.rows.append(_row(line, data, ["This row has more values than the header."]))
            continue
        plan.rows.append(_row(line, data, []))
    if not plan.rows and not plan.errors:
        plan.errors.append("The file has a header but no people in it.")


def _row(line: int, data: dict, errors: list[str]) -> PlannedRow:
    return PlannedRow(
        line=line,
        email=data["email"].lower(),
        name=data["name"],
        title=data["title"],
        team=data["team"],
        manager_email=data["manager_email"].lower(),
        role=data["role"].lower(),
        errors=errors,
    )


def _compare_with_organization(plan: ImportPlan) -> None:
    emails = {row.email for row in plan.rows}
    manager_emails = {row.manager_email for row in plan.rows if row.manager_email}
    existing = {
        m.user.email: m
        for m in Membership.objects.select_related("user", "team", "manager__user").filter(
            user__email__in=emails | manager_emails
        )
    }
    accounts = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    shared = _accounts_shared_elsewhere([m for e, m in existing.items() if e in emails])
    teams = {t.name.lower() for t in Team.objects.all()}
    new_team_keys: set[str] = set()
    seen: set[str] = set()
    names = {row.email: row.name for row in plan.rows if row.name}
    for row in plan.rows:
        _validate_row(row, seen, existing, emails)
        if row.errors:
            continue
        member = existing.get(row.email)
        if member is not None:
            _keep_what_the_file_leaves_out(row, member, plan.columns)
        row.role = ROLE_WORDS.get(row.role, row.role)
        if row.team and row.team.lower() not in teams | new_team_keys:
            plan.new_teams.append(row.team)
            new_team_keys.add(row.team.lower())
        if member is None:
            row.action = "add" if row.email in accounts else "create"
            continue
        row.changes = _differences(
            row, member, may_rename=row.email not in shared, names=names, existing=existing
        )
        row.action = "update" if row.changes else "unchanged"
        if row.name and row.name != member.user.name and "name" not in row.changed_fields:
            row.notes.append(f"Keeps the name “{member.user.name}”: they manage it themselves.")
    _check_for_loops(plan)


def _keep_what_the_file_leaves_out(row: PlannedRow, member: Membership, columns) -> None:
    """Someone already here: a missing column, or an empty name or role, keeps what is
    there; the row then holds what they will have after the import."""
    if "title" not in columns:
        row.title = member.job_title
    if "team" not in columns:
        row.team = member.team.name if member.team else ""
    if "manager_email" not in columns:
        row.manager_email = member.manager.user.email if member.manager else ""
    if not row.name:
        row.name = member.user.name
    if not row.role:
        row.role = member.role


def _validate_row(row: PlannedRow, seen: set, existing: dict, emails: set) -> None:
    try:
        validate_email(row.email)
    except ValidationError:
        row.errors.append(f"“{row.email or '(empty)'}” is not an email address.")
        return
    if row.email in seen:
        row.errors.append(f"{row.email} appears more than once in the file.")
    seen.add(row.email)
    member = existing.get(row.email)
    is_owner = member is not None and member.role == Role.OWNER
    if is_owner and row.role in ("", "owner"):
        row.role = "owner"  # owners stay owners; the file cannot make or unmake one
    elif is_owner:
        row.errors.append(f"{row.email} is an owner; change owners on their page, not by import.")
    elif row.role not in ROLE_WORDS:
        row.errors.append(
            f"Role “{row.role}” is unknown: use member or hr_admin (owners are made on the "
            "person's page)."
        )
    if member is not None and not member.is_active:
        row.errors.append(f"{row.email} is deactivated here. Reactivate them first.")
    if row.manager_email:
        if row.manager_email == row.email:
            row.errors.append("A person cannot be their own manager.")
        elif row.manager_email not in emails:
            manager = existing.get(row.manager_email)
            if manager is None or not manager.is_active:
                row.errors.append(
                    f"Manager {row.manager_email} is neither in this file nor an active member."
                )
    for attribute, limit in (("name", 150), ("title", 120), ("team", 80)):
        if len(getattr(row, attribute)) > limit:
            row.errors.append(f"The {attribute} is longer than {limit} characters.")


def _accounts_shared_elsewhere(members: list[Membership]) -> set[str]:
    """Emails of accounts that also belong to another organization.

    An account's name is shown in every organization it belongs to, so one
    organization's import must not rename it. Crosses tenants on purpose, and reads only
    whether such a membership exists.
    """
    if not members:
        return set()
    organization_id = members[0].organization_id
    with scopes_disabled():
        return set(
            Membership.objects.filter(user_id__in=[m.user_id for m in members])
            .exclude(organization_id=organization_id)
            .values_list("user__email", flat=True)
        )


def _differences(
    row: PlannedRow, member: Membership, *, may_rename: bool, names: dict, existing: dict
) -> list[Change]:
    """Every field the row changes, before → after, as a person reads them."""

    current_manager = member.manager.user.email if member.manager else ""

    def person(email: str) -> str:
        if not email:
            return BLANK["manager"]
        if email == current_manager:
            known = member.manager.name
        else:
            known = existing[email].name if email in existing else names.get(email, "")
        return f"{known} ({email})" if known else email

    changes = []
    if may_rename and row.name and row.name != member.user.name:
        changes.append(Change("name", member.user.name, row.name))
    if row.title != member.job_title:
        changes.append(
            Change("title", member.job_title or BLANK["title"], row.title or BLANK["title"])
        )
    current_team = member.team.name if member.team else ""
    if row.team.lower() != current_team.lower():
        changes.append(Change("team", current_team or BLANK["team"], row.team or BLANK["team"]))
    if row.manager_email != current_manager:
        changes.append(Change("manager", person(current_manager), person(row.manager_email)))
    if row.role != member.role:
        changes.append(Change("role", Role(member.role).label, Role(row.role).label))
    return changes


def _check_for_loops(plan: ImportPlan) -> None:
    """Reporting lines after the import must not loop.

    The walk up from a row may pass through people who are not in the file (the file
    makes A report to B, B already reports to C, C to A), so it starts from every
    reporting line in the organization: two short columns, one query.
    """
    manager_of = {
        email: manager_email or ""
        for email, manager_email in Membership.objects.values_list(
            "user__email", "manager__user__email"
        )
    }
    for row in plan.rows:
        if not row.errors:
            manager_of[row.email] = row.manager_email
    reaches_the_top: set[str] = set()  # people whose chain ends without a loop
    for row in plan.rows:
        if row.errors:
            continue
        visited, current = {row.email}, manager_of.get(row.email, "")
        while current and current not in reaches_the_top:
            if current in visited:
                row.errors.append("These manager emails make a reporting loop.")
                break
            visited.add(current)
            current = manager_of.get(current, "")
        else:
            reaches_the_top |= visited


@transaction.atomic
def apply_import(*, actor: Membership, text: str) -> ImportPlan:
    """Plan again (the organization may have changed since the preview) and write."""
    plan = plan_import(text)
    if not plan.is_valid:
        return plan
    organization = actor.organization
    teams = {t.name.lower(): t for t in Team.objects.all()}
    for name in plan.new_teams:
        teams[name.lower()] = Team.objects.create(organization=organization, name=name)
    changed = [row for row in plan.rows if row.action != "unchanged"]
    members = {
        m.user.email: m
        for m in Membership.objects.select_related("user").filter(
            user__email__in={row.email for row in plan.rows}
            | {row.manager_email for row in plan.rows if row.manager_email}
        )
    }
    new_user_ids = []
    for row in changed:
        member = members.get(row.email)
        team = teams.get(row.team.lower()) if row.team else None
        if member is None:
            user = User.objects.filter(email=row.email).first()
            if user is None:
                user = User.objects.create_user(email=row.email, password=None, name=row.name)
                new_user_ids.append(user.pk)
            member = Membership.objects.create(
                organization=organization,
                user=user,
                role=row.role,
                team=team,
                job_title=row.title,
            )
            members[row.email] = member
        else:
            if "name" in row.changed_fields:
                member.user.name = row.name
                member.user.save(update_fields=["name"])
            member.role, member.team, member.job_title = row.role, team, row.title
            member.save(update_fields=["role", "team", "job_title"])
    for row in changed:  # managers last: they may be rows created just above
        member = members[row.email]
        manager = members.get(row.manager_email) if row.manager_email else None
        if member.manager_id != (manager.pk if manager else None):
            member.manager = manager
            member.save(update_fields=["manager"])
    if changed or plan.new_teams:
        record(
            organization=organization,
            actor=actor,
            action=AuditAction.PEOPLE_IMPORTED,
            target_label=f"{len(changed)} people",
            changes={
                "created": [None, plan.count("create") + plan.count("add")],
                "updated": [None, plan.count("update")],
                "teams_created": [None, len(plan.new_teams)],
            },
        )
    if new_user_ids:
        from .tasks import send_welcome_emails

        enqueue(send_welcome_emails, organization.pk, new_user_ids)
    return plan
