"""API: continuous feedback of one organization — feedback, requests for it, cycles and
check-ins, a module per resource; ``feedback/api/urls.py`` has their routes.

The same rules as the pages. Every read goes through ``feedback.selectors`` and the
predicates of ``feedback.permissions``; every write through ``feedback.services``, whose
ValidationErrors become the 400 envelope. What a person may not read answers 404,
exactly like what does not exist. HR has no special read access to feedback
(``feedback/stats/`` gives counts only) and sees cycles as counts only. An anonymous
cycle's answers from others carry no author: the key is absent, not null.
"""
