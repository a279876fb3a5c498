from perfapp.web.views import section_intro

index = section_intro(
    title="Career",
    purpose="What each level asks for, where you stand, and how promotions are decided.",
    empty=(
        "Your organization's career tracks, levels and promotion criteria will appear "
        "here once HR publishes them. Every person can read them, see their own placement"
        " and what the next level asks for."
    ),
)
