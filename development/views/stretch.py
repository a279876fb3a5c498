from perfapp.web.views import section_intro

board = section_intro(
    title="Opportunities",
    purpose="Stretch assignments to grow on real work.",
    empty="Open stretch assignments will live here.",
)
