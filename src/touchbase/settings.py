"""touchbase settings, configured from environment variables; SQLite when DATABASE_URL is unset."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("TOUCHBASE_DATA_DIR", Path.cwd() / "var"))


def env_flag(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("TOUCHBASE_DEBUG", False)
SECRET_KEY = os.environ.get("TOUCHBASE_SECRET_KEY", "")
if not SECRET_KEY:
    # A fixed development key keeps sessions alive across restarts of `make run`;
    # production must set its own (documented in the README).
    SECRET_KEY = "touchbase-development-key-change-me-in-production-0123456789"
ALLOWED_HOSTS = os.environ.get("TOUCHBASE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("TOUCHBASE_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]
BASE_URL = os.environ.get("TOUCHBASE_BASE_URL", "http://127.0.0.1:8000")

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
    "touchbase.core",
    "touchbase.relationships",
    "touchbase.care",
    "touchbase.imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "touchbase.core.middleware.WorkspaceMiddleware",
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


def database_config() -> dict[str, object]:
    """SQLite in DATA_DIR unless DATABASE_URL names another database."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "touchbase.sqlite3",
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
LANGUAGES = [("en", _("English")), ("de", _("German"))]
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

SESSION_COOKIE_SECURE = env_flag("TOUCHBASE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

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
