"""CSV import of people: upload, preview with per-row actions, confirm.

Nothing is written unless every row is valid, and the same file twice changes nothing.
"""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from perfapp.audit.models import AuditAction, AuditEvent
from perfapp.orgs import csv_import
from perfapp.orgs.models import Membership, Team
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import scopes_disabled

from ..helpers import visible_text

User = get_user_model()

HEADER = "email,name,title,team,manager_email,role"


# --- helpers --------------------------------------------------------------------------


def import_url(slug: str = "alpha") -> str:
    return reverse("orgs:people_import", kwargs={"org_slug": slug})


def confirm_url(slug: str = "alpha") -> str:
    return reverse("orgs:people_import_confirm", kwargs={"org_slug": slug})


def csv_file(content: str | bytes, name: str = "people.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def lines(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def upload(client, content: str | bytes, slug: str = "alpha"):
    return client.post(import_url(slug), {"file": csv_file(content)})


def hidden_content(response) -> str:
    """The file as the preview page carries it to the confirm button."""
    match = re.search(r'name="content" value="([^"]*)"', response.content.decode())
    assert match, "the preview has no confirm form"
    return html.unescape(match.group(1))


def confirm(client, content: str, slug: str = "alpha"):
    return client.post(confirm_url(slug), {"content": content}, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def snapshot() -> dict:
    """Everything an import could write, across every organization."""
    with scopes_disabled():
        return {
            "users": User.objects.count(),
            "memberships": Membership.objects.count(),
            "teams": Team.objects.count(),
            "imports": AuditEvent.objects.filter(action=AuditAction.PEOPLE_IMPORTED).count(),
            "lines": sorted(
                Membership.objects.values_list(
                    "pk", "role", "manager_id", "team_id", "job_title", "is_active"
                )
            ),
            "names": sorted(User.objects.values_list("pk", "name")),
        }


def member_of(world, email: str) -> Membership:
    with world.scope():
        return Membership.objects.select_related("user", "team", "manager__user").get(
            user__email=email
        )


# --- a valid file, through the pages ---------------------------------------------------


@pytest.fixture
def valid_file(world_a) -> str:
    # Ada's manager (Grace) is defined later in the same file; "alpha platform" is the
    # existing team written in another case; Compilers does not exist yet.
    return lines(
        "ada@example.com,Ada Lovelace,Engineer,Compilers,grace@example.com,member",
        f"grace@example.com,Grace Hopper,Director,Compilers,{world_a.owner.email},hr_admin",
        f"Linus@Example.com,Linus T,Engineer,alpha platform,{world_a.manager.email},",
    )


def test_hr_previews_then_imports_a_valid_file(
    world_a, world_b, login, valid_file, mailoutbox, django_capture_on_commit_callbacks
):
    client = login(world_a.hr)
    assert client.get(import_url()).status_code == 200

    preview = upload(client, valid_file)

    assert preview.status_code == 200
    text = visible_text(preview)
    assert "Ready: 3 rows — 3 new, 0 updated, 0 unchanged." in text
    assert text.count("New person") == 3
    assert "New teams: Compilers." in text
    assert snapshot()["users"] == 10, "the preview wrote something"

    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(client, hidden_content(preview))

    assert done.redirect_chain[-1][0] == reverse("orgs:people", kwargs={"org_slug": "alpha"})
    assert "Imported: 3 added, 0 updated." in messages_of(done)
    ada = member_of(world_a, "ada@example.com")
    grace = member_of(world_a, "grace@example.com")
    linus = member_of(world_a, "linus@example.com")
    assert (ada.user.name, ada.job_title, ada.team.name, ada.role) == (
        "Ada Lovelace",
        "Engineer",
        "Compilers",
        Role.MEMBER,
    )
    assert ada.manager == grace, "a manager defined later in the file is linked"
    assert (grace.role, grace.manager, grace.team) == (Role.HR_ADMIN, world_a.owner, ada.team)
    assert (linus.team, linus.manager, linus.role) == (world_a.team, world_a.manager, Role.MEMBER)
    for person in (ada, grace, linus):
        assert not person.user.has_usable_password()
    with world_a.scope():
        assert Team.objects.filter(name__iexact="compilers").count() == 1
        assert Team.objects.count() == 2
        events = list(AuditEvent.objects.filter(action=AuditAction.PEOPLE_IMPORTED))
    assert len(events) == 1
    assert events[0].actor == world_a.hr
    assert events[0].changes["created"] == [None, 3]
    assert events[0].changes["teams_created"] == [None, 1]
    with world_b.scope():
        assert not Membership.objects.filter(user__email="ada@example.com").exists()
        assert not Team.objects.filter(name="Compilers").exists()

    # Every new person gets a welcome email with a link to choose a password.
    assert sorted(m.to[0] for m in mailoutbox) == [
        "ada@example.com",
        "grace@example.com",
        "linus@example.com",
    ]
    welcome = next(m for m in mailoutbox if m.to == ["ada@example.com"])
    assert "Welcome to Alpha Inc" in welcome.subject
    link = re.search(r"Choose your password to sign in: (\S+)", welcome.body).group(1)
    path = link.split("://", 1)[1].split("/", 1)[1]
    stranger = Client()
    landing = stranger.get("/" + path, follow=True)
    assert landing.status_code == 200
    set_password_path = landing.redirect_chain[-1][0]
    stranger.post(
        set_password_path,
        {"password1": "a-long-new-passphrase-9", "password2": "a-long-new-passphrase-9"},
    )
    ada.user.refresh_from_db()
    assert ada.user.check_password("a-long-new-passphrase-9")


def test_the_same_file_twice_changes_nothing(
    world_a, login, valid_file, mailoutbox, django_capture_on_commit_callbacks
):
    client = login(world_a.hr)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, valid_file)
    before, sent = snapshot(), len(mailoutbox)

    preview = upload(client, valid_file)
    assert preview.status_code == 200
    text = visible_text(preview)
    assert "0 new, 0 updated, 3 unchanged" in text
    assert text.count("No change") == 3
    with django_capture_on_commit_callbacks(execute=True):
        again = confirm(client, hidden_content(preview))

    assert any("Nothing to change" in message for message in messages_of(again))
    assert snapshot() == before, "a second import wrote rows or an audit event"
    assert len(mailoutbox) == sent


def test_a_changed_title_shows_as_update_and_is_applied(
    world_a, login, valid_file, django_capture_on_commit_callbacks
):
    client = login(world_a.hr)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, valid_file)
    changed = valid_file.replace("Ada Lovelace,Engineer,", "Ada Lovelace,Staff Engineer,")

    preview = upload(client, changed)
    text = visible_text(preview)
    assert "1 updated, 2 unchanged" in text
    assert "Title: Engineer → Staff Engineer" in text

    done = confirm(client, hidden_content(preview))
    assert "Imported: 0 added, 1 updated." in messages_of(done)
    assert member_of(world_a, "ada@example.com").job_title == "Staff Engineer"
    with world_a.scope():
        assert AuditEvent.objects.filter(action=AuditAction.PEOPLE_IMPORTED).count() == 2


def test_existing_members_are_updated_in_place(world_a, login):
    """Title, team, manager and role of someone already here; the file says it all."""
    client = login(world_a.hr)
    report = world_a.report
    content = lines(f"{report.email},{report.name},Senior Engineer,,{world_a.hr.email},hr")

    preview = upload(client, content)
    text = visible_text(preview)
    manager, hr = world_a.manager, world_a.hr
    for change in (
        "Title: Engineer → Senior Engineer",
        "Team: Alpha Platform → no team",
        f"Manager: {manager.name} ({manager.email}) → {hr.name} ({hr.email})",
        "Role: Member → HR admin",
    ):
        assert change in text
    assert "Name:" not in text
    confirm(client, hidden_content(preview))

    report = member_of(world_a, report.email)
    assert (report.job_title, report.team, report.manager, report.role) == (
        "Senior Engineer",
        None,
        world_a.hr,
        Role.HR_ADMIN,
    )
    with world_a.scope():
        assert Membership.objects.count() == 5


# --- what a file leaves out stays; what it leaves empty is cleared --------------------


def test_a_column_left_out_of_the_file_keeps_what_is_there(world_a, login):
    """A file of emails and titles changes titles only: nobody loses their team, their
    manager or their HR role, and the preview says which columns stay."""
    w = world_a
    client = login(w.hr)
    before = {
        who.email: (who.job_title, who.team_id, who.manager_id, who.role)
        for who in (w.report, w.hr, w.manager)
    }
    content = "\n".join(
        [
            "email,title",
            f"{w.report.email},Senior Engineer",
            f"{w.hr.email},{w.hr.job_title}",
            f"{w.manager.email},{w.manager.job_title}",
            "new@example.com,Analyst",
        ]
    )
    preview = upload(client, content)
    text = visible_text(preview)
    assert preview.status_code == 200
    assert "1 new, 1 updated, 2 unchanged" in text
    assert "Title: Engineer → Senior Engineer" in text
    for field in ("Team:", "Manager:", "Role:", "Name:"):
        assert field not in text
    assert (
        "The file has no name, team, manager, role columns: for people already here, "
        "they stay as they are." in text
    )
    confirm(client, hidden_content(preview))

    report = member_of(w, w.report.email)
    assert (report.job_title, report.team_id, report.manager_id, report.role) == (
        "Senior Engineer",
        *before[w.report.email][1:],
    )
    for who in (w.hr, w.manager):
        found = member_of(w, who.email)
        assert (found.job_title, found.team_id, found.manager_id, found.role) == before[who.email]
        assert found.user.name == who.name
    new = member_of(w, "new@example.com")
    assert (new.job_title, new.team, new.manager, new.role) == ("Analyst", None, None, Role.MEMBER)


def test_an_empty_cell_clears_an_optional_field_and_keeps_a_name_or_role(world_a, login):
    w = world_a
    client = login(w.hr)
    content = lines(
        # Title kept as it is; team and manager cells empty: cleared.
        f"{w.report.email},{w.report.name},Engineer,,,",
        # Name and role left empty: the HR admin stays an HR admin, named as before.
        f"{w.hr.email},,{w.hr.job_title},,{w.owner.email},",
    )
    preview = upload(client, content)
    text = visible_text(preview)
    assert "0 new, 1 updated, 1 unchanged" in text
    assert "Team: Alpha Platform → no team" in text
    assert f"Manager: {w.manager.name} ({w.manager.email}) → no manager" in text
    assert "Role:" not in text and "Name:" not in text and "Title:" not in text
    assert "The file has no" not in text
    confirm(client, hidden_content(preview))

    report = member_of(w, w.report.email)
    assert (report.team, report.manager, report.job_title) == (None, None, "Engineer")
    hr = member_of(w, w.hr.email)
    assert (hr.role, hr.user.name, hr.manager) == (Role.HR_ADMIN, w.hr.name, w.owner)


def test_a_file_with_only_emails_changes_nobody(world_a, login):
    w = world_a
    client = login(w.hr)
    before = snapshot()
    content = "email\n" + "\n".join(who.email for who in (w.owner, w.hr, w.manager, w.report))
    preview = upload(client, content)
    assert "0 new, 0 updated, 4 unchanged" in visible_text(preview)
    confirm(client, hidden_content(preview))
    assert snapshot() == before


# --- every kind of bad row: a clear error, and nothing written --------------------------


def _bad_rows(world, kind: str) -> tuple[list[str], str]:
    """Rows to add to an otherwise valid file, and the error a user must see."""
    a = world
    cases = {
        "malformed email": (["not-an-email,Nobody,,,,"], "“not-an-email” is not an email address."),
        "duplicate email": (
            ["twice@example.com,One,,,,", "TWICE@example.com,Two,,,,"],
            "twice@example.com appears more than once in the file.",
        ),
        "unknown role": (["boss@example.com,Boss,,,,boss"], "Role “boss” is unknown"),
        "owner role in file": (["boss@example.com,Boss,,,,owner"], "Role “owner” is unknown"),
        "unknown manager": (
            ["x@example.com,X,,,ghost@example.com,"],
            "Manager ghost@example.com is neither in this file nor an active member.",
        ),
        "self manager": (
            ["x@example.com,X,,,x@example.com,"],
            "A person cannot be their own manager.",
        ),
        "loop in file": (
            ["p@example.com,P,,,q@example.com,", "q@example.com,Q,,,p@example.com,"],
            "These manager emails make a reporting loop.",
        ),
        "loop with existing line": (
            # report already reports to manager; manager cannot report to report.
            [f"{a.manager.email},{a.manager.name},Engineering Manager,,{a.report.email},"],
            "These manager emails make a reporting loop.",
        ),
        "loop through someone not in the file": (
            # report → manager → owner already; owner → report closes the circle.
            [f"{a.owner.email},{a.owner.name},CEO,,{a.report.email},"],
            "These manager emails make a reporting loop.",
        ),
        "deactivated member": (
            [f"{a.member.email},{a.member.name},Designer,,,"],
            f"{a.member.email} is deactivated here. Reactivate them first.",
        ),
        "deactivated manager": (
            [f"x@example.com,X,,,{a.member.email},"],
            f"Manager {a.member.email} is neither in this file nor an active member.",
        ),
        "owner role change": (
            [f"{a.owner.email},{a.owner.name},CEO,,,member"],
            f"{a.owner.email} is an owner; change owners on their page, not by import.",
        ),
        "too many columns": (
            ["x@example.com,X,Engineer,Team,,member,surplus"],
            "This row has more values than the header.",
        ),
        "name too long": (["x@example.com," + "N" * 151 + ",,,,"], "longer than 150"),
    }
    return cases[kind]


BAD_ROW_KINDS = [
    "malformed email",
    "duplicate email",
    "unknown role",
    "owner role in file",
    "unknown manager",
    "self manager",
    "loop in file",
    "loop with existing line",
    "loop through someone not in the file",
    "deactivated member",
    "deactivated manager",
    "owner role change",
    "too many columns",
    "name too long",
]


@pytest.mark.parametrize("kind", BAD_ROW_KINDS)
def test_a_bad_row_is_explained_and_nothing_is_written(
    kind, world_a, world_b, login, mailoutbox, django_capture_on_commit_callbacks
):
    with scopes_disabled():
        Membership.objects.filter(pk=world_a.member.pk).update(is_active=False)
    bad, error = _bad_rows(world_a, kind)
    # Valid rows around the bad one: a new person, a new team, a title change.
    hr, owner = world_a.hr, world_a.owner
    content = lines(
        "fine@example.com,Fine Person,Engineer,Brand New Team,,",
        f"{hr.email},{hr.name},Renamed Title,,{owner.email},hr_admin",
        *bad,
    )
    client = login(world_a.hr)
    before = snapshot()

    preview = upload(client, content)

    assert preview.status_code == 400
    text = visible_text(preview)
    assert error in text
    assert "Nothing will be imported until every row is valid" in text
    assert 'name="content"' not in preview.content.decode(), "an invalid plan offers import"

    # Posting the file to the confirm step anyway (an old tab, a crafted request).
    with django_capture_on_commit_callbacks(execute=True):
        forced = client.post(confirm_url(), {"content": content})
    assert forced.status_code == 400
    assert error in visible_text(forced)
    assert snapshot() == before
    assert mailoutbox == []


def test_each_bad_row_is_marked_on_its_own_line(world_a):
    content = lines(
        "ok@example.com,OK,,,,",
        "not-an-email,Nobody,,,,",
        "boss@example.com,Boss,,,,boss",
    )
    with world_a.scope():
        plan = csv_import.plan_import(content)
    assert not plan.is_valid
    assert plan.error_count == 2
    by_line = {row.line: row.errors for row in plan.rows}
    assert by_line[2] == []
    assert by_line[3] == ["“not-an-email” is not an email address."]
    assert len(by_line[4]) == 1 and "Role “boss” is unknown" in by_line[4][0]


# --- whole-file errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "The submitted file is empty."),
        (b"name,title\nAda,Engineer\n", "The header row needs an “email” column."),
        (HEADER.encode() + b"\n", "The file has a header but no people in it."),
        (b"email,colour\nada@example.com,blue\n", "Unknown column(s): colour."),
        (
            HEADER.encode() + b"\n" + "zoë@example.com,Zoë,,,,".encode("latin-1"),
            "The file is not UTF-8 text.",
        ),
        (
            (HEADER + "\n").encode() + b"x@example.com,X,,,,\n" * 80_000,
            "The file is larger than 1 MB.",
        ),
        (HEADER.encode() + b"\nnul@example.com,Nul\x00Byte,,,,\n", "binary data"),
        (
            HEADER.encode() + b'\nbig@example.com,"' + b"x" * 200_000 + b'",,,,\n',
            "could not be read as CSV",
        ),
    ],
    ids=[
        "empty",
        "no email column",
        "header only",
        "unknown column",
        "latin-1",
        "too big",
        "NUL byte",
        "huge field",
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(world_a, login, content, error):
    client = login(world_a.hr)
    before = snapshot()

    response = upload(client, content)

    assert response.status_code == 400
    assert error in visible_text(response)
    assert snapshot() == before


def test_too_many_rows_is_a_file_error(world_a, monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_ROWS", 2)
    with world_a.scope():
        plan = csv_import.plan_import(
            lines("a@example.com,A,,,,", "b@example.com,B,,,,", "c@example.com,C,,,,")
        )
    assert plan.errors == ["Import at most 2 people at a time."]
    assert not plan.is_valid


def test_a_long_chain_inside_the_file_is_fine_and_a_loop_at_its_end_is_not(world_a):
    chain = [f"p{i}@example.com,P{i},,,p{i + 1}@example.com," for i in range(300)]
    with world_a.scope():
        plan = csv_import.plan_import(lines(*chain, "p300@example.com,Top,,,,"))
        assert plan.is_valid, [row.errors for row in plan.rows if row.errors][:1]
        looped = csv_import.plan_import(lines(*chain, "p300@example.com,Top,,,p150@example.com,"))
    assert not looped.is_valid
    assert "These manager emails make a reporting loop." in looped.rows[200].errors


def test_plan_reports_an_empty_text(world_a):
    with world_a.scope():
        plan = csv_import.plan_import("")
    assert plan.errors == ["The file is empty. Add a header row and one row per person."]


def test_a_byte_order_mark_and_header_aliases_are_accepted(world_a):
    content = "\ufeffE-mail,Full Name,Job Title,Team,Manager,Role\r\nada@example.com,Ada,Eng,,,\r\n"
    with world_a.scope():
        plan = csv_import.plan_import(content)
    assert plan.is_valid, plan.errors
    assert (plan.rows[0].email, plan.rows[0].name, plan.rows[0].title) == (
        "ada@example.com",
        "Ada",
        "Eng",
    )


def test_team_names_differing_only_in_case_make_one_team(world_a, login):
    client = login(world_a.hr)
    content = lines("p@example.com,P,,Data,,", "q@example.com,Q,,data,,")

    preview = upload(client, content)
    assert "New teams: Data." in visible_text(preview)
    confirm(client, hidden_content(preview))

    with world_a.scope():
        teams = list(Team.objects.filter(name__iexact="data"))
        assert len(teams) == 1
        assert set(
            Membership.objects.filter(team=teams[0]).values_list("user__email", flat=True)
        ) == {
            "p@example.com",
            "q@example.com",
        }


# --- the import stays inside its organization -------------------------------------------


def test_someone_from_another_organization_joins_without_touching_it(
    world_a, world_b, login, mailoutbox, django_capture_on_commit_callbacks
):
    outsider = world_b.member
    b_before = member_of(world_b, outsider.email)
    users_before = snapshot()["users"]
    content = lines(f"{outsider.email},Renamed By Alpha,Consultant,,{world_a.manager.email},")
    client = login(world_a.hr)

    preview = upload(client, content)
    assert preview.status_code == 200
    assert "Joins (has an account)" in visible_text(preview)
    assert [row.action for row in preview.context["plan"].rows] == ["add"]
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(client, hidden_content(preview))

    assert "Imported: 1 added, 0 updated." in messages_of(done)
    in_a = member_of(world_a, outsider.email)
    assert in_a.user_id == outsider.user_id, "the existing account is reused"
    assert (in_a.job_title, in_a.manager, in_a.is_active) == ("Consultant", world_a.manager, True)
    assert snapshot()["users"] == users_before
    b_after = member_of(world_b, outsider.email)
    assert (b_after.pk, b_after.role, b_after.job_title, b_after.team_id, b_after.manager_id) == (
        b_before.pk,
        b_before.role,
        b_before.job_title,
        b_before.team_id,
        b_before.manager_id,
    )
    assert b_after.user.name == b_before.user.name, "organization A renamed a shared account"
    assert mailoutbox == [], "an existing account got a set-password link"
    with world_b.scope():
        assert not AuditEvent.objects.filter(action=AuditAction.PEOPLE_IMPORTED).exists()


def test_a_manager_who_only_exists_in_another_organization_is_an_error(world_a, world_b, login):
    client = login(world_a.hr)
    before = snapshot()
    content = lines(f"new@example.com,New,,,{world_b.manager.email},")

    preview = upload(client, content)

    assert preview.status_code == 400
    assert (
        f"Manager {world_b.manager.email} is neither in this file nor an active member."
        in visible_text(preview)
    )
    assert client.post(confirm_url(), {"content": content}).status_code == 400
    assert snapshot() == before


def test_an_update_of_a_member_of_both_leaves_the_other_membership_alone(world_a, world_b, login):
    # The same account in both organizations; A's import changes only A's membership.
    with world_a.scope():
        shared = Membership.objects.create(
            organization=world_a.organization, user=world_b.report.user, job_title="Old"
        )
    name = shared.user.name
    client = login(world_a.hr)
    content = lines(f"{shared.email},Renamed By Alpha,New In Alpha,,,hr_admin")

    preview = upload(client, content)
    text = visible_text(preview)
    assert "Title: Old → New In Alpha" in text and "Role: Member → HR admin" in text
    assert "Name:" not in text
    assert f"Keeps the name “{name}”: they manage it themselves." in text
    confirm(client, hidden_content(preview))

    in_a = member_of(world_a, shared.email)
    assert (in_a.role, in_a.job_title) == (Role.HR_ADMIN, "New In Alpha")
    in_b = member_of(world_b, shared.email)
    assert (in_b.role, in_b.job_title, in_b.manager) == (Role.MEMBER, "Engineer", world_b.manager)
    assert in_b.user.name == name, "organization A renamed an account organization B shows"


def test_a_name_is_updated_for_someone_who_belongs_only_here(world_a, login):
    report = world_a.report
    client = login(world_a.hr)
    content = lines(
        f"{report.email},Renamed Report,Engineer,Alpha Platform,{world_a.manager.email},"
    )
    preview = upload(client, content)
    assert f"Name: {report.name} → Renamed Report" in visible_text(preview)
    confirm(client, hidden_content(preview))
    assert member_of(world_a, report.email).user.name == "Renamed Report"


# --- who may import ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "report", "manager"])
def test_people_without_hr_rights_get_404(world_a, login, who):
    client = login(getattr(world_a, who))
    before = snapshot()

    assert client.get(import_url()).status_code == 404
    assert upload(client, lines("x@example.com,X,,,,")).status_code == 404
    assert client.post(confirm_url(), {"content": lines("x@example.com,X,,,,")}).status_code == 404
    assert snapshot() == before


def test_hr_of_another_organization_gets_404(world_a, world_b, login):
    client = login(world_b.hr)
    before = snapshot()
    assert client.get(import_url("alpha")).status_code == 404
    assert (
        client.post(confirm_url("alpha"), {"content": lines("x@example.com,X,,,,")}).status_code
        == 404
    )
    assert snapshot() == before


def test_owner_may_import_too(world_a, login):
    client = login(world_a.owner)
    confirm(client, lines("x@example.com,X,,,,"))
    assert member_of(world_a, "x@example.com").role == Role.MEMBER


# --- plan and apply as functions --------------------------------------------------------


def test_apply_plans_again_and_refuses_what_became_invalid(world_a):
    content = lines(f"new@example.com,New,,,{world_a.member.email},")
    with world_a.scope():
        assert csv_import.plan_import(content).is_valid
        Membership.objects.filter(pk=world_a.member.pk).update(is_active=False)
        plan = csv_import.apply_import(actor=world_a.hr, text=content)
        assert not plan.is_valid
        assert not Membership.objects.filter(user__email="new@example.com").exists()
    with scopes_disabled():
        assert not User.objects.filter(email="new@example.com").exists()


def test_apply_returns_counts_and_keeps_owners_owners(world_a):
    content = lines(
        f"{world_a.owner.email},{world_a.owner.name},Founder,,,",
        "new@example.com,New,,,,hr admin",
    )
    with world_a.scope():
        plan = csv_import.apply_import(actor=world_a.hr, text=content)
        assert plan.is_valid
        assert (plan.count("create"), plan.count("update")) == (1, 1)
        owner = Membership.objects.get(pk=world_a.owner.pk)
        assert (owner.role, owner.job_title) == (Role.OWNER, "Founder")
        assert Membership.objects.get(user__email="new@example.com").role == Role.HR_ADMIN
