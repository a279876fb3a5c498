from perfapp.web.views import section_intro

index = section_intro(
    title="Growth",
    purpose="Your development plan, mentors and stretch assignments.",
    empty="Your personal development plan will live here.",
)
