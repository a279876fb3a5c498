"""Lapsed 1:1s follow each series' cadence: the organization's absolute "lapsed after N
days" becomes a grace period added to the cadence (weekly 7, every two weeks 14,
monthly 35 days). The untouched default (14) becomes the new default (7); a window an
organization chose keeps its length for series at the organization's default cadence."""

from django.db import migrations, models

CADENCE_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 35}


def window_to_grace(apps, schema_editor):
    CheckinSettings = apps.get_model("feedback", "CheckinSettings")
    for row in CheckinSettings._base_manager.all():
        if row.lapse_grace_days == 14:
            grace = 7
        else:
            cadence = CADENCE_DAYS.get(row.default_cadence, 14)
            grace = min(90, max(1, row.lapse_grace_days - cadence))
        CheckinSettings._base_manager.filter(pk=row.pk).update(lapse_grace_days=grace)


def grace_to_window(apps, schema_editor):
    CheckinSettings = apps.get_model("feedback", "CheckinSettings")
    for row in CheckinSettings._base_manager.all():
        if row.lapse_grace_days == 7:
            window = 14
        else:
            cadence = CADENCE_DAYS.get(row.default_cadence, 14)
            window = min(180, cadence + row.lapse_grace_days)
        CheckinSettings._base_manager.filter(pk=row.pk).update(lapse_grace_days=window)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0004_sealed_anonymous_answers_and_scheduled_opening"),
    ]

    operations = [
        migrations.RenameField(
            model_name="checkinsettings",
            old_name="lapse_after_days",
            new_name="lapse_grace_days",
        ),
        migrations.RunPython(window_to_grace, grace_to_window),
        migrations.AlterField(
            model_name="checkinsettings",
            name="lapse_grace_days",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="A series counts as lapsed when no meeting was held for its cadence "
                "plus this many days.",
            ),
        ),
    ]
