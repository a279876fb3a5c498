from perfapp.web.views import section_intro

index = section_intro(
    title="Mentoring",
    purpose="Find a mentor, or mentor others.",
    empty="Mentors and mentorships will live here.",
)
