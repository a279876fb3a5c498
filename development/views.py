from perfapp.web.views import section_intro

index = section_intro(
    title="Growth",
    purpose="Your development plan, mentors and stretch assignments.",
    empty=(
        "Your personal development plan, its goals and milestones, your mentors and the "
        "stretch assignments you take on will live here."
    ),
)
