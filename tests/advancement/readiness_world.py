"""Assessments for tests: started, half-written or complete, for the world's report."""

from advancement.models import Assessment
from advancement.services import assessments as services
from advancement.services.assessments import AnswerInput, criteria_of


def answers_for(assessment: Assessment, ratings: list[str], comment: str = "") -> list:
    """One answer per criterion of the assessment, with ``ratings`` in order (cycled)."""
    pairs = criteria_of(assessment)
    return [
        AnswerInput(criterion["id"], ratings[index % len(ratings)], comment)
        for index, (_level, criterion) in enumerate(pairs)
    ]


def start(world) -> Assessment:
    with world.scope():
        return services.start_assessment(actor=world.report, subject=world.report)


def complete(world, self_ratings=("partly",), manager_ratings=("consistently",)) -> Assessment:
    """The report's assessment with both sides submitted (self "partly", manager
    "consistently" by default: every criterion differs by one step)."""
    with world.scope():
        assessment = services.start_assessment(actor=world.report, subject=world.report)
        for actor, ratings in ((world.report, self_ratings), (world.manager, manager_ratings)):
            services.save_response(
                actor=actor,
                assessment=assessment,
                version_number=assessment.version.number,
                answers=answers_for(assessment, list(ratings), f"By {actor.name}"),
                submit=True,
            )
        return Assessment.objects.get(pk=assessment.pk)


def republish(world):
    """Version 2: the L1 criterion reworded. Call inside the world's scope."""
    from advancement.models import Criterion
    from advancement.services import framework

    criterion = Criterion.objects.get(pk=world.framework.criterion.pk)
    criterion.expectation = "Ships tested, observable code."
    framework.save_criterion(actor=world.hr, criterion=criterion)
    return framework.publish(actor=world.hr, summary="Version two.")


def assessment_of(world) -> Assessment:
    """The report's completed assessment, made on first use (the isolation sweep)."""
    with world.scope():
        found = Assessment.objects.filter(subject=world.report).first()
    return found or complete(world)


def next_criterion_of(world) -> int:
    """The id of the first criterion of the report's next level."""
    from advancement.services.readiness import next_level_criteria

    with world.scope():
        return next_level_criteria(world.report)[0]["id"]
