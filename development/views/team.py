from perfapp.web.views import section_intro

index = section_intro(
    title="Team growth",
    purpose="Your reports' development plans.",
    empty="Each report's plan status, last review and goals at risk will live here.",
)
