"""Pages of the growth app, a module per area: plans, the manager's view, mentoring and
stretch assignments."""
