"""touchbase settings, configured from environment variables; SQLite when DATABASE_URL is unset."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from touchbase.core.secret_key import secret_key_load

# Django's generic classes take type arguments at runtime too (ModelForm[Contact]) for mypy.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TOUCHBASE_DATA_DIR", Path.cwd() / "var"))


def env_flag(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("TOUCHBASE_DEBUG", False)
# Without a configured key, one is generated into DATA_DIR on first start and kept, so
# sessions survive restarts and no key published with the source is ever used.
SECRET_KEY = os.environ.get("TOUCHBASE_SECRET_KEY", "") or secret_key_load(
    data_dir=DATA_DIR, debug=DEBUG
)
ALLOWED_HOSTS = os.environ.get("TOUCHBASE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("TOUCHBASE_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]
BASE_URL = os.environ.get("TOUCHBASE_BASE_URL", "http://127.0.0.1:8000")
# Uploaded images (drafts of the news page); served through touchbase's own views, which
# show a file only where its post is public, never from a public media folder.
MEDIA_ROOT = Path(os.environ.get("TOUCHBASE_MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "/media/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    # Serves the API docs' scripts from our static files; from the CDN they break the CSP.
    "ninja",
    "touchbase.core",
    "touchbase.visitors",
    "touchbase.relationships",
    "touchbase.care",
    "touchbase.imports",
    "touchbase.catalogue",
    "touchbase.listening",
    "touchbase.ideas",
    "touchbase.publishing",
    "touchbase.community",
    "touchbase.inside",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before sessions and sign-in: it answers live AMA polls from memory (see its module).
    "touchbase.inside.middleware.LivePollMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "touchbase.core.htmx.HtmxMessagesMiddleware",
    "touchbase.core.middleware.WorkspaceMiddleware",
    # Django reads uploaded files from POST only; the API replaces images with PUT.
    "ninja.compatibility.files.fix_request_files_middleware",
]

ROOT_URLCONF = "touchbase.urls"
WSGI_APPLICATION = "touchbase.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "touchbase.core.context_processors.workspace",
            ],
        },
    },
]


def database_config() -> Mapping[str, object]:
    """SQLite in DATA_DIR unless DATABASE_URL names another database."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "touchbase.sqlite3",
        # Kept open between requests, as PostgreSQL's: opening the file, setting the pragmas,
        # reading the schema again and (for the last one to close) checkpointing the WAL cost
        # about 2 ms a request, more than most requests themselves (bench/banners.py).
        "CONN_MAX_AGE": 60,
        "OPTIONS": {
            # WAL lets the worker write while the web server reads; IMMEDIATE avoids
            # "database is locked" on upgrade from a read to a write transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "relationships:due-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = os.environ.get("TOUCHBASE_LANGUAGE", "en")
# en-gb has no catalogue of its own: Django gives English variants no fallback, so its
# texts are the English source strings and only the formats (dates as 23/11/2026) differ.
LANGUAGES = [("en", _("English")), ("en-gb", _("English (UK)")), ("de", _("German"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TOUCHBASE_TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Each process keeps its own.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND_PATH = os.environ.get(
    "TOUCHBASE_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
SMTP_OPTIONS = {
    "host": os.environ.get("TOUCHBASE_SMTP_HOST", "127.0.0.1"),
    "port": int(os.environ.get("TOUCHBASE_SMTP_PORT", "25")),
    "username": os.environ.get("TOUCHBASE_SMTP_USER", ""),
    "password": os.environ.get("TOUCHBASE_SMTP_PASSWORD", ""),
    "use_tls": env_flag("TOUCHBASE_SMTP_STARTTLS", False),
    "timeout": 20,
}
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        # Other backends (console, file) refuse SMTP options.
        "OPTIONS": SMTP_OPTIONS if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("TOUCHBASE_FROM_EMAIL", "touchbase <touchbase@localhost>")

# HTTPS settings are off by default so `make run` works over plain HTTP; production turns
# them on (README, "Running on PostgreSQL in production").
SESSION_COOKIE_SECURE = env_flag("TOUCHBASE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("TOUCHBASE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("TOUCHBASE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_flag("TOUCHBASE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_flag("TOUCHBASE_SSL_REDIRECT", False)
# Load balancers probe the health check over plain HTTP and count a redirect as a failure.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_flag("TOUCHBASE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind a proxy every request comes from the proxy's address; the sign-in throttle then
# takes the client's address from the X-Forwarded-For header the proxy appends to.
CLIENT_ADDRESS_FROM_FORWARDED_FOR = env_flag("TOUCHBASE_PROXY_FORWARDED_FOR", False)
CONTENT_SECURITY_POLICY = {
    "default-src": [CSP.SELF],
    # Scripts come only from our static files: no inline scripts, handlers or eval.
    "script-src": [CSP.SELF],
    # Templates carry style attributes (bar widths among them) and htmx adds its indicator
    # styles inline; injected styles cannot run code.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Django's debug pages carry inline scripts, so while debugging violations are only reported.
SECURE_CSP = {} if DEBUG else CONTENT_SECURITY_POLICY
SECURE_CSP_REPORT_ONLY = CONTENT_SECURITY_POLICY if DEBUG else {}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TOUCHBASE_LOG_LEVEL", "WARNING")},
}

# Outgoing webhooks refuse hosts that resolve to loopback or private networks, so a
# workspace cannot make the server call its own internal services; tests and closed
# installations may allow them.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_flag("TOUCHBASE_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

# How often the worker's scheduler looks for periodic work (digests), in seconds.
SCHEDULER_INTERVAL_SECONDS = int(os.environ.get("TOUCHBASE_SCHEDULER_INTERVAL", "60"))
