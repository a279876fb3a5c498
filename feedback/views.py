from perfapp.web.views import section_intro

index = section_intro(
    title="Feedback",
    purpose="Give and ask for specific, forward-looking feedback.",
    empty=(
        "Feedback you give, receive and ask for will gather here: specific situations, "
        "their impact and a suggestion for next time."
    ),
)


checkins = section_intro(
    title="Check-ins",
    purpose="Regular 1:1s between managers and the people they coach.",
    empty="Your recurring 1:1s will appear here: a shared agenda, notes, action "
    "items and reminders before each meeting.",
)
