"""Read replicas with read-your-writes: which database serves each query.

With ``DATABASE_REPLICA_URL`` set, the settings add the ``replica`` database and this
module's router; its middleware then decides per request (docs/running.md#read-replicas):

- Writes always go to the primary (``default``).
- Reads go to the replica only inside a request whose method is safe (GET, HEAD,
  OPTIONS) and whose person has not changed anything in the last ``REPLICA_PIN_SECONDS``
  (the pin). Everything else reads the primary: unsafe requests; Celery tasks, management
  commands and migrations (no request); a read inside a transaction opened on the
  primary; and every read of a request after it wrote anything, so that a GET which
  records something reads it back.
- Who is signed in is always read from the primary: the session, its user and an API
  token (``ALWAYS_PRIMARY``); so is the tenant, since ``perfapp.tenancy.resolution`` reads
  the membership, its role and its active flag with the primary's own connection. A
  deactivated person, a revoked token or a changed password takes effect on the next
  request, not once the replica has caught up.

The pin lives in Django's cache (Redis in production), so every worker sees it and API
clients, which carry no cookie, are pinned too. Its keys are keyed hashes of the session
cookie and of the Authorization header, both known before the view runs, so pinning costs
no query and never stores a secret. A signed cookie would spare browsers the cache
lookup, but integrations ignore cookies: one mechanism for both is simpler.
"""

import logging
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
ROUTER = "perfapp.replicas.PrimaryReplicaRouter"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Who is signed in, and whether they still may be: read where every change lands first.
ALWAYS_PRIMARY = frozenset({"accounts.user", "sessions.session", "authtoken.token"})


@dataclass
class _RequestReads:
    replica: bool  # may this request's reads still go to the replica
    # Transactions already open on the primary when the request began (a test's own), so
    # that only one the request opens itself sends its reads to the primary.
    primary_blocks: int


_current: ContextVar[_RequestReads | None] = ContextVar("perfapp_replica_reads", default=None)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        reads = _current.get()
        if reads is None or not reads.replica or model._meta.label_lower in ALWAYS_PRIMARY:
            return PRIMARY
        if len(connections[PRIMARY].atomic_blocks) > reads.primary_blocks:
            return PRIMARY  # a transaction reads what it writes and locks
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        reads = _current.get()
        if reads is not None:
            reads.replica = False  # from here on the request reads its own writes
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the primary's rows: an object read from one may point to the other's.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints) -> bool:
        return db == PRIMARY  # the replica follows the primary's schema by replication


class ReplicaReadsMiddleware:
    """Opens each request's routing decision and closes it, even when the view fails;
    pins the person behind an unsafe request to the primary. Listed first among the
    middleware that touch the database (before sessions), so that the session key it pins
    is the one the response carries, after a sign-in replaced it."""

    def __init__(self, get_response):
        if ROUTER not in settings.DATABASE_ROUTERS:
            raise MiddlewareNotUsed  # one database: no cost per request
        self.get_response = get_response

    def __call__(self, request):
        safe = request.method in SAFE_METHODS
        reads = _RequestReads(
            replica=safe and not _pinned(request),
            primary_blocks=len(connections[PRIMARY].atomic_blocks),
        )
        token = _current.set(reads)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if not safe:
            _pin(request)
        return response


def _pin_keys(*secrets: str | None) -> list[str]:
    return [
        "replica-pin:" + salted_hmac("perfapp.replicas", secret, algorithm="sha256").hexdigest()
        for secret in secrets
        if secret
    ]


def _pinned(request) -> bool:
    keys = _pin_keys(
        request.COOKIES.get(settings.SESSION_COOKIE_NAME), request.META.get("HTTP_AUTHORIZATION")
    )
    if not keys:
        return False
    try:
        return bool(cache.get_many(keys))
    except Exception:  # the cache backend's own errors: no common base class
        logger.warning("replica pin unreadable; reading the primary", exc_info=True)
        return True  # the primary is always right, only busier


def _pin(request) -> None:
    session = getattr(request, "session", None)
    keys = _pin_keys(
        session.session_key if session is not None else None,
        request.META.get("HTTP_AUTHORIZATION"),
    )
    if not keys:
        return
    try:
        cache.set_many(dict.fromkeys(keys, True), timeout=settings.REPLICA_PIN_SECONDS)
    except Exception:  # the change is made: answer it, at worst read a moment stale next
        logger.warning("replica pin not stored", exc_info=True)
