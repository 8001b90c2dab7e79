"""Settings for the outreach tracker: one file, every value from the environment.

The README lists each variable. SQLite is the embedded default; set DATABASE_URL
for PostgreSQL.
"""

import importlib.util
import os
import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# Where the running app keeps its files (the SQLite database, collected static files, mail):
# the checkout by default; the newcomer test points it at a fresh temporary folder.
STATE_DIR = Path(os.environ.get("STATE_DIR") or BASE_DIR).resolve()

env = environ.Env()


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable; refuse anything that is not clearly true or false."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is neither true (1) nor false (0)")


DEBUG = env_bool("DJANGO_DEBUG", False)
# Under pytest the fast hasher and test hosts apply even if bin/test was bypassed.
TESTING = env_bool("DJANGO_TESTING", "pytest" in sys.modules)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY is required when DJANGO_DEBUG is not 1")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG or TESTING:
    ALLOWED_HOSTS += ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_filters",
    "django_celery_beat",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's assets, served locally (no CDN)
    "csp",
    "axes",
    # The project's own apps, each importing only those above it: outreach -> cables -> accounts;
    # config holds the project-wide commands (backup).
    "accounts",
    "cables",
    "outreach",
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.RejectNulMiddleware",
    # Before CSRF, which is the first to read the body: an oversize paste gets a page, not a bare 400.
    "config.middleware.RequestTooLargeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view opts out with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a lockout into a 429 page.
    "axes.middleware.AxesMiddleware",
]

# AxesStandaloneBackend first: a locked-out user is refused before the password is checked.
# PageUserBackend is Django's ModelBackend loading the roles and unread count with the user (config/auth.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "config.auth.PageUserBackend",
]

ROOT_URLCONF = "config.urls"
# <input> and <select> written in Python, byte for byte what Django's widget templates write (config/forms.py).
FORM_RENDERER = "config.forms.FastWidgetRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.roles.roles_context",
                "outreach.context_processors.reminders_context",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{STATE_DIR / 'db.sqlite3'}"
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
# A read replica, when set, takes the dashboards' reads (or all reads): see config/db_router.py.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    # A replica that does not answer costs a request at most this long before the primary takes over.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
    MIDDLEWARE.append("config.db_router.ReplicaReadsMiddleware")
REPLICA_READS = os.environ.get("REPLICA_READS", "dashboards")  # dashboards | all
if REPLICA_READS not in {"dashboards", "all"}:
    raise ImproperlyConfigured(f"REPLICA_READS={REPLICA_READS!r} is neither dashboards nor all")
# Reads fall back to the primary while the replica lags more than this (or is down), for
# REPLICA_RETRY_SECONDS before it is tried again; its health is checked every REPLICA_CHECK_SECONDS.
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=5)
REPLICA_RETRY_SECONDS = env.float("REPLICA_RETRY_SECONDS", default=15)
# After a session's own write its pages read the primary this long: at least the lag the replica may
# have, so a user always sees what they just did.
REPLICA_READ_YOUR_WRITES_SECONDS = env.int("REPLICA_READ_YOUR_WRITES_SECONDS", default=int(REPLICA_MAX_LAG_SECONDS) + 1)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Celery workers and the web server write the same file: wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
# The pages are in English only and nothing is translated. With translation on, every reverse(), date
# and number asked for the active language through a context-local lookup: ~1,200 times on a 300-post
# demarche page. Formats still come from the language's locale (en), so pages read the same.
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", STATE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Attachments on a post's thread and its delivery or report (outreach/threads/): where every web node can
# read them. "database" keeps the bytes in the database (outreach.StoredFile); "s3" uses django-storages'
# S3 backend (install django-storages[s3]; the bucket, keys and endpoint come from its AWS_* variables).
ATTACHMENT_STORAGE = os.environ.get("ATTACHMENT_STORAGE", "database").strip().lower()
if ATTACHMENT_STORAGE == "database":
    STORAGES["attachments"] = {"BACKEND": "outreach.threads.storage.DatabaseStorage"}
elif ATTACHMENT_STORAGE == "s3":
    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured("ATTACHMENT_STORAGE=s3 needs django-storages[s3]: pip install 'django-storages[s3]'")
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("ATTACHMENT_S3_PREFIX", "outreach"),
            # Private objects; downloads go through the app's access check, never a bucket URL.
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"ATTACHMENT_STORAGE must be database or s3, not {ATTACHMENT_STORAGE!r}")
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_PER_POST = env.int("ATTACHMENT_MAX_PER_POST", default=50 * 1024 * 1024)

# Cables are text; anything near this size is not a cable.
CABLE_MAX_BYTES = env.int("CABLE_MAX_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = CABLE_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = CABLE_MAX_BYTES + 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(STATE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Outreach tracker <outreach-tracker@localhost>")
# Where replies to reminders go (comma-separated; empty: no Reply-To).
EMAIL_REPLY_TO = env.list("EMAIL_REPLY_TO", default=["Outreach desk <outreach-desk@localhost>"])
# The highest classification an ordinary email may carry; above it, reminders give only ids, posts and dates.
EMAIL_MAX_CLASSIFICATION = os.environ.get("EMAIL_MAX_CLASSIFICATION", "UNCLASSIFIED")

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "send-due-reminders": {
        "task": "outreach.tasks.send_due_reminders",
        "schedule": timedelta(minutes=env.int("REMINDER_SWEEP_MINUTES", default=15)),
    },
}
# The overview's figures for readers of every post come from snapshots this many minutes apart
# (outreach.dashboards.snapshots); 0 computes them live on every request.
OVERVIEW_SNAPSHOT_MINUTES = env.int("OVERVIEW_SNAPSHOT_MINUTES", default=5)
if OVERVIEW_SNAPSHOT_MINUTES < 0:
    raise ImproperlyConfigured("OVERVIEW_SNAPSHOT_MINUTES must be 0 (off) or a number of minutes")
OVERVIEW_SNAPSHOT_DAYS = (30, 90, 365)  # every period the overview offers
if OVERVIEW_SNAPSHOT_MINUTES:
    CELERY_BEAT_SCHEDULE["refresh-overview-snapshots"] = {
        "task": "outreach.tasks.refresh_overview_snapshots",
        "schedule": timedelta(minutes=OVERVIEW_SNAPSHOT_MINUTES),
        # A refresh still queued when the next is due is useless: drop it rather than pile up.
        "options": {"expires": OVERVIEW_SNAPSHOT_MINUTES * 60},
    }

# Demarche defaults, editable per demarche.
DEMARCHE_DELIVER_WITHIN_DAYS = env.int("DEMARCHE_DELIVER_WITHIN_DAYS", default=7)
DEMARCHE_REPORT_WITHIN_DAYS = env.int("DEMARCHE_REPORT_WITHIN_DAYS", default=14)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # JSON with a depth limit; every error of Django's and of the services answered in JSON with its 4xx.
    "DEFAULT_PARSER_CLASSES": [
        "outreach.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "outreach.api.errors.handle",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Outreach tracker API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/semantic.html"

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Load balancers probe over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/ready)?$"]

# Content Security Policy (django-csp 4): only this site's own scripts, styles and images; no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login throttling (django-axes): 5 failures for one user from one address lock it for 15 minutes.
# Off by default under DJANGO_TESTING because the test client's login() passes no request;
# tests/security/test_login_throttle.py turns it on to prove the lockout.
AXES_ENABLED = env_bool("AXES_ENABLED", not TESTING)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Axes prints a banner on stdout at start-up, which would corrupt `parse_cable --json`.
AXES_VERBOSE = False
# Behind N load balancers the client address is the Nth address from the right of X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_ip"
# A lockout can be caused by someone else behind the same address (see docs/hardening.md): the page
# says whom to ask, and an administrator unlocks from the admin (Users > "Unlock login").
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
LOCKOUT_CONTACT = os.environ.get("LOCKOUT_CONTACT", "your site administrator")

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Calendar links carry their secret in the URL: no log line keeps it (config/logredact.py).
    "filters": {"redact_secrets": {"()": "config.logredact.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's default config gives its own loggers a console handler too (under DEBUG) and lets them
    # propagate to the root: every 500 and 403 would print twice. One handler, the root's.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}

# Reminders (docs/reminders.md): defaults, each overridable per demarche.
REMINDER_DAYS_BEFORE = env.int("REMINDER_DAYS_BEFORE", default=2)
REMINDER_OVERDUE_EVERY_DAYS = env.int("REMINDER_OVERDUE_EVERY_DAYS", default=3)
REMINDER_ESCALATE_AFTER_DAYS = env.int("REMINDER_ESCALATE_AFTER_DAYS", default=7)
REMINDER_MAX_PER_TASK = env.int("REMINDER_MAX_PER_TASK", default=6)
REMINDER_WORKING_HOURS = tuple(env.list("REMINDER_WORKING_HOURS", cast=int, default=[8, 18]))
REMINDER_SEND_MAX_RETRIES = env.int("REMINDER_SEND_MAX_RETRIES", default=5)
REMINDER_SWEEP_CHUNK = env.int("REMINDER_SWEEP_CHUNK", default=2000)
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

# The covering indexes are for PostgreSQL; SQLite simply builds them without the extra columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
