"""An email backend that counts instead of sending, in Redis, so every worker process adds
to the same figures and a duplicate is caught whichever process sent it."""

import hashlib
import time

import redis
from django.core.mail.backends.base import BaseEmailBackend

PREFIX = "bench:mail"
# Keys under the prefix:
TOTAL = "total"  # emails "sent"
DUPLICATES = "duplicates"  # emails whose (recipient, subject, body) came before
SEEN = "seen"  # a set of digests of (recipient, subject, body)
LAST_AT = "last_at"  # time.time() of the latest email counted

_clients: dict[str, redis.Redis] = {}


def client_for(url: str) -> redis.Redis:
    """One client (and connection pool) per process; redis-py starts afresh after a fork."""
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url)
    return _clients[url]


def digest(recipients: list[str], subject: str, body: str) -> bytes:
    text = "\n".join((",".join(sorted(recipients)), subject, body))
    return hashlib.blake2b(text.encode(), digest_size=12).digest()


class CountingBackend(BaseEmailBackend):
    """Counts each email, and each repeat of an email already counted, in Redis.

    A stand-in for an infinitely fast mail server: nothing is built for the wire (no MIME
    rendering, no SMTP), so the benchmark measures perfapp's delivery. Like a mail server
    connection, it has a cost per connection and not per email: what was sent between
    ``open()`` and ``close()`` is counted in one Redis round trip when the connection
    closes (a ``send_messages`` without ``open()`` is a connection of its own).
    """

    def __init__(self, *, redis_url: str, prefix: str = PREFIX, **kwargs):
        super().__init__(**kwargs)
        self.redis = client_for(redis_url)
        self.prefix = prefix
        self.pending: list[bytes] | None = None  # None: closed

    def open(self) -> bool:
        if self.pending is not None:
            return False
        self.pending = []
        return True

    def close(self) -> None:
        pending, self.pending = self.pending, None
        if not pending:
            return
        pipe = self.redis.pipeline(transaction=False)
        pipe.sadd(f"{self.prefix}:{SEEN}", *pending)
        pipe.incrby(f"{self.prefix}:{TOTAL}", len(pending))
        pipe.set(f"{self.prefix}:{LAST_AT}", time.time())
        added = pipe.execute()[0]
        # Repeats inside one connection are not added to the set twice either.
        if added < len(pending):
            self.redis.incrby(f"{self.prefix}:{DUPLICATES}", len(pending) - added)

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        opened = self.open()
        self.pending.extend(
            digest(message.recipients(), message.subject, message.body)
            for message in email_messages
        )
        if opened:
            self.close()
        return len(email_messages)


def count(redis_client: redis.Redis, name: str, prefix: str = PREFIX) -> int:
    """Read one counter (``TOTAL`` or ``DUPLICATES``)."""
    return int(redis_client.get(f"{prefix}:{name}") or 0)
