"""Pages of development plans: the plan page with its text, sign-offs, comments and reviews
(``plan``), its goals, milestones and learning (``goals``), the manager's view of their
reports' plans and HR's growth settings (``team``), and the lookups they share, which reach
a plan or a part of one only for those who may (``lookups``). Every write goes through
``development.services.plans``."""
