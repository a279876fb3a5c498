"""The outcome registry: what happens elsewhere once a promotion case is decided.

``advancement`` never imports leaf apps. An app that acts on a decision (``development``
turns "not yet" criteria into goals) registers a handler in its ``AppConfig.ready``; the
decision service calls every handler inside its transaction, so a failing handler rolls
the decision back rather than leaving half of it done.
"""

from collections.abc import Callable

from advancement.models import Case
from perfapp.orgs.models import Membership

# handler(case, subject, criteria): ``criteria`` are the packet's criterion dicts the
# decision named to work on (empty for a promotion).
OutcomeHandler = Callable[[Case, Membership, list[dict]], None]

_HANDLERS: list[OutcomeHandler] = []


def register(handler: OutcomeHandler) -> None:
    if handler not in _HANDLERS:
        _HANDLERS.append(handler)


def unregister(handler: OutcomeHandler) -> None:
    if handler in _HANDLERS:
        _HANDLERS.remove(handler)


def registered_handlers() -> list[OutcomeHandler]:
    return list(_HANDLERS)


def dispatch(case: Case, subject: Membership, criteria: list[dict]) -> None:
    for handler in list(_HANDLERS):
        handler(case, subject, criteria)
