"""API: the career framework of one organization, a module per resource; the routes are in
``api/urls.py``.

HR (``Permission.MANAGE_FRAMEWORK``) reads and edits the draft and publishes versions.
Everyone else reads the current published version, rebuilt from its snapshot in the same
shapes, so work in progress never reaches them. Every write goes through
``advancement.services``; the base viewset owns the tenant scope and answers 404 to a
write by someone without the permission.
"""
