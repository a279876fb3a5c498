"""Settings shared by every environment.

Everything that differs between machines comes from the environment (django-environ);
see the README's "Configuration" table for every variable.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Runtime files of a local install (SQLite database, broker folders, beat schedule).
RUN_DIR = BASE_DIR / ".run"

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "allauth",
    "allauth.account",
    # The core: every domain app builds on these.
    "perfapp.accounts",
    "perfapp.orgs",
    "perfapp.tenancy",
    "perfapp.notifications",
    "perfapp.audit",
    "perfapp.web",
    "perfapp.analytics",
    "perfapp.privacy",
    # Domain apps, in dependency order.
    "advancement",
    "feedback",
    "development",
    "recognition",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Which database a request reads (perfapp/replicas.py); before sessions, whose key it
    # pins after a change. Drops out at start-up when there is no replica.
    "perfapp.replicas.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Sessions signed in under Django's own backend name stay signed in (removable later).
    "perfapp.accounts.backends.LegacySessionBackendMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Resolves /o/<org>/ pages to a tenant and activates its scope; must come after auth.
    "perfapp.tenancy.middleware.OrganizationMiddleware",
    # Marks the organization last opened in this browser for the picker after sign-in.
    "perfapp.web.middleware.LastOrganizationMiddleware",
    # A GET to an address that only takes a form goes to its page; no blank 405 pages.
    "perfapp.web.middleware.MethodNotAllowedMiddleware",
]

ROOT_URLCONF = "perfapp.urls"
# Our templates/django/forms/field.html renders every field: label, input, errors, help.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "perfapp.wsgi.application"
ASGI_APPLICATION = "perfapp.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "perfapp.web.context_processors.shell",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{RUN_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)

# A read replica (docs/running.md#read-replicas): with DATABASE_REPLICA_URL set, safe
# requests read from it, except where they must see the latest truth (perfapp/replicas.py).
# Without it there is one database and no router.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
# How long a person's reads stay on the primary after they changed something. Longer than
# the replica lag you tolerate, so that nobody misses what they have just done.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=5)


def with_replica(databases: dict) -> dict:
    """``databases`` plus the replica, when one is configured, connected as the primary is
    (persistent connections and health checks alike)."""
    if DATABASE_REPLICA_URL:
        replica = env.db_url_config(DATABASE_REPLICA_URL)
        for option in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
            if option in databases["default"]:
                replica[option] = databases["default"][option]
        databases["replica"] = replica
    return databases


DATABASES = with_replica(DATABASES)
# The statements perfapp compiles once (perfapp/compiled.py) are also prepared on each
# Postgres connection, so Postgres plans them once. Off behind pgbouncer in transaction
# mode (docs/running.md#behind-pgbouncer-transaction-pooling).
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DATABASE_ROUTERS = ["perfapp.replicas.PrimaryReplicaRouter"] if DATABASE_REPLICA_URL else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's model backend, reading the signed-in user with a compiled statement.
    "perfapp.accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "start"

# allauth: email is the login; there are no usernames.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_SIGNUP_REDIRECT_URL = "/orgs/new/"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "perfapp.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "perfapp.accounts.forms.SignupForm",
    "login": "perfapp.accounts.forms.LoginForm",
}
# Account emails name the product, not the host the request came in on.
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[perfapp] "

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".run" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Email: console by default; SMTP (or any scheme django-environ knows) through EMAIL_URL.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="perfapp <no-reply@perfapp.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def redis_cache(location: str) -> dict:
    """A cache shared by every worker, in Redis (production and the benchmark)."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "perfapp",
        }
    }


def mailer_from_url(url: str) -> dict:
    """Translate an EMAIL_URL into a Django 6.1 MAILERS entry."""
    config = environ.Env.email_url_config(url)
    options = {
        "host": config.get("EMAIL_HOST"),
        "port": config.get("EMAIL_PORT"),
        "username": config.get("EMAIL_HOST_USER"),
        "password": config.get("EMAIL_HOST_PASSWORD"),
        "use_tls": config.get("EMAIL_USE_TLS"),
        "use_ssl": config.get("EMAIL_USE_SSL"),
    }
    backend = config["EMAIL_BACKEND"]
    if not backend.endswith("smtp.EmailBackend"):
        options = {}
    return {"BACKEND": backend, "OPTIONS": {k: v for k, v in options.items() if v}}


MAILERS = {
    "default": mailer_from_url(env("EMAIL_URL", default="consolemail://")),
}

# Celery: Redis when configured, else kombu's filesystem transport (no server needed).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
BROKER_DIR = RUN_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(BROKER_DIR / "data"),
        "data_folder_out": str(BROKER_DIR / "data"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(RUN_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "dispatch-outbox": {
        "task": "perfapp.notifications.tasks.dispatch_outbox",
        "schedule": 30.0,
    },
    "expire-feedback-requests": {
        "task": "feedback.tasks.expire_feedback_requests",
        "schedule": 3600.0,
    },
    "checkin-housekeeping": {
        "task": "feedback.tasks.checkin_housekeeping",
        "schedule": 3600.0,
    },
    # Hourly, so a scheduled cycle opens early on its date wherever its organization is.
    "open-scheduled-cycles": {
        "task": "feedback.tasks.open_scheduled_cycles",
        "schedule": crontab(minute=10),
    },
    # Hourly, so each person's digest leaves in their own morning (their time zone).
    "notification-digests": {
        "task": "perfapp.notifications.tasks.send_digests",
        "schedule": crontab(minute=5),
    },
    "requeue-stuck-outbox": {
        "task": "perfapp.notifications.tasks.requeue_stuck_outbox",
        "schedule": 300.0,
    },
    "development-plan-housekeeping": {
        "task": "development.tasks.plan_housekeeping",
        "schedule": 3600.0,
    },
    # Hourly, so a promotion takes effect early on its day in every organization's zone.
    "apply-due-promotions": {
        "task": "advancement.tasks.apply_due_promotions",
        "schedule": crontab(minute=20),
    },
    # Mondays 07:00 UTC; a reminder, so it waits for each manager's morning.
    "recognition-quiet-reports": {
        "task": "recognition.tasks.nudge_quiet_reports",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "perfapp.api.pagination.StableCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "perfapp.api.errors.error_envelope_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "perfapp API",
    "DESCRIPTION": (
        "Every organization's data lives under /api/v1/orgs/{org_slug}/. Authenticate with "
        "`Authorization: Token YOUR_KEY` (create a key on your profile page) or a browser session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's own files, served from here (the page shows perfapp's icon: see
    # templates/drf_spectacular/swagger_ui.html). No ReDoc: its bundle injects inline
    # styles the Content-Security-Policy refuses and loads fonts from elsewhere.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Group endpoints by resource (members, teams, …) rather than under one "v1" tag.
    "SCHEMA_PATH_PREFIX": r"/api/v1/orgs/\{org_slug\}",
}

# Content-Security-Policy: nothing loads from anywhere but here; scripts need the nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Invitations stay valid this long.
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=14)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "format": ("ts=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)s"),
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Absolute links in emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
