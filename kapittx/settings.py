"""Settings for Kapittx, read from the environment in this one module.

Defaults suit the embedded run (SQLite file, filesystem Celery broker, DEBUG on).
With ``DEBUG=0`` the strict production settings apply and ``SECRET_KEY`` must be set.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KAPITTX_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "kapittx-embedded-development-key-not-for-production"
# Earlier SECRET_KEYs, comma-separated, while their signatures (unsubscribe links in sent
# mail, sessions) and the credentials encrypted with keys derived from them still matter.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "anymail",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "kapittx",
    "receivables",
    "reminders",
    "collections_app",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kapittx.signin.gate.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the "try again later" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kapittx.urls"
WSGI_APPLICATION = "kapittx.wsgi.application"

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
                "kapittx.tenancy.tenant_context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kapittx.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded run has a web server and a worker writing to one file.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "kapittx.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# The lockout check comes first; it lets no password be tried while locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in throttling (django-axes): a user at an address is locked out after
# AXES_FAILURE_LIMIT wrong passwords, an address after KAPITTX_LOGIN_ADDRESS_FAILURE_LIMIT
# wrong passwords for any users; the lockout ends AXES_COOLOFF_TIME after the last attempt.
AXES_FAILURE_LIMIT = int(os.environ.get("KAPITTX_LOGIN_FAILURE_LIMIT", "5"))
KAPITTX_LOGIN_ADDRESS_FAILURE_LIMIT = int(
    os.environ.get("KAPITTX_LOGIN_ADDRESS_FAILURE_LIMIT", "20")
)
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KAPITTX_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "kapittx.signin.throttle.LoginThrottle"
AXES_USERNAME_CALLABLE = "kapittx.signin.throttle.typed_email"
AXES_CLIENT_IP_CALLABLE = "kapittx.signin.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "kapittx.signin.lockout.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["csrfmiddlewaretoken"]
# The login forms (the app's and the admin's) call the email field "username".
AXES_USERNAME_FORM_FIELD = "username"
#: Reverse proxies in front of the app that append to X-Forwarded-For (0: none, the
#: client's address is REMOTE_ADDR). Set it behind a load balancer, or every client
#: shares the balancer's address and one lockout.
KAPITTX_PROXY_COUNT = int(os.environ.get("KAPITTX_PROXY_COUNT", "0"))

# Password reset by email: links stay valid this many seconds; requests per hour allowed
# from one address and for one email address.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("KAPITTX_PASSWORD_RESET_TIMEOUT", "3600"))
KAPITTX_RESET_REQUESTS_PER_ADDRESS = int(os.environ.get("KAPITTX_RESET_REQUESTS_PER_ADDRESS", "5"))
KAPITTX_RESET_REQUESTS_PER_EMAIL = int(os.environ.get("KAPITTX_RESET_REQUESTS_PER_EMAIL", "3"))

# Two-factor sign-in (django-otp): authenticator apps show this name beside the account.
OTP_TOTP_ISSUER = os.environ.get("KAPITTX_TOTP_ISSUER", "Kapittx")
# The admin may remove a user's devices (a lost phone) but never reads their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Content-Security-Policy (django-csp): scripts and styles only from the app's own static
# files, no framing, forms post only back to the app.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
if csp_report_uri := os.environ.get("KAPITTX_CSP_REPORT_URI", ""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [csp_report_uri]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
if DEBUG:
    # The embedded run keeps its SQLite file, broker folders and static files here.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# The REST API (integrations.api; docs/api.md): tenant API keys, JSON only, one problem
# details format for every error.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["integrations.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["integrations.api.permissions.KeyScope"],
    "DEFAULT_THROTTLE_CLASSES": ["integrations.api.throttling.PerKeyThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["integrations.api.parsers.JsonBody"],
    "DEFAULT_FILTER_BACKENDS": ["integrations.api.filters.QueryFilters"],
    "DEFAULT_SCHEMA_CLASS": "integrations.api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": True,
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "integrations.api.problems.ProblemHandler",
    "EXCEPTION_FORMATTER_CLASS": "integrations.api.problems.ProblemFormatter",
    # Every failure under /api/ has the problem shape, in development too; the traceback
    # still goes to the log.
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kapittx API",
    "DESCRIPTION": "Customers, invoices, payments and credit notes in; reminders, timeline, "
    "collections and aging out. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "integrations.api.schema.close_request_objects",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
#: Requests per key and minute (or "/s", "/h", "/day"); counted in the shared cache.
KAPITTX_API_RATE = os.environ.get("KAPITTX_API_RATE", "600/min")
#: The largest request body the API reads: 10,000 bulk items fit with room to spare.
KAPITTX_API_MAX_BODY = int(os.environ.get("KAPITTX_API_MAX_BODY", str(32 * 1024 * 1024)))
#: How long a response to an Idempotency-Key is kept for its retries (hours).
KAPITTX_IDEMPOTENCY_HOURS = int(os.environ.get("KAPITTX_IDEMPOTENCY_HOURS", "48"))

# Celery: Redis when REDIS_URL is set, otherwise a filesystem broker under var/ so the
# embedded run needs no service. Schedule state lives in the database, never the broker.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_TASK_IGNORE_RESULT = True
# Every task is time-limited: at the soft limit it is asked to stop (SoftTimeLimitExceeded),
# at the hard limit its worker process is replaced, so no task holds a worker for good.
# Tasks that need longer (sweeps, sends, hourly maintenance) set their own limits.
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Refuses to start while another beat runs against the same database (kapittx.beat).
CELERY_BEAT_SCHEDULER = "kapittx.beat:SingleBeatScheduler"
CELERY_BEAT_SCHEDULE = {
    "tick": {"task": "kapittx.tasks.tick", "schedule": 60.0},
    "reminders": {"task": "reminders.tick", "schedule": 60.0},
    "payment-habits": {"task": "receivables.refresh_habits", "schedule": 3600.0},
    "reminder-positions": {"task": "reminders.place_missing", "schedule": 3600.0},
    "api-idempotency-keys": {"task": "integrations.api.forget_responses", "schedule": 3600.0},
    "webhooks": {"task": "integrations.webhooks.tick", "schedule": 60.0},
    "invoices-overdue": {"task": "integrations.webhooks.announce_overdue", "schedule": 3600.0},
}
CELERY_TASK_DEFAULT_QUEUE = "celery"

# The cache also counts sends per provider account and second, so it must be shared by
# every worker: Redis when there is one.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
#: Sends per second allowed on the platform's own provider accounts.
KAPITTX_PLATFORM_RATES = {
    "email": int(os.environ.get("KAPITTX_EMAIL_RATE", "100")),
    "twilio": int(os.environ.get("KAPITTX_TWILIO_RATE", "10")),
}

# Email goes through django-anymail; any provider it supports is one EMAIL_BACKEND away.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kapittx <no-reply@kapittx.local>")
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_")
}
# The password of the platform's ESP webhooks ("user:password"); several, comma-separated,
# while the ESP is moved to a new one. Required with DEBUG off (a system check).
if "WEBHOOK_SECRET" in ANYMAIL:
    ANYMAIL["WEBHOOK_SECRET"] = env_list("ANYMAIL_WEBHOOK_SECRET", "")

# The embedded run keeps messages in the local outbox instead of calling any provider.
KAPITTX_LOCAL_CHANNELS = env_bool("KAPITTX_LOCAL_CHANNELS", DEBUG)
# Fernet keys for provider credentials kept in the database, comma-separated: the first
# encrypts, all decrypt (rotation). Required with DEBUG off; derived from SECRET_KEY if unset.
KAPITTX_ENCRYPTION_KEY = os.environ.get("KAPITTX_ENCRYPTION_KEY", "")
# Public base URL, for links in messages and provider callbacks.
KAPITTX_PUBLIC_URL = os.environ.get("KAPITTX_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# A Unicode TrueType font for PDF statements; empty: DejaVu Sans where the system has it,
# else Helvetica with the letters Latin-1 lacks written plainly (docs/configuration.md).
KAPITTX_PDF_FONT = os.environ.get("KAPITTX_PDF_FONT", "")

# Outgoing calls to addresses tenants type in (webhook endpoints, an email provider's API
# address; kapittx.egress): https only, and only to public addresses, unless these allow
# more (tests, self-hosting on a private network). Timeouts in seconds.
KAPITTX_EGRESS_ALLOW_PRIVATE = env_bool("KAPITTX_EGRESS_ALLOW_PRIVATE", False)
KAPITTX_EGRESS_ALLOW_HTTP = env_bool("KAPITTX_EGRESS_ALLOW_HTTP", False)
KAPITTX_EGRESS_CONNECT_TIMEOUT = float(os.environ.get("KAPITTX_EGRESS_CONNECT_TIMEOUT", "5"))
KAPITTX_EGRESS_READ_TIMEOUT = float(os.environ.get("KAPITTX_EGRESS_READ_TIMEOUT", "15"))
# Wake a worker as soon as an event's webhook deliveries are committed, rather than at the
# next minute tick.
KAPITTX_WEBHOOKS_KICK = env_bool("KAPITTX_WEBHOOKS_KICK", True)

TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # fontTools logs each glyph subset of a PDF statement at INFO.
    "loggers": {"fontTools": {"level": "WARNING"}},
}

# Reminder channels (reminders.channels; see docs/channels.md).
# Platform Twilio senders, used by tenants without a Twilio ProviderAccount of their own.
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TWILIO_WHATSAPP_FROM = os.environ.get("TWILIO_WHATSAPP_FROM", "")
TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
# Dotted path to a twilio.http.HttpClient subclass; empty = Twilio's own (tests swap it).
KAPITTX_TWILIO_HTTP_CLIENT = os.environ.get("KAPITTX_TWILIO_HTTP_CLIENT") or None
# Seconds before a Twilio API call is given up (and retried later as a transient error).
KAPITTX_TWILIO_TIMEOUT = float(os.environ.get("KAPITTX_TWILIO_TIMEOUT", "10"))

# Importers (integrations.importers; see docs/imports.md): the largest file accepted, and
# the number of rows above which an import runs as a background task with a progress bar.
KAPITTX_IMPORT_MAX_BYTES = int(os.environ.get("KAPITTX_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
KAPITTX_IMPORT_BACKGROUND_ROWS = int(os.environ.get("KAPITTX_IMPORT_BACKGROUND_ROWS", "2000"))
