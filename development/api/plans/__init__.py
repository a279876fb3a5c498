"""The API of development plans: plans and their reviews (``plan``, with the base viewset
and shapes the rest share), and goals, milestones and learning items (``goals``)."""
