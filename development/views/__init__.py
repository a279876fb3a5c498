"""Pages of the growth app, one per sub-domain: plans (a package: the plan, its goals, the
manager's view), mentoring and stretch assignments."""
