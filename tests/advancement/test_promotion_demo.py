"""The demo's promotion round tells one story in the docs (the README and docs/), the
sign-in table and the pages: Tom's case is opened by his manager Diego (whose login is
listed), Tom's narratives sit under the criteria they speak of, and nobody calibrates their
own case."""

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from advancement import snapshots
from advancement.models import Case
from perfapp.orgs.models import Organization
from perfapp.tenancy.scoping import organization_scope

# What a reader of the documentation reads: the README (with the sign-in table) and the
# pages under docs/ (the career page tells the demo's promotion round).
DOCS = [
    Path(settings.BASE_DIR) / "README.md",
    *sorted((Path(settings.BASE_DIR) / "docs").glob("*.md")),
]


def test_the_demo_case_the_readme_and_the_logins_agree(db, mailoutbox):
    output = StringIO()
    call_command("seed_demo", stdout=output)
    acme = Organization.objects.get(slug="acme")
    with organization_scope(acme):
        case = Case.objects.select_related("subject__user", "nominator__user", "version").get(
            subject__user__email="tom@acme.example"
        )
        assert case.nominator.user.email == "diego@acme.example"
        assert case.nominator == case.subject.manager
        narratives = {
            snapshots.competency_name(case.version.snapshot, c["competency_id"]): c["narrative"]
            for c in case.packet["criteria"]
            if c["narrative"]
        }
        assert set(narratives) == {"System design", "Mentorship & growing others"}
        assert "design doc" in narratives["System design"]
        assert "mentor" in narratives["Mentorship & growing others"]
        calibrators = set(case.round.calibration_group.values_list("pk", flat=True))
        candidates = set(case.round.cases.values_list("subject_id", flat=True))
        assert not calibrators & candidates
    readme = " ".join(" ".join(page.read_text() for page in DOCS).split())
    assert "Tom's case (nominated by his manager Diego)" in readme
    assert "nominated by Sam" not in readme
    assert "`diego@acme.example`" in readme
    assert "diego@acme.example" in output.getvalue()
