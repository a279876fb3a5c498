"""Settings for ``make bench``: production-like where it matters for speed, isolated elsewhere.

Like production: no debug, persistent database connections, a real Celery worker on
Redis. Isolated: a database of its own (``BENCH_DATABASE_URL``, dropped and recreated by
each run), a Redis database of its own (``BENCH_REDIS_URL``, flushed by each run) and an
email backend that counts emails in that Redis database instead of sending them.
"""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, LOGGING, env, redis_cache, with_replica

DEBUG = False

BENCH_DATABASE_URL = env(
    "BENCH_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/perfapp_bench"
)
DATABASES = {"default": env.db_url_config(BENCH_DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = 60  # as in production
DATABASES = with_replica(DATABASES)  # DATABASE_REPLICA_URL, when set, as in production

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]

BENCH_REDIS_URL = env("BENCH_REDIS_URL", default="redis://127.0.0.1:6379/14")
CELERY_BROKER_URL = BENCH_REDIS_URL
# As in production: sessions read from Redis, written through to the database.
CACHES = redis_cache(BENCH_REDIS_URL)
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = "bench"
CELERY_BEAT_SCHEDULE = {}  # the benchmark triggers every dispatch itself

# Rows per dispatcher chunk (perfapp.notifications.tasks.BATCH_SIZE); the benchmark's
# --chunk-size passes it to its worker through the environment.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=500)

MAILERS = {
    "default": {
        "BACKEND": "bench.mail.CountingBackend",
        "OPTIONS": {"redis_url": BENCH_REDIS_URL},
    }
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["root"]["level"] = env("LOG_LEVEL", default="WARNING")

# The anchor page of the load test (bench/urls.py); gunicorn runs with
# perfapp.settings.bench_server, which sets it too.
BENCH_ANCHOR = True
