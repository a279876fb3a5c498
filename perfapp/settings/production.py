"""Production: every secret must come from the environment, and the app refuses to start
without one."""

from .base import *  # noqa: F403
from .base import env, with_replica

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: fails loudly when missing
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES = with_replica(DATABASES)  # DATABASE_REPLICA_URL, when set
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=env("REDIS_URL"))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
MAILERS = {"default": mailer_from_url(env("EMAIL_URL"))}  # noqa: F405

# Shared by every worker: sessions are read from it (written through to the database, so a
# flushed cache signs nobody out), and DRF's throttles count in it across workers.
CACHES = redis_cache(env("CACHE_URL", default=env("REDIS_URL")))  # noqa: F405
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
