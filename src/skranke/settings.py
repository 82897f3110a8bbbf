"""Skranke's one settings module, configured from the environment.

Every variable is documented in docs/operations.md. The helpers below fail
loudly on a value they cannot read, so a typo in production stops start-up
instead of silently falling back to a default.
"""

import datetime as dt
import json
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SKRANKE_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_json_map(name: str) -> dict[str, str]:
    """A JSON object of strings to strings, e.g. {"skranke-leder": "Leder"}."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a JSON object; got {raw!r}") from None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ImproperlyConfigured(f'{name} must be a JSON object of texts, e.g. {{"a": "b"}}; got {raw!r}')
    return value


def env_rate(name: str, default: str) -> str:
    """A request rate such as 60/minute (per second, minute, hour or day), as the API's throttles read it."""
    raw = os.environ.get(name, default).strip()
    count, _slash, period = raw.partition("/")
    if not (count.isdigit() and int(count) > 0 and period in {"second", "minute", "hour", "day"}):
        raise ImproperlyConfigured(
            f"{name} must be a number of requests per second, minute, hour or day, e.g. 60/minute; got {raw!r}"
        )
    return raw


def env_secret(name: str) -> str:
    """A secret from the environment; with DEBUG on and none set, one generated once and kept in var/.

    Kept in var/ so that sessions, citizen hashes and the audit chain survive
    a restart of `make demo`.
    """
    value = os.environ.get(name, "")
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off (see docs/operations.md).")
    path = VAR_DIR / f"dev-{name.lower().replace('_', '-')}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY")
# The key of the citizen hash (HMAC of the CPR number). Never change it on a
# running installation: the same citizen would get a new hash, and re-contact
# statistics would start over.
CPR_HASH_KEY = env_secret("CPR_HASH_KEY")
# The key of the audit trail's hash chain; kept apart from the database, so
# that someone who can write to the database cannot forge a valid chain.
AUDIT_KEY = env_secret("AUDIT_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "skranke.privacy",
    "skranke.catalogue",
    "skranke.organisation",
    "skranke.queues",
    "skranke.contacts",
    "skranke.bookings",
    "skranke.insights",
    "skranke.api",
    "skranke.web",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "skranke.web.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "skranke.web.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "skranke.urls"
WSGI_APPLICATION = "skranke.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "skranke.web.context_processors.workplace",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'skranke.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Prepared statements for the hot path's hand-written SQL (skranke.sql.sql_cursor): planned once per
    # connection after this many uses. Empty turns them off, as a pooler in transaction mode (PgBouncer
    # before 1.21) needs; the ORM's own queries are never prepared (they carry their values in the text).
    _prepare = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5").strip()
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        env_int("DATABASE_PREPARE_THRESHOLD", 5, minimum=0) if _prepare else None
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo's web server and a management
    # command write at the same time without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests on a file, not in memory: an in-memory database shared with the
    # live server's thread (browser tests) locks whole tables and ignores the
    # busy timeout, so a page polling during a write would fail.
    # One file per test run, so two runs at once do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"skranke-test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout after repeated failed logins (django-axes). Counted per username
# *and* client address, so that a mistyping colleague at another counter
# does not lock out the whole office, and a guessed username cannot be tried
# from one machine without limit.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The same address the audit trail records (REMOTE_ADDR as the proxy sets it).
AXES_CLIENT_IP_CALLABLE = "skranke.privacy.services.client_address"
AXES_LOCKOUT_CALLABLE = "skranke.web.views_login.locked_out"
# Only failed attempts are kept, and only until the cool-off ends: no
# separate log of every successful login beside the audit trail.
AXES_DISABLE_ACCESS_LOG = True
# No admin pages for the attempts: they would show every municipality's
# usernames to each other. An administrator lifts a lockout early with
# `skranke axes_reset_username USERNAME`.
AXES_ENABLE_ADMIN = False

# A signed-in user whose last request is longer ago than this is signed out
# (skranke.web.middleware.IdleTimeoutMiddleware); 0 turns it off.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60, minimum=0)

# The counter day: how many times a called citizen is called again before staff
# may record them as not showing up.
NO_SHOW_AFTER_RECALLS = env_int("NO_SHOW_AFTER_RECALLS", 1, minimum=0)

# Appointments: a citizen checking in more than this many minutes after the start gets a walk-in ticket;
# check-in opens this many minutes before it; a freed time offered from the waitlist is held this many hours.
BOOKING_CHECK_IN_GRACE_MINUTES = env_int("BOOKING_CHECK_IN_GRACE_MINUTES", 15, minimum=0)
BOOKING_CHECK_IN_EARLY_MINUTES = env_int("BOOKING_CHECK_IN_EARLY_MINUTES", 30, minimum=0)
BOOKING_OFFER_HOURS = env_int("BOOKING_OFFER_HOURS", 2, minimum=1)
# The reminder goes this many hours before the appointment (e-mail, and SMS when a phone number was given).
BOOKING_REMINDER_HOURS = env_int("BOOKING_REMINDER_HOURS", 24, minimum=1)
# Links in e-mails and text messages start with this (the address citizens reach Skranke at).
SKRANKE_BASE_URL = os.environ.get("SKRANKE_BASE_URL", "http://127.0.0.1:8000")
# Text messages: the console backend writes them to the log; a gateway is a class with send(message).
SKRANKE_SMS_BACKEND = os.environ.get("SKRANKE_SMS_BACKEND", "skranke.notices.sms.ConsoleSmsBackend")
# Background work (reminders, waitlist offers) in the database, run by `skranke db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The REST API at /api/v1 (skranke.api, docs/api.md). Tokens only, no sessions (so no CSRF), JSON only
# (no browsable API: its pages carry inline scripts the CSP refuses), every error in one JSON shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["skranke.api.auth.TokenAuthentication"],
    # Each view names who may call it; a view that forgets is closed to everyone.
    "DEFAULT_PERMISSION_CLASSES": ["skranke.api.auth.Nobody"],
    "DEFAULT_THROTTLE_CLASSES": ["skranke.api.throttling.AnonymousThrottle", "skranke.api.throttling.TokenThrottle"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "skranke.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "skranke.api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Requests per client address without a token, and per token. Counted in each app server process's
# memory (Django's default cache), so behind several processes the whole installation allows that many times more.
API_RATES = {
    "anonymous": env_rate("API_RATE_ANONYMOUS", "120/minute"),
    "token": env_rate("API_RATE_TOKEN", "1200/minute"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Skranke API",
    "DESCRIPTION": (
        "The counter's REST API: the service catalogue, triage, sites and queues, tickets, appointments, "
        "the counter for staff and the key figures for managers. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The enums' values only: their labels are Danish or English by the active language, and the committed
    # schema must not depend on it.
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "AreaEnum": "skranke.organisation.models.Area",
        "KindEnum": "skranke.catalogue.models.Kind",
        "SiteKindEnum": "skranke.organisation.models.SiteKind",
        "TicketStatusEnum": "skranke.queues.models.Status",
        "AppointmentStatusEnum": "skranke.bookings.models.Status",
        "OutcomeEnum": "skranke.contacts.models.Outcome",
        "TicketChannelEnum": "skranke.queues.models.Channel",
        "BookingChannelEnum": "skranke.bookings.models.Channel",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Staff single sign-on through the municipality's OpenID Connect provider
# (mozilla-django-oidc), on only when OIDC_RP_CLIENT_ID is set. See
# "Login og sikkerhed" in docs/operations.md.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "") or None
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile email")
SKRANKE_OIDC_USERNAME_CLAIM = os.environ.get("SKRANKE_OIDC_USERNAME_CLAIM", "preferred_username")
SKRANKE_OIDC_ROLE_CLAIM = os.environ.get("SKRANKE_OIDC_ROLE_CLAIM", "roles")
SKRANKE_OIDC_ROLE_MAP = env_json_map("SKRANKE_OIDC_ROLE_MAP")
_SKRANKE_ROLES = {"Medarbejder", "Leder", "Administrator"}  # skranke.organisation.roles.Role
if bad := sorted(set(SKRANKE_OIDC_ROLE_MAP.values()) - _SKRANKE_ROLES):
    raise ImproperlyConfigured(f"SKRANKE_OIDC_ROLE_MAP maps to unknown groups {bad}; use {sorted(_SKRANKE_ROLES)}.")
_SIGN_ALGOS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]
if OIDC_RP_SIGN_ALGO not in _SIGN_ALGOS:
    raise ImproperlyConfigured(f"OIDC_RP_SIGN_ALGO must be one of {', '.join(_SIGN_ALGOS)}; got {OIDC_RP_SIGN_ALGO!r}")
if OIDC_RP_CLIENT_ID:
    # OIDC_OP_USER_ENDPOINT may stay empty: then the claims come from the ID token alone.
    _needed = ["OIDC_RP_CLIENT_SECRET", "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT"]
    if not OIDC_RP_SIGN_ALGO.startswith("HS"):
        _needed.append("OIDC_OP_JWKS_ENDPOINT")
    if missing := [name for name in _needed if not os.environ.get(name)]:
        raise ImproperlyConfigured(f"OIDC_RP_CLIENT_ID is set, so {', '.join(missing)} must be set too.")
    AUTHENTICATION_BACKENDS.append("skranke.organisation.oidc.MunicipalLoginBackend")
# Only staff a manager has created in Skranke may sign in; see organisation/oidc.py.
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
# Seconds to wait for the provider; without it a hanging provider would hold a worker forever.
OIDC_TIMEOUT = 10

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "src" / "skranke" / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# The front-end packages come from the npm registry (package-lock.json) and
# are served from node_modules under their own prefix: no CDN, works offline.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("dkfds", NODE_MODULES / "dkfds" / "dist"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not env_bool("STATIC_MANIFEST", True)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "skranke@localhost")
# The municipality's mail relay, with EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Lax, not Strict: the single sign-on provider sends the browser back to
# /oidc/callback/ with a cross-site redirect, and the session cookie that
# holds the login's state must come along.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# HTTPS. TLS ends at the municipality's proxy: tell Django which header the
# proxy sets (e.g. X-Forwarded-Proto), or the redirect to HTTPS never ends.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if _proxy_header := os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4): every script and style comes from
# our own /static/ (DKFDS and htmx from node_modules, no CDN), and no page
# carries an inline script, style attribute or on* handler.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # DKFDS's stylesheet draws some icons as data: URIs.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Every handler carries the CPR filter: a CPR-shaped number never reaches a
# log line, whichever logger wrote it. Django's own request and server
# loggers are routed through the same handlers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_cpr": {"()": "skranke.privacy.redaction.RedactCprFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_cpr"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["redact_cpr"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Lockouts are warnings; every login and the start-up banner would only be noise.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
# Error pages and the error e-mail to ADMINS with every CPR-shaped number removed.
DEFAULT_EXCEPTION_REPORTER = "skranke.privacy.redaction.CprRedactingExceptionReporter"
ADMINS = [("Drift", a) for a in env_list("ADMINS", [])]
