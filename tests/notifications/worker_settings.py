"""Settings for the real Celery worker that ``test_worker_kill`` starts and kills.

Everything the test decides comes through the environment: the test database pytest-django
created (the worker must see the rows the test committed), a Redis database and a queue of
its own (pytest runs with ``-n 2``), and where a slow, countable email backend writes.
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

from perfapp.settings.test import *  # noqa: F403
from perfapp.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["WORKER_KILL_DB_NAME"]

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_URL = os.environ.get("WORKER_KILL_BROKER_URL", "redis://127.0.0.1:6379/15")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = os.environ["WORKER_KILL_QUEUE"]
CELERY_BEAT_SCHEDULE = {}
# Small chunks, so the kill lands with some chunks sent and others still waiting.
OUTBOX_BATCH_SIZE = int(os.environ.get("WORKER_KILL_BATCH_SIZE", "50"))


class SlowFileBackend(BaseEmailBackend):
    """Takes ``delay`` seconds per message (a slow SMTP server), then writes it to a file of
    its own. The rename is atomic, so a file exists exactly when an email "left"."""

    def __init__(self, *, file_path: str, delay: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.file_path = Path(file_path)
        self.delay = delay

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            time.sleep(self.delay)
            name = uuid.uuid4().hex
            partial = self.file_path / f".{name}.tmp"
            partial.write_bytes(message.message().as_bytes())
            os.replace(partial, self.file_path / f"{name}.eml")
        return len(email_messages)


MAILERS = {
    "default": {
        "BACKEND": "tests.notifications.worker_settings.SlowFileBackend",
        "OPTIONS": {
            "file_path": os.environ["WORKER_KILL_MAIL_DIR"],
            "delay": float(os.environ.get("WORKER_KILL_MAIL_DELAY", "0.02")),
        },
    }
}
