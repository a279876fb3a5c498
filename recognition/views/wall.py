from perfapp.web.views import section_intro

index = section_intro(
    title="Recognition",
    purpose="Recognize colleagues for output and for everything beyond it.",
    empty=(
        "The recognition wall of your organization will show here: who helped whom, which"
        " values it showed and what kind of contribution it was."
    ),
)
