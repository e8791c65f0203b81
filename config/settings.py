"""Settings for ggzy, read from the environment.

Nothing here needs a service installed: without DATABASE_URL the site runs on SQLite under
var/. Secrets come from the environment or from a file named by the matching *_FILE variable,
never from the repository.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GGZY_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    """A setting from NAME, or from the file named by NAME_FILE (for container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def env_bool(name: str, default: bool) -> bool:
    # A typo such as SECURE_COOKIES=ture must stop the start, not quietly turn a protection off.
    value = env(name).strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={env(name)!r} is not a yes/no value; use one of {', '.join(_TRUE + _FALSE)}"
    )


def _dev_secret(name: str, size: int = 32) -> str:
    # A development secret (the key, a token) made once per checkout under var/ and kept out of git,
    # so sessions survive restarts without anybody committing a secret. The platform and the demo CA
    # run in one process in development, so both ends of a token read the same file.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(size), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY") or _dev_secret("secret_key", 50)
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "core",
    "registry",
    "pki",
    "signing",
    "centers",
    "review",
    "procurement",
    "backoffice",
    "portal",
    "democa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pki.session_guard.CertificateSessionGuard",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "registry.context_processors.account",
                "pki.views.agent_settings",
                "centers.people_context.acting_person",
            ],
        },
    },
]

# Widgets render through the project's templates (the attachment widget lives there).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a write is under way; IMMEDIATE avoids the
    # "database is locked" upgrade race when two requests write at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "registry.Account"
AUTHENTICATION_BACKENDS = ["registry.auth.LoginNameBackend"]
LOGIN_URL = "registry:login"
LOGIN_REDIRECT_URL = "registry:home"
LOGOUT_REDIRECT_URL = "portal:home"

# One validator, one help line (registry/passwords.py): Django's four each added an English help
# line beside the project's own rule, and their similarity check never saw the subject's name.
AUTH_PASSWORD_VALIDATORS = [{"NAME": "registry.passwords.PasswordRuleValidator"}]
# The first hashes new passwords; the others still verify older hashes (upgraded at login).
PASSWORD_HASHERS = [
    "registry.passwords.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60

# HTTPS. A production site (DEBUG off) is served over HTTPS only, by default: cookies are Secure,
# plain HTTP is redirected, and browsers are told by HSTS never to use HTTP again. Behind a reverse
# proxy that ends TLS, set GGZY_PROXY_SSL_HEADER=1 and have the proxy set (overwrite, never pass on)
# `X-Forwarded-Proto: https`; without it Django sees plain HTTP and would redirect forever.
# GGZY_HTTPS=0 serves plain HTTP (a closed test network only); `make run` has DEBUG on and so HTTP.
GGZY_HTTPS = env_bool("GGZY_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", GGZY_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("GGZY_SSL_REDIRECT", GGZY_HTTPS)
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", str(365 * 24 * 60 * 60))) if GGZY_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
if env_bool("GGZY_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies stand before the site, each appending to X-Forwarded-For (nginx:
# `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`); the audit log's client address is
# read from there. 0: the address the connection came from.
GGZY_PROXY_COUNT = int(env("GGZY_PROXY_COUNT", "0"))

LANGUAGE_CODE = "zh-hans"
# The only language of the UI: LocaleMiddleware would otherwise give Django's own texts (form errors,
# validators) in English to a browser that prefers English, beside the pages' Chinese.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ggzy <noreply@ggzy.localhost>")
PASSWORD_RESET_TIMEOUT = 60 * 60

# Attachments (电子件): the limit is shown next to every upload field before the user picks a file.
ATTACHMENT_MAX_BYTES = int(env("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Password login lockout: this many failures within the window lock the account for LOCK_MINUTES.
LOGIN_MAX_FAILURES = int(env("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCK_MINUTES = int(env("LOGIN_LOCK_MINUTES", "15"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Huey logs every task it runs at INFO: thousands of lines a day that say nothing went wrong.
    "loggers": {
        "huey": {"level": env("QUEUE_LOG_LEVEL", "WARNING")},
        # pyHanko logs a traceback at WARNING for every suspicious file it reads; on the public
        # verification page those are visitors' files, and the report already says what is wrong.
        "pyhanko": {"level": env("PDF_LOG_LEVEL", "ERROR")},
        "pyhanko_certvalidator": {"level": env("PDF_LOG_LEVEL", "ERROR")},
    },
}

# Certificates (pki). Pages call the local agent (证书助手) here; it listens on loopback only.
GGZY_AGENT_URL = env("GGZY_AGENT_URL", "http://127.0.0.1:17461")
# Where `make agent-dist` puts the agent's wheel that 下载证书助手 (/pki/agent/) offers.
GGZY_AGENT_DIST_DIR = Path(env("GGZY_AGENT_DIST_DIR", str(VAR_DIR / "agent-dist")))
# The trust store folder (issuers.toml + PEM files) that `manage.py trust_load` reads.
GGZY_TRUST_DIR = Path(env("GGZY_TRUST_DIR", str(VAR_DIR / "trust")))

# CA办理申请 (统一注册平台 §4.1): the platform posts applications to the CA company's intake and
# the CA answers on the callback, each side with a bearer token (core/outbox.py sends, the
# receiver compares). Without configuration both ends point at the demo CA (democa/) on this
# server, so `make run` works end to end.
GGZY_CA_INTAKE_URL = env("GGZY_CA_INTAKE_URL", "http://127.0.0.1:8000/democa/intake/")
GGZY_CA_INTAKE_TOKEN = env("GGZY_CA_INTAKE_TOKEN") or _dev_secret("ca_intake_token")
GGZY_CA_CALLBACK_URL = env("GGZY_CA_CALLBACK_URL", "http://127.0.0.1:8000/registry/ca-applications/callback/")
GGZY_CA_CALLBACK_TOKEN = env("GGZY_CA_CALLBACK_TOKEN") or _dev_secret("ca_callback_token")
# The demo CA stands in for the CA company's system. Its URLs are mounted only when this is on:
# by default with DEBUG (as `make run` sets it), so a production site never exposes a fake CA
# unless GGZY_DEMO_CA=1 asks for one.
GGZY_DEMO_CA = env_bool("GGZY_DEMO_CA", DEBUG)
# The certificate agent's PIN window is a popup on the agent's own (loopback) origin; Django's default
# COOP "same-origin" would sever it from the page, which then could not tell it is still open.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin-allow-popups"

# Electronic seals (signing). Signatures carry an RFC 3161 time-stamp. With GGZY_TSA_URL unset the
# platform's own TSA (signing/tsa.py, key and certificate in these files) answers in-process; set it to
# use a TSA over HTTP, ours at /signing/tsa/ on another deployment or a commercial one.
GGZY_TSA_URL = env("GGZY_TSA_URL", "")
GGZY_TSA_DIR = Path(env("GGZY_TSA_DIR", str(VAR_DIR / "tsa")))
# Encrypts the TSA's key file (tsa.key.pem) when set; GGZY_TSA_KEY_PASSWORD_FILE for a container secret.
GGZY_TSA_KEY_PASSWORD = env("GGZY_TSA_KEY_PASSWORD")

# The worker's queue (core/queue.py, Huey): empty puts it in a SQLite file under var/ (nothing to
# install; `make run` uses it); `sqlite:///path` names another file; `redis://host:port/db` uses Redis,
# as production does. The name separates deployments (or tests) sharing one Redis.
GGZY_QUEUE_URL = env("GGZY_QUEUE_URL", "")
GGZY_QUEUE_NAME = env("GGZY_QUEUE_NAME", "ggzy")
# The registry's change feed of subjects (/registry/feed/subjects/), read by centers deployed apart
# (centers/follow.py) with this bearer token.
GGZY_FEED_TOKEN = env("GGZY_FEED_TOKEN") or _dev_secret("feed_token")
# A center deployed apart follows the registry's feed at this URL as this center (its code); the
# worker then reads it every second. Empty in the all-in-one deployment, where the worker delivers
# to every center directly.
GGZY_FOLLOW_FEED_URL = env("GGZY_FOLLOW_FEED_URL", "")
GGZY_FOLLOW_CENTER = env("GGZY_FOLLOW_CENTER", "")
# Open data (procurement/ocds.py): every contracting process's OCDS ocid starts with this prefix. A
# deployment registers its own with the Open Contracting Partnership (ocds- and six characters);
# the default marks data that is not yet registered. The publisher names the platform in packages.
GGZY_OCDS_PREFIX = env("GGZY_OCDS_PREFIX", "ocds-ggzy00")
GGZY_OCDS_PUBLISHER = env("GGZY_OCDS_PUBLISHER", "ggzy 公共资源交易平台")
