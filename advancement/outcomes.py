"""The outcome registry: what happens elsewhere once a promotion case is decided.

``advancement`` never imports leaf apps. An app that acts on a decision (``development``
turns "not yet" criteria into goals) registers a handler in its ``wiring.py``; the
decision service calls every handler inside its transaction, so a failing handler rolls
the decision back rather than leaving half of it done.
"""

from collections.abc import Callable

from advancement.models import Case
from perfapp.orgs.models import Membership
from perfapp.registry import Registry

# handler(case, subject, criteria): ``criteria`` are the packet's criterion dicts the
# decision named to work on (empty for a promotion).
OutcomeHandler = Callable[[Case, Membership, list[dict]], None]

# A handler is known by itself: registering the same function twice lists it once.
HANDLERS: Registry[OutcomeHandler] = Registry(
    "promotion outcome handler", key=lambda handler: handler
)


def dispatch(case: Case, subject: Membership, criteria: list[dict]) -> None:
    for handler in HANDLERS.all():
        handler(case, subject, criteria)
