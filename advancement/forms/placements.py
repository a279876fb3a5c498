"""The form HR places a person with: a published level, or none."""

from django import forms

from advancement.models import Level


class PlacementForm(forms.Form):
    level = forms.ModelChoiceField(
        queryset=Level.objects.none(),
        required=False,
        empty_label="Not placed on a track",
        label="Track and level",
    )

    def __init__(self, *args, published_level_ids: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = (
            Level.objects.select_related("track")
            .filter(pk__in=published_level_ids)
            .order_by("track__name", "rank")
        )
        self.fields["level"].label_from_instance = lambda level: (
            f"{level.track.name} — {level.code} {level.name}"
        )
