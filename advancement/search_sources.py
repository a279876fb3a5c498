"""The career framework in the header search (``perfapp.search``): tracks, levels,
criteria and competencies of the current published version, which everyone in the
organization reads. One query (the version's snapshot); the draft is never searched."""

from django.urls import reverse

from advancement.selectors.framework import current_version
from perfapp.orgs.models import Membership
from perfapp.search import Hit, text_matches


class FrameworkSearch:
    key = "framework"
    label = "Career framework"
    order = 40

    def find(self, terms: list[str], viewer: Membership, limit: int) -> list[Hit]:
        version = current_version()
        if version is None:
            return []
        snapshot = version.snapshot
        slug = viewer.organization.slug
        hits: list[Hit] = []

        def track_url(track: dict) -> str:
            return reverse("advancement:track", kwargs={"org_slug": slug, "track_id": track["id"]})

        for competency in snapshot.get("competencies", {}).values():
            if text_matches(f"{competency['name']} {competency['description']}", terms):
                url = reverse("advancement:index", kwargs={"org_slug": slug})
                hits.append(Hit(competency["name"], url, "Competency"))
        for track in snapshot.get("tracks", []):
            if text_matches(f"{track['name']} {track['description']}", terms):
                hits.append(Hit(track["name"], track_url(track), "Track"))
            for level in track["levels"]:
                label = f"{level['code']} {level['name']} ({track['name']})"
                if text_matches(f"{level['code']} {level['name']} {level['summary']}", terms):
                    hits.append(Hit(label, track_url(track), "Level"))
                for criterion in level["criteria"]:
                    text = f"{criterion['expectation']} {criterion['evidence_examples']}"
                    if text_matches(text, terms):
                        hits.append(
                            Hit(
                                criterion["expectation"][:140],
                                track_url(track),
                                f"Criterion · {label}",
                            )
                        )
        return hits[:limit]
