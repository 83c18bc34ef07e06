"""Django settings for gopherbot, read from the environment (see README, "Configuration").

The variable names match the Go bot this project replaces, so an operator can
move over without renaming anything. Every default is safe for a local run;
ENV=production refuses to start without the secrets it needs.
"""

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from gopherbot.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Deployment -------------------------------------------------------------

ENV = env_choice("ENV", ("production", "staging", "testing", "development"), "development")
PRODUCTION = ENV == "production"

HEROKU_APP_NAME = env_str("HEROKU_APP_NAME")
HEROKU_DYNO_ID = env_str("HEROKU_DYNO_ID")
HEROKU_SLUG_COMMIT = env_str("HEROKU_SLUG_COMMIT")

# --- Slack -------------------------------------------------------------------

SLACK_APP_ID = env_str("GOPHER_SLACK_APP_ID", "" if PRODUCTION else "A0LOCALBOT")
SLACK_TEAM_ID = env_str("GOPHER_SLACK_TEAM_ID", "" if PRODUCTION else "T0LOCALTEAM")
SLACK_SIGNING_SECRET = env_str(
    "GOPHER_SLACK_REQUEST_SECRET", "" if PRODUCTION else "local-signing-secret"
)
SLACK_VERIFICATION_TOKEN = env_str("GOPHER_SLACK_REQUEST_TOKEN")  # legacy; checked when set
SLACK_BOT_TOKEN = env_str("GOPHER_SLACK_BOT_ACCESS_TOKEN")
SLACK_CLIENT_ID = env_str("GOPHER_SLACK_CLIENT_ID")  # accepted, unused
SLACK_CLIENT_SECRET = env_str("GOPHER_SLACK_CLIENT_SECRET")  # accepted, unused
SLACK_API_URL = env_str("GOPHER_SLACK_API_URL", "https://slack.com/api/")
# The app-level token (xapp-…, scope connections:write) for Socket Mode: `manage.py
# socket_mode` receives events over a WebSocket instead of POST /slack/event, and
# runbot uses it when this is set.
SLACK_APP_TOKEN = env_str("GOPHER_SLACK_APP_TOKEN")

# Anything but production runs in shadow mode: the bot answers only DMs and
# mentions, and the pollers log what they would post instead of posting it.
# Without a bot token the bot talks to the local Slack stand-in: there is no
# real workspace to protect, so it behaves exactly as in production.
SLACK_USES_STANDIN = not SLACK_BOT_TOKEN and not PRODUCTION
# The token the stand-in (localdev.standin) accepts, and so the bot's token when it talks to
# the stand-in. Not a secret: nothing else accepts it.
SLACK_STANDIN_TOKEN = "xoxb-standin"  # noqa: S105
if SLACK_USES_STANDIN:
    SLACK_BOT_TOKEN = SLACK_STANDIN_TOKEN
SHADOW_MODE = not PRODUCTION and not SLACK_USES_STANDIN
# In shadow mode the pollers post to this channel (a name, e.g. "gopherbot-dev")
# instead of their real ones; empty: they only log what they would post.
SHADOW_MODE_CHANNEL = env_str("GOPHER_SHADOW_CHANNEL")

# https://api.slack.com/authentication/verifying-requests-from-slack
SLACK_REPLAY_WINDOW_SECONDS = 5 * 60
SLACK_MAX_BODY_BYTES = 2 * 1024 * 1024
# Slack retries an event immediately, after 1 minute and after 5 minutes: its job (the
# delivery record, gateway.delivery) is kept at least this long, and then expires.
SLACK_EVENT_DEDUP_SECONDS = env_int("GOPHER_EVENT_DEDUP_SECONDS", 10 * 60)
if SLACK_EVENT_DEDUP_SECONDS < 10 * 60:
    raise ImproperlyConfigured(
        "GOPHER_EVENT_DEDUP_SECONDS must be at least 600: Slack retries for over 5 minutes"
    )

# --- Outside services ---------------------------------------------------------

PLAYGROUND_URL = env_str("GOPHER_PLAYGROUND_URL", "https://go.dev")
GERRIT_URL = env_str("GOPHER_GERRIT_URL", "https://go-review.googlesource.com")
CHANGELOG_URL = env_str("GOPHER_CHANGELOG_URL", "https://changelog.com")
MASTODON_URL = env_str("GOPHER_MASTODON_URL", "https://changelog.social")
# files.info right after an upload can answer file_not_found; the Go bot waited a second.
PLAYGROUND_FILE_DELAY_SECONDS = 1.0

# --- Redis and RQ ---------------------------------------------------------------


def _redis_url() -> str:
    url = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
    parts = urlsplit(url)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1") or parts.scheme == "unix"
    # The Go bot spoke TLS unless told GOPHER_REDIS_INSECURE=1; keep that in
    # production so a plain redis:// URL from the platform is not sent in clear.
    if PRODUCTION and parts.scheme == "redis" and not local and not REDIS_INSECURE:
        return urlunsplit(parts._replace(scheme="rediss"))
    return url


def _with_client_options(url: str, **options: object) -> str:
    """`url` with redis-py's client options in its query (the URL's own values win)."""
    parts = urlsplit(url)
    query = {**{k: str(v) for k, v in options.items()}, **dict(parse_qsl(parts.query))}
    return urlunsplit(parts._replace(query=urlencode(query)))


REDIS_INSECURE = env_bool("GOPHER_REDIS_INSECURE")
REDIS_SKIP_VERIFY = env_bool("GOPHER_REDIS_SKIPVERIFY")
REDIS_URL = _redis_url()
# Local runs without REDIS_URL: `manage.py runbot` starts a private redis-server.
REDIS_EMBEDDED = not env_str("REDIS_URL") and not PRODUCTION
REDIS_TLS = REDIS_URL.startswith("rediss://")

# The one Redis configuration: django-rq reads it for the workers and the queue views,
# gopherbot.connections for everything else. A command that hangs fails after 5 s (RQ's
# workers lengthen that for their blocking wait); idle connections are checked first.
REDIS_CONNECTION = {
    "URL": _with_client_options(
        REDIS_URL, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
    )
}
if REDIS_TLS:
    REDIS_CONNECTION["SSL_CERT_REQS"] = "none" if REDIS_SKIP_VERIFY else "required"

QUEUE_PUBLIC_MESSAGES = "slack_message_public"
QUEUE_PRIVATE_MESSAGES = "slack_message_private"
QUEUE_TEAM_JOINS = "slack_team_join"
QUEUE_CHANNEL_JOINS = "slack_channel_join"
QUEUE_DEFAULT = "default"
EVENT_QUEUES = (
    QUEUE_PUBLIC_MESSAGES,
    QUEUE_PRIVATE_MESSAGES,
    QUEUE_TEAM_JOINS,
    QUEUE_CHANNEL_JOINS,
)

RQ_QUEUES = {
    name: {**REDIS_CONNECTION, "DEFAULT_TIMEOUT": 60} for name in (*EVENT_QUEUES, QUEUE_DEFAULT)
}
# The queue views are mounted (for superusers only) by gopherbot.urls, the admin link too.
RQ_SHOW_ADMIN_LINK = False
# An event job stops at this timeout; a job whose worker died is seen as abandoned
# after twice this, at a worker's next maintenance run (every WORKER_MAINTENANCE_SECONDS).
EVENT_JOB_TIMEOUT = env_int("GOPHER_EVENT_JOB_TIMEOUT", 60)
WORKER_MAINTENANCE_SECONDS = env_int("GOPHER_WORKER_MAINTENANCE_SECONDS", 60)
# Workers' and the scheduler's Redis commands retry this long before the process logs an
# outage and waits for Redis (gopherbot.redis_outages); they never exit over it.
REDIS_RETRY_SECONDS = env_int("GOPHER_REDIS_RETRY_SECONDS", 20)
# Posts to one channel, from every process: a burst of this many, then one per interval
# (slackapi.pacing). The bot's replies are scheduled for their turn (bot.outbox), and one
# whose turn is further off than MAX_DELAY is dropped. The pollers wait for their turn, up
# to MAX_WAIT (a post that would wait longer fails retryably, well within the timeout).
SLACK_CHANNEL_POST_BURST = 3
SLACK_CHANNEL_POST_INTERVAL = 1.0
SLACK_CHANNEL_POST_MAX_WAIT = EVENT_JOB_TIMEOUT / 3
SLACK_CHANNEL_POST_MAX_DELAY = 10 * 60
# Warms the Slack client, bot identity and content index before forking job processes.
RQ = {"WORKER_CLASS": "bot.worker.BotWorker"}

# --- Django ------------------------------------------------------------------

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "" if PRODUCTION else "local-only-insecure-key")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["*"])
PORT = env_int("PORT", 8000)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_rq",
    "gateway",
    "bot",
    "slackapi",
    "glossary",
    "responses",
    "pollers",
    "insights",
]
# The local tooling (runbot, chat, the Slack stand-in, the embedded Redis): never in production.
if not PRODUCTION:
    INSTALLED_APPS.append("localdev")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gopherbot.request_body.RequestBodyDeadline",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# A request's body arrives within this many seconds of its headers, or it is answered 408
# (under the Procfile's gevent workers; see gopherbot.request_body).
REQUEST_BODY_TIMEOUT_SECONDS = 5

ROOT_URLCONF = "gopherbot.urls"
DEFAULT_EXCEPTION_REPORTER_FILTER = "gopherbot.error_reports.SecretsFilter"
WSGI_APPLICATION = "gopherbot.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Closed after each request: the web process serves requests in greenlets (gevent),
        # and a persistent connection per greenlet would never be closed.
        conn_max_age=0,
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Logins: counted before the password is checked, refused past these many attempts in the
# window (gopherbot.login_throttle); the checks themselves run off the web's event loop.
AUTHENTICATION_BACKENDS = ["gopherbot.login_throttle.ThrottledModelBackend"]
LOGIN_ATTEMPTS_PER_USER = 10
LOGIN_ATTEMPTS_PER_ADDRESS = 20
LOGIN_ATTEMPTS_WINDOW_SECONDS = 15 * 60
PASSWORD_HASHERS = [
    "gopherbot.passwords.OffLoopPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The Procfile's release step collects them here (so does Heroku's build); production serves
# only these, under hashed names. Local runs serve them from the apps as well.
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Files served at the site's root: the favicon browsers ask every admin page for.
WHITENOISE_ROOT = BASE_DIR / "gopherbot" / "public"

if PRODUCTION:
    # The platform terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^_ruok$", r"^_ready$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Local runs (manage.py runbot and chat) ------------------------------------

# Where runbot keeps the embedded Redis's data and the state file chat reads.
LOCAL_DATA_DIR = Path(env_str("GOPHER_LOCAL_DIR", str(BASE_DIR / "var")))
# The address runbot's web process listens on (the Procfile's web, elsewhere, on every one).
LOCAL_WEB_HOST = env_str("GOPHER_WEB_HOST", "127.0.0.1")
# The local superuser's password; unset → a new random one printed at every start.
LOCAL_ADMIN_PASSWORD = env_str("GOPHER_ADMIN_PASSWORD")

# --- Logging -----------------------------------------------------------------

LOG_LEVEL = env_choice("GOPHER_LOG_LEVEL", ("debug", "info", "warning", "error"), "info").upper()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"process": {"()": "gopherbot.logfmt.ProcessFilter"}},
    "formatters": {"logfmt": {"()": "gopherbot.logfmt.LogfmtFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "logfmt",
            "filters": ["process"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # 4xx answers are logged by whoever gave them (the gateway: one line per request);
        # Django's own line for each would double them. 5xx stay, with their traceback.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "rq.worker": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Production guard ----------------------------------------------------------

if PRODUCTION:
    _required = {
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": ALLOWED_HOSTS,
        "GOPHER_SLACK_APP_ID": SLACK_APP_ID,
        "GOPHER_SLACK_TEAM_ID": SLACK_TEAM_ID,
        "GOPHER_SLACK_REQUEST_SECRET": SLACK_SIGNING_SECRET,
        "GOPHER_SLACK_BOT_ACCESS_TOKEN": SLACK_BOT_TOKEN,
        "REDIS_URL": env_str("REDIS_URL"),
        "DATABASE_URL": env_str("DATABASE_URL"),
    }
    _missing = sorted(name for name, value in _required.items() if not value)
    if _missing:
        raise ImproperlyConfigured(
            "ENV=production needs these environment variables: " + ", ".join(_missing)
        )
    if DEBUG:
        # Refused rather than ignored: the operator meant something, and debug pages
        # would show settings and tracebacks to anyone who can reach the web process.
        raise ImproperlyConfigured("DJANGO_DEBUG must be off with ENV=production")
