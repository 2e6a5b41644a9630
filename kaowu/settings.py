"""Settings, read from the environment.

Development (the default): SQLite at var/kaowu.sqlite3, DEBUG on, a fixed local secret.
Production: KAOWU_ENV=production, with DJANGO_SECRET_KEY, KAOWU_ALLOWED_HOSTS and usually
DATABASE_URL and KAOWU_PUBLIC_URL set; `manage.py check --deploy` then reports nothing.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KAOWU_VAR_DIR", BASE_DIR / "var"))

PRODUCTION = os.environ.get("KAOWU_ENV", "development") == "production"


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


if PRODUCTION:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    DEBUG = False
    ALLOWED_HOSTS = _env_list("KAOWU_ALLOWED_HOSTS")
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-kaowu")
    DEBUG = os.environ.get("KAOWU_DEBUG", "1") == "1"
    ALLOWED_HOSTS = _env_list("KAOWU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")


def _public_url() -> str:
    """The address people reach the site at (scheme and host, no trailing slash): admission tickets print it
    in their QR code, and the worker that makes batch PDFs has no request to take it from. KAOWU_PUBLIC_URL;
    in production, when unset, https:// and the first of KAOWU_ALLOWED_HOSTS; in development the runserver."""
    from urllib.parse import urlsplit

    from django.core.exceptions import ImproperlyConfigured

    url = os.environ.get("KAOWU_PUBLIC_URL", "").strip().rstrip("/")
    if not url:
        hosts = [host.lstrip(".") for host in ALLOWED_HOSTS if host not in {"*", ""} and "*" not in host]
        if not PRODUCTION:
            return "http://127.0.0.1:8000"
        if not hosts:
            raise ImproperlyConfigured("Set KAOWU_PUBLIC_URL (e.g. https://kaowu.example.cn) or KAOWU_ALLOWED_HOSTS.")
        return f"https://{hosts[0]}"
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"KAOWU_PUBLIC_URL must be http(s)://host[:port][/path], not {url!r}.")
    return url


KAOWU_PUBLIC_URL = _public_url()
# Public certificate verifications per client address and minute (page and API together).
# How long a process keeps the province's holiday entries before reading them again (kaowu.core.holidays); a
# change made in the process itself is seen at once.
KAOWU_HOLIDAY_CACHE_SECONDS = int(os.environ.get("KAOWU_HOLIDAY_CACHE_SECONDS", "60"))
KAOWU_VERIFY_PER_MINUTE = int(os.environ.get("KAOWU_VERIFY_PER_MINUTE", "30"))
# The province's Ed25519 certificate signing key (kaowu.certificates.keys); default var/certificate-signing-key.pem.
KAOWU_CERT_KEY_FILE = os.environ.get("KAOWU_CERT_KEY_FILE", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "ninja",  # serves the API docs from its own static files instead of a CDN
    "django_tasks",
    "django_tasks_db",
    "kaowu.core",
    "kaowu.accounts",
    "kaowu.catalog",
    "kaowu.sites",
    "kaowu.plans",
    "kaowu.portal",
    "kaowu.registration",
    "kaowu.arrangement",
    "kaowu.staffing",
    "kaowu.scoring",
    "kaowu.certificates",
    "kaowu.workspace",
    "kaowu.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "kaowu.core.middleware.RequestContextMiddleware",
    "kaowu.core.middleware.RuleViolationMiddleware",
]

ROOT_URLCONF = "kaowu.urls"
WSGI_APPLICATION = "kaowu.wsgi.application"

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
                "kaowu.workspace.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    # SQLite cannot create the folder its file lives in: without this a fresh checkout's first
    # `kaowu migrate` fails with "unable to open database file".
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "kaowu.sqlite3",
            # Keep the connection between requests: opening one (and its PRAGMAs) per request
            # cost /healthz most of its time in the http_baseline benchmark.
            "CONN_MAX_AGE": 60,
            # Tests use a file too: an in-memory database shared with the live server's thread
            # fails at once with "table is locked" where a file waits for the lock (timeout).
            "TEST": {"NAME": VAR_DIR / "test-kaowu.sqlite3"},
            # WAL lets readers go on while a writer commits; IMMEDIATE avoids lock upgrades
            # failing half-way through a transaction under concurrent writes.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "kaowu.accounts.security.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kaowu.accounts.security.CharacterClassesValidator"},
]

# Lockout: five failures lock an account for 15 minutes. An address is locked only after
# more failures, because a whole 鉴定站 or city center usually reaches us through one NAT address.
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("KAOWU_LOGIN_LOCKOUT_MINUTES", "15"))
LOGIN_LOCKOUT_ACCOUNT_FAILURES = int(os.environ.get("KAOWU_LOGIN_LOCKOUT_ACCOUNT_FAILURES", "5"))
LOGIN_LOCKOUT_IP_FAILURES = int(os.environ.get("KAOWU_LOGIN_LOCKOUT_IP_FAILURES", "20"))

SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("KAOWU_STATIC_ROOT", VAR_DIR / "staticfiles"))
# Uploaded files (site photos and videos, later candidates' photos): personal data, never served
# as static files; views that show them check the user's scope.
MEDIA_ROOT = Path(os.environ.get("KAOWU_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# --- Background tasks ---------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# While a job runs, `kaowu worker` records a heartbeat every KAOWU_JOB_HEARTBEAT_SECONDS; a running job without one
# for KAOWU_JOB_STALE_SECONDS (its worker was killed or lost the machine) is shown and marked as failed.
KAOWU_JOB_HEARTBEAT_SECONDS = float(os.environ.get("KAOWU_JOB_HEARTBEAT_SECONDS", "5"))
KAOWU_JOB_STALE_SECONDS = float(os.environ.get("KAOWU_JOB_STALE_SECONDS", str(12 * KAOWU_JOB_HEARTBEAT_SECONDS)))

# --- Content-Security-Policy: nothing from another host, no inline script or style. ------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("KAOWU_SSL_REDIRECT", "1") == "1"
    # Load balancers and the benchmark probe /healthz over plain HTTP on the inside network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = _env_list("KAOWU_CSRF_TRUSTED_ORIGINS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAOWU_LOG_LEVEL", "WARNING")},
}

# A list export with more rows than this runs as a background job (progress page, then a download link).
KAOWU_EXPORT_BACKGROUND_ROWS = int(os.environ.get("KAOWU_EXPORT_BACKGROUND_ROWS", "2000"))
