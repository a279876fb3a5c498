"""Anonymous cycle answers that nothing in the database ties to their reviewer.

- Cycle answers move to a table keyed by random UUIDs instead of sequential ids (a new
  table, copied and renamed, which works on Postgres and SQLite alike).
- Anonymous answers from others that exist already are written again, in random order
  and in this migration's transaction, so neither their keys, their place in the table
  nor their transaction id match the order in which their reviewers answered.
- Sealed responses wait in their own table while a cycle is open; a draft cycle can be
  scheduled to open on its date.
"""

import random
import uuid

import django.db.models.deletion
from django.db import migrations, models


def copy_to_random_keys(apps, schema_editor):
    CycleResponse = apps.get_model("feedback", "CycleResponse")
    OldAnswer = apps.get_model("feedback", "CycleAnswer")
    NewAnswer = apps.get_model("feedback", "CycleAnswerKeyed")
    shuffler = random.SystemRandom()
    cycle_ids = OldAnswer.objects.values_list("response__cycle_id", flat=True).distinct()
    for cycle_id in list(cycle_ids):
        rewritten = {}
        for response in CycleResponse.objects.filter(
            cycle_id=cycle_id, cycle__anonymous=True, group="others"
        ):
            rewritten[response.pk] = CycleResponse(
                id=uuid.uuid4(),
                organization_id=response.organization_id,
                cycle_id=response.cycle_id,
                participant_id=response.participant_id,
                author_id=None,
                relation="",
                group="others",
            )
        fresh = list(rewritten.values())
        shuffler.shuffle(fresh)
        CycleResponse.objects.bulk_create(fresh)
        answers = [
            NewAnswer(
                id=uuid.uuid4(),
                organization_id=answer.organization_id,
                response_id=rewritten[answer.response_id].pk
                if answer.response_id in rewritten
                else answer.response_id,
                question_id=answer.question_id,
                rating=answer.rating,
                text=answer.text,
            )
            for answer in OldAnswer.objects.filter(response__cycle_id=cycle_id)
        ]
        shuffler.shuffle(answers)
        NewAnswer.objects.bulk_create(answers)
        CycleResponse.objects.filter(pk__in=list(rewritten)).delete()  # and their old answers
    # Check deferred foreign keys now: tables with pending checks cannot be altered later in
    # this migration's transaction (Postgres).
    schema_editor.connection.check_constraints()


def copy_back(apps, schema_editor):
    OldAnswer = apps.get_model("feedback", "CycleAnswer")
    NewAnswer = apps.get_model("feedback", "CycleAnswerKeyed")
    OldAnswer.objects.bulk_create(
        OldAnswer(
            organization_id=answer.organization_id,
            response_id=answer.response_id,
            question_id=answer.question_id,
            rating=answer.rating,
            text=answer.text,
        )
        for answer in NewAnswer.objects.all()
    )
    schema_editor.connection.check_constraints()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_person_fks_use_org_indexes"),
        ("orgs", "0002_person_fks_use_org_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedbackcycle",
            name="scheduled",
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name="SealedResponse",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("sealed", models.BinaryField()),
                (
                    "cycle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sealed_responses",
                        to="feedback.feedbackcycle",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="orgs.organization",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
                "indexes": [
                    models.Index(fields=["organization", "cycle"], name="sealed_response_cycle")
                ],
            },
        ),
        migrations.CreateModel(
            name="CycleAnswerKeyed",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("rating", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("text", models.TextField(blank=True, max_length=4000)),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="orgs.organization",
                    ),
                ),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="feedback.cyclequestion",
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="feedback.cycleresponse",
                    ),
                ),
            ],
        ),
        migrations.RunPython(copy_to_random_keys, copy_back),
        migrations.DeleteModel(name="CycleAnswer"),
        migrations.RenameModel(old_name="CycleAnswerKeyed", new_name="CycleAnswer"),
        migrations.AlterField(
            model_name="cycleanswer",
            name="question",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="answers",
                to="feedback.cyclequestion",
            ),
        ),
        migrations.AlterField(
            model_name="cycleanswer",
            name="response",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="answers",
                to="feedback.cycleresponse",
            ),
        ),
        migrations.AddConstraint(
            model_name="cycleanswer",
            constraint=models.UniqueConstraint(
                fields=("organization", "response", "question"), name="answer_once"
            ),
        ),
    ]
